"""What a person (or a script, with ``--json``) needs to see about a case: where its clock stands, its
pauses, and one history of everything done to it (status changes, clock events, assignments, notes).

Pure functions over the store's records, so ``case list``, ``case show`` and the clock commands say the same
thing; the marking follows the tracker's (red overdue, amber due within
:data:`addon.deadlines.DUE_SOON_DAYS` days, nothing once the request is answered).
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from .. import deadlines
from ..tracker.schema import ANSWERED  # the tracker's own set, so the screen and the sheet mark the same cases
from .clock import CaseClock, Extension, Pause
from .journal import CaseJournal, Event
from .model import Case


def clock_state(case: Case, today: dt.date, paused_since: dt.date | None = None) -> dict[str, Any]:
    """``{"state", "days", "due"}``: ``overdue`` (days late), ``due_soon`` / ``ok`` (days left), ``paused``
    (days stopped so far, with ``since``) or ``answered`` (no deadline running; days None)."""
    due = case.effective_due
    out: dict[str, Any] = {"due": due.isoformat(), "extended": case.extended}
    if case.status in ANSWERED:
        return {"state": "answered", "days": None, **out}
    if paused_since is not None:
        return {"state": "paused", "days": (max(today, paused_since) - paused_since).days + 1,
                "since": paused_since.isoformat(), **out}
    left = deadlines.days_left(due, today)
    flag = deadlines.status_flag(due, today)
    return {"state": flag, "days": -left if flag == "overdue" else left, **out}


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def clock_words(state: dict[str, Any], short: bool = False) -> str:
    """The state in words: "OVERDUE by 5 days", "due in 3 days", "due today", "clock paused since …"
    (``short``: the forms that fit a table cell)."""
    kind, n = state["state"], state["days"]
    if kind == "overdue":
        return f"OVERDUE by {_days(n)}"
    if kind in ("due_soon", "ok"):
        return "due today" if n == 0 else f"due in {_days(n)}"
    if kind == "paused":
        return f"paused {_days(n)}" if short else f"clock paused since {state['since']} ({_days(n)} so far)"
    return "answered" if short else "answered: no deadline running"


def _history_of_clock(pauses: list[Pause], extension: Extension | None, today: dt.date) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for p in pauses:
        out.append({"event": "pause", "at": p.recorded_at, "actor": p.actor, "on": p.paused_on.isoformat(),
                    "reason": p.reason, "recorded_late_days": _late(p.paused_on, p.recorded_at)})
        if p.resumed_on:
            out.append({"event": "resume", "at": p.resumed_at, "actor": p.resumed_by or p.actor,
                        "on": p.resumed_on.isoformat(), "days": p.days(today),
                        "recorded_late_days": _late(p.resumed_on, p.resumed_at)})
    if extension is not None:
        out.append({"event": "extension", "at": extension.recorded_at, "actor": extension.actor,
                    "on": extension.notice_on.isoformat(), "reason": extension.reason,
                    "recorded_late_days": _late(extension.notice_on, extension.recorded_at)})
    return out


def _late(day: dt.date, recorded_at: str | None) -> int:
    """Days between the day an event is dated and the day it was entered (a backdated pause shows it)."""
    if not recorded_at:
        return 0
    return max(0, (dt.date.fromisoformat(recorded_at[:10]) - day).days)


def history(case: Case, pauses: list[Pause], extension: Extension | None, events: list[Event],
            today: dt.date, extra: tuple[dict[str, Any], ...] | list[dict[str, Any]] = ()) -> list[dict[str, Any]]:
    """Every recorded step, oldest first; each has ``event``, ``at`` and ``actor`` (status changes keep the
    store's ``from_status`` / ``to_status`` / ``role`` / ``reason``)."""
    items = [{"event": "status", **h} for h in case.history]
    items += _history_of_clock(pauses, extension, today)
    items += [e.public() for e in events]
    items += list(extra)
    return sorted(items, key=lambda h: h.get("at") or "")


_FRACTION = re.compile(r"\.\d+(?=[-+Z]|$)")  # the stamps' microseconds order the history; a line shows seconds


def history_line(h: dict[str, Any]) -> str:
    """One history entry as a line of plain text (the CLI escapes it before rich renders it)."""
    at, who = _FRACTION.sub("", h.get("at") or "?"), h.get("actor") or "?"
    late = f" (entered {_days(h['recorded_late_days'])} later)" if h.get("recorded_late_days") else ""
    kind = h["event"]
    if kind == "status":
        return (f"{at}  {h['from_status'] or '-'} → {h['to_status']}  by {who} ({h['role']})"
                + (f": {h['reason']}" if h.get("reason") else ""))
    if kind == "pause":
        return f"{at}  clock paused from {h['on']}{late} by {who}" + (f": {h['reason']}" if h.get("reason") else "")
    if kind == "resume":
        return f"{at}  clock resumed on {h['on']}{late} by {who}: {_days(h['days'])} not counted"
    if kind == "extension":
        return f"{at}  extended (subject told {h['on']}){late} by {who}: {h['reason']}"
    if kind == "assign":
        return f"{at}  assigned to {h['assignee']} by {who}"
    if kind == "note":
        text = h["text"] if h.get("text") is not None else "(unreadable: the case key is shredded)"
        return f"{at}  note by {who}: {text}"
    if kind == "id_requested":
        return f"{at}  ID requested on {h['on']} by {who}"
    if kind == "id_verified":
        got = f", ID received {h['id_received']} (the clock restarted)" if h.get("id_received") else ""
        return f"{at}  identity verified ({h['method']}) on {h['on']}{got} by {who}"
    if kind == "id_waived":
        return f"{at}  identity check waived on {h['on']} by {who}" + (f": {h['text']}" if h.get("text") else "")
    if kind == "letter":
        return f"{at}  letter drafted ({h['outcome']}) by {who}: {h['file']}"
    return f"{at}  {kind} by {who}"


def case_view(store: Any, case: Case, today: dt.date | None = None) -> dict[str, Any]:
    """``case.public()`` plus ``clock``, ``pauses``, ``extension``, ``notes`` and the full ``history``."""
    today = today or dt.date.today()
    clock, journal = CaseClock(store), CaseJournal(store)
    pauses, extension, events = clock.pauses(case.ref), clock.extension(case.ref), journal.events(case.ref)
    current = next((p for p in pauses if p.resumed_on is None), None)
    data = case.public()
    data["clock"] = clock_state(case, today, current.paused_on if current else None)
    data["pauses"] = [p.public(today) for p in pauses]
    data["extension"] = None if extension is None else {
        "on": extension.notice_on.isoformat(), "by": extension.actor, "reason": extension.reason,
        "recorded_at": extension.recorded_at}
    data["notes"] = [e.public() for e in events if e.kind == "note"]
    from .identity import Identity
    from .letters_log import letters

    ident = Identity(store)
    data["identity"] = ident.state(case.ref)
    data["letters"] = letters(store, case.ref)
    from ..review.disclosure import review_events  # packages built with undecided items (--include-undecided)

    data["history"] = history(case, pauses, extension, events, today,
                              [r.public() for r in ident.records(case.ref)] + data["letters"]
                              + review_events(store, case.ref))
    return data


def list_view(store: Any, cases: list[Case], today: dt.date | None = None) -> list[dict[str, Any]]:
    """``case.public()`` plus ``clock`` for each case (one look-up of the pauses per case)."""
    today = today or dt.date.today()
    clock = CaseClock(store)
    out = []
    for c in cases:
        current = clock.open_pause(c.ref)
        out.append({**c.public(), "clock": clock_state(c, today, current.paused_on if current else None)})
    return out
