"""Calendar v3 state: each user's calendars (a primary named after the address, plus secondary ones) and
their events, recurring series included. Times are kept as aware datetimes; JSON shapes are in
:mod:`sandbox.calendar.render`."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

DEFAULT_TZ = "Europe/London"


def event_id_for(uid: str) -> str:
    """Google's event id: base32hex, lower case. Takeout writes ``UID:<id>@google.com``, so that id is kept;
    any other UID is hashed to one."""
    local, _, host = uid.partition("@")
    if host == "google.com" and local and all(c in "0123456789abcdefghijklmnopqrstuv" for c in local):
        return local
    return base64.b32hexencode(hashlib.sha256(uid.encode()).digest()[:15]).decode().lower().rstrip("=")


def secondary_id(owner: str, name: str) -> str:
    digest = hashlib.sha256(f"{owner.lower()}|{name}".encode()).hexdigest()[:26]
    return f"c_{digest}@group.calendar.google.com"


def rfc3339(t: dt.datetime) -> str:
    """UTC with milliseconds, as Google writes ``created``/``updated``."""
    return t.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


@dataclass
class When:
    """An event's start or end: a moment (``timed``) or an all-day date."""

    at: dt.datetime  # aware; for all-day dates, midnight in the calendar's zone
    all_day: bool = False
    tz: str | None = None  # the IANA zone the time was written in, if named

    def shifted(self, delta: dt.timedelta) -> "When":
        return When(self.at + delta, self.all_day, self.tz)


@dataclass
class Event:
    id: str
    calendar_id: str
    ical_uid: str
    summary: str = ""
    description: str = ""
    location: str = ""
    start: When | None = None
    end: When | None = None
    organizer: dict[str, str] = field(default_factory=dict)  # {"email", "displayName"?}
    attendees: list[dict[str, Any]] = field(default_factory=list)
    recurrence: list[str] = field(default_factory=list)  # "RRULE:...", "EXDATE:..."
    status: str = "confirmed"
    created: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    updated: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    sequence: int = 0
    #: instance start (UTC, "%Y%m%dT%H%M%SZ" or "%Y%m%d") -> "cancelled" or a dict of patched fields
    exceptions: dict[str, Any] = field(default_factory=dict)
    #: set on an instance produced by expanding a series
    recurring_event_id: str | None = None
    original_start: When | None = None
    etag_n: int = 1

    @property
    def recurring(self) -> bool:
        return any(r.upper().startswith("RRULE") for r in self.recurrence)


@dataclass
class Calendar:
    id: str
    owner: str
    summary: str
    time_zone: str = DEFAULT_TZ
    description: str = ""
    primary: bool = False
    events: dict[str, Event] = field(default_factory=dict)


@dataclass
class CalendarStore:
    calendars: dict[str, Calendar] = field(default_factory=dict)

    def of(self, user: str) -> list[Calendar]:
        """The user's calendar list: primary first, then by name."""
        mine = [c for c in self.calendars.values() if c.owner == user.lower()]
        return sorted(mine, key=lambda c: (not c.primary, c.summary.lower(), c.id))

    def ensure_primary(self, user: str) -> Calendar:
        cal = self.calendars.get(user.lower())
        if cal is None:
            cal = self.calendars[user.lower()] = Calendar(user.lower(), user.lower(), user.lower(), primary=True)
        return cal

    def resolve(self, user: str, calendar_id: str) -> Calendar | None:
        """``primary`` or a calendar id the caller owns; None otherwise (Google answers 404)."""
        if calendar_id == "primary":
            return self.ensure_primary(user)
        cal = self.calendars.get(calendar_id) or self.calendars.get(calendar_id.lower())
        return cal if cal is not None and cal.owner == user.lower() else None
