"""``dsar case list|show|open|assign|note`` as a new user meets them (issue 12 items 8, 9, 14)."""
from __future__ import annotations

import datetime as dt
import io
import json
import sqlite3

from click.testing import CliRunner
from rich.console import Console

from addon import deadlines
from addon.cli import main
from addon.errors import ExitCode
from addon.tracker.schema import COLUMNS
from tests.cases.cli import run



def open_case(env, *extra, received=None):
    args = ["case", "open", "--type", "access", *(extra or ("--name", "Jane Doe")), "--json"]
    if received:
        args += ["--received", received.isoformat()]
    return json.loads(run(env, *args).output)


def received_for_days_left(days: int) -> dt.date:
    """A receipt day whose deadline is ``days`` from today (searching back: weekends and holidays roll)."""
    day = dt.date.today()
    while deadlines.days_left(deadlines.due_date(day), dt.date.today()) != days:
        day -= dt.timedelta(days=1)
        assert day > dt.date.today() - dt.timedelta(days=120), days
    return day


def test_list_and_show_mark_overdue_and_due_soon_cases(env, monkeypatch):
    late_rcv = dt.date.today() - dt.timedelta(days=45)
    late = open_case(env, received=late_rcv)
    overdue_by = (dt.date.today() - deadlines.due_date(late_rcv)).days
    soon = open_case(env, received=received_for_days_left(3))
    fresh = open_case(env)

    listed = {c["ref"]: c["clock"] for c in json.loads(run(env, "case", "list", "--json").output)}
    assert (listed[late["ref"]]["state"], listed[late["ref"]]["days"]) == ("overdue", overdue_by)
    assert (listed[soon["ref"]]["state"], listed[soon["ref"]]["days"]) == ("due_soon", 3)
    assert listed[fresh["ref"]]["state"] == "ok"

    text = run(env, "case", "list").output
    assert f"OVERDUE by {overdue_by} days" in text and "due in 3 days" in text
    shown = run(env, "case", "show", late["ref"]).output
    assert f"OVERDUE by {overdue_by} days" in shown

    # in colour on a terminal: red for overdue, amber for due soon, as the tracker
    import addon.cli.case_cmd as case_cmd

    screen = io.StringIO()
    monkeypatch.setattr(case_cmd, "console", Console(file=screen, force_terminal=True, color_system="truecolor",
                                                     width=200))
    run(env, "case", "list")
    out = screen.getvalue()
    red = next(line for line in out.splitlines() if late["ref"] in line)
    amber = next(line for line in out.splitlines() if soon["ref"] in line)
    assert "\x1b[1;31mOVERDUE" in red
    assert "\x1b[1;38;2;255;135;0mdue in 3 days" in amber or "\x1b[1;38;5;208mdue in 3 days" in amber


def test_an_answered_case_is_not_marked(env):
    case = open_case(env, received=dt.date.today() - dt.timedelta(days=45))
    run(env, "case", "status", case["ref"], "withdrawn", "--reason", "subject withdrew")
    [listed] = json.loads(run(env, "case", "list", "--json").output)
    assert listed["clock"]["state"] == "answered"
    assert "OVERDUE" not in run(env, "case", "list").output


def test_extended_is_said_only_of_an_extended_case(env):
    case = open_case(env, received=dt.date.today() - dt.timedelta(days=5))
    shown = run(env, "case", "show", case["ref"]).output
    assert "extended" not in shown.lower()
    assert "(extended" not in run(env, "case", "list").output
    run(env, "case", "extend", case["ref"], "--reason", "six mailboxes")
    shown = run(env, "case", "show", case["ref"]).output
    assert "(extended; the first month ended" in shown
    [listed] = json.loads(run(env, "case", "list", "--json").output)
    assert f"{listed['extended_due']} ext" in run(env, "case", "list").output
    assert json.loads(run(env, "case", "show", case["ref"], "--json").output)["clock"]["extended"] is True


def test_list_with_an_unknown_status_is_an_error_listing_the_statuses(env):
    r = run(env, "case", "list", "--status", "bogus", code=ExitCode.USAGE)
    assert "bogus" in r.output and "received" in r.output and "withdrawn" in r.output and "Traceback" not in r.output
    open_case(env)
    assert len(json.loads(run(env, "case", "list", "--status", "RECEIVED", "--json").output)) == 1


def test_received_must_be_a_real_day_and_not_in_the_future(env):
    r = run(env, "case", "open", "--type", "access", "--name", "Jane Doe", "--received", "2026-02-30",
            code=ExitCode.INPUT)
    assert "--received: 2026-02-30 is not a real date: February 2026 has 28 days" in r.output
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    r = run(env, "case", "open", "--type", "access", "--name", "Jane Doe", "--received", tomorrow,
            code=ExitCode.INPUT)
    assert "in the future" in r.output
    assert json.loads(run(env, "case", "list", "--json").output) == []  # nothing half-opened


