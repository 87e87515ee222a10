"""``dsar erase approve``: the DPO's sign-off. The approval is the case transition ``erasure_planned ->
approved`` by a DPO, whose reason records the SHA-256 of the plan approved; ``erase run`` carries out only a
stored plan with exactly that hash."""
from __future__ import annotations

import re

from ..errors import InputError
from ..roles import require
from . import casefile
from .errors import ErasureError, NotApproved
from .planner import check_case


#: Hex digits of the plan's SHA-256 the DPO must give (48 bits: no plan is approved by a lucky guess).
MIN_HASH_DIGITS = 12
_HEX = re.compile(r"^[0-9a-f]+$")


def approve_plan(services, ref: str, actor: str, *, expected: str | None = None) -> dict:
    """``expected``: the hash (or a prefix of 12+ hex digits) of the plan the DPO reviewed, required: the
    DPO confirms the plan they read, so a plan replaced between reading and approving is never approved.
    The CLI asks for it (``--hash``) or, at a terminal, shows the plan and its hash and asks to confirm."""
    role = require(actor, services.settings, "dpo", action="approving an erasure plan")
    store = services.store
    ref = ref.strip().upper()
    case = store.get(ref)
    check_case(case, "approval")
    plan, sha, meta = casefile.load_plan(store, ref)
    want = (expected or "").strip().lower().removeprefix("sha256:")
    if len(want) < MIN_HASH_DIGITS or not _HEX.match(want):
        raise InputError("--hash", f"give the plan's SHA-256 (at least its first {MIN_HASH_DIGITS} hex digits) as "
                                   f"shown by 'dsar erase plan {ref} --show', to confirm the plan you reviewed"
                         + (f"; {expected!r} is not that" if expected else ""))
    if not sha.startswith(want):
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
