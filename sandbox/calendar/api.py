"""Calendar v3 routes: calendarList.list, events.list / get / delete / patch, with Google's parameters,
errors (classic shape: 400 badRequest, 404 notFound, 410 deleted) and scopes from the discovery document."""
from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from flask import Blueprint

from ..errors import ApiError
from ..paging import fingerprint, page, read_token
from ..routing import Call, api_route
from . import render
from .ics import instance_key, zone
from .search import Window, find_instance, parse_time, select
from .store import Calendar, CalendarStore, Event, When

bp = Blueprint("calendar", __name__)


def bad(message: str = "Bad Request", location: str | None = None, reason: str = "badRequest") -> ApiError:
    return ApiError(400, message, reason, location=location)


def not_found() -> ApiError:
    return ApiError(404, "Not Found", "notFound")


def store_of(call: Call) -> CalendarStore:
    if call.ws.calendars is None:
        call.ws.calendars = CalendarStore()
    return call.ws.calendars


def calendar_of(call: Call, calendar_id: str) -> Calendar:
    cal = store_of(call).resolve(call.user, calendar_id)
    if cal is None:
        raise not_found()
    return cal


def _int(call: Call, name: str, default: int, lo: int, hi: int | None = None) -> int:
    raw = call.args.get(name)
    if raw is None:
        return default
    try:
        n = int(raw)
    except ValueError:
        raise bad(f"Invalid value for: {name}", name, "invalid") from None
    if n < lo:
        raise bad(f"Invalid value '{raw}'. Values must be within the range: [{lo}, {hi or 2500}]", name, "invalid")
    return min(n, hi) if hi else n


def _bool(call: Call, name: str) -> bool:
    return (call.args.get(name) or "").lower() == "true"


def _time(call: Call, name: str) -> dt.datetime | None:
    raw = call.args.get(name)
    if not raw:
        return None
    try:
        return parse_time(raw)
    except ValueError:
        raise bad() from None


def _out_tz(call: Call) -> str | None:
    tz = call.args.get("timeZone")
    if tz and not render.valid_zone(tz):
        raise bad("Invalid time zone definition for the time zone parameter.", "timeZone", "timeRangeEmpty")
    return tz


@api_route(bp, "calendar.calendarList.list")
def calendar_list(call: Call) -> dict[str, Any]:
    cals = store_of(call).of(call.user)
    if not cals:
        cals = [store_of(call).ensure_primary(call.user)]
    size = _int(call, "maxResults", 100, 1, 250)
    fp = fingerprint("calendarList", call.user, call.args.get("minAccessRole"))
    try:
        offset = read_token(call.args.get("pageToken"), fp)
    except ValueError:
        raise bad("Invalid page token value.", "pageToken", "invalid") from None
    chunk, token = page(cals, offset, size, fp)
    out: dict[str, Any] = {"kind": "calendar#calendarList", "etag": render.etag(call.user, len(cals), offset)}
    if token:
        out["nextPageToken"] = token
    else:
        out["nextSyncToken"] = "CP" + render.etag(call.user, len(cals)).strip('"')
    out["items"] = [render.list_entry(c) for c in chunk]
    return out


@api_route(bp, "calendar.events.list")
def events_list(call: Call, calendarId: str) -> dict[str, Any]:
    cal = calendar_of(call, calendarId)
    window = Window(_time(call, "timeMin"), _time(call, "timeMax"), _time(call, "updatedMin"))
    if window.time_min and window.time_max and window.time_min >= window.time_max:
        raise bad("The specified time range is empty.", "timeMax", "timeRangeEmpty")
    single = _bool(call, "singleEvents")
    order_by = call.args.get("orderBy")
    if order_by not in (None, "startTime", "updated"):
        raise bad("Invalid value for: orderBy", "orderBy", "invalid")
    if order_by == "startTime" and not single:
        raise bad("The requested ordering is not available for the particular query.", "orderBy", "badRequest")
    if call.args.get("syncToken"):
        raise bad("Sync tokens are not supported by the sandbox.", "syncToken", "invalid")
    size = _int(call, "maxResults", 250, 1, 2500)
    max_att = _int(call, "maxAttendees", 0, 1) if call.args.get("maxAttendees") else None
    out_tz = _out_tz(call)
    q = call.args.get("q", "")
    show_deleted = _bool(call, "showDeleted")
    fp = fingerprint("events", call.user, cal.id, q, call.args.get("timeMin"), call.args.get("timeMax"), single,
                     order_by, show_deleted, call.args.get("iCalUID"), call.args.get("updatedMin"))
    try:
        offset = read_token(call.args.get("pageToken"), fp)
    except ValueError:
        raise bad("Invalid page token value.", "pageToken", "invalid") from None
    chosen = select(list(cal.events.values()), q=q, window=window, single=single, show_deleted=show_deleted,
                    ical_uid=call.args.get("iCalUID"), order_by=order_by)
    chunk, token = page(chosen, offset, size, fp)
    items = [render.event_json(e, cal, call.user, out_tz, max_att) for e in chunk]
    return render.events_envelope(cal, items, token, out_tz)


