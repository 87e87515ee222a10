"""Calendar v3 JSON shapes: ``calendar#calendarListEntry``, ``calendar#events`` and ``calendar#event``."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from .store import Calendar, Event, When, rfc3339


def etag(*parts: Any) -> str:
    return '"' + str(int(hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:15], 16)) + '"'


def when_json(w: When, out_tz: str | None) -> dict[str, str]:
    if w.all_day:
        return {"date": w.at.date().isoformat()}
    t = w.at.astimezone(ZoneInfo(out_tz)) if out_tz else w.at
    out = {"dateTime": t.isoformat(timespec="seconds")}
    tz = out_tz or w.tz
    if tz:
        out["timeZone"] = tz
    return out


def person(p: dict[str, str], caller: str) -> dict[str, Any]:
    out: dict[str, Any] = dict(p)
    if p.get("email") == caller:
        out["self"] = True
    return out


def event_json(ev: Event, cal: Calendar, caller: str, out_tz: str | None = None,
               max_attendees: int | None = None) -> dict[str, Any]:
    if ev.status == "cancelled":  # Google shows deleted events with their ids and little else
        return {"kind": "calendar#event", "etag": etag(ev.id, ev.etag_n), "id": ev.id, "status": "cancelled",
                **({"recurringEventId": ev.recurring_event_id,
                    "originalStartTime": when_json(ev.original_start, out_tz)} if ev.recurring_event_id else {})}
    link = base64.urlsafe_b64encode(f"{ev.id} {cal.id}".encode()).decode().rstrip("=")
    organizer = ev.organizer or {"email": cal.id, "displayName": cal.summary}
    out: dict[str, Any] = {
        "kind": "calendar#event", "etag": etag(ev.id, ev.etag_n), "id": ev.id, "status": ev.status,
        "htmlLink": "https://www.google.com/calendar/event?eid=" + quote(link),
        "created": rfc3339(ev.created), "updated": rfc3339(ev.updated),
    }
    if ev.summary:
        out["summary"] = ev.summary
    if ev.description:
        out["description"] = ev.description
    if ev.location:
        out["location"] = ev.location
    out["creator"] = person({"email": organizer.get("email", cal.id)}, caller)
    out["organizer"] = person(organizer, caller)
    out["start"] = when_json(ev.start, out_tz)
    out["end"] = when_json(ev.end, out_tz)
    if ev.recurrence:
        out["recurrence"] = list(ev.recurrence)
    if ev.recurring_event_id:
        out["recurringEventId"] = ev.recurring_event_id
        out["originalStartTime"] = when_json(ev.original_start, out_tz)
    out["iCalUID"] = ev.ical_uid
    out["sequence"] = ev.sequence
    if ev.attendees:
        atts = [person(a, caller) for a in ev.attendees]
        if max_attendees is not None and len(atts) > max_attendees:
            out["attendeesOmitted"] = True
            atts = [a for a in atts if a.get("self")]
        if atts:
            out["attendees"] = atts
    out["reminders"] = {"useDefault": True}
    out["eventType"] = "default"
    return out


def list_entry(cal: Calendar) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": "calendar#calendarListEntry", "etag": etag(cal.id, len(cal.events)), "id": cal.id,
        "summary": cal.summary, "timeZone": cal.time_zone, "colorId": "14", "backgroundColor": "#9fe1e7",
        "foregroundColor": "#000000", "selected": True, "accessRole": "owner",
        "defaultReminders": [{"method": "popup", "minutes": 10}] if cal.primary else [],
        "conferenceProperties": {"allowedConferenceSolutionTypes": ["hangoutsMeet"]},
    }
    if cal.description:
        out["description"] = cal.description
    if cal.primary:
        out["primary"] = True
        out["notificationSettings"] = {"notifications": [
            {"type": t, "method": "email"} for t in ("eventCreation", "eventChange", "eventCancellation", "eventResponse")]}
    return out


def events_envelope(cal: Calendar, items: list[dict[str, Any]], token: str | None, out_tz: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": "calendar#events", "etag": etag(cal.id, len(items), token), "summary": cal.summary,
        "description": cal.description, "updated": rfc3339(dt.datetime.now(dt.timezone.utc)),
        "timeZone": out_tz or cal.time_zone, "accessRole": "owner",
        "defaultReminders": [{"method": "popup", "minutes": 10}] if cal.primary else [],
    }
    if token:
        out["nextPageToken"] = token
    out["items"] = items
    return out


def valid_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
        return True
    except Exception:  # noqa: BLE001 - any unknown or malformed zone name
        return False


