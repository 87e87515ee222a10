"""Searching one user's calendars: every calendar they own (``calendarList.list`` with minAccessRole=owner),
each searched with ``events.list`` and confirmed locally on the event's title, description, location and
people (attendees, organiser, creator).

Calendar's ``q`` has no OR: each written form of an identifier is its own query. When the subject's forms
need more than :data:`MAX_QUERIES` queries (a phone number written in its many groupings does), one listing
of every event on the calendar is cheaper than the queries and misses nothing, so that is done instead.
Each query is quoted phrases of letter and digit tokens only (:mod:`addon.queries.variants`), so no
subject string can change what it asks for. Checkpointed after every page.

Item: ``{"source": "calendar", "account", "calendar_id", "event_id", "ical_uid", "summary", "start",
"organizer", "status", "recurring", "matched"}``.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from googleapiclient.errors import HttpError

from ..queries.variants import subject_clauses
from ..subjects.normalise import strip_marks
from . import evidence

PAGE = 2500  # Calendar's maximum maxResults for events.list
MAX_QUERIES = 8
EVENT_FIELDS = ("nextPageToken, items(id, iCalUID, status, summary, description, location, start, end, "
                "recurrence, recurringEventId, htmlLink, creator, organizer, attendees)")


def _phrase(form: tuple[str, ...]) -> str:
    return '"' + " ".join(form) + '"'


def calendar_queries(subject: Any, cap: int = MAX_QUERIES) -> list[str] | None:
    """The ``q`` strings for the subject, or None when more than ``cap`` would be needed (list everything)."""
    out: dict[str, None] = {}
    for clause in subject_clauses(subject):
        if clause.kind == "phone":  # a number's groupings are many queries: one listing is cheaper
            return None
        # the forms as typed, without marks and joined; not the spellings with added marks (Calendar's own
        # index folds case and accents, so they buy nothing here)
        groups = [[f for f in g if f == g[0] or strip_marks(" ".join(f)) == " ".join(f)] for g in clause.groups]
        for combo in itertools.product(*groups):
            out.setdefault(" ".join(_phrase(f) for f in combo), None)
            if len(out) > cap:
                return None
    return list(out)


def _people(ev: dict) -> list[dict]:
    return [p for p in ([ev.get("organizer") or {}, ev.get("creator") or {}] + list(ev.get("attendees") or [])) if p]


def event_evidence(matcher: Any, ev: dict) -> list[dict]:
    """Why an event matched, by part: its title, description, location, or the people on it."""
    people = "\n".join(f"{p.get('displayName', '')} <{p.get('email', '')}>" for p in _people(ev))
    return evidence.merge(
        evidence.from_hits(matcher.match_text(ev.get("summary") or ""), "title"),
        evidence.from_hits(matcher.match_text(ev.get("description") or ""), "description"),
        evidence.from_hits(matcher.match_text(ev.get("location") or ""), "location"),
        evidence.from_hits(matcher.match_text(people), "attendee"),
    )


def subject_attendees(matcher: Any, ev: dict) -> list[str]:
    """The attendee addresses that are the subject's (for "remove the subject as an attendee")."""
    return [a["email"] for a in ev.get("attendees") or [] if a.get("email")
            and any(h.kind == "email" for h in matcher.match_text(a["email"]))]


def event_item(account: str, calendar_id: str, ev: dict, matched: list[dict], attendees: list[str]) -> dict:
    start = ev.get("start") or {}
    return {"source": "calendar", "account": account, "calendar_id": calendar_id, "event_id": ev["id"],
            "ical_uid": ev.get("iCalUID", ""), "summary": ev.get("summary", ""),
            "start": start.get("dateTime") or start.get("date") or "",
            "organizer": (ev.get("organizer") or {}).get("email", ""), "status": ev.get("status", "confirmed"),
            "recurring": bool(ev.get("recurrence")), "subject_attendees": attendees, "matched": matched}


def owned_calendars(service: Any) -> list[dict]:
    """Every calendar the user owns: ``[{"id", "summary", "primary"}]``."""
    out, token = [], None
    while True:
        resp = service.calendarList().list(minAccessRole="owner", maxResults=250, pageToken=token,
                                           showHidden=True).execute()
        out += [{"id": c["id"], "summary": c.get("summary", ""), "primary": bool(c.get("primary"))}
                for c in resp.get("items", [])]
        token = resp.get("nextPageToken")
        if not token:
            return out


@dataclass
class CalendarUnit:
    """One user's calendars for one case; ``state`` is the JSON-able checkpoint."""

    account: str
    service: Any  # Calendar v3 resource, audited
    queries: list[str] | None  # None: list every event
    matcher: Any
    state: dict
    save: Callable[[dict], None]
    emit: Callable[[list[dict]], None]
    progress: Callable[[str, int], None] = lambda kind, n: None

    def run(self) -> None:
        st = self.state
        if "calendars" not in st:
            st["calendars"] = owned_calendars(self.service)
            st["pages"] = {}
            self.save(st)
        queries: list[str | None] = list(self.queries) if self.queries is not None else [None]
        seen: set[str] = set(st.setdefault("seen", []))
        for cal in st["calendars"]:
            for i, q in enumerate(queries):
                key = f"{cal['id']}|{i}"
                while st["pages"].get(key) != "":
                    try:
                        resp = self.service.events().list(
                            calendarId=cal["id"], maxResults=PAGE, pageToken=st["pages"].get(key) or None,
                            fields=EVENT_FIELDS, **({"q": q} if q else {})).execute()
                    except HttpError as e:
                        if e.resp.status in (404, 410):  # the calendar went since it was listed
                            st["pages"][key] = ""
                            break
                        raise
                    items = self._confirm(cal["id"], resp.get("items", []), seen)
                    st["pages"][key] = resp.get("nextPageToken") or ""
                    st["seen"] = sorted(seen)
                    if items:
                        self.emit(items)
                    self.save(st)

    def _confirm(self, calendar_id: str, events: Iterable[dict], seen: set[str]) -> list[dict]:
        out = []
        n = 0
        for ev in events:
            key = f"{calendar_id}|{ev['id']}"
            if key in seen or ev.get("status") == "cancelled":
                continue
            seen.add(key)
            n += 1
            matched = event_evidence(self.matcher, ev)
            if matched:
                out.append(event_item(self.account, calendar_id, ev, matched, subject_attendees(self.matcher, ev)))
        self.progress("candidates", n)
        self.progress("fetched", n)
        return out
