"""``events.list`` filtering, pure: expanding recurring series into instances (``singleEvents``), the
``timeMin``/``timeMax`` window, ``q`` and ordering.

``q`` looks in the fields the API documents (summary, description, location, attendees' and the organiser's
email and display name), with :mod:`sandbox.textmatch`'s rules: whole tokens, a word holding symbols is a
phrase within one field, every word must be found. Google's own matching is fuzzier; this is never looser.
A series without an end is expanded up to ``timeMax``, else for at most ``MAX_INSTANCES`` instances.
"""
from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass

from dateutil import rrule

from ..textmatch import matches, query_phrases, segments
from .ics import instance_key
from .store import Event, When

MAX_INSTANCES = 730


@dataclass
class Window:
    time_min: dt.datetime | None = None
    time_max: dt.datetime | None = None
    updated_min: dt.datetime | None = None


def parse_time(value: str) -> dt.datetime:
    """RFC 3339 with a mandatory offset (``Z`` or ``±hh:mm``), as Calendar requires; ValueError otherwise."""
    v = value.strip()
    if v.endswith(("Z", "z")):
        v = v[:-1] + "+00:00"
    t = dt.datetime.fromisoformat(v)
    if t.tzinfo is None:
        raise ValueError("time zone offset required")
    return t


def occurrences(ev: Event, upper: dt.datetime | None) -> list[dt.datetime]:
    """Start times of a series (its first start included), at most MAX_INSTANCES, none after ``upper``."""
    start = ev.start.at
    if ev.start.all_day:
        start = start.replace(tzinfo=None)
    try:
        rules = rrule.rrulestr("\n".join(ev.recurrence), dtstart=start, forceset=True, ignoretz=ev.start.all_day)
    except (ValueError, TypeError):
        return [ev.start.at]
    out = []
    for t in rules:
        if ev.start.all_day:
            t = t.replace(tzinfo=ev.start.at.tzinfo)
        if upper is not None and t >= upper:
            break
        out.append(t)
        if len(out) >= MAX_INSTANCES:
            break
    return out


def instances(ev: Event, upper: dt.datetime | None) -> list[Event]:
    """The series as single events, with Google's instance ids (``<id>_<UTC start>``), exceptions applied."""
    length = ev.end.at - ev.start.at
    out = []
    for t in occurrences(ev, upper):
        original = When(t, ev.start.all_day, ev.start.tz)
        key = instance_key(original)
        change = ev.exceptions.get(key)
        if change == "cancelled":
            continue
        inst = copy.copy(ev)
        inst.id = f"{ev.id}_{key}"
        inst.recurrence = []
        inst.exceptions = {}
        inst.attendees = [dict(a) for a in ev.attendees]
        inst.recurring_event_id = ev.id
        inst.original_start = original
        inst.start, inst.end = original, original.shifted(length)
        if isinstance(change, dict):
            for k, v in change.items():
                setattr(inst, k, copy.deepcopy(v))
        out.append(inst)
    return out


def find_instance(ev: Event, instance_id: str) -> Event | None:
    for inst in instances(ev, None):
        if inst.id == instance_id:
            return inst
    return None


def searchable(ev: Event) -> list[str]:
    values = [ev.summary, ev.description, ev.location, ev.organizer.get("email", ""),
              ev.organizer.get("displayName", "")]
    for a in ev.attendees:
        values += [a.get("email", ""), a.get("displayName", "")]
    return segments(values)


def in_window(ev: Event, w: Window) -> bool:
    if w.time_min is not None and ev.end.at <= w.time_min and not (ev.end.at == ev.start.at == w.time_min):
        return False
    if w.time_max is not None and ev.start.at >= w.time_max:
        return False
    return True


def select(events: list[Event], *, q: str = "", window: Window | None = None, single: bool = False,
           show_deleted: bool = False, ical_uid: str | None = None, order_by: str | None = None) -> list[Event]:
    """The events (or, with ``single``, instances) ``events.list`` returns, in its order."""
    w = window or Window()
    phrases = query_phrases(q) if q else []
    out: list[Event] = []
    for ev in events:
        if ical_uid and ev.ical_uid != ical_uid:
            continue
        if ev.status == "cancelled" and not show_deleted:
            continue
        if w.updated_min is not None and ev.updated < w.updated_min:
            continue
        if ev.recurring and single:
            pool = instances(ev, w.time_max)
        elif ev.recurring:
            pool = [ev] if any(in_window(i, w) for i in instances(ev, w.time_max)) else []
        else:
            pool = [ev] if in_window(ev, w) else []
        for item in pool:
            if (single and ev.recurring) and not in_window(item, w):
                continue
            if phrases and not matches(phrases, searchable(item)):
                continue
            out.append(item)
    if order_by == "updated":
        out.sort(key=lambda e: (e.updated, e.id))
    else:
        out.sort(key=lambda e: (e.start.at, e.id))
    return out
