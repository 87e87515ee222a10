"""``dsar restrict mark|lift|status``: restriction of processing (UK GDPR Art. 18) as marks staff can see on
every item the case's search found: a Gmail label ``DSAR restricted/REF``, a Drive ``appProperties`` key
plus a visible description prefix, a note on the first cell of each sheet row about the subject.

Every mark the tool makes is recorded (label ids per mailbox, which files got the prefix and the property,
which rows got the note), sealed under the case key, after each mailbox, file and spreadsheet, so a crash
resumes without repeating anything. Marking again after new data (``--search``) marks only new items;
marks already there are recognised (label on the message, prefix, property, note text) and never doubled.
Lifting removes exactly what the tool added: a label staff put on a message, their own description text and
their own note text stay. Rows are found again by content when marking and by their note when lifting,
because people sort sheets.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Callable

from audit.context import acting
from scopes import registry

from ..cases.store import now_iso
from ..erasure.rows import matching_rows, quote_tab
from ..erasure.snapshot import SheetsApi, read_book
from ..roles import require
from ..subjects.matching import Matcher
from . import marks
from .casework import check_case, load_sealed, purpose, save_sealed, search_for
from .errors import RightsError

TYPES = ("restriction",)
GMAIL_IDS = 1000
NOTE_FIELDS = "sheets(properties(sheetId,title),data(rowData(values(note))))"


def job_id(ref: str) -> str:
    return f"restrict:{ref}"


def _state(store, ref: str) -> dict:
    found = load_sealed(store, job_id(ref), ref)
    return found[1] if found else {"labels": {}, "gmail": {}, "drive": {}, "sheets": {}, "events": []}


def _save(store, ref: str, state: dict, status: str) -> None:
    save_sealed(store, job_id(ref), ref, "restrict", status, state)


def mark(services, ref: str, actor: str, *, search: bool = False, on_progress: Callable | None = None) -> dict:
    """Mark every item of the case's search (run again first with ``search``) not yet marked."""
    role = require(actor, services.settings, "staff", "dpo", action="restricting processing")
    store = services.store
    ref = ref.strip().upper()
    case = store.get(ref)
    check_case(case, TYPES, "marking a restriction")
    if case.status not in ("review", "restricted"):
        raise RightsError(f"case: {ref} is {case.status}; marks follow a finished search ('dsar search {ref}')"
                          if case.status in ("received", "identity_check", "searching") else
                          f"case: {ref} is {case.status}; only a case in review or restricted can be marked")
    with store.exclusive(f"restrict:{ref}", f"the restriction of {ref}"):
        if search:
            search_for(services, case, actor, case.subject, 0, "find new data to mark as restricted", on_progress)
        items = store.results(ref, 0)
        state = _state(store, ref)
        before = sum(len(state[k]) for k in ("gmail", "drive", "sheets"))
        scopes = registry.scopes_for_step("restrict")
        p = purpose(case, actor, "restrict", "mark the subject's items as restricted (Art. 18)")
        with acting(p):
            _mark_gmail(services, store, ref, state, [i for i in items if i["source"] == "gmail"], scopes)
            _mark_drive(services, store, ref, state, [i for i in items if i["source"] == "drive"], scopes)
            _mark_sheets(services, store, ref, state, [i for i in items if i["source"] == "sheets"], scopes,
                         Matcher(case.subject))
        added = sum(len(state[k]) for k in ("gmail", "drive", "sheets")) - before
        state["events"].append({"event": "mark", "at": now_iso(), "by": actor, "added": added})
        _save(store, ref, state, "restricted")
        if case.status == "review" or added:
            store.transition(ref, "restricted", actor, role, reason=f"marked {added} new item(s) as restricted")
        services.trail.checkpoint(actor)
    return summary(ref, state, added=added)


def _mark_gmail(services, store, ref: str, state: dict, items: list[dict], scopes) -> None:
    by_acct: dict[str, list[dict]] = defaultdict(list)
    for it in items:
        key = f"gmail:{it['account']}:{it['message_id']}"
        if key not in state["gmail"] or state["gmail"][key].get("lifted"):
            by_acct[it["account"]].append({"key": key, **it})
    for acct, todo in sorted(by_acct.items()):
        svc = services.clients.gmail(acct, scopes).users()
        label = state["labels"].get(acct)
        if label is None or label.get("deleted"):
            name = marks.label_name(ref)
            have = {lb["name"]: lb["id"] for lb in svc.labels().list(userId="me").execute().get("labels", [])}
            lid = have.get(name) or svc.labels().create(userId="me", body={
                "name": name, "labelListVisibility": "labelShow", "messageListVisibility": "show"}).execute()["id"]
            label = state["labels"][acct] = {"id": lid, "name": name, "at": now_iso()}
            _save(store, ref, state, "marking")
        for i in range(0, len(todo), GMAIL_IDS):
            part = todo[i:i + GMAIL_IDS]
            svc.messages().batchModify(userId="me", body={"ids": [t["message_id"] for t in part],
                                                          "addLabelIds": [label["id"]]}).execute()
            for t in part:
                state["gmail"][t["key"]] = {"account": acct, "message_id": t["message_id"], "at": now_iso()}
            _save(store, ref, state, "marking")


