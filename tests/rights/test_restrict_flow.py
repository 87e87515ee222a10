"""Restriction (Art. 18) end to end in the sandbox: every item of Jane's search carries exactly the tool's
marks (label, property and description prefix, row note), marking again adds nothing, new data gets marked
on the next run, and lifting removes exactly those marks: a label staff added by hand, their own
description and their own note survive."""
from __future__ import annotations

import pytest

from addon.rights import marks
from addon.rights.restrict import lift, mark, status
from addon.roles import RoleError
from scopes.model import DRIVE, GMAIL_MODIFY, SPREADSHEETS

from .conftest import open_case


def _notes(world, account: str, fid: str, tab: str) -> list[str]:
    sheets = world.api("sheets", account, [SPREADSHEETS])
    got = sheets.spreadsheets().get(spreadsheetId=fid, ranges=[f"'{tab}'!A:A"],
                                    fields="sheets(properties(title),data(rowData(values(note))))").execute()
    data = got["sheets"][0].get("data", [{}])[0].get("rowData", [])
    return [((r.get("values") or [{}])[0] or {}).get("note", "") for r in data]


def test_restriction_marks_and_lifts_exactly(world):
    ref = open_case(world, "jane", "restriction", {"reason": "accuracy_contested"})
    services = world.services()
    items = services.store.results(ref, 0)
    mails = [i for i in items if i["source"] == "gmail"]
    files = {i["file_id"]: i for i in items if i["source"] == "drive"}
    rows = [i for i in items if i["source"] == "sheets"]
    assert mails and files and rows

    # staff had already labelled one message and described one file themselves
    m0 = mails[0]
    box = world.server.ws.mailboxes[m0["account"]]
    with world.server.ws.lock:
        staff_label = box.label_for("Complaints")
        box.modify(box.get(m0["message_id"]), [staff_label], [])
    f0 = next(iter(files.values()))
    world.api("drive", f0["account"], [DRIVE]).files().update(
        fileId=f0["file_id"], body={"description": "Keep until 2027"}, supportsAllDrives=True).execute()

    got = mark(services, ref, world.staff)
    assert services.store.get(ref).status == "restricted"
    assert got["gmail"]["marked"] == len(mails) and got["drive"]["marked"] == len(files)
    label = {a: lb["id"] for a, lb in got["labels"].items()}
    for m in mails:
        msg = world.server.ws.mailboxes[m["account"]].get(m["message_id"])
        assert label[m["account"]] in msg.label_ids
        assert world.server.ws.mailboxes[m["account"]].labels[label[m["account"]]].name == f"DSAR restricted/{ref}"
    for fid, it in files.items():
        meta = world.api("drive", it["account"], [DRIVE]).files().get(
            fileId=fid, fields="description,appProperties", supportsAllDrives=True).execute()
        assert meta["appProperties"] == {"dsar_restricted": ref}
        assert meta["description"].startswith(f"[DSAR restricted {ref}] ")
    by_tab = {(r["account"], r["file_id"], r["sheet"]) for r in rows}
    marked_notes = sum(n.startswith(marks.note_marker(ref)) for k in by_tab for n in _notes(world, *k))
    assert marked_notes == len(rows)

    again = mark(services, ref, world.staff)  # idempotent: nothing doubled
    assert again["added"] == 0
    assert sum(n.count(f"[DSAR restricted {ref}]") for k in by_tab for n in _notes(world, *k)) == len(rows)
    meta = world.api("drive", f0["account"], [DRIVE]).files().get(fileId=f0["file_id"], fields="description",
                                                                   supportsAllDrives=True).execute()
    assert meta["description"] == f"[DSAR restricted {ref}] Keep until 2027"

    # new data: a message arrives; marking after a new search marks only it
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "jane.doe@example.com", m0["account"], "Still waiting"
    msg["Message-ID"], msg["Date"] = "<new-1@example.com>", "Tue, 03 Nov 2026 10:00:00 +0000"
    msg.set_content("Jane Doe here again.")
    with world.server.ws.lock:
        new_id = box.add_raw(msg.as_bytes(), ["INBOX"])
    third = mark(services, ref, world.staff, search=True)
    assert third["added"] == 1 and label[m0["account"]] in box.get(new_id).label_ids

    with pytest.raises(RoleError):
        lift(services, ref, world.staff, "subject's accuracy confirmed")  # the DPO lifts
    done = lift(services, ref, world.dpo, "accuracy verified with the subject; told them on 2026-12-07")
    assert services.store.get(ref).status == "lifted" and done["gmail"]["marked"] == 0
    assert label[m0["account"]] not in box.labels  # our empty label is gone
    assert staff_label in box.get(m0["message_id"]).label_ids  # the hand-added label survives
    for fid, it in files.items():
        meta = world.api("drive", it["account"], [DRIVE]).files().get(
            fileId=fid, fields="description,appProperties", supportsAllDrives=True).execute()
        assert "dsar_restricted" not in meta.get("appProperties", {})
        assert f"[DSAR restricted {ref}]" not in meta.get("description", "")
    assert world.api("drive", f0["account"], [DRIVE]).files().get(
        fileId=f0["file_id"], fields="description", supportsAllDrives=True).execute()["description"] == "Keep until 2027"
    assert not any("[DSAR restricted" in n for k in by_tab for n in _notes(world, *k))
    assert status(services, ref, world.staff)["status"] == "lifted"

    records = [r.fields for r in services.trail.records(case=ref)]
    ops = {r["operation"] for r in records if set(r["scopes"]) & {GMAIL_MODIFY, DRIVE, SPREADSHEETS}}
    assert ops - {"auth.token"} <= {"gmail.restrict_label", "drive.restrict_mark", "sheets.restrict_note"}
