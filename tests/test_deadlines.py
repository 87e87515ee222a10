"""Deadlines: the ICO's published examples and the derived vectors of research/dsar_rules.md §6, copied exactly."""
from __future__ import annotations

import datetime as dt

import pytest

from addon import deadlines as dl
from addon.errors import InputError

D = dt.date.fromisoformat


# §6.1 ICO examples whose text gives no year: the unadjusted corresponding date is what the ICO states.
@pytest.mark.parametrize("received,deadline", [
    ((1, 1), (2, 1)),      # ICO-1: "1 January (a bank holiday)" -> "ends at the end of 1 February"
    ((1, 31), (2, 28)),    # ICO-3: "31 January" -> "28 February" (non-leap year)
    ((9, 3), (10, 3)),     # ICO-4 / ICO-5: "3 September" -> "3 October"
    ((4, 1), (5, 1)),      # ICO-5: "1 April" -> 1 May
    ((8, 1), (9, 1)),      # CMS (post-Aug-2019 rule): 1 Aug -> 1 Sep
    ((10, 31), (11, 30)),  # CMS: 31 Oct -> 30 Nov
    ((1, 30), (2, 28)),    # Lexology: 30 Jan -> 28 Feb unless a leap year
])
def test_ico_corresponding_date(received, deadline):
    assert dl.corresponding_date(dt.date(2025, *received)) == dt.date(2025, *deadline)


def test_ico3_leap_year_gives_29_february():
    assert dl.corresponding_date(D("2024-01-31")) == D("2024-02-29")
    assert dl.corresponding_date(D("2024-01-30")) == D("2024-02-29")  # Lexology, leap year


def test_withdrawn_day_after_rule_is_not_used():
    # Before Aug 2019 the ICO counted from the day after: 1 Aug -> 2 Sep. 1 Sep 2025 is a Monday.
    assert dl.due_date(D("2025-08-01")) == D("2025-09-01")
    assert dl.due_date(D("2025-08-01")) != D("2025-09-02")


def test_ico2_christmas():
    # ICO-2: "Monday 25 November" -> "until the end of Friday 27 December" (2024).
    assert dl.due_date(D("2024-11-25")) == D("2024-12-27")


def test_ico1_receipt_on_a_bank_holiday_counts():
    # 1 Jan 2027 is a bank holiday (Friday); 1 Feb 2027 is a Monday: "ends at the end of 1 February".
    assert dl.due_date(D("2027-01-01")) == D("2027-02-01")


def test_ico3_weekend_moves_to_next_monday():
    # 28 Feb 2026 is a Saturday: "the deadline is the end of the next Monday".
    assert dl.due_date(D("2026-01-31")) == D("2026-03-02")


# §6.2 DERIVED vectors: received, 1-month deadline, extended deadline (copied from the table).
DERIVED = [
    ("2024-11-25", "2024-12-27", "2025-02-25"),
    ("2025-01-01", "2025-02-03", "2025-04-01"),
    ("2026-01-01", "2026-02-02", "2026-04-01"),
    ("2027-01-01", "2027-02-01", "2027-04-01"),
    ("2024-01-31", "2024-02-29", "2024-04-30"),
    ("2025-01-31", "2025-02-28", "2025-04-30"),
    ("2026-01-31", "2026-03-02", "2026-04-30"),
    ("2027-01-31", "2027-03-01", "2027-04-30"),
    ("2028-01-31", "2028-02-29", "2028-05-02"),
    ("2025-09-03", "2025-10-03", "2025-12-03"),
    ("2026-09-03", "2026-10-05", "2026-12-03"),
    ("2026-03-31", "2026-04-30", "2026-06-30"),
    ("2026-05-31", "2026-06-30", "2026-09-01"),
    ("2026-10-31", "2026-11-30", "2027-02-01"),
    ("2026-12-31", "2027-02-01", "2027-03-31"),
    ("2025-11-26", "2025-12-29", "2026-02-26"),
    ("2026-11-26", "2026-12-29", "2027-02-26"),
    ("2027-11-25", "2027-12-29", "2028-02-25"),
    ("2026-02-28", "2026-03-30", "2026-05-28"),
    ("2026-03-06", "2026-04-07", "2026-06-08"),
]


@pytest.mark.parametrize("received,due,extended", DERIVED)
def test_derived_vectors(received, due, extended):
    assert dl.due_date(D(received)) == D(due)
    assert dl.extended_due(D(received)) == D(extended)
    assert dl.extension_notice_due(D(received)) == D(due)


def test_derived_stop_the_clock_example():
    # §6.2: received Mon 2026-03-02; clarification asked 03-05, answered 03-10 (6 days) -> Wed 2026-04-08.
    assert dl.paused_days([(D("2026-03-05"), D("2026-03-10"))]) == 6
    assert dl.paused_due(D("2026-03-02"), [(D("2026-03-05"), D("2026-03-10"))]) == D("2026-04-08")


def test_derived_id_restart_example():
    # §6.2: request 2026-03-02, ID received 2026-03-09 -> deadline 2026-04-09 Thu.
    start = dl.clock_start(D("2026-03-02"), id_received=D("2026-03-09"))
    assert start == D("2026-03-09")
    assert dl.due_date(start) == D("2026-04-09")


@pytest.mark.parametrize("received,due", [
    ("2023-01-31", "2023-02-28"),  # Tuesday
    ("2024-01-31", "2024-02-29"),  # leap year, Thursday
    ("2025-03-31", "2025-04-30"),  # 30-day month
    ("2025-05-31", "2025-06-30"),
    ("2025-08-31", "2025-09-30"),
    ("2025-10-31", "2025-12-01"),  # 30 Nov 2025 is a Sunday
    ("2025-12-31", "2026-02-02"),  # 31 Jan 2026 is a Saturday -> Mon 2 Feb
])
def test_month_end(received, due):
    assert dl.due_date(D(received)) == D(due)


