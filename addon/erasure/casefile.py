"""What erasure keeps in the case store: the current plan, the run's resumable state and the verification,
each a job row whose state is sealed under the case key (plans name files and folders, which can be
personal data; shredding the case key makes them unreadable with the rest of the case). The approval
itself is the case transition ``erasure_planned -> approved`` whose reason carries the plan's hash.
"""
from __future__ import annotations

import base64
import json
import re
from typing import Any

from ..cases.model import Case
from ..cases.store import now_iso
from .errors import ErasureError
from .plan import plan_hash

_APPROVAL = re.compile(r"^plan sha256:([0-9a-f]{64})\b")
#: Statuses in which the approval recorded by the last move to "approved" still stands.
APPROVED_OR_LATER = ("approved", "erasure_partial", "erased", "verified", "closed")
#: Statuses after the run: what it could do is done (``erasure_partial``: manual redaction remains).
RUN_DONE = ("erasure_partial", "erased")


def plan_job(ref: str) -> str:
    return f"erase-plan:{ref}"


def run_job(ref: str, sha256: str) -> str:
    return f"erase-run:{ref}:{sha256[:16]}"


def verify_job(ref: str) -> str:
    return f"erase-verify:{ref}"


def save_sealed(store, job_id: str, ref: str, kind: str, status: str, data: dict, error: str | None = None) -> None:
    token = store.keys.seal(ref, kind, json.dumps(data, sort_keys=True, ensure_ascii=False))
    store.save_job(job_id, ref, kind, status, {"sealed": token}, error=error)


def load_sealed(store, job_id: str, ref: str) -> tuple[str, dict, dict] | None:
    """(status, data, job row) or None when the job was never saved."""
    job = store.job(job_id)
    if job is None:
        return None
    try:
        data = json.loads(store.keys.unseal(ref, job["kind"], job["state"]["sealed"]))
    except Exception as e:  # a shredded case key: the erasure record is gone with the case
        raise ErasureError(f"case: {ref}'s erasure records can no longer be read ({type(e).__name__}); "
                           "its key was shredded") from None
    return job["status"], data, job


def save_plan(store, ref: str, plan: dict, actor: str, at: str) -> str:
    sha = plan_hash(plan)
    save_sealed(store, plan_job(ref), ref, "erase-plan", "planned",
                {"plan": plan, "sha256": sha, "by": actor, "at": at})
    return sha


def load_plan(store, ref: str) -> tuple[dict, str, dict]:
    """(plan, its hash recomputed from the stored content, metadata). A stored hash that no longer matches
    the content means the plan row was changed outside the product: refuse rather than guess."""
    found = load_sealed(store, plan_job(ref), ref)
    if found is None:
        raise ErasureError(f"case: {ref} has no erasure plan yet; run 'dsar erase plan {ref}' first")
    _, data, _ = found
    sha = plan_hash(data["plan"])
    if sha != data["sha256"]:
        raise ErasureError(f"case: {ref}'s stored plan does not match its recorded hash; make a new plan "
                           f"('dsar erase plan {ref}') and have it approved again")
    return data["plan"], sha, {"by": data["by"], "at": data["at"]}


def approval(case: Case) -> dict[str, Any] | None:
    """Who approved which plan hash, when, if the case is still approved (or has gone on from there)."""
    if case.status not in APPROVED_OR_LATER:
        return None
    for t in reversed(case.history):
        if t["to_status"] == "approved":
            m = _APPROVAL.match(t.get("reason") or "")
            return {"sha256": m.group(1), "by": t["actor"], "role": t["role"], "at": t["at"]} if m else None
    return None


def transition_time(case: Case, to_status: str) -> str | None:
    return next((t["at"] for t in reversed(case.history) if t["to_status"] == to_status), None)


def move_to_planned(store, case: Case, actor: str, role: str, *, sha: str, before: str | None,
                    approved_sha: str | None, planned: str, approved: str) -> tuple[Case, bool]:
    """Erasure and rectification re-plan alike: move to ``planned`` when new or changed, withdrawing an approval
    of a different plan; returns (case, withdrawn)."""
    if case.status == "review":
        return store.transition(case.ref, planned, actor, role, reason=f"planned sha256:{sha}"), False
    if case.status == planned and before != sha:
        return store.transition(case.ref, planned, actor, role, reason=f"re-planned sha256:{sha}"), False
    if case.status == approved and approved_sha != sha:
        return store.transition(case.ref, planned, actor, role,
                                reason=f"plan changed after approval: sha256:{sha}; needs a new approval"), True
    return case, False


def finish_run_state(services, state: dict, actor: str) -> None:
    """A finished run (erasure's or rectification's) keeps when it ended and the audit trail's checkpoint then."""
    cp = services.trail.checkpoint(actor)
    state["finished_at"] = now_iso()
    state["checkpoint"] = checkpoint_json(cp, services.trail.origin)


def checkpoint_fields(cp) -> dict:
    """A signed trail checkpoint as records and certificates carry it: size, root, time and the signed note."""
    return {"size": cp.size, "root": base64.b64encode(cp.root).decode(), "time": cp.time, "note": cp.note}


def checkpoint_json(cp, origin: str) -> dict | None:
    """A trail checkpoint as the run's state keeps it (None when the trail gave none)."""
    if cp is None:
        return None
    return {"origin": origin, **checkpoint_fields(cp)}
