"""``dsar tracker`` and ``dsar case extend|pause|resume|status`` through click, against the sandbox."""
from __future__ import annotations

import datetime as dt
import json

from click.testing import CliRunner

from addon import deadlines
from addon.cases.clock import ClockError
from addon.cli import main
from addon.errors import ConfigError, ExitCode
from addon.roles import RoleError
from addon.tracker import TrackerSharingError
from addon.tracker.schema import COLUMNS, from_serial


def run(env, *args: str, actor: str | None = None, code: int = 0):
    extra = {"DSAR_ACTOR": actor} if actor else {}
    result = CliRunner().invoke(main, list(args), env={**env.cli_env(), **extra}, catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result


def row(env, spreadsheet_id: str, ref: str) -> dict:
    values = env.google("sheets").spreadsheets().values().get(
        spreadsheetId=spreadsheet_id, range="Tracker", valueRenderOption="UNFORMATTED_VALUE").execute()["values"]
    found = [r for r in values[1:] if r and r[0] == ref]
    assert len(found) == 1, values
    return dict(zip(COLUMNS, found[0] + [""] * (len(COLUMNS) - len(found[0]))))


def test_tracker_follows_the_case_clock_and_status(env):
    today = dt.date.today()
    received = today - dt.timedelta(days=10)
    ref = json.loads(run(env, "case", "open", "--type", "access", "--name", "Jane Doe", "--email",
                         "jane.doe@example.com", "--received", received.isoformat(), "--json").output)["ref"]
    sid = json.loads(run(env, "tracker", "init", "--json").output)["spreadsheet_id"]
    assert json.loads((env.home / "tracker.json").read_text())["spreadsheet_id"] == sid
    assert from_serial(row(env, sid, ref)["Due"]) == deadlines.due_date(received)

    asked, answered = received + dt.timedelta(days=2), received + dt.timedelta(days=5)
    run(env, "case", "pause", ref, "--on", asked.isoformat(), "--reason", "which accounts?")
    assert "Clock paused" in row(env, sid, ref)["Action"]
    out = json.loads(run(env, "case", "resume", ref, "--on", answered.isoformat(), "--json").output)
    moved = deadlines.paused_due(received, [(asked, answered)])
    assert out["due"] == moved.isoformat() and out["tracker"]["state"] == "written"
    assert from_serial(row(env, sid, ref)["Due"]) == moved

    out = json.loads(run(env, "case", "extend", ref, "--reason", "six mailboxes, 3,000 messages", "--json").output)
    assert out["extended"] is True
    assert from_serial(row(env, sid, ref)["Extended due"]) == deadlines.paused_due(received, [(asked, answered)], months=3)

    run(env, "case", "status", ref, "identity_check")
    assert row(env, sid, ref)["Status"] == "identity_check"
    bad = run(env, "case", "status", ref, "refused", code=ExitCode.INPUT)
    assert "reason" in bad.output
    staff = run(env, "case", "status", ref, "refused", "--reason", "manifestly unfounded",
                actor="staff@example.test", code=RoleError.exit_code)
    assert "dpo role" in staff.output
    run(env, "case", "status", ref, "refused", "--reason", "manifestly unfounded")
    assert row(env, sid, ref)["Status"] == "refused" and from_serial(row(env, sid, ref)["Closed"]) == today

    sync = json.loads(run(env, "tracker", "sync", "--json").output)
    assert sync["unchanged"] == [ref] and sync["differences"] == [] and sync["writes"] == 0


def test_extension_after_the_first_month_is_refused(env):
    received = dt.date.today() - dt.timedelta(days=45)
    ref = json.loads(run(env, "case", "open", "--type", "access", "--name", "Jane Doe", "--received",
                         received.isoformat(), "--json").output)["ref"]
    result = run(env, "case", "extend", ref, "--reason", "complex", code=ClockError.exit_code)
    assert "within the first month" in result.output and "Traceback" not in result.output


def test_commands_without_a_tracker_still_work(env):
    ref = json.loads(run(env, "case", "open", "--type", "access", "--name", "Jane Doe", "--json").output)["ref"]
    out = json.loads(run(env, "case", "status", ref, "identity_check", "--json").output)
    assert out["status"] == "identity_check" and out["tracker"]["state"] == "not set up"
    result = run(env, "tracker", "sync", code=ConfigError.exit_code)
    assert "dsar tracker init" in result.output


def test_sync_refusal_is_one_clear_line(env):
    run(env, "case", "open", "--type", "access", "--name", "Jane Doe")
    sid = json.loads(run(env, "tracker", "init", "--json").output)["spreadsheet_id"]
    env.google("drive").permissions().create(fileId=sid, body={"type": "anyone", "role": "reader"}).execute()
    result = run(env, "tracker", "sync", code=TrackerSharingError.exit_code)
    assert result.output.startswith("Error: tracker: refusing to write personal data") and "Traceback" not in result.output