@pytest.mark.parametrize("received,due", [
    ("2025-11-25", "2025-12-29"),  # Christmas Thu, Boxing Day Fri, weekend -> Mon 29th
    ("2026-03-03", "2026-04-07"),  # Good Friday 3 Apr 2026 -> weekend -> Easter Monday -> Tue 7th
    ("2025-03-18", "2025-04-22"),  # Good Friday 18 Apr 2025 -> ... -> Easter Monday 21st -> Tue 22nd
    ("2025-12-01", "2026-01-02"),  # New Year's Day (Thu 1 Jan 2026) -> Fri 2nd in England
])
def test_bank_holidays_england(received, due):
    assert dl.due_date(D(received)) == D(due)


def test_region_differences():
    # St Andrew's Day, Mon 30 Nov 2026, is a Scottish bank holiday only.
    assert dl.due_date(D("2026-10-30"), "ENG") == D("2026-11-30")
    assert dl.due_date(D("2026-10-30"), "SCT") == D("2026-12-01")
    # Battle of the Boyne, Mon 12 July 2027, in Northern Ireland only.
    assert dl.due_date(D("2027-06-12"), "ENG") == D("2027-07-12")
    assert dl.due_date(D("2027-06-12"), "NIR") == D("2027-07-13")
    # 2 January is a Scottish holiday: Fri 2 Jan 2026.
    assert dl.due_date(D("2025-12-02"), "SCT") == D("2026-01-05")
    assert dl.due_date(D("2025-12-02"), "WLS") == D("2026-01-02")
    # Easter Monday is not a bank holiday in Scotland.
    assert dl.due_date(D("2026-03-06"), "SCT") == D("2026-04-06")
    assert dl.due_date(D("2026-03-06"), "nir") == D("2026-04-07")  # region is case-insensitive


def test_unknown_region_is_a_clear_error():
    with pytest.raises(InputError) as e:
        dl.due_date(D("2026-01-01"), "XYZ")
    assert e.value.field == "region" and "ENG" in str(e.value)


def test_extended_due_is_three_months_from_the_original_start():
    start = dl.clock_start(D("2026-02-10"), fee_received=D("2026-02-20"))
    assert start == D("2026-02-20")
    assert dl.extended_due(start) == D("2026-05-20")


def test_clock_start_takes_the_latest_restart_and_ignores_clarification():
    r = D("2026-03-02")
    assert dl.clock_start(r) == r
    assert dl.clock_start(r, id_received=D("2026-03-09"), fee_received=D("2026-03-05")) == D("2026-03-09")
    assert dl.clock_start(r, authority_received=D("2026-03-12"), id_received=D("2026-03-09")) == D("2026-03-12")
    # Clarification pauses (paused_due); it does not restart the month.
    assert dl.clock_start(r, clarification_received=D("2026-03-20")) == r


def test_clock_start_rejects_dates_before_receipt():
    with pytest.raises(InputError) as e:
        dl.clock_start(D("2026-03-02"), id_received=D("2026-03-01"))
    assert e.value.field == "--id-received"


def test_paused_due_lands_on_a_weekend_then_rolls():
    # 2026-03-02 + 1 month = Thu 2 Apr; 2 days paused -> Sat 4 Apr -> Easter weekend -> Tue 7 Apr.
    assert dl.paused_due(D("2026-03-02"), [(D("2026-03-10"), D("2026-03-11"))]) == D("2026-04-07")


def test_paused_due_counts_overlaps_once_and_sums_separate_pauses():
    start = D("2026-03-02")
    assert dl.paused_days([(D("2026-03-05"), D("2026-03-10")), (D("2026-03-08"), D("2026-03-12"))]) == 8
    # 1 + 3 days -> 2 Apr + 4 = Mon 6 Apr = Easter Monday -> Tue 7 Apr
    pauses = [(D("2026-03-05"), D("2026-03-05")), (D("2026-03-20"), D("2026-03-22"))]
    assert dl.paused_due(start, pauses) == D("2026-04-07")
    # No pauses: the ordinary deadline; months=3 gives the extended one, moved by the same days.
    assert dl.paused_due(start, []) == dl.due_date(start)
    assert dl.paused_due(start, [(D("2026-03-05"), D("2026-03-10"))], months=3) == D("2026-06-08")


def test_paused_due_rejects_impossible_pauses():
    start = D("2026-03-02")
    with pytest.raises(InputError):
        dl.paused_due(start, [(D("2026-03-10"), D("2026-03-05"))])  # answered before asked
    with pytest.raises(InputError):
        dl.paused_due(start, [(D("2026-03-01"), D("2026-03-05"))])  # before the clock started
    with pytest.raises(InputError):
        dl.paused_due(start, [(D("2026-04-20"), D("2026-04-25"))])  # after the deadline had passed
    # A pause that began within the time the first pause added is still in time.
    assert dl.paused_due(start, [(D("2026-03-05"), D("2026-03-14")), (D("2026-04-08"), D("2026-04-08"))]) \
        == D("2026-04-13")


def test_days_left_and_status_flag():
    due = D("2026-04-08")
    assert dl.days_left(due, D("2026-04-08")) == 0
    assert dl.days_left(due, D("2026-04-01")) == 7
    assert dl.days_left(due, D("2026-04-09")) == -1
    assert dl.status_flag(due, D("2026-04-09")) == "overdue"
    assert dl.status_flag(due, D("2026-04-08")) == "due_soon"
    assert dl.status_flag(due, D("2026-04-01")) == "due_soon"
    assert dl.status_flag(due, D("2026-03-31")) == "ok"
