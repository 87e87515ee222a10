"""``dsar erase verify``: search again (results kept apart as run 1, so the original search stays) and
classify everything still found. The case moves to ``verified`` only when nothing is left outside the
exemptions and Trash.

Decision on Trash: Gmail and Drive searches still find trashed items (the search includes Trash on purpose:
it is still the subject's data). An item in Trash is *erased with persistence*: listed under "persists
until" (trashed by this run: the run's time + 30 days; trashed earlier by someone else: within 30 days of
that) and does not block verification. Anything found outside Trash that no exemption covers is a failure,
including a Google Doc awaiting manual redaction and a sheet row that changed after the plan.
"""
from __future__ import annotations

import datetime as dt
from typing import Callable

from ..cases.store import item_key, now_iso
from ..roles import require
from ..search.display import shown_fields
from ..search.service import run_search
from . import casefile
from .errors import ErasureError
from .exemptions import Policy
from .plan import ADMIN_RESTORE_DAYS, TRASH_DAYS, item_id
from .planner import check_case
from .snapshot import label_names, reading_purpose
from .workspace import awaiting_note

VERIFY_RUN = 1  # the search run number of verification (run 0 is the original search)


def _in_trash(item: dict) -> bool:
    return "TRASH" in item.get("labels", []) if item["source"] == "gmail" else bool(item.get("trashed"))


def _until(at: str | None) -> str | None:
    if not at:
        return None
    return (dt.datetime.fromisoformat(at) + dt.timedelta(days=TRASH_DAYS)).date().isoformat()


def classify(found: list[dict], plan: dict, run: dict, labels: dict[str, dict[str, str]]) -> dict:
    """Pure: sort the re-search's items into exempt / persists (in Trash) / manual / remaining."""
    policy = Policy.from_json(plan["policy"])
    planned = {a["key"]: a for a in plan["actions"]}
    done = {i["key"]: i for i in run.get("items", [])}
    out: dict[str, list] = {"exempt": [], "persists": [], "manual": [], "remaining": [], "unreadable": []}
    for it in found:
        key = item_key(it)
        base = {**shown_fields(it), "key": key, "source": it["source"], "account": it["account"], "id": item_id(it)}
        rule = policy.exemption_for(it, labels.get(it["account"], {}))
        if rule is not None:
            out["exempt"].append({**base, "reason": rule.reason, "basis": rule.basis, "rule": rule.rule})
        elif it["source"] != "sheets" and _in_trash(it):
            ours = done.get(key, {}).get("outcome") == "trashed" and not planned.get(key, {}).get("in_trash")
            out["persists"].append({**base, "where": "Gmail Trash" if it["source"] == "gmail" else "Drive trash",
                                    "trashed_by_run": ours, "until": _until(done[key]["at"]) if ours else None,
                                    "note": (f"purged {TRASH_DAYS} days after being trashed; an admin can restore "
                                             f"it for {ADMIN_RESTORE_DAYS} days after that")})
        elif it.get("unreadable"):  # never in a plan: the search could not read it (README "Inside files")
            out["unreadable"].append({**base, "note": f"could not be read automatically ({it['unreadable'].get('reason', '')}); "
                                                  "check it by hand"})
        elif planned.get(key, {}).get("action") == "redact_manually":
            out["manual"].append({**base, "note": awaiting_note({**planned[key], **it})})  # worded per source
        else:
            why = "not in the approved plan (new since the plan?)" if key not in planned and it["source"] != "sheets" \
                else "still present after the run"
            out["remaining"].append({**base, "note": why})
    return out


def verify_erasure(services, ref: str, actor: str, *, on_progress: Callable | None = None) -> dict:
    role = require(actor, services.settings, "staff", "dpo", action="verifying an erasure")
    ref = ref.strip().upper()
    store = services.store
    case = store.get(ref)
    check_case(case, "verification")
    if case.status in ("verified", "closed"):
        done = casefile.load_sealed(store, casefile.verify_job(ref), ref)
        if done and done[0] == "verified":
            return {**done[1], "already": True}
    if case.status not in casefile.RUN_DONE:
        raise ErasureError(f"case: {ref} is {case.status}; verification follows the run "
                           f"('dsar erase run {ref}')")
    plan, sha, _ = casefile.load_plan(store, ref)
    ran = casefile.load_sealed(store, casefile.run_job(ref, sha), ref)
    run = ran[1]["result"] if ran and ran[0] == "done" else {"items": []}
    kw = {"on_progress": on_progress} if on_progress else {}
    found = run_search(services, ref, actor, run_no=VERIFY_RUN, **kw)
    purpose = reading_purpose(case, actor, case.status, "verify the erasure (label names for exemptions)")
    labels = label_names(services, {i["account"] for i in found if i["source"] == "gmail"}, purpose)
    result = {"ref": ref, "plan_sha256": sha, "at": now_iso(), "by": actor, "found": len(found),
              **classify(found, plan, run, labels)}
    result["verified"] = not result["remaining"] and not result["manual"]
    status = "verified" if result["verified"] else "failed"
    casefile.save_sealed(store, casefile.verify_job(ref), ref, "erase-verify", status, result)
    if result["verified"] and case.status in casefile.RUN_DONE:
        store.transition(ref, "verified", actor, role,
                         reason=f"re-search found {len(found)} item(s): {len(result['exempt'])} exempt, "
                                f"{len(result['persists'])} in Trash, 0 outside exemptions")
    services.trail.checkpoint(actor)
    return result
