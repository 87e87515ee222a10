"""``dsar erase run``: carry out the approved plan as a resumable, idempotent job.

Only now are the erasure scopes asked for (``scopes_for_step("erase")``; ``https://mail.google.com/`` only
when the approved plan deletes permanently). The run refuses a stored plan whose hash is not the one the
DPO approved. Its state (per item: content hash, outcome, time) is saved after every batch, sealed under the
case key, so running the command again after a crash finishes the job without repeating or missing items.
At the end a signed audit checkpoint covers every call of the run, and the case moves to ``erased`` when
nothing remains, or to ``erasure_partial`` when something is left for a person (a Google Doc awaiting manual
redaction): the status says what remains, never "erased" before it is so.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any, Callable

from googleapiclient.errors import HttpError

from audit.context import Purpose, acting
from audit.errors import TransportError
from scopes import registry

from ..cases.store import now_iso
from ..roles import require
from ..search.service import LEGAL_BASIS
from . import casefile
from .erasers import erase_drive, erase_gmail, erase_sheets
from .workspace import run_source_erasers
from .errors import ErasureError, NotApproved, RunFailed
from .plan import item_id
from .planner import check_case

Hook = Callable[[str, dict], None]
_ERASERS = (("gmail", "gmail", erase_gmail), ("drive", "drive", erase_drive), ("sheets", "sheets", erase_sheets))


class Job:
    """The run's saved state, as the erasers see it."""

    def __init__(self, store, ref: str, job_id: str, state: dict, hook: Hook | None,
                 on_progress: Callable[[int, int], None] | None, total: int) -> None:
        self.store, self.ref, self.job_id, self.state = store, ref, job_id, state
        self._hook, self._progress, self.total = hook, on_progress, total
        self.pending: dict[str, int] = state.setdefault("pending", {})
        state["attempts"] = state.get("attempts", 0) + 1
        self.attempt: int = state["attempts"]
        self.problems: list[str] = state.setdefault("problems", [])

    def item(self, key: str) -> dict:
        return self.state["items"].setdefault(key, {})

    def save(self, status: str = "running", error: str | None = None) -> None:
        casefile.save_sealed(self.store, self.job_id, self.ref, "erase-run", status, self.state, error)
        if self._progress:
            self._progress(sum(1 for s in self.state["items"].values() if "outcome" in s), self.total)

    def hook(self, stage: str, info: dict) -> None:
        if self._hook:
            self._hook(stage, info)


def approved_plan(services, ref: str) -> tuple[Any, dict, str]:
    """(case, plan, hash), refusing anything but the plan the DPO approved."""
    case = services.store.get(ref)
    check_case(case, "an erasure run")
    plan, sha, _ = casefile.load_plan(services.store, ref)
    if case.status not in ("approved",) + casefile.RUN_DONE:
        raise NotApproved(f"case: {ref} is {case.status}; an erasure runs only after the DPO approved its plan "
                          f"('dsar erase approve {ref} --hash <first 12 of its sha256>')")
    got = casefile.approval(case)
    if got is None or got["sha256"] != sha:
        approved = f"sha256:{got['sha256'][:16]}…" if got else "none"
        raise NotApproved(f"case: {ref}'s stored plan (sha256:{sha[:16]}…) is not the approved one ({approved}); "
                          f"the DPO must approve it ('dsar erase plan {ref} --show', then "
                          f"'dsar erase approve {ref} --hash {sha[:12]}')")
    return case, plan, sha


def preview_run(services, ref: str, actor: str) -> dict:
    """What ``erase run`` would do now, from the case store alone: no call to Google at all (``--dry-run``
    and the confirmation shown before a run). Refuses what the run would refuse (not approved, changed plan)."""
    require(actor, services.settings, "staff", "dpo", action="running an approved erasure")
    ref = ref.strip().upper()
    case, plan, sha = approved_plan(services, ref)
    found = casefile.load_sealed(services.store, casefile.run_job(ref, sha), ref)
    state = found[1] if found else {"items": {}}
    finished = bool(found and found[0] == "done")
    todo, done = [], 0
    for a in plan["actions"]:
        if a["action"] == "redact_manually":
            continue
        if finished or "outcome" in state["items"].get(a["key"], {}):
            done += 1
        else:
            todo.append(a)
    permanent = bool(plan["policy"]["permanent_delete"])
    approved = casefile.approval(case) or {}
    return {"ref": ref, "plan_sha256": sha, "status": case.status, "finished": finished,
            "approved_by": approved.get("by"), "approved_at": approved.get("at"),
            "would": todo, "already_done": done,
            "manual": [a for a in plan["actions"] if a["action"] == "redact_manually"],
            "exempt": len(plan["exempt"]), "accounts": sorted({a["account"] for a in todo}),
            "actions": dict(Counter(f"{a['source']} {a['action']}" for a in todo)),
            "scopes": registry.scopes_for_step("erase", permanent_delete=permanent,
                                               sources={a["source"] for a in todo}) if todo else []}


