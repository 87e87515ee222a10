"""The case clock after opening: the two-month extension and clarification pauses ("stop the clock").

Why a separate ledger: the deadlines themselves are computed by :mod:`addon.deadlines`; what the ICO rules
need on top is a record of *when* each event happened and *who* decided it (the extension notice must be
given inside the first month, with reasons; a pause runs from the day clarification was asked for to the
day it arrived, both included). Events live in their own table in the case database and the case's
``due`` / ``extended_due`` are recomputed from them, so the stored dates can always be re-derived.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from .. import deadlines
from ..errors import DsarError, InputError
from .model import Case
from .store import CaseStore, now_iso

_SCHEMA = """
CREATE TABLE IF NOT EXISTS clock_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT, ref TEXT NOT NULL, kind TEXT NOT NULL, on_day TEXT NOT NULL,
  until_day TEXT, actor TEXT NOT NULL, at TEXT NOT NULL, reason TEXT);
"""
#: Statuses in which the request is still being worked on, so the clock can be paused or extended.
ANSWERING = ("received", "identity_check", "searching", "review", "erasure_planned", "approved")


class ClockError(DsarError):
    """An extension or pause the ICO rules (or the case's state) do not allow."""


@dataclass(frozen=True)
class Pause:
    paused_on: dt.date
    resumed_on: dt.date | None
    actor: str
    reason: str | None = None


@dataclass(frozen=True)
class Extension:
    notice_on: dt.date
    actor: str
    reason: str


class CaseClock:
    """Extension and pause records of every case, in ``cases.db`` next to the store's tables."""

    def __init__(self, store: CaseStore) -> None:
        self.store = store
        self.path = Path(store.path)
        with self._connect() as db:
            db.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        return db

    # -- reading -------------------------------------------------------------------------------
    def pauses(self, ref: str) -> list[Pause]:
        with self._connect() as db:
            rows = db.execute("SELECT on_day, until_day, actor, reason FROM clock_events WHERE ref=? AND kind='pause'"
                              " ORDER BY on_day, id", (ref,)).fetchall()
        d = dt.date.fromisoformat
        return [Pause(d(r["on_day"]), d(r["until_day"]) if r["until_day"] else None, r["actor"], r["reason"])
                for r in rows]

    def open_pause(self, ref: str) -> Pause | None:
        return next((p for p in self.pauses(ref) if p.resumed_on is None), None)

    def extension(self, ref: str) -> Extension | None:
        with self._connect() as db:
            r = db.execute("SELECT on_day, actor, reason FROM clock_events WHERE ref=? AND kind='extension'"
                           " ORDER BY id LIMIT 1", (ref,)).fetchone()
        return Extension(dt.date.fromisoformat(r["on_day"]), r["actor"], r["reason"]) if r else None

    # -- changing --------------------------------------------------------------------------------
    def extend(self, case: Case, actor: str, reason: str, notice_on: dt.date) -> Case:
        """Record the extension; refuse it once the first month (as moved by any pauses) is over."""
        _answering(case, "extended")
        if not (reason or "").strip():
            raise InputError("--reason", "an extension needs the reasons given to the subject (Art. 12(3))")
        if case.extended or self.extension(case.ref):
            raise ClockError(f"case: {case.ref} is already extended (to {case.extended_due.isoformat()})")
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

    def pause(self, case: Case, actor: str, on: dt.date, reason: str | None = None) -> Case:
        _answering(case, "paused")
        if self.open_pause(case.ref):
            raise ClockError(f"case: {case.ref} is already paused (since {self.open_pause(case.ref).paused_on})")
        closed = [(p.paused_on, p.resumed_on) for p in self.pauses(case.ref) if p.resumed_on]
        if any(a <= on <= b for a, b in closed):
            raise InputError("--on", f"{on.isoformat()} falls inside an earlier pause")
        # paused_due validates the day (not before the clock started, not after the deadline had passed)
        deadlines.paused_due(case.clock_start, closed + [(on, on)], case.region, months=3 if case.extended else 1)
        self._insert(case.ref, "pause", on, None, actor, (reason or "").strip() or None)
        return self.store.get(case.ref)

    def resume(self, case: Case, actor: str, on: dt.date) -> Case:
        """Close the open pause on the day the clarification arrived and move both deadlines."""
        current = self.open_pause(case.ref)
        if current is None:
            raise ClockError(f"case: {case.ref} is not paused ('dsar case pause {case.ref}' stops the clock)")
        if on < current.paused_on:
            raise InputError("--on", f"{on.isoformat()} is before the clock was paused ({current.paused_on.isoformat()})")
        with self._connect() as db:
            db.execute("UPDATE clock_events SET until_day=? WHERE ref=? AND kind='pause' AND until_day IS NULL",
                       (on.isoformat(), case.ref))
        return self.recompute(case.ref)

    def recompute(self, ref: str) -> Case:
        """Re-derive ``due`` and ``extended_due`` from the clock start and the closed pauses."""
        case = self.store.get(ref)
        closed = [(p.paused_on, p.resumed_on) for p in self.pauses(ref) if p.resumed_on]
        due, extended = due_dates(case.clock_start, closed, case.region)
        self.store.update(ref, due=due, extended_due=extended)
        return self.store.get(ref)

    def _insert(self, ref: str, kind: str, on: dt.date, until: dt.date | None, actor: str, reason: str | None) -> None:
        with self._connect() as db:
            db.execute("INSERT INTO clock_events (ref, kind, on_day, until_day, actor, at, reason) VALUES (?,?,?,?,?,?,?)",
                       (ref, kind, on.isoformat(), until.isoformat() if until else None, actor, now_iso(), reason))


def due_dates(start: dt.date, pauses: list[tuple[dt.date, dt.date]], region: str) -> tuple[dt.date, dt.date]:
    """(one-month due, three-month extended due), both moved by the paused days."""
    return (deadlines.paused_due(start, pauses, region, months=1),
            deadlines.paused_due(start, pauses, region, months=3))


def _answering(case: Case, verb: str) -> None:
    if case.status not in ANSWERING:
        raise ClockError(f"case: {case.ref} is {case.status}; only a request still being answered can be {verb}")
