"""Response deadlines for data-subject requests, by the ICO's current rule (research/dsar_rules.md §1).

The rule (ICO right-of-access guidance, updated 8 December 2025; dsar_rules.md §1.2):

1. Day one is the day of receipt — of the request, or of ID / proof of authority / a fee the controller asked
   for — even when that is a weekend or bank holiday. (Before 15 August 2019 the ICO counted from the day
   *after*; that rule is withdrawn: 1 August now gives 1 September, not 2 September.)
2. The period ends at the end of the same date in the following month; if that date does not exist (31 January
   → February), at the end of that month's last day.
3. If that day is a weekend or a public holiday, it moves to the end of the next working day.

The extension (Art 12(3); dsar_rules.md §1.3) is "three months from the original start date", with the same
adjustments, and the data subject must be told of it, with reasons, within the first month.

Public holidays come from the ``holidays`` package for a UK division: England (ENG, the default), Wales (WLS),
Scotland (SCT) or Northern Ireland (NIR), because the ICO says "public holiday" and they differ (St Andrew's
Day, 12 July …).
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from functools import lru_cache
from typing import Iterable, Literal

import holidays

from .errors import InputError

REGIONS = ("ENG", "WLS", "SCT", "NIR")
DUE_SOON_DAYS = 7
Flag = Literal["overdue", "due_soon", "ok"]


_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def parse_day(field: str, text: str, today: dt.date | None = None, future: bool = False) -> dt.date:
    """A ``YYYY-MM-DD`` day typed by a user. Says *why* a well-formed day is wrong ("not a real date": 30
    February), and refuses a day after ``today`` unless ``future`` (a request cannot arrive tomorrow)."""
    value = (text or "").strip()
    m = _ISO_DAY.fullmatch(value)
    if not m:
        raise InputError(field, f"{text!r} is not a date in YYYY-MM-DD form (for example 2026-03-02)")
    year, month, day = (int(g) for g in m.groups())
    if not 1 <= month <= 12:
        raise InputError(field, f"{value} is not a real date: there is no month {month}")
    if year == 0:
        raise InputError(field, f"{value} is not a real date: there is no year 0")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise InputError(field, f"{value} is not a real date: {calendar.month_name[month]} {year} has {last} days")
    parsed = dt.date(year, month, day)
    today = today or dt.date.today()
    if not future and parsed > today:
        raise InputError(field, f"{value} is in the future (today is {today.isoformat()})")
    return parsed


def _region(region: str) -> str:
    r = str(region).upper()
    if r not in REGIONS:
        raise InputError("region", f"{region!r} is not a UK bank-holiday region; use one of {', '.join(REGIONS)}")
    return r


@lru_cache(maxsize=8)
def _calendar(region: str) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv=region)


def is_working_day(day: dt.date, region: str = "ENG") -> bool:
    return day.weekday() < 5 and day not in _calendar(_region(region))


def next_working_day(day: dt.date, region: str = "ENG") -> dt.date:
    """``day`` itself if it is a working day, otherwise the first working day after it."""
    while not is_working_day(day, region):
        day += dt.timedelta(days=1)
    return day


def corresponding_date(start: dt.date, months: int = 1) -> dt.date:
    """The same date ``months`` later, or that month's last day when the date does not exist (no roll-over)."""
    y, m0 = divmod(start.month - 1 + months, 12)
    year, month = start.year + y, m0 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def due_date(start: dt.date, region: str = "ENG") -> dt.date:
    """The one-month deadline for a clock that started on ``start`` (see :func:`clock_start`)."""
    return next_working_day(corresponding_date(start, 1), region)


def extended_due(start: dt.date, region: str = "ENG") -> dt.date:
    """The deadline after the two-month extension: three months from the original start, same adjustments.
    (The ICO does not say in terms that the weekend roll-over applies here; dsar_rules.md §6.2 assumes it,
    and so do we: it can only give the controller the day the ICO would.)"""
    return next_working_day(corresponding_date(start, 3), region)