def _mark_drive(services, store, ref: str, state: dict, items: list[dict], scopes) -> None:
    files = {}
    for it in items:  # an uploaded table's rows are items of their own: one mark per file
        files.setdefault(it["file_id"], it)
    for fid, it in sorted(files.items()):
        key = f"drive:{fid}"
        if key in state["drive"] and not state["drive"][key].get("lifted"):
            continue
        svc = services.clients.drive(it["account"], scopes).files()
        meta = svc.get(fileId=fid, fields="id,description,appProperties", supportsAllDrives=True).execute()
        desc = marks.marked_description(ref, meta.get("description"))
        prop = marks.marked_property(ref, (meta.get("appProperties") or {}).get(marks.APP_PROPERTY))
        body = {**({"description": desc} if desc is not None else {}),
                **({"appProperties": {marks.APP_PROPERTY: prop}} if prop is not None else {})}
        if body:
            svc.update(fileId=fid, body=body, fields="id", supportsAllDrives=True).execute()
        state["drive"][key] = {"account": it["account"], "file_id": fid, "prefix": desc is not None,
                               "property": prop is not None, "at": now_iso()}
        _save(store, ref, state, "marking")


def _notes(api: SheetsApi, fid: str, title: str, rows: int) -> tuple[int, list[str]]:
    """(sheetId, the note of column A's cells, one per row) for one tab."""
    got = api.book.get(spreadsheetId=fid, ranges=[f"{quote_tab(title)}!A1:A{max(rows, 1)}"], fields=NOTE_FIELDS).execute()
    sheet = next(s for s in got["sheets"] if s["properties"]["title"] == title)
    data = (sheet.get("data") or [{}])[0].get("rowData", [])
    notes = [((r.get("values") or [{}])[0] or {}).get("note", "") for r in data]
    return sheet["properties"]["sheetId"], notes + [""] * (rows - len(notes))


def _note_request(sheet_id: int, row: int, note: str) -> dict:
    return {"updateCells": {"range": {"sheetId": sheet_id, "startRowIndex": row - 1, "endRowIndex": row,
                                      "startColumnIndex": 0, "endColumnIndex": 1},
                            "rows": [{"values": [{"note": note}]}], "fields": "note"}}


def _mark_sheets(services, store, ref: str, state: dict, items: list[dict], scopes, matcher: Matcher) -> None:
    tabs: dict[str, tuple[str, set[str]]] = {}
    for it in items:
        tabs.setdefault(it["file_id"], (it["account"], set()))[1].add(it["sheet"])
    for fid, (owner, titles) in sorted(tabs.items()):
        api = SheetsApi(services.clients.sheets(owner, scopes))
        _, values = read_book(api, fid, titles)
        requests, keys = [], []
        for title in sorted(titles):
            rows = values.get(title)
            if not rows:
                continue
            sheet_id, notes = _notes(api, fid, title, len(rows))
            seen: Counter[str] = Counter()
            for r in matching_rows(rows, matcher):
                k = seen[r.sha256]
                seen[r.sha256] += 1
                key = f"sheets:{fid}:{title}:{r.sha256[:16]}:{k}"
                new = marks.marked_note(ref, notes[r.row - 1])
                if new is not None:
                    requests.append(_note_request(sheet_id, r.row, new))
                if key not in state["sheets"] or state["sheets"][key].get("lifted"):
                    keys.append((key, title, r.sha256))
        if requests:
            api.book.batchUpdate(spreadsheetId=fid, body={"requests": requests}).execute()
        for key, title, sha in keys:
            state["sheets"][key] = {"account": owner, "file_id": fid, "sheet": title, "row_sha256": sha, "at": now_iso()}
        _save(store, ref, state, "marking")


