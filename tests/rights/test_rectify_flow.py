"""Rectification (Art. 16) end to end in the sandbox: the wrong postcode is found in Jane's customer row, a
Doc about her and a message sent to an outside firm; the plan corrects the cell (RAW, row found by content
after the sheet was sorted), flags the Doc with a link, notes the message cannot be edited and lists the
outside firm (Art. 19); the DPO approves its hash; the re-search proves the wrong value gone; the record
verifies and names no one."""
from __future__ import annotations

import json
from email.message import EmailMessage

import pytest
from googleapiclient.http import MediaInMemoryUpload

from addon.rights import rectify_record
from addon.rights.errors import NotApproved
from addon.rights.rectify import approve_rectification, plan_rectification
from addon.rights.rectify_run import run_rectification, verify_rectification
from scopes.model import DRIVE, SPREADSHEETS

from .conftest import open_case

WRONG, RIGHT = "LS28 7TH", "LS28 7TJ"
AISHA = "aisha.khan@northwind-calls.test"
OUTSIDE = "claims@loss-adjusters.example"


def _customer_list(world):
    store = world.server.ws.drive
    return next(f for f in store.files.values() if store.path(f) == "Operations/Customers (A-Z)/Customer list")


def _tab(world, fid: str, tab: str = "Active") -> list[list[str]]:
    sheets = world.api("sheets", AISHA, [SPREADSHEETS])
    got = sheets.spreadsheets().values().get(spreadsheetId=fid, range=f"'{tab}'").execute()
    return [[str(c) for c in row] for row in got.get("values", [])]


def _plant(world) -> dict:
    """A Doc about Jane and a message to an outside firm, both with the wrong postcode; another customer's
    row with the same postcode (not Jane's: must not change)."""
    drive = world.api("drive", AISHA, [DRIVE])
    doc = drive.files().create(
        body={"name": "Address check", "mimeType": "application/vnd.google-apps.document"},
        media_body=MediaInMemoryUpload(f"Jane Doe confirmed her address: 4 Mill Lane, {WRONG}.".encode(), "text/plain"),
        fields="id").execute()
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = AISHA, OUTSIDE, "Claim for Jane Doe"
    msg["Message-ID"] = "<rectify-test-1@northwind-calls.test>"
    msg["Date"] = "Mon, 02 Nov 2026 09:30:00 +0000"
    msg.set_content(f"Hello, the customer Jane Doe lives at {WRONG}. Regards, Aisha")
    with world.server.ws.lock:
        world.server.ws.mailboxes[AISHA].add_raw(msg.as_bytes(), ["SENT"])
    fid = _customer_list(world).id
    rows = _tab(world, fid)
    other = next(n for n, r in enumerate(rows, 1) if n > 1 and "Jane" not in r)
    sheets = world.api("sheets", AISHA, [SPREADSHEETS])
    sheets.spreadsheets().values().update(spreadsheetId=fid, range=f"'Active'!G{other}", valueInputOption="RAW",
                                          body={"values": [[WRONG]]}).execute()
    return {"doc": doc["id"], "sheet": fid, "other": rows[other - 1][0]}


def _sort_by_postcode(world, fid: str) -> None:
    """Someone sorts the customer list between the plan and the run: every row number moves."""
    sheets = world.api("sheets", AISHA, [SPREADSHEETS])
    meta = sheets.spreadsheets().get(spreadsheetId=fid, fields="sheets.properties(sheetId,title)").execute()
    sid = next(s["properties"]["sheetId"] for s in meta["sheets"] if s["properties"]["title"] == "Active")
    sheets.spreadsheets().batchUpdate(spreadsheetId=fid, body={"requests": [{"sortRange": {
        "range": {"sheetId": sid, "startRowIndex": 1}, "sortSpecs": [{"dimensionIndex": 6, "sortOrder": "DESCENDING"}]}}]}).execute()