def extension_notice_due(start: dt.date, region: str = "ENG") -> dt.date:
    """Last day to tell the subject about an extension (with reasons): inside the first month."""
    return due_date(start, region)


def clock_start(
    received: dt.date,
    id_received: dt.date | None = None,
    fee_received: dt.date | None = None,
    clarification_received: dt.date | None = None,
    authority_received: dt.date | None = None,
) -> dt.date:
    """Day one of the period: the latest of receipt of the request, of the ID, of proof that a third party is
    authorised, and of a fee (dsar_rules.md §1.4: these *restart* the clock, "within one month of receipt of").

    ``clarification_received`` is accepted but does **not** move the start: since the ICO's October 2020
    guidance, and in statute since Art 12A (DUAA s.76, in force 5 February 2026), asking for clarification
    *pauses* the clock instead of restarting it. Record the pause and use :func:`paused_due`.
    """
    start = received
    for field, day in (("--id-received", id_received), ("--fee-received", fee_received),
                       ("--authority-received", authority_received),
                       ("--clarification-received", clarification_received)):
        if day is None:
            continue
        if day < received:
            raise InputError(field, f"{day.isoformat()} is before the request was received ({received.isoformat()})")
        if field != "--clarification-received":
            start = max(start, day)
    return start


def paused_days(pauses: Iterable[tuple[dt.date, dt.date]]) -> int:
    """Days that do not count: each pause from the day clarification was asked for to the day it arrived,
    both included (DPA 2018 s.54(3C) wording, which Art 12A is reported to mirror; dsar_rules.md §1.4/§6.2).
    Overlapping pauses count each day once."""
    days: set[dt.date] = set()
    for paused_on, resumed_on in pauses:
        if resumed_on < paused_on:
            raise InputError("pauses", f"clarification received {resumed_on.isoformat()} before it was asked for "
                                       f"({paused_on.isoformat()})")
        days.update(paused_on + dt.timedelta(days=i) for i in range((resumed_on - paused_on).days + 1))
    return len(days)


def paused_due(start: dt.date, pauses: Iterable[tuple[dt.date, dt.date]], region: str = "ENG",
               months: int = 1) -> dt.date:
    """The deadline when the clock was stopped to ask for clarification.

    Model (dsar_rules.md §6.2, a DERIVED interpretation): the excluded days are added to the *unadjusted*
    corresponding date, and only then is the result moved off a weekend or holiday —
    ``next_working_day(corresponding_date(start, months) + paused_days)``. Example from §6.2: received
    2 March 2026, clarification asked 5 March, answered 10 March (6 days) → 2 April + 6 = Wednesday 8 April.
    Use ``months=3`` for an extended deadline; the extension-notice deadline moves the same way (``months=1``).
    A pause must start on or after ``start`` and before the (so far) extended deadline: asking after the
    deadline has passed cannot buy time.
    """
    pauses = sorted(pauses)
    raw = corresponding_date(start, months)
    counted: list[tuple[dt.date, dt.date]] = []
    for paused_on, resumed_on in pauses:
        if paused_on < start:
            raise InputError("pauses", f"clarification asked for on {paused_on.isoformat()}, before the clock "
                                       f"started ({start.isoformat()})")
        limit = next_working_day(raw + dt.timedelta(days=paused_days(counted)), region)  # the due day so far
        if paused_on > limit:
            raise InputError("pauses", f"clarification asked for on {paused_on.isoformat()}, after the deadline "
                                       f"({limit.isoformat()}) had passed")
        counted.append((paused_on, resumed_on))
    return next_working_day(raw + dt.timedelta(days=paused_days(counted)), region)


def days_left(due: dt.date, today: dt.date) -> int:
    """Whole days until the end of ``due``: 0 on the day itself, negative once overdue."""
    return (due - today).days


def status_flag(due: dt.date, today: dt.date) -> Flag:
    """``overdue`` after the due day, ``due_soon`` within :data:`DUE_SOON_DAYS` days of it, else ``ok``."""
    left = days_left(due, today)
    if left < 0:
        return "overdue"
    if left <= DUE_SOON_DAYS:
        return "due_soon"
    return "ok"
