"""Assignments and notes of a case: who did what, when.

Why sealed: a note is written about a person's request ("called back, she says her ex-husband has the
account") and is as personal as the identifiers, so its text is sealed under the case key like them: shredding
the key (``dsar audit shred``, retention) makes every note unreadable, and ``purge_sealed`` drops the
ciphertexts. Who wrote it and when stay, as the rest of the case history does.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import Conflict, InputError
from ..subjects.identifiers import _has_control, normalise_email
from .lifecycle import OPEN
from .model import Case
from .store import CaseStore, now_iso

#: A note is free text, longer than an identifier but not a document.
MAX_NOTE = 4000


@dataclass(frozen=True)
class Event:
    kind: str  # "assign" or "note"
    actor: str
    at: str
    detail: str | None  # assign: the new assignee
    text: str | None  # note: the text (None once the case key is shredded)

    def public(self) -> dict:
        out = {"event": self.kind, "actor": self.actor, "at": self.at}
        if self.kind == "assign":
            out["assignee"] = self.detail
        else:
            out["text"] = self.text
        return out


def check_assignee(value: str, domain: str | None) -> str:
    """The normalised address of the staff member a case is given to (``EMAIL``), inside the organisation."""
    try:
        email = normalise_email(value)
    except InputError as e:
        raise InputError("EMAIL", e.detail) from None
    if domain and email.rsplit("@", 1)[1].lower() != domain.lower():
        raise InputError("EMAIL", f"{email} is not an address in {domain}: a case is assigned to a member of staff")
    return email.lower()


def check_note(text: str) -> str:
    """A note's text: not empty, no control characters but line breaks and tabs, at most :data:`MAX_NOTE`."""
    if not isinstance(text, str) or not text.strip():
        raise InputError("TEXT", "the note is empty")
    body = text.strip()
    if _has_control(body.replace("\n", "").replace("\t", "")):
        raise InputError("TEXT", "the note contains a control character")
    if len(body) > MAX_NOTE:
        raise InputError("TEXT", f"the note is {len(body)} characters long; the limit is {MAX_NOTE}")
    return body


class CaseJournal:
    """Reads and writes ``case_events`` through the case store (SQLite or PostgreSQL)."""

    def __init__(self, store: CaseStore) -> None:
        self.store = store

    def assign(self, case: Case, assignee: str, actor: str) -> Case:
        """Give an open case to ``assignee`` (already checked by :func:`check_assignee`)."""
        if case.status not in OPEN:
            raise Conflict(f"case: {case.ref} is {case.status}; only an open case can be assigned")
        if (case.assignee or "").lower() == assignee.lower():
            raise Conflict(f"case: {case.ref} is already assigned to {assignee}")
        with self.store._tx() as db:
            self.store._x(db, "UPDATE cases SET assignee=? WHERE ref=?", (assignee, case.ref))
            self.store._x(db, "INSERT INTO case_events (ref, kind, actor, at, detail) VALUES (?,?,?,?,?)",
                          (case.ref, "assign", actor, now_iso(), assignee))
        return self.store.get(case.ref)

    def note(self, case: Case, text: str, actor: str) -> Event:
        """Keep a note (sealed under the case key); refused once the case's identifiers are shredded."""
        body = check_note(text)
        if case.subject is None:
            raise Conflict(f"case: {case.ref}'s key is shredded; nothing more can be written about it")
        at = now_iso()
        sealed = self.store.keys.seal(case.ref, "note", body)
        with self.store._tx() as db:
            self.store._x(db, "INSERT INTO case_events (ref, kind, actor, at, sealed_text) VALUES (?,?,?,?,?)",
                          (case.ref, "note", actor, at, sealed))
        return Event("note", actor, at, None, body)

    def events(self, ref: str) -> list[Event]:
        rows = self.store._rows("SELECT kind, actor, at, detail, sealed_text FROM case_events WHERE ref=?"
                                " AND kind IN ('assign', 'note') ORDER BY id", (ref,))  # others: identity, letters
        return [Event(r["kind"], r["actor"], r["at"], r["detail"], self._open(ref, r["sealed_text"])) for r in rows]

    def notes(self, ref: str) -> list[Event]:
        return [e for e in self.events(ref) if e.kind == "note"]

    def _open(self, ref: str, sealed: str | None) -> str | None:
        if not sealed:
            return None
        try:
            return self.store.keys.unseal(ref, "note", sealed)
        except Exception:  # shredded key: the note is gone with the identifiers
            return None


__all__ = ["CaseJournal", "Event", "MAX_NOTE", "check_assignee", "check_note"]