def _locate(cal: Calendar, event_id: str) -> tuple[Event, Event | None]:
    """(series or single event, instance or None) for an event id or an instance id ``<id>_<start>``."""
    ev = cal.events.get(event_id)
    if ev is not None:
        return ev, None
    base, sep, _ = event_id.rpartition("_")
    series = cal.events.get(base) if sep else None
    if series is not None and series.recurring:
        inst = find_instance(series, event_id)
        if inst is not None:
            return series, inst
    raise not_found()


@api_route(bp, "calendar.events.get")
def events_get(call: Call, calendarId: str, eventId: str) -> dict[str, Any]:
    cal = calendar_of(call, calendarId)
    series, inst = _locate(cal, eventId)
    max_att = _int(call, "maxAttendees", 0, 1) if call.args.get("maxAttendees") else None
    return render.event_json(inst or series, cal, call.user, _out_tz(call), max_att)


def _send_updates(call: Call) -> None:
    v = call.args.get("sendUpdates")
    if v is not None and v not in ("all", "externalOnly", "none"):
        raise bad("Invalid value for: sendUpdates", "sendUpdates", "invalid")


def _touch(ev: Event, significant: bool) -> None:
    ev.updated = dt.datetime.now(dt.timezone.utc)
    ev.etag_n += 1
    if significant:
        ev.sequence += 1


@api_route(bp, "calendar.events.delete")
def events_delete(call: Call, calendarId: str, eventId: str) -> None:
    cal = calendar_of(call, calendarId)
    _send_updates(call)
    series, inst = _locate(cal, eventId)
    if inst is not None:
        series.exceptions[instance_key(inst.original_start)] = "cancelled"
        _touch(series, True)
        return None
    if series.status == "cancelled":
        raise ApiError(410, "Resource has been deleted", "deleted")
    series.status = "cancelled"
    _touch(series, True)
    return None


def _attendees(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise bad("Invalid attendees.", "attendees", "invalid")
    out = []
    for a in value:
        if not isinstance(a, dict) or not a.get("email"):
            raise bad("Missing attendee email.", None, "required")
        keep = {k: a[k] for k in ("email", "displayName", "optional", "responseStatus", "comment") if k in a}
        keep["email"] = str(keep["email"]).lower()
        keep.setdefault("responseStatus", "needsAction")
        out.append(keep)
    return out


def _when(value: Any, cal: Calendar, name: str) -> When:
    if not isinstance(value, dict):
        raise bad(f"Invalid {name}.", name, "invalid")
    try:
        if "date" in value:
            d = dt.date.fromisoformat(value["date"])
            return When(dt.datetime.combine(d, dt.time(), zone(cal.time_zone)), all_day=True)
        t = dt.datetime.fromisoformat(str(value["dateTime"]).replace("Z", "+00:00"))
    except (KeyError, ValueError):
        raise bad(f"Invalid {name} time.", name, "invalid") from None
    tz = value.get("timeZone")
    if t.tzinfo is None:
        if not tz:
            raise bad("Missing time zone definition for start time.", name, "required")
        t = t.replace(tzinfo=zone(tz))
    return When(t, tz=tz)


@api_route(bp, "calendar.events.patch")
def events_patch(call: Call, calendarId: str, eventId: str) -> dict[str, Any]:
    cal = calendar_of(call, calendarId)
    _send_updates(call)
    body = call.json()
    series, inst = _locate(cal, eventId)
    if series.status == "cancelled" and body.get("status") != "confirmed":
        raise ApiError(410, "Resource has been deleted", "deleted")
    changes: dict[str, Any] = {}
    for key in ("summary", "description", "location"):
        if key in body:
            changes[key] = str(body[key] or "")
    if "attendees" in body:
        changes["attendees"] = _attendees(body["attendees"])
    for key in ("start", "end"):
        if key in body:
            changes[key] = _when(body[key], cal, key)
    if body.get("status") in ("cancelled", "confirmed", "tentative"):
        changes["status"] = body["status"]
    start, end = changes.get("start", (inst or series).start), changes.get("end", (inst or series).end)
    if end.at < start.at:
        raise bad("The specified time range is empty.", None, "timeRangeEmpty")
    significant = bool({"attendees", "start", "end", "status"} & changes.keys())
    if inst is not None:
        key = instance_key(inst.original_start)
        if changes.get("status") == "cancelled":
            series.exceptions[key] = "cancelled"
        else:
            current = series.exceptions.get(key)
            merged = dict(current) if isinstance(current, dict) else {}
            merged.update(copy.deepcopy(changes))
            series.exceptions[key] = merged
        _touch(series, significant)
        return render.event_json(find_instance(series, eventId) or inst, cal, call.user)
    for k, v in changes.items():
        setattr(series, k, v)
    _touch(series, significant)
    return render.event_json(series, cal, call.user)
