"""Found items are shown as a person recognises them (issue 12 item 10): an email by sender, date and
subject, a file by its path, never by a bare Google id; the sender and subject are kept sealed in the
result store and never reach the audit trail; every shown value is text, not console markup."""
from __future__ import annotations

import datetime as dt
import json
import sqlite3

from rich.console import Console

from addon.cli.case_cmd import open_case
from addon.search.display import message_date, results_table, rows, where
from addon.search.service import run_search
from tests.conftest import expected_subject

MAIL = {"source": "gmail", "account": "a@x.test", "message_id": "18c2f0a1b2", "rfc822_message_id": "<m1@x>",
        "from": "Jane Doe <jane@example.com>", "date": "2026-01-14T09:30:00Z",
        "subject": "[urgent] call me back about [bold]my[/bold] account"}
FILE = {"source": "drive", "account": "a@x.test", "file_id": "1AbCdEfGh", "name": "Call notes",
        "path": "Customers/2026/Call notes", "mime_type": "application/vnd.google-apps.document"}
ROW = {"source": "sheets", "account": "a@x.test", "file_id": "1SHEET", "name": "Log", "path": "Ops/Log",
       "sheet": "Calls", "row": 7}


def _text(table) -> str:
    con = Console(width=250, record=True)
    con.print(table)
    return con.export_text()


def test_an_email_reads_by_sender_date_and_subject_not_its_id():
    line = where(MAIL)
    assert "Jane Doe <jane@example.com>" in line and "2026-01-14 09:30" in line and "call me back" in line
    assert "18c2f0a1b2" not in line and "<m1@x>" not in line
    old = {k: v for k, v in MAIL.items() if k not in ("from", "date", "subject")}  # results from before
    assert where(old) == "message <m1@x>"


def test_files_and_rows_by_path_never_by_id():
    assert where(FILE) == "Customers/2026/Call notes" and "1AbCdEfGh" not in where(FILE)
    assert where(ROW) == "Ops/Log › Calls › row 7"
    assert where({**FILE, "drive": {"id": "0A1", "name": "Finance"}}).startswith("[Finance] ")


def test_table_shows_subject_lines_as_written_not_as_markup():
    out = _text(results_table([MAIL, FILE, ROW], "3 items found"))
    assert "[urgent] call me back about [bold]my[/bold] account" in out
    assert "Customers/2026/Call notes" in out and "Ops/Log › Calls › row 7" in out


def test_why_matched_column_only_when_items_carry_evidence():
    header, _ = rows([MAIL, FILE])
    assert "Why matched" not in header
    header, body = rows([{**MAIL, "matched": ["email in From"]}, FILE])
    assert header[-1] == "Why matched" and body[0][-1] == "email in From" and body[1][-1] == ""


def test_message_date_from_internal_date_or_header():
    assert message_date({"internalDate": "1768383000000"}) == "2026-01-14T09:30:00Z"
    assert message_date({}, "Wed, 14 Jan 2026 10:30:00 +0100") == "2026-01-14T09:30:00Z"
    assert message_date({}, "not a date") == ""


def test_search_keeps_sender_and_subject_sealed_and_out_of_the_audit_trail(sandbox_factory, product, demo_fixture):
    server = sandbox_factory(demo_fixture, quota=False)
    services = product(server)
    s = expected_subject(demo_fixture, "jane")
    case = open_case(services, "access", s["names"], s["emails"], s["phones"], s["identifiers"], dt.date.today(),
                     services.settings.actor)
    account = s["expected"]["gmail"][0]["account"]
    items = run_search(services, case.ref, services.settings.actor, accounts=[account])
    mail = [i for i in items if i["source"] == "gmail"]
    assert mail and all(i["from"] and i["subject"] and i["date"].endswith("Z") for i in mail)
    subjects = {i["subject"] for i in mail if len(i["subject"]) > 8}
    assert subjects
    home = services.settings.home
    stored = json.dumps(sqlite3.connect(home / "cases.db").execute("SELECT * FROM results").fetchall())
    trail = (home / "audit.db").read_bytes()
    for subj in subjects:
        assert subj not in stored, "a subject line is stored in plain text"
        assert subj.encode() not in trail, "a subject line reached the audit trail"
