"""Extension and clarification pauses on stored cases: the ICO rules as the case store applies them."""
from __future__ import annotations

import datetime as dt

import pytest

from addon.cases.clock import CaseClock, ClockError
from addon.cases.store import CaseStore
from addon.deadlines import due_date, extended_due
from addon.errors import InputError
from addon.subjects.identifiers import make_subject
from tests.plainkeys import PlainKeys

D = dt.date


@pytest.fixture
def clock(tmp_path):
    return CaseClock(CaseStore(tmp_path / "cases.db", PlainKeys()))


def _open(clock: CaseClock, received: D):
    return clock.store.create("access", make_subject(("Jane Doe",), (), (), ()), received, received,
                              due_date(received), extended_due(received), "staff@example.test", "staff")


def test_pause_and_resume_move_both_deadlines_by_the_paused_days(clock):
    # dsar_rules.md §6.2: received Mon 2 Mar 2026, asked 5 Mar, answered 10 Mar (6 days) -> Wed 8 Apr
    case = _open(clock, D(2026, 3, 2))
    assert case.due == D(2026, 4, 2)
    clock.pause(case, "staff@example.test", D(2026, 3, 5), "which years?")
    assert clock.open_pause(case.ref).paused_on == D(2026, 3, 5)
    with pytest.raises(ClockError, match="already paused"):
        clock.pause(clock.store.get(case.ref), "staff@example.test", D(2026, 3, 6))
    case = clock.resume(clock.store.get(case.ref), "staff@example.test", D(2026, 3, 10))
    assert case.due == D(2026, 4, 8)
    assert case.extended_due == D(2026, 6, 8)  # 2 Jun + 6 = 8 Jun (Mon)
    assert clock.open_pause(case.ref) is None
    with pytest.raises(ClockError, match="not paused"):
        clock.resume(case, "staff@example.test", D(2026, 3, 11))


def test_resume_before_the_pause_is_refused(clock):
    case = _open(clock, D(2026, 3, 2))
    clock.pause(case, "staff@example.test", D(2026, 3, 5))
    with pytest.raises(InputError, match="--on"):
        clock.resume(case, "staff@example.test", D(2026, 3, 4))


def test_pause_after_the_deadline_is_refused(clock):
    case = _open(clock, D(2026, 3, 2))
    with pytest.raises(InputError, match="after the deadline"):
        clock.pause(case, "staff@example.test", D(2026, 4, 20))


def test_extension_inside_the_first_month(clock):
    case = _open(clock, D(2026, 3, 2))
    case = clock.extend(case, "dpo@example.test", "3,000 emails across six mailboxes", D(2026, 4, 2))
    assert case.extended and case.effective_due == D(2026, 6, 2)
    assert clock.extension(case.ref).reason == "3,000 emails across six mailboxes"
    with pytest.raises(ClockError, match="already extended"):
        clock.extend(case, "dpo@example.test", "again", D(2026, 4, 2))


def test_extension_after_the_first_month_is_refused(clock):
    case = _open(clock, D(2026, 3, 2))
    with pytest.raises(ClockError, match="within the first month"):
        clock.extend(case, "dpo@example.test", "complex", D(2026, 4, 3))
    with pytest.raises(InputError, match="--reason"):
        clock.extend(case, "dpo@example.test", "  ", D(2026, 3, 10))


def test_extension_notice_deadline_moves_with_a_pause(clock):
    case = _open(clock, D(2026, 3, 2))
    clock.pause(case, "staff@example.test", D(2026, 3, 5))
    case = clock.resume(clock.store.get(case.ref), "staff@example.test", D(2026, 3, 10))
    # 2 Apr would have been too late without the pause' 6 days; 8 Apr is the moved first month
    assert clock.extend(case, "dpo@example.test", "complex", D(2026, 4, 8)).extended


def test_a_closed_case_cannot_be_paused_or_extended(clock):
    case = _open(clock, D(2026, 3, 2))
    case = clock.store.transition(case.ref, "withdrawn", "staff@example.test", "staff", "subject withdrew")
    with pytest.raises(ClockError, match="withdrawn"):
        clock.pause(case, "staff@example.test", D(2026, 3, 5))
    with pytest.raises(ClockError, match="withdrawn"):
        clock.extend(case, "staff@example.test", "x", D(2026, 3, 5))
