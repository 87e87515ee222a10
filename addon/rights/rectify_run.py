"""``dsar rectify run`` and ``verify``: write the approved corrections, then prove them.

The run corrects only the cells of the plan the DPO approved (its SHA-256), under the rectify step's scopes
(``sheets.rectify_cells``: spreadsheets, asked for only now). Each row is found again by the fingerprint of
its content, never by the row number in the plan (people sort); a row whose content changed since the plan
is not touched and is reported. Values are written RAW, so a correction can never become a formula. The
state is saved (sealed) before and after every spreadsheet's write, so a crash is resumed: a row that already
reads as corrected is recorded as done. Verification searches for the wrong values again (run 3) and
re-reads the tabs: it passes when no changeable place about the subject still holds one.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Callable

from googleapiclient.errors import HttpError

from audit.context import acting
from audit.errors import TransportError
from scopes import registry

from ..cases.store import item_key, now_iso
from ..erasure.casefile import finish_run_state
from ..erasure.rows import assign, locate, quote_tab, row_sha256
from ..erasure.snapshot import SheetsApi, read_book
from ..roles import require
from ..subjects.matching import Matcher
from .casework import check_case, load_sealed, purpose, save_sealed, search_for
from .corrections import search_subject
from .errors import NotApproved, RightsError, RunFailed
from .rectify import TYPES, approved, corrections_of, load_plan, read_tabs, tabs_of
from .rectify_plan import build_plan, column, expected_row

VERIFY_RUN = 3
RUN_DONE = ("rectification_partial", "rectified")
MANUAL = ("edit_manually", "replace_manually")


def run_job(ref: str, sha: str) -> str:
    return f"rectify-run:{ref}:{sha[:16]}"


def verify_job(ref: str) -> str:
    return f"rectify-verify:{ref}"


def approved_plan(services, ref: str):
    case = services.store.get(ref)
    check_case(case, TYPES, "a rectification run")
    plan, sha, _ = load_plan(services.store, ref)
    if case.status not in ("plan_approved",) + RUN_DONE:
        raise NotApproved(f"case: {ref} is {case.status}; a rectification runs only after the DPO approved its plan "
                          f"('dsar rectify approve {ref} --hash <first 12 of its sha256>')")
    got = approved(case)
    if got is None or got["sha256"] != sha:
        raise NotApproved(f"case: {ref}'s stored plan (sha256:{sha[:16]}…) is not the approved one; the DPO must "
                          f"approve it ('dsar rectify approve {ref} --hash {sha[:12]}')")
    return case, plan, sha


def run_rectification(services, ref: str, actor: str, *, hook: Callable[[str, dict], None] | None = None) -> dict:
    role = require(actor, services.settings, "staff", "dpo", action="running an approved rectification")
    ref = ref.strip().upper()
    with services.store.exclusive(f"rectify-run:{ref}", f"the rectification of {ref}"):
        return _run(services, ref, actor, role, hook)


def _run(services, ref: str, actor: str, role: str, hook) -> dict:
    store = services.store
    case, plan, sha = approved_plan(services, ref)
    job_id = run_job(ref, sha)
    found = load_sealed(store, job_id, ref)
    if found and found[0] == "done":
        return found[1]["result"]
    state = found[1] if found else {"plan": sha, "started_at": now_iso(), "started_by": actor,
                                    "audit_from": services.trail.size(), "items": {}, "sent": []}
    save = lambda status="running", error=None: save_sealed(store, job_id, ref, "rectify-run", status, state, error)  # noqa: E731
    save()
    work = [a for a in plan["actions"] if a["action"] == "update_cells"]
    by_file: dict[str, list[dict]] = defaultdict(list)
    for a in work:
        if "outcome" not in state["items"].get(a["key"], {}):
            by_file[a["file_id"]].append(a)
    scopes = registry.scopes_for_step("rectify")
    p = purpose(case, actor, "rectify", f"write the corrections of the DPO-approved plan sha256:{sha[:16]}")
    failures: list[str] = []
    with acting(p):
        for fid, acts in sorted(by_file.items()):
            try:
                _correct_file(services, state, save, hook, fid, acts, scopes)
            except (HttpError, TransportError) as e:
                failures.append(f"spreadsheet {fid}: {type(e).__name__} {getattr(getattr(e, 'resp', None), 'status', '')}")
                save()
    if failures:
        save("failed", "; ".join(failures))
        raise RunFailed(f"the rectification of {ref} did not finish ({len(failures)} spreadsheet(s) failed; run "
                        f"'dsar rectify run {ref}' again to resume): " + "; ".join(failures[:3]))
    finish_run_state(services, state, actor)
    result = summarise(plan, sha, state)
    state["result"] = result
    c = result["counts"]
    store.transition(ref, result["status"], actor, role,
                     reason=f"plan sha256:{sha}: {c['corrected']} row(s) corrected, {c['changed']} changed since the "
                            f"plan, {c['manual']} for manual edit")
    _note_unchangeable(services, ref, plan, actor)
    save("done")
    return result


def _correct_file(services, state: dict, save, hook, fid: str, acts: list[dict], scopes) -> None:
    api = SheetsApi(services.clients.sheets(acts[0]["account"], scopes))
    _, values = read_book(api, fid, {a["sheet"] for a in acts})
    data: list[dict] = []
    placed_keys: list[str] = []
    for title in sorted({a["sheet"] for a in acts}):
        group = [a for a in acts if a["sheet"] == title]
        rows = values.get(title) or []
        where = locate(rows)
        placed = assign([(a["key"], a["row_sha256"]) for a in group], where)
        done_rows = assign([(a["key"], row_sha256(expected_row(a["values"], a["cells"]))) for a in group
                            if placed[a["key"]] is None], where)
        for a in group:
            item = state["items"].setdefault(a["key"], {})
            row = placed[a["key"]]
            if row is None:
                ours = a["key"] in state["sent"]
                if done_rows.get(a["key"]) is not None:
                    item.update(outcome="corrected" if ours else "already_correct", at=now_iso(),
                                sha256_before=a["row_sha256"])
                else:
                    item.update(outcome="changed", at=now_iso(),
                                note="the row changed or went since the plan: not touched; re-plan")
                continue
            item.update(sha256_before=a["row_sha256"], row_now=row)
            placed_keys.append(a["key"])
            data += [{"range": f"{quote_tab(title)}!{column(c['col'])}{row}", "values": [[c["after"]]]}
                     for c in a["cells"]]
    state["sent"] = sorted(set(state["sent"]) | set(placed_keys))
    save()
    if data:
        api.values.batchUpdate(spreadsheetId=fid, body={"valueInputOption": "RAW", "data": data}).execute()
    if hook:
        hook("acted", {"file_id": fid, "rows": len(placed_keys)})
    by_key = {a["key"]: a for a in acts}
    for key in placed_keys:
        a = by_key[key]
        state["items"][key].update(outcome="corrected", at=now_iso(),
                                   sha256_after=row_sha256(expected_row(a["values"], a["cells"])))
    save()


def _note_unchangeable(services, ref: str, plan: dict, actor: str) -> None:
    """Gmail messages cannot be edited: say so on the case (a note, sealed like every note), once per run."""
    from ..cases.journal import CaseJournal

    msgs = [a for a in plan["actions"] if a["action"] == "cannot_edit"]
    if not msgs:
        return
    shown = "; ".join(" · ".join(x for x in (a.get("from", ""), a.get("date", ""), a.get("subject", "")) if x)
                      or a["message_id"] for a in msgs[:10]) + (" …" if len(msgs) > 10 else "")
    shown = "".join(c if c.isprintable() else " " for c in shown)  # a header's stray control characters
    CaseJournal(services.store).note(services.store.get(ref), f"Rectification: {len(msgs)} Gmail message(s) hold a "
                                     f"wrong value and cannot be edited (Gmail messages are immutable); the corrected "
                                     f"value is used from now on. {shown}"[:1900], actor)


def summarise(plan: dict, sha: str, state: dict) -> dict:
    items = []
    for a in plan["actions"]:
        st = state["items"].get(a["key"], {})
        outcome = {"update_cells": st.get("outcome", "not_done"), "cannot_edit": "not_editable"}.get(a["action"], "manual")
        items.append({"key": a["key"], "source": a["source"], "account": a["account"], "action": a["action"],
                      "id": a.get("message_id") or (f"{a['file_id']}/{a['sheet']}/{a['row_sha256'][:16]}" if a["source"] == "sheets" else a["file_id"]),
                      "cells": [c["a1"] for c in a.get("cells", [])], "outcome": outcome,
                      "sha256_before": st.get("sha256_before"), "sha256_after": st.get("sha256_after"),
                      "at": st.get("at"), "link": a.get("link"), "note": st.get("note") or a.get("note", "")})
    tally = Counter(i["outcome"] for i in items)
    manual = [i for i in items if i["outcome"] == "manual"]
    partial = bool(manual) or bool(tally["changed"])
    return {"ref": plan["case"], "plan_sha256": sha, "status": "rectification_partial" if partial else "rectified",
            "started_at": state["started_at"], "started_by": state["started_by"], "finished_at": state.get("finished_at"),
            "items": items, "awaiting_manual_edit": manual,
            "counts": {"corrected": tally["corrected"] + tally["already_correct"], "changed": tally["changed"],
                       "manual": len(manual), "not_editable": tally["not_editable"], "review": len(plan["review"])},
            "audit_from": state["audit_from"], "checkpoint": state.get("checkpoint")}


def verify_rectification(services, ref: str, actor: str, *, on_progress: Callable | None = None) -> dict:
    """Search for the wrong values again; ``verified`` when no sheet row or Doc about the subject holds one."""
    role = require(actor, services.settings, "staff", "dpo", action="verifying a rectification")
    ref = ref.strip().upper()
    store = services.store
    case = store.get(ref)
    check_case(case, TYPES, "verification")
    if case.status in ("verified", "closed"):
        done = load_sealed(store, verify_job(ref), ref)
        if done and done[0] == "verified":
            return {**done[1], "already": True}
    if case.status not in RUN_DONE:
        raise RightsError(f"case: {ref} is {case.status}; verification follows the run ('dsar rectify run {ref}')")
    plan, sha, _ = load_plan(store, ref)
    corrections = corrections_of(case)
    found = search_for(services, case, actor, search_subject(corrections), VERIFY_RUN,
                       "verify the rectification (search for the wrong values again)", on_progress)
    planned_tabs = tabs_of(a for a in plan["actions"] if a["source"] == "sheets")
    tabs_now = tabs_of(found)
    for fid, (owner, titles) in planned_tabs.items():
        tabs_now.setdefault(fid, (owner, set()))[1].update(titles)
    p = purpose(case, actor, "search", "verify the rectification (sheet rows as they are now)")
    tabs = read_tabs(services, tabs_now, p)
    about = {item_key(i) for i in store.results(ref, 0)}
    now = build_plan(ref, corrections, about, found, tabs, Matcher(case.subject))
    shown = lambda a: {k: a[k] for k in ("key", "source", "account", "path", "sheet", "row", "link", "note",  # noqa: E731
                                          "message_id", "file_id", "subject", "from", "date") if k in a}
    result = {"ref": ref, "plan_sha256": sha, "at": now_iso(), "by": actor, "found": len(found),
              "remaining": [shown(a) for a in now["actions"] if a["action"] == "update_cells"],
              "manual": [shown(a) for a in now["actions"] if a["action"] in MANUAL],
              "not_editable": [shown(a) for a in now["actions"] if a["action"] == "cannot_edit"],
              "review": [shown(a) for a in now["review"]], "recipients": plan["recipients"]}
    result["verified"] = not result["remaining"] and not result["manual"]
    save_sealed(store, verify_job(ref), ref, "rectify-verify", "verified" if result["verified"] else "failed", result)
    if result["verified"]:
        store.transition(ref, "verified", actor, role,
                         reason=f"re-search found the wrong value(s) in {len(found)} place(s): none changeable about "
                                f"the subject; {len(result['not_editable'])} message(s) cannot be edited")
    services.trail.checkpoint(actor)
    return result