def test_phones_must_be_numbers_in_use(env):
    r = run(env, "case", "open", "--type", "access", "--name", "Jane Doe", "--phone", "12345", code=ExitCode.INPUT)
    assert "--phone: '12345' is not a valid phone number: read as +44 12345" in r.output
    r = run(env, "case", "open", "--type", "access", "--name", "Jane Doe", "--phone", "0771234567",
            code=ExitCode.INPUT)  # a UK mobile one digit short
    assert "9 digits after +44" in r.output and "usually have 10" in r.output
    assert open_case(env, "--name", "Jane Doe", "--phone", "07712 345678")["subject"]["phones"] == ["+447712345678"]


def test_single_letter_or_single_word_names(env):
    r = run(env, "case", "open", "--type", "access", "--name", "x", "--email", "x@example.com", code=ExitCode.INPUT)
    assert "single letter" in r.output
    r = run(env, "case", "open", "--type", "access", "--name", "Jane", code=ExitCode.INPUT)
    assert "single word" in r.output and "other people" in r.output and "--email" in r.output

    text = run(env, "case", "open", "--type", "access", "--name", "Jane", "--email", "jd42@example.com").output
    text = " ".join(text.split())
    assert "single word" in text and "never searched on its own" in text
    [case] = json.loads(run(env, "case", "list", "--json").output)
    assert case["subject"]["names"] == [] and case["subject"]["partial_names"] == ["Jane"]

    from addon.queries import drive, gmail
    from addon.services import open_services

    subject = open_services(env.settings).store.get(case["ref"]).subject
    assert subject.display_name == "Jane"
    queries = gmail.queries_for(subject) + drive.queries_for(subject)
    assert queries and all("jd42" in q for q in queries)
    assert not any("jane" in q.lower() for q in queries)  # the single word is never a search term of its own


def test_assign_validates_records_and_updates_the_tracker(env):
    case = open_case(env)
    sid = json.loads(run(env, "tracker", "init", "--json").output)["spreadsheet_id"]
    r = run(env, "case", "assign", case["ref"], "not-an-address", code=ExitCode.INPUT)
    assert r.output.startswith("Error: EMAIL: ")
    r = run(env, "case", "assign", case["ref"], "sam@elsewhere.example", code=ExitCode.INPUT)
    assert "not an address in example.test" in r.output

    out = json.loads(run(env, "case", "assign", case["ref"], "Staff@Example.test", "--json").output)
    assert out["assignee"] == "staff@example.test" and out["tracker"]["state"] == "written"
    values = env.google("sheets").spreadsheets().values().get(spreadsheetId=sid, range="Tracker").execute()["values"]
    row = dict(zip(COLUMNS, next(v for v in values[1:] if v and v[0] == case["ref"])))
    assert row["Assignee"] == "staff@example.test"

    shown = json.loads(run(env, "case", "show", case["ref"], "--json").output)
    [assign] = [h for h in shown["history"] if h["event"] == "assign"]
    assert assign["assignee"] == "staff@example.test" and assign["actor"] == env.dpo and assign["at"][:10] == str(dt.date.today())
    assert "assigned to staff@example.test by " + env.dpo in run(env, "case", "show", case["ref"]).output
    run(env, "case", "assign", case["ref"], "staff@example.test", code=ExitCode.CONFLICT)


def test_notes_are_kept_sealed_and_shown(env):
    case = open_case(env)
    text = "Called back: she says [[vault]] [bold]holds[/bold] the old account"
    out = json.loads(run(env, "case", "note", case["ref"], text, "--json").output)
    assert out["text"] == text and out["actor"] == env.dpo
    run(env, "case", "note", case["ref"], "   ", code=ExitCode.INPUT)

    shown = json.loads(run(env, "case", "show", case["ref"], "--json").output)
    assert [n["text"] for n in shown["notes"]] == [text]
    assert [h["text"] for h in shown["history"] if h["event"] == "note"] == [text]
    screen = run(env, "case", "show", case["ref"]).output
    assert text in screen  # rich markup in a note is shown as typed

    with sqlite3.connect(env.home / "cases.db") as db:
        stored = db.execute("SELECT sealed_text FROM case_events WHERE kind='note'").fetchall()
    assert stored and all("vault" not in s and "Called back" not in s for (s,) in stored)

    from addon.services import open_services

    services = open_services(env.settings)
    services.store.purge_sealed(case["ref"])
    shown = json.loads(run(env, "case", "show", case["ref"], "--json").output)
    assert shown["notes"][0]["text"] is None and shown["notes"][0]["actor"] == env.dpo


def test_auditors_cannot_assign_or_note(env, monkeypatch):
    case = open_case(env)
    monkeypatch.setenv("DSAR_AUDITORS", "it@example.test")
    extra = {**env.cli_env(), "DSAR_AUDITORS": "it@example.test", "DSAR_ACTOR": "it@example.test"}
    r = CliRunner().invoke(main, ["case", "note", case["ref"], "hello"], env=extra)
    assert r.exit_code == ExitCode.ROLE_REFUSED, r.output
    r = CliRunner().invoke(main, ["case", "assign", case["ref"], "it@example.test"],
                           env={**extra, "DSAR_ACTOR": env.dpo})
    assert r.exit_code == ExitCode.INPUT and "auditor" in r.output
