"""The case clock after opening: the two-month extension and clarification pauses ("stop the clock").

Why a separate ledger: the deadlines themselves are computed by :mod:`addon.deadlines`; what the ICO rules
need on top is a record of *when* each event happened and *who* decided it (the extension notice must be
given inside the first month, with reasons; a pause runs from the day clarification was asked for to the
day it arrived, both included). Events live in their own table in the case database and the case's
``due`` / ``extended_due`` are recomputed from them, so the stored dates can always be re-derived.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import deadlines
from ..errors import Conflict, InputError
from .model import Case
from .store import CaseStore, now_iso

_SCHEMA = """
CREATE TABLE IF NOT EXISTS clock_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT, ref TEXT NOT NULL, kind TEXT NOT NULL, on_day TEXT NOT NULL,
  until_day TEXT, actor TEXT NOT NULL, at TEXT NOT NULL, reason TEXT, closed_by TEXT, closed_at TEXT);
"""
#: Columns added after the first release (who recorded a resume, and when): added to older databases on open.
_ADDED = ("closed_by TEXT", "closed_at TEXT")
#: Statuses in which the request is still being worked on, so the clock can be paused or extended.
ANSWERING = ("received", "identity_check", "searching", "review", "erasure_planned", "approved",
             "rectification_planned", "plan_approved")  # the same ICO clock runs for all six types


class ClockError(Conflict):
    """An extension or pause the ICO rules (or the case's state) do not allow."""


@dataclass(frozen=True)
class Pause:
    """One clarification pause; ``recorded_at`` / ``resumed_at`` say when each end was entered, so a
    backdated pause is visible as such."""

    paused_on: dt.date
    resumed_on: dt.date | None
    actor: str
    reason: str | None = None
    recorded_at: str | None = None
    resumed_by: str | None = None
    resumed_at: str | None = None

    def days(self, today: dt.date) -> int:
        """Days not counted so far (both ends included; an open pause up to ``today``)."""
        end = self.resumed_on or max(today, self.paused_on)
        return (end - self.paused_on).days + 1

    def public(self, today: dt.date) -> dict:
        return {"from": self.paused_on.isoformat(), "to": self.resumed_on.isoformat() if self.resumed_on else None,
                "days": self.days(today), "open": self.resumed_on is None, "by": self.actor, "reason": self.reason,
                "recorded_at": self.recorded_at, "resumed_by": self.resumed_by, "resumed_at": self.resumed_at}


@dataclass(frozen=True)
class Extension:
    notice_on: dt.date
    actor: str
    reason: str
    recorded_at: str | None = None


class CaseClock:
    """Extension and pause records of every case, in the case store's database (SQLite or PostgreSQL)."""

    def __init__(self, store: CaseStore) -> None:
        self.store = store
        if store.CREATES_TABLES:
            db = store._db()
            db.executescript(_SCHEMA)
            have = {r[1] for r in db.execute("PRAGMA table_info(clock_events)")}
            for column in _ADDED:
                if column.split()[0] not in have:
                    db.execute(f"ALTER TABLE clock_events ADD COLUMN {column}")

    # -- reading -------------------------------------------------------------------------------
    def pauses(self, ref: str) -> list[Pause]:
        rows = self.store._rows("SELECT on_day, until_day, actor, reason, at, closed_by, closed_at FROM clock_events"
                                " WHERE ref=? AND kind='pause' ORDER BY on_day, id", (ref,))
        d = dt.date.fromisoformat
        return [Pause(d(r["on_day"]), d(r["until_day"]) if r["until_day"] else None, r["actor"], r["reason"],
                      r["at"], r["closed_by"], r["closed_at"]) for r in rows]

    def open_pause(self, ref: str) -> Pause | None:
        return next((p for p in self.pauses(ref) if p.resumed_on is None), None)

    def extension(self, ref: str) -> Extension | None:
        rows = self.store._rows("SELECT on_day, actor, reason, at FROM clock_events WHERE ref=? AND kind='extension'"
                                " ORDER BY id LIMIT 1", (ref,))
        r = rows[0] if rows else None
        return Extension(dt.date.fromisoformat(r["on_day"]), r["actor"], r["reason"], r["at"]) if r else None

    # -- changing --------------------------------------------------------------------------------
    def extend(self, case: Case, actor: str, reason: str, notice_on: dt.date, today: dt.date | None = None) -> Case:
        """Record the extension; refuse it once the first month (as moved by any pauses) is over."""
        _answering(case, "extended")
        if not (reason or "").strip():
            raise InputError("--reason", "an extension needs the reasons given to the subject (Art. 12(3))")
        if case.extended or self.extension(case.ref):
            raise ClockError(f"case: {case.ref} is already extended (to {case.extended_due.isoformat()})")
        _not_future(notice_on, today, "the subject cannot have been told yet")
        if notice_on < case.clock_start:
            raise InputError("--on", f"{notice_on.isoformat()} is before the clock started ({case.clock_start.isoformat()})")
        if self.open_pause(case.ref) is None and notice_on > case.due:
            raise ClockError(
                f"case: {case.ref} cannot be extended: the notice must reach the subject within the first month, "
                f"which ended on {case.due.isoformat()} (ICO: tell the individual within one month of receipt, "
                "with reasons). Respond now, or record why the deadline was missed in the tracker's Notes.")
        self._insert(case.ref, "extension", notice_on, None, actor, reason.strip())
        self.store.update(case.ref, extended=1)
        return self.store.get(case.ref)

    def pause(self, case: Case, actor: str, on: dt.date, reason: str | None = None,
              today: dt.date | None = None) -> Case:
        """Stop the clock from ``on`` (the day clarification was asked for). Refused in the future, before the
        clock started, after the due date (a late question cannot buy time) and inside or before an earlier
        pause (pauses are recorded in order and never overlap)."""
        _answering(case, "paused")
        current = self.open_pause(case.ref)
        if current:
            raise ClockError(f"case: {case.ref} is already paused (since {current.paused_on.isoformat()})")
        _not_future(on, today, "clarification cannot have been asked for yet")
        if on < case.clock_start:
            raise InputError("--on", f"{on.isoformat()} is before the clock started ({case.clock_start.isoformat()})")
        due = case.effective_due
        if on > due:
            raise InputError("--on", f"{on.isoformat()} is after the deadline of {case.ref} (due {due.isoformat()}): "
                                     "asking for clarification after it has passed does not stop the clock. "
                                     "Respond now, or record why the deadline was missed in the tracker's Notes")
        closed = [p for p in self.pauses(case.ref) if p.resumed_on]
        last = max(closed, key=lambda p: p.resumed_on, default=None)
        if last is not None and on <= last.resumed_on:
            raise InputError("--on", f"{on.isoformat()} is not after the earlier pause "
                                     f"({last.paused_on.isoformat()} to {last.resumed_on.isoformat()}): pauses "
                                     "cannot overlap, and a new one starts after the last one ended")
        # paused_due checks the same rules on the whole set (and is what recompute uses)
        deadlines.paused_due(case.clock_start, [(p.paused_on, p.resumed_on) for p in closed] + [(on, on)],
                             case.region, months=3 if case.extended else 1)
        self._insert(case.ref, "pause", on, None, actor, (reason or "").strip() or None)
        return self.store.get(case.ref)

    def resume(self, case: Case, actor: str, on: dt.date, today: dt.date | None = None) -> Case:
        """Close the open pause on the day the clarification arrived and move both deadlines."""
        current = self.open_pause(case.ref)
        if current is None:
            raise ClockError(f"case: {case.ref} is not paused ('dsar case pause {case.ref}' stops the clock)")
        _not_future(on, today, "the clarification cannot have arrived yet")
        if on < current.paused_on:
            raise InputError("--on", f"{on.isoformat()} is before the clock was paused ({current.paused_on.isoformat()})")
        with self.store._tx() as db:
            self.store._x(db, "UPDATE clock_events SET until_day=?, closed_by=?, closed_at=? WHERE ref=?"
                          " AND kind='pause' AND until_day IS NULL", (on.isoformat(), actor, now_iso(), case.ref))
        return self.recompute(case.ref)

    def recompute(self, ref: str) -> Case:
        """Re-derive ``due`` and ``extended_due`` from the clock start and the closed pauses."""
        case = self.store.get(ref)
        closed = [(p.paused_on, p.resumed_on) for p in self.pauses(ref) if p.resumed_on]
        due, extended = due_dates(case.clock_start, closed, case.region)
        self.store.update(ref, due=due, extended_due=extended)
        return self.store.get(ref)

    def _insert(self, ref: str, kind: str, on: dt.date, until: dt.date | None, actor: str, reason: str | None) -> None:
        with self.store._tx() as db:
            self.store._x(db, "INSERT INTO clock_events (ref, kind, on_day, until_day, actor, at, reason)"
                          " VALUES (?,?,?,?,?,?,?)",
                          (ref, kind, on.isoformat(), until.isoformat() if until else None, actor, now_iso(), reason))


def due_dates(start: dt.date, pauses: list[tuple[dt.date, dt.date]], region: str) -> tuple[dt.date, dt.date]:
    """(one-month due, three-month extended due), both moved by the paused days."""
    return (deadlines.paused_due(start, pauses, region, months=1),
            deadlines.paused_due(start, pauses, region, months=3))


def _not_future(day: dt.date, today: dt.date | None, why: str) -> None:
    today = today or dt.date.today()
    if day > today:
        raise InputError("--on", f"{day.isoformat()} is in the future (today is {today.isoformat()}): {why}")


def _answering(case: Case, verb: str) -> None:
    if case.status not in ANSWERING:
        raise ClockError(f"case: {case.ref} is {case.status}; only a request still being answered can be {verb}")
