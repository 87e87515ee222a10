"""Loading Takeout's ``<user>/Calendar/*.ics`` (one file per calendar) with icalendar.

The file named after the user's address (Takeout's name for the primary calendar) becomes the primary
calendar; any other file a secondary calendar named by its ``X-WR-CALNAME`` (else the file's stem). A VEVENT
with a ``RECURRENCE-ID`` patches (or, with ``STATUS:CANCELLED``, removes) one instance of its series. A file
that does not parse, or an event without ``UID``/``DTSTART``, is recorded in ``load_problems`` and skipped.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar

from .store import DEFAULT_TZ, Calendar, CalendarStore, Event, When, event_id_for, secondary_id

_PARTSTAT = {"ACCEPTED": "accepted", "DECLINED": "declined", "TENTATIVE": "tentative", "NEEDS-ACTION": "needsAction"}


def zone(name: str | None) -> dt.tzinfo:
    try:
        return ZoneInfo(name or DEFAULT_TZ)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TZ)


def when(value, cal_tz: str) -> When:
    """A DTSTART/DTEND value: an all-day date, a zoned or UTC time, or a floating time (read in the calendar's
    zone, as Google reads one)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return When(value.replace(tzinfo=zone(cal_tz)), tz=cal_tz)
        key = getattr(value.tzinfo, "key", None)
        return When(value, tz=key if key else None)
    return When(dt.datetime.combine(value, dt.time(), zone(cal_tz)), all_day=True)


def instance_key(start: When) -> str:
    if start.all_day:
        return start.at.strftime("%Y%m%d")
    return start.at.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _address(prop) -> dict[str, str]:
    value = str(prop)
    email = value[7:] if value.lower().startswith("mailto:") else value
    out = {"email": email.strip().lower()}
    cn = prop.params.get("CN") if hasattr(prop, "params") else None
    if cn and str(cn).strip().lower() != out["email"]:
        out["displayName"] = str(cn)
    return out


def _list(component, name: str) -> list:
    got = component.get(name)
    if got is None:
        return []
    return got if isinstance(got, list) else [got]


def _stamp(component, name: str, fallback: dt.datetime) -> dt.datetime:
    prop = component.get(name)
    if prop is None:
        return fallback
    v = prop.dt
    if not isinstance(v, dt.datetime):
        v = dt.datetime.combine(v, dt.time())
    return v if v.tzinfo else v.replace(tzinfo=dt.timezone.utc)


def to_event(comp, cal: Calendar, fallback: dt.datetime) -> Event:
    uid = str(comp.get("UID") or "").strip()
    if not uid:
        raise ValueError("VEVENT without UID")
    if comp.get("DTSTART") is None:
        raise ValueError(f"VEVENT {uid}: no DTSTART")
    start = when(comp["DTSTART"].dt, cal.time_zone)
    if comp.get("DTEND") is not None:
        end = when(comp["DTEND"].dt, cal.time_zone)
    elif comp.get("DURATION") is not None:
        end = start.shifted(comp["DURATION"].dt)
    else:
        end = start.shifted(dt.timedelta(days=1) if start.all_day else dt.timedelta(0))
    ev = Event(id=event_id_for(uid), calendar_id=cal.id, ical_uid=uid, start=start, end=end)
    ev.summary = str(comp.get("SUMMARY") or "")
    ev.description = str(comp.get("DESCRIPTION") or "")
    ev.location = str(comp.get("LOCATION") or "")
    if comp.get("ORGANIZER") is not None:
        ev.organizer = _address(comp["ORGANIZER"])
    for att in _list(comp, "ATTENDEE"):
        a = _address(att)
        a["responseStatus"] = _PARTSTAT.get(str(att.params.get("PARTSTAT", "NEEDS-ACTION")).upper(), "needsAction")
        if str(att.params.get("ROLE", "")).upper() == "OPT-PARTICIPANT":
            a["optional"] = True
        if ev.organizer and a["email"] == ev.organizer.get("email"):
            a["organizer"] = True
        ev.attendees.append(a)
    for name in ("RRULE", "EXRULE", "RDATE", "EXDATE"):
        for prop in _list(comp, name):
            ev.recurrence.append(f"{name}:{prop.to_ical().decode()}" if hasattr(prop, "to_ical") else f"{name}:{prop}")
    if str(comp.get("STATUS") or "").upper() == "CANCELLED":
        ev.status = "cancelled"
    ev.created = _stamp(comp, "CREATED", fallback)
    ev.updated = _stamp(comp, "LAST-MODIFIED", _stamp(comp, "DTSTAMP", ev.created))
    try:
        ev.sequence = int(comp.get("SEQUENCE") or 0)
    except ValueError:
        ev.sequence = 0
    return ev


def load_calendar_file(store: CalendarStore, owner: str, path: Path, problems: list[tuple[str, str]]) -> None:
    try:
        parsed = icalendar.Calendar.from_ical(path.read_bytes())
    except Exception as e:  # noqa: BLE001 - a damaged file is reported, never fatal
        problems.append((str(path), f"not an iCalendar file: {type(e).__name__}: {e}"[:300]))
        return
    name = str(parsed.get("X-WR-CALNAME") or path.stem)
    tz = str(parsed.get("X-WR-TIMEZONE") or DEFAULT_TZ)
    primary = path.stem.lower() == owner or name.lower() == owner
    if primary:
        cal = store.ensure_primary(owner)
        cal.time_zone = tz
    else:
        cid = secondary_id(owner, name)
        cal = store.calendars.setdefault(cid, Calendar(cid, owner, name, tz))
    cal.description = str(parsed.get("X-WR-CALDESC") or cal.description)
    fallback = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc)
    overrides = []
    for n, comp in enumerate(parsed.walk("VEVENT"), 1):
        try:
            ev = to_event(comp, cal, fallback)
        except Exception as e:  # noqa: BLE001
            problems.append((f"{path}#{n}", f"skipped event: {e}"[:300]))
            continue
        if comp.get("RECURRENCE-ID") is not None:
            overrides.append((ev, when(comp["RECURRENCE-ID"].dt, cal.time_zone)))
        else:
            cal.events[ev.id] = ev
    for ev, original in overrides:
        series = cal.events.get(ev.id)
        if series is None:
            problems.append((str(path), f"RECURRENCE-ID for unknown series {ev.ical_uid}; skipped"))
            continue
        if ev.status == "cancelled":
            series.exceptions[instance_key(original)] = "cancelled"
        else:
            series.exceptions[instance_key(original)] = {
                "summary": ev.summary, "description": ev.description, "location": ev.location,
                "start": ev.start, "end": ev.end, "attendees": ev.attendees}


def load_calendars(ws, owner: str, folder: Path) -> None:
    """Every ``*.ics`` in ``<user>/Calendar/``; every user has a primary calendar, empty if no file gives one."""
    if ws.calendars is None:
        ws.calendars = CalendarStore()
    ws.calendars.ensure_primary(owner)
    for path in sorted(Path(folder).glob("*.ics")):
        if path.is_file():
            load_calendar_file(ws.calendars, owner.lower(), path, ws.load_problems)
