"""``dsar erase approve``: the DPO's sign-off. The approval is the case transition ``erasure_planned ->
approved`` by a DPO, whose reason records the SHA-256 of the plan approved; ``erase run`` carries out only a
stored plan with exactly that hash."""
from __future__ import annotations

from ..roles import require
from . import casefile
from .errors import ErasureError, NotApproved
from .planner import check_case


def approve_plan(services, ref: str, actor: str, *, expected: str | None = None) -> dict:
    """``expected``: the hash (or a prefix of 8+ hex digits) the DPO read in the plan they reviewed, so
    that a plan replaced between reading and approving is not approved by mistake."""
    role = require(actor, services.settings, "dpo", action="approving an erasure plan")
    store = services.store
    ref = ref.strip().upper()
    case = store.get(ref)
    check_case(case, "approval")
    plan, sha, meta = casefile.load_plan(store, ref)
    if expected is not None:
        want = expected.strip().lower().removeprefix("sha256:")
        if len(want) < 8 or not sha.startswith(want):
            raise NotApproved(f"--hash: the stored plan is sha256:{sha[:16]}…, not {expected!r}; "
                              f"review it again with 'dsar erase plan {ref} --show'")
    current = casefile.approval(case)
    if case.status == "approved" and current and current["sha256"] == sha:
        return {"ref": ref, "sha256": sha, "approved_by": current["by"], "at": current["at"], "already": True,
                "counts": plan["counts"]}
    if case.status != "erasure_planned":
        raise ErasureError(f"case: {ref} is {case.status}; only a planned erasure can be approved")
    case = store.transition(ref, "approved", actor, role, reason=f"plan sha256:{sha}")
    got = casefile.approval(case)
    return {"ref": ref, "sha256": sha, "approved_by": got["by"], "at": got["at"], "already": False,
            "planned_by": meta["by"], "counts": plan["counts"]}