def run_erasure(services, ref: str, actor: str, *, hook: Hook | None = None,
                on_progress: Callable[[int, int], None] | None = None) -> dict:
    """Run (or resume) the approved erasure; returns the run's result (also when it had already finished).
    ``hook(stage, info)`` is called after each batch ("acted": changed in Google, not yet recorded; "saved").
    One run per case at a time: a second (another terminal, host or worker) is refused with :class:`Busy`
    rather than racing the first over the same items and saved state."""
    role = require(actor, services.settings, "staff", "dpo", action="running an approved erasure")
    ref = ref.strip().upper()
    with services.store.exclusive(f"erase-run:{ref}", f"the erasure of {ref}"):
        return _run(services, ref, actor, role, hook, on_progress)


def _run(services, ref: str, actor: str, role: str, hook: Hook | None,
         on_progress: Callable[[int, int], None] | None) -> dict:
    store = services.store
    case, plan, sha = approved_plan(services, ref)
    job_id = casefile.run_job(ref, sha)
    found = casefile.load_sealed(store, job_id, ref)
    if found and found[0] == "done":
        return found[1]["result"]
    if case.status != "approved":
        raise ErasureError(f"case: {ref} is {case.status} but its run record is missing; make a new plan")
    permanent = bool(plan["policy"]["permanent_delete"])
    if permanent and not getattr(services.seam.guard, "permanent_delete", False):
        raise ErasureError("DSAR_ERASURE_POLICY: the approved plan deletes permanently, but this deployment's policy "
                           "does not set permanent_delete = true (the guard refuses irreversible calls)")
    state = found[1] if found else {"plan": sha, "started_at": now_iso(), "started_by": actor,
                                    "audit_from": services.trail.size(), "items": {}}
    work = [a for a in plan["actions"] if a["action"] != "redact_manually"]
    job = Job(store, ref, job_id, state, hook, on_progress, len(work))
    job.save()
    scopes = registry.scopes_for_step("erase", permanent_delete=permanent)
    purpose = Purpose(actor=actor, step="erase", case=ref, case_status=case.status,
                      purpose=f"Erasure request {ref}: carry out the DPO-approved plan sha256:{sha[:16]}",
                      legal_basis=LEGAL_BASIS["erasure"])
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for a in work:
        groups[(a["account"], a["source"])].append(a)
    failures: list[str] = []
    with acting(purpose):
        for account in sorted({acct for acct, _ in groups}):
            for source, api, eraser in _ERASERS:
                if (account, source) not in groups:
                    continue
                try:
                    svc = getattr(services.clients, api)(account, scopes)
                    eraser(job, svc, groups[(account, source)])
                except (HttpError, TransportError, RunFailed) as e:
                    failures.append(f"{source} of {account}: {e}")
                    job.save()
        failures += run_source_erasers(services, job, work)  # Calendar, Contacts, Chat: each its own grant
    if failures:
        job.save("failed", "; ".join(failures))
        raise RunFailed(f"the erasure of {ref} did not finish ({len(failures)} part(s) failed; run "
                        f"'dsar erase run {ref}' again to resume): " + "; ".join(failures[:3]))
    casefile.finish_run_state(services, state, actor)
    result = summarise(plan, sha, state)
    state["result"] = result
    c = result["counts"]
    store.transition(ref, result["status"], actor, role,
                     reason=f"plan sha256:{sha}: {c['erased']} erased, {c['already_gone']} already gone, "
                            f"{c['manual']} for manual redaction")
    job.save("done")
    return result


def summarise(plan: dict, sha: str, state: dict) -> dict:
    """The run's record: per item what was done and the hash of its content before; no content itself."""
    items = []
    for a in plan["actions"]:
        st = state["items"].get(a["key"], {})
        outcome = "manual" if a["action"] == "redact_manually" else st.get("outcome", "not_done")
        items.append({"key": a["key"], "source": a["source"], "account": a["account"], "id": item_id(a),
                      "action": a["action"], "outcome": outcome, "sha256": st.get("sha256"),
                      "hash_of": st.get("hash_of"), "at": st.get("at"), "note": st.get("note", "")})
    tally = Counter(i["outcome"] for i in items)
    manual = [{"source": a["source"], "account": a["account"], "id": item_id(a), "path": a.get("path", "")}
              for a in plan["actions"] if a["action"] == "redact_manually"]
    return {"ref": plan["case"], "plan_sha256": sha, "status": "erasure_partial" if manual else "erased",
            "awaiting_manual_redaction": manual, "started_at": state["started_at"],
            "started_by": state["started_by"], "finished_at": state.get("finished_at"), "items": items,
            "counts": {"erased": sum(n for o, n in tally.items() if o not in ("manual", "already_gone", "not_done")),
                       "already_gone": tally["already_gone"], "manual": tally["manual"],
                       "not_done": tally["not_done"], "exempt": len(plan["exempt"])},
            "problems": list(state.get("problems", [])), "audit_from": state["audit_from"],
            "checkpoint": state.get("checkpoint")}
