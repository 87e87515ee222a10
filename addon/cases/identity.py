"""The identity step: how the requester's identity was checked (or why no check was needed) before any search.

Why it moves the clock: the ICO counts the month "from receipt of ... any information you request to confirm
the identity of the person" (dsar_rules.md §1.2, §1.4 [VERIFIED]); the clock *restarts* on the day the ID
arrives, it is not paused. Only ID that was asked for counts, so the day it was requested is recorded first
(``request``): a verification dated without a request leaves the clock where it was. Who checked, how and
when are kept in ``case_events``; the free-text note and a waiver's reason are sealed under the case key.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from ..errors import Conflict, InputError, Refused
from .model import Case
from .store import CaseStore, now_iso

#: How identity can be checked. A fixed list, so the method itself never carries personal data
#: (a document number goes in the sealed ``--note``, if anywhere).
METHODS = ("known_contact", "document", "knowledge_based", "in_person", "video_call", "third_party_authority",
           "other")
#: Kinds of ``case_events`` rows this module writes.
KINDS = ("id_requested", "id_verified", "id_waived")
#: Statuses in which the identity step can still be recorded (before any search ran).
BEFORE_SEARCH = ("received", "identity_check")
#: Types for which a search is refused until identity is verified or waived. Access and erasure keep the
#: earlier behaviour unless the organisation sets ``identity_check = "required"`` in DSAR_CONFIG (see README).
ALWAYS_REQUIRED = ("rectification", "restriction", "objection", "marketing_optout")


class IdentityRefused(Refused):
    """A search before the identity step was recorded."""


@dataclass(frozen=True)
class IdentityRecord:
    kind: str  # one of KINDS
    actor: str
    at: str  # when it was entered
    on: str | None  # the day it happened (requested / ID received / checked)
    method: str | None = None
    id_received: str | None = None
    text: str | None = None  # the sealed note or waiver reason (None once shredded)

    def public(self) -> dict:
        return {"event": self.kind, "actor": self.actor, "at": self.at, "on": self.on, "method": self.method,
                "id_received": self.id_received, "text": self.text}


def required(case: Case, settings) -> bool:
    """Whether a search of ``case`` needs the identity step first."""
    policy = str((getattr(settings, "extra", None) or {}).get("identity_check", "")).lower()
    return case.type in ALWAYS_REQUIRED or policy == "required"


class Identity:
    """Reads and writes the identity step of cases through the case store (SQLite or PostgreSQL)."""

    def __init__(self, store: CaseStore) -> None:
        self.store = store

    def records(self, ref: str) -> list[IdentityRecord]:
        marks = ",".join("?" * len(KINDS))
        rows = self.store._rows(f"SELECT kind, actor, at, detail, sealed_text FROM case_events WHERE ref=? AND kind IN"
                                f" ({marks}) ORDER BY id", (ref, *KINDS))
        out = []
        for r in rows:
            d = json.loads(r["detail"] or "{}")
            text = None
            if r["sealed_text"]:
                try:
                    text = self.store.keys.unseal(ref, "identity", r["sealed_text"])
                except Exception:  # shredded key
                    text = None
            out.append(IdentityRecord(r["kind"], r["actor"], r["at"], d.get("on"), d.get("method"),
                                      d.get("id_received"), text))
        return out

    def state(self, ref: str) -> dict:
        """``{"state": "verified"|"waived"|"requested"|"unchecked", ...}`` from the last decisive record."""
        recs = self.records(ref)
        done = next((r for r in reversed(recs) if r.kind in ("id_verified", "id_waived")), None)
        asked = next((r for r in reversed(recs) if r.kind == "id_requested"), None)
        if done:
            return {"state": "verified" if done.kind == "id_verified" else "waived", **done.public()}
        if asked:
            return {"state": "requested", **asked.public()}
        return {"state": "unchecked"}

    def settled(self, ref: str) -> bool:
        return self.state(ref)["state"] in ("verified", "waived")

    def require(self, case: Case, settings) -> None:
        """Refuse a search of ``case`` until its identity step is recorded (where it is required)."""
        if required(case, settings) and not self.settled(case.ref):
            raise IdentityRefused(
                f"case: {case.ref}'s requester has not been identified yet: record the check with "
                f"'dsar case verify-id {case.ref} --method METHOD', or waive it with "
                f"'dsar case verify-id {case.ref} --waive --reason TEXT', before searching")

    # -- recording ---------------------------------------------------------------------------
    def request(self, case: Case, actor: str, role: str, on: dt.date, today: dt.date | None = None) -> Case:
        """Record that ID was asked for on ``on``; the case waits in ``identity_check``."""
        self._before_search(case)
        _day("--on", on, case.received, today)
        if self.settled(case.ref):
            raise Conflict(f"case: {case.ref}'s identity is already {self.state(case.ref)['state']}")
        self._insert(case.ref, "id_requested", actor, {"on": on.isoformat()}, None)
        if case.status == "received":
            return self.store.transition(case.ref, "identity_check", actor, role)
        return self.store.get(case.ref)

    def verify(self, case: Case, actor: str, method: str, on: dt.date, id_received: dt.date | None = None,
               note: str | None = None, today: dt.date | None = None) -> Case:
        """Record how identity was checked. With ``id_received`` (ID that was requested and arrived that day),
        the clock restarts from that day and both deadlines are recomputed."""
        self._before_search(case)
        if method not in METHODS:
            raise InputError("--method", f"{method!r} is not a method ({', '.join(METHODS)})")
        _day("--on", on, case.received, today)
        detail = {"on": on.isoformat(), "method": method}
        if id_received is not None:
            asked = [r for r in self.records(case.ref) if r.kind == "id_requested"]
            if not asked:
                raise InputError("--id-received", f"no request for ID is recorded on {case.ref}: the clock restarts "
                                                  "only on receipt of ID that was asked for (record it with "
                                                  f"'dsar case verify-id {case.ref} --request-on DATE')")
            first = dt.date.fromisoformat(asked[0].on)
            _day("--id-received", id_received, first, today, after="the day ID was requested")
            if on < id_received:
                raise InputError("--on", f"{on.isoformat()} is before the ID arrived ({id_received.isoformat()})")
            detail["id_received"] = id_received.isoformat()
        self._insert(case.ref, "id_verified", actor, detail, _note(note))
        if id_received is not None:
            return self._restart(case, id_received)
        return self.store.get(case.ref)

    def waive(self, case: Case, actor: str, reason: str, on: dt.date, today: dt.date | None = None) -> Case:
        """Record that no check was needed (ICO: not when "confident about your identity"), with the reason."""
        self._before_search(case)
        if not (reason or "").strip():
            raise InputError("--reason", "waiving the identity check needs a reason (e.g. the request came from "
                                         "the address already on file)")
        _day("--on", on, case.received, today)
        self._insert(case.ref, "id_waived", actor, {"on": on.isoformat()}, _note(reason))
        return self.store.get(case.ref)

    def _restart(self, case: Case, start: dt.date) -> Case:
        from .clock import CaseClock

        start = max(start, case.received)
        clock = CaseClock(self.store)
        if any(p.paused_on < start for p in clock.pauses(case.ref)):
            raise Conflict(f"case: {case.ref} has a clarification pause before {start.isoformat()}; a restarted "
                           "clock cannot keep it: resolve the pause records first")
        self.store.update(case.ref, clock_start=start)
        return clock.recompute(case.ref)

    def _before_search(self, case: Case) -> None:
        if case.subject is None:
            raise Conflict(f"case: {case.ref}'s key is shredded; nothing more can be written about it")
        if case.status not in BEFORE_SEARCH:
            raise Conflict(f"case: {case.ref} is {case.status}; identity is checked before the search starts")

    def _insert(self, ref: str, kind: str, actor: str, detail: dict, text: str | None) -> None:
        sealed = self.store.keys.seal(ref, "identity", text) if text else None
        with self.store._tx() as db:
            self.store._x(db, "INSERT INTO case_events (ref, kind, actor, at, detail, sealed_text) VALUES (?,?,?,?,?,?)",
                          (ref, kind, actor, now_iso(), json.dumps(detail, sort_keys=True), sealed))


def _note(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    from .journal import check_note

    try:
        return check_note(text)
    except InputError as e:
        raise InputError("--note", e.detail) from None


def _day(option: str, day: dt.date, earliest: dt.date, today: dt.date | None, after: str = "the request arrived") -> None:
    today = today or dt.date.today()
    if day > today:
        raise InputError(option, f"{day.isoformat()} is in the future (today is {today.isoformat()})")
    if day < earliest:
        raise InputError(option, f"{day.isoformat()} is before {after} ({earliest.isoformat()})")