def test_rectification_end_to_end(world):
    planted = _plant(world)
    ref = open_case(world, "jane", "rectification",
                    {"corrections": [{"field": "postcode", "wrong": WRONG, "correct": RIGHT}]})
    services = world.services()
    got = plan_rectification(services, ref, world.staff)
    plan = got["plan"]
    assert services.store.get(ref).status == "rectification_planned"
    by = {a["action"]: [x for x in plan["actions"] if x["action"] == a["action"]] for a in plan["actions"]}
    [cells] = by["update_cells"]
    assert cells["file_id"] == planted["sheet"] and cells["cells"][0]["before"] == WRONG
    assert cells["cells"][0]["after"] == RIGHT and cells["cells"][0]["a1"].startswith("G")
    assert [d["file_id"] for d in by["edit_manually"]] == [planted["doc"]]
    assert by["edit_manually"][0]["link"] == f"https://docs.google.com/document/d/{planted['doc']}/edit"
    assert len(by["cannot_edit"]) == 1 and "cannot be edited" in by["cannot_edit"][0]["note"]
    assert [r["row"] for r in plan["review"] if r["source"] == "sheets"]  # the other customer's row: not changed
    assert [r["recipient"] for r in plan["recipients"]] == [OUTSIDE]

    with pytest.raises(NotApproved):
        run_rectification(services, ref, world.staff)  # not approved yet
    with pytest.raises(NotApproved):
        approve_rectification(services, ref, world.dpo, expected="0" * 12)
    ok = approve_rectification(services, ref, world.dpo, expected=got["sha256"][:12])
    assert ok["approved_by"] == world.dpo
    assert services.store.get(ref).history[-1]["reason"] == f"plan sha256:{got['sha256']}"

    _sort_by_postcode(world, planted["sheet"])
    result = run_rectification(services, ref, world.staff)
    assert result["counts"]["corrected"] == 1 and result["status"] == "rectification_partial"  # the Doc remains
    rows = _tab(world, planted["sheet"])
    jane = [r for r in rows if r[:1] == ["CUST-004512"]]
    assert jane and jane[0][6] == RIGHT  # read back corrected, in the row it moved to
    assert any(r[0] == planted["other"] and r[6] == WRONG for r in rows)  # not Jane's: untouched
    assert run_rectification(services, ref, world.staff) == result  # idempotent
    from addon.cases.journal import CaseJournal

    notes = [n.text for n in CaseJournal(services.store).notes(ref)]
    assert len(notes) == 1 and "1 Gmail message(s) hold a wrong value and cannot be edited" in notes[0]
    assert "Claim for Jane Doe" in notes[0]

    first = verify_rectification(services, ref, world.staff)
    assert not first["verified"] and [m["file_id"] for m in first["manual"]] == [planted["doc"]]
    drive = world.api("drive", AISHA, [DRIVE])  # the staff member edits the Doc by hand
    drive.files().update(fileId=planted["doc"], media_body=MediaInMemoryUpload(
        f"Jane Doe confirmed her address: 4 Mill Lane, {RIGHT}.".encode(), "text/plain")).execute()
    done = verify_rectification(services, ref, world.staff)
    assert done["verified"] and not done["remaining"] and len(done["not_editable"]) == 1
    assert services.store.get(ref).status == "verified"

    records = [r.fields for r in services.trail.records(case=ref)]
    dumped = json.dumps(records, ensure_ascii=False)
    assert WRONG not in dumped and RIGHT not in dumped and OUTSIDE not in dumped  # no values in the trail
    writes = [r for r in records if r["operation"] == "sheets.rectify_cells"]
    assert writes and all(set(r["scopes"]) == {SPREADSHEETS} for r in writes)
    assert not [r for r in records if r["operation"] != "sheets.rectify_cells" and SPREADSHEETS in r["scopes"]
                and r["api_method"] not in ("batch", "oauth2.token")]

    doc, js, html = rectify_record.issue(services, ref, world.dpo, world.home / "out")
    assert rectify_record.verify_record(json.loads(js.read_text()), services.trail.verifier, services.trail) == []
    text = js.read_text() + html.read_text()
    for secret in (WRONG, RIGHT, "Jane", "jane.doe@example.com", OUTSIDE):
        assert secret not in text
    assert doc["recipients"] == [{"domain": "loss-adjusters.example", "count": 1, "how": ["emailed"]}]
    doc["corrected"][0]["cells"] = ["A1"]
    assert rectify_record.verify_record(doc, services.trail.verifier, services.trail)
