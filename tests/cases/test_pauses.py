"""Clarification pauses (issue 12 item 4): never in the future, never after the due date, never overlapping;
and always visible, in ``case show``, its ``--json`` and the history."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from addon import deadlines
from addon.cases.clock import CaseClock
from addon.cases.store import CaseStore
from addon.cli import main
from addon.errors import ExitCode, InputError
from addon.subjects.identifiers import make_subject
from tests.plainkeys import PlainKeys

D = dt.date
STAFF = "staff@example.test"


@pytest.fixture
def clock(tmp_path):
    return CaseClock(CaseStore(tmp_path / "cases.db", PlainKeys()))


def _open(clock: CaseClock, received: D):
    return clock.store.create("access", make_subject(("Jane Doe",)), received, received, deadlines.due_date(received),
                              deadlines.extended_due(received), STAFF, "staff")


def test_pause_or_resume_in_the_future_is_refused(clock):
    today = D(2026, 3, 10)
    case = _open(clock, D(2026, 3, 2))
    with pytest.raises(InputError, match="in the future"):
        clock.pause(case, STAFF, D(2026, 3, 11), today=today)
    clock.pause(case, STAFF, D(2026, 3, 5), today=today)
    with pytest.raises(InputError, match="in the future"):
        clock.resume(clock.store.get(case.ref), STAFF, D(2026, 3, 20), today=today)
    assert clock.store.get(case.ref).due == D(2026, 4, 2)  # nothing moved


def test_pause_on_the_rolled_over_due_day_is_allowed_and_the_day_after_is_not(clock):
    # received Sat 28 Feb 2026: the month ends Sat 28 Mar, so the deadline is Mon 30 Mar
    case = _open(clock, D(2026, 2, 28))
    assert case.due == D(2026, 3, 30)
    with pytest.raises(InputError, match="after the deadline"):
        clock.pause(case, STAFF, D(2026, 3, 31), today=D(2026, 4, 1))
    clock.pause(case, STAFF, D(2026, 3, 30), today=D(2026, 4, 1))
    assert clock.open_pause(case.ref).paused_on == D(2026, 3, 30)


def test_extended_case_can_pause_until_the_extended_due_date_only(clock):
    case = _open(clock, D(2026, 3, 2))
    case = clock.extend(case, "dpo@example.test", "six mailboxes", D(2026, 3, 20), today=D(2026, 3, 20))
    with pytest.raises(InputError, match="after the deadline"):
        clock.pause(case, STAFF, D(2026, 6, 3), today=D(2026, 7, 1))
    clock.pause(case, STAFF, D(2026, 5, 1), today=D(2026, 7, 1))


def test_overlapping_pauses_are_refused(clock):
    case = _open(clock, D(2026, 3, 2))
    clock.pause(case, STAFF, D(2026, 3, 5), today=D(2026, 4, 1))
    case = clock.resume(clock.store.get(case.ref), STAFF, D(2026, 3, 10), today=D(2026, 4, 1))
    for inside_or_before in (D(2026, 3, 8), D(2026, 3, 10), D(2026, 3, 3)):
        with pytest.raises(InputError, match="cannot overlap"):
            clock.pause(case, STAFF, inside_or_before, today=D(2026, 4, 1))
    clock.pause(case, STAFF, D(2026, 3, 11), today=D(2026, 4, 1))
    with pytest.raises(InputError, match="before the clock was paused"):
        clock.resume(clock.store.get(case.ref), STAFF, D(2026, 3, 9), today=D(2026, 4, 1))


def run(env, *args, code=0):
    r = CliRunner().invoke(main, list(args), env=env.cli_env(), catch_exceptions=False)
    assert r.exit_code == code, r.output
    return r


def test_late_pause_and_resume_do_not_move_the_deadline(env):
    received = dt.date.today() - dt.timedelta(days=60)  # its deadline has passed
    ref = json.loads(run(env, "case", "open", "--type", "access", "--name", "Jane Doe", "--received",
                         received.isoformat(), "--json").output)["ref"]
    due = deadlines.due_date(received)
    late = due + dt.timedelta(days=3)
    r = run(env, "case", "pause", ref, "--on", late.isoformat(), code=ExitCode.INPUT)
    assert "after the deadline" in r.output and "Traceback" not in r.output
    r = run(env, "case", "resume", ref, "--on", dt.date.today().isoformat(), code=ExitCode.CONFLICT)
    assert "not paused" in r.output
    shown = json.loads(run(env, "case", "show", ref, "--json").output)
    assert shown["due"] == due.isoformat() and shown["pauses"] == []
    assert shown["clock"] == {"state": "overdue", "days": (dt.date.today() - due).days, "due": due.isoformat(),
                              "extended": False}


def test_pauses_are_shown_in_case_show_json_and_history(env):
    today = dt.date.today()
    received = today - dt.timedelta(days=20)
    ref = json.loads(run(env, "case", "open", "--type", "access", "--name", "Jane Doe", "--received",
                         received.isoformat(), "--json").output)["ref"]
    asked, answered = received + dt.timedelta(days=2), received + dt.timedelta(days=6)
    run(env, "case", "pause", ref, "--on", asked.isoformat(), "--reason", "which [bold]accounts[/bold]?")
    paused = json.loads(run(env, "case", "show", ref, "--json").output)
    assert paused["clock"]["state"] == "paused" and paused["clock"]["since"] == asked.isoformat()
    assert paused["pauses"][0]["to"] is None and paused["pauses"][0]["days"] == (today - asked).days + 1
    run(env, "case", "resume", ref, "--on", answered.isoformat())

    shown = json.loads(run(env, "case", "show", ref, "--json").output)
    assert shown["due"] == deadlines.paused_due(received, [(asked, answered)]).isoformat()
    [p] = shown["pauses"]
    assert (p["from"], p["to"], p["days"], p["by"], p["reason"]) == (
        asked.isoformat(), answered.isoformat(), 5, env.dpo, "which [bold]accounts[/bold]?")
    events = [h["event"] for h in shown["history"]]
    assert events == ["status", "pause", "resume"]
    pause, resume = shown["history"][1], shown["history"][2]
    # backdated: entered today for a day in the past, and the history says how late
    assert pause["on"] == asked.isoformat() and pause["recorded_late_days"] == (today - asked).days
    assert resume["on"] == answered.isoformat() and resume["days"] == 5 and resume["actor"] == env.dpo

    text = run(env, "case", "show", ref).output
    assert f"Paused {asked.isoformat()} to {answered.isoformat()} (5 days not counted)" in text
    assert f"clock paused from {asked.isoformat()} (entered {(today - asked).days} days later)" in text
    assert "which [bold]accounts[/bold]?" in text  # user text is shown as typed, not as rich markup