def lift(services, ref: str, actor: str, reason: str) -> dict:
    """Take away exactly the tool's marks (DPO, with a reason: Art. 18(3) says tell the subject first)."""
    role = require(actor, services.settings, "dpo", action="lifting a restriction")
    store = services.store
    ref = ref.strip().upper()
    case = store.get(ref)
    check_case(case, TYPES, "lifting a restriction")
    if not (reason or "").strip():
        from ..errors import InputError

        raise InputError("--reason", "lifting a restriction needs a reason (and the subject told first, Art. 18(3))")
    state = _state(store, ref)
    if case.status == "lifted":
        return summary(ref, state, lifted=0)
    if case.status != "restricted":
        raise RightsError(f"case: {ref} is {case.status}; only a restricted case can be lifted")
    with store.exclusive(f"restrict:{ref}", f"the restriction of {ref}"):
        scopes = registry.scopes_for_step("restrict")
        p = purpose(case, actor, "restrict", "lift the restriction: remove exactly the tool's marks")
        with acting(p):
            _lift_gmail(services, store, ref, state, scopes)
            _lift_drive(services, store, ref, state, scopes)
            _lift_sheets(services, store, ref, state, scopes)
        n = sum(1 for k in ("gmail", "drive", "sheets") for v in state[k].values() if v.get("lifted"))
        state["events"].append({"event": "lift", "at": now_iso(), "by": actor, "lifted": n})
        _save(store, ref, state, "lifted")
        store.transition(ref, "lifted", actor, role, reason=reason.strip())
        services.trail.checkpoint(actor)
    return summary(ref, state, lifted=n)


def _lift_gmail(services, store, ref: str, state: dict, scopes) -> None:
    for acct, label in sorted(state["labels"].items()):
        if label.get("deleted"):
            continue
        svc = services.clients.gmail(acct, scopes).users()
        todo = [(k, v) for k, v in state["gmail"].items() if v["account"] == acct and not v.get("lifted")]
        for i in range(0, len(todo), GMAIL_IDS):
            part = todo[i:i + GMAIL_IDS]
            svc.messages().batchModify(userId="me", body={"ids": [v["message_id"] for _, v in part],
                                                          "removeLabelIds": [label["id"]]}).execute()
            for _, v in part:
                v["lifted"] = now_iso()
            _save(store, ref, state, "lifting")
        left = svc.labels().get(userId="me", id=label["id"]).execute().get("messagesTotal", 0)
        if not left:  # the label is ours and now empty; kept if staff put it on other messages themselves
            svc.labels().delete(userId="me", id=label["id"]).execute()
            label["deleted"] = now_iso()
        _save(store, ref, state, "lifting")


def _lift_drive(services, store, ref: str, state: dict, scopes) -> None:
    for key, v in sorted(state["drive"].items()):
        if v.get("lifted"):
            continue
        svc = services.clients.drive(v["account"], scopes).files()
        meta = svc.get(fileId=v["file_id"], fields="id,description,appProperties", supportsAllDrives=True).execute()
        body: dict = {}
        desc = marks.unmarked_description(ref, meta.get("description"))
        if v.get("prefix") and desc is not None:
            body["description"] = desc
        changed, prop = marks.unmarked_property(ref, (meta.get("appProperties") or {}).get(marks.APP_PROPERTY))
        if v.get("property") and changed:
            body["appProperties"] = {marks.APP_PROPERTY: prop}
        if body:
            svc.update(fileId=v["file_id"], body=body, fields="id", supportsAllDrives=True).execute()
        v["lifted"] = now_iso()
        _save(store, ref, state, "lifting")


def _lift_sheets(services, store, ref: str, state: dict, scopes) -> None:
    tabs: dict[str, tuple[str, set[str]]] = {}
    for v in state["sheets"].values():
        if not v.get("lifted"):
            tabs.setdefault(v["file_id"], (v["account"], set()))[1].add(v["sheet"])
    for fid, (owner, titles) in sorted(tabs.items()):
        api = SheetsApi(services.clients.sheets(owner, scopes))
        _, values = read_book(api, fid, titles)
        requests = []
        for title in sorted(titles):
            rows = values.get(title) or []
            sheet_id, notes = _notes(api, fid, title, len(rows))
            for n, note in enumerate(notes, start=1):  # wherever the row is now: the note moved with it
                new = marks.unmarked_note(ref, note)
                if new is not None:
                    requests.append(_note_request(sheet_id, n, new))
        if requests:
            api.book.batchUpdate(spreadsheetId=fid, body={"requests": requests}).execute()
        for v in state["sheets"].values():
            if v["file_id"] == fid:
                v["lifted"] = now_iso()
        _save(store, ref, state, "lifting")


def summary(ref: str, state: dict, **extra: int) -> dict:
    def count(kind: str) -> dict:
        vals = state[kind].values()
        return {"marked": sum(1 for v in vals if not v.get("lifted")), "lifted": sum(1 for v in vals if v.get("lifted"))}

    return {"ref": ref, "gmail": count("gmail"), "drive": count("drive"), "sheets": count("sheets"),
            "labels": {a: {"id": lb["id"], "name": lb["name"], "deleted": bool(lb.get("deleted"))}
                       for a, lb in sorted(state["labels"].items())},
            "events": state["events"], **extra}


def status(services, ref: str, actor: str) -> dict:
    require(actor, services.settings, "staff", "dpo", "auditor", action="reading a restriction's marks")
    ref = ref.strip().upper()
    case = services.store.get(ref)
    check_case(case, TYPES, "a restriction's status")
    return {**summary(ref, _state(services.store, ref)), "status": case.status}
