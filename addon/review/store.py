"""Review decisions, kept next to the case in the case store (SQLite in ``DSAR_HOME`` or PostgreSQL).

One current decision per item key (:func:`addon.review.keys.item_key`), plus every earlier one in a log, so
who decided what, when and why is never overwritten. Decisions are keyed by where an item lives, not by
the search run, so a re-search keeps them and new items are simply undecided.

Why sealed: a note says why something is withheld ("her solicitor's advice about the tribunal claim") and
staff redactions may quote text: both are as personal as the case's identifiers, so they are sealed under
the case key like case notes (shredding the key makes them unreadable; who decided and when stay).
"""
from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable

from ..cases.journal import check_note
from ..cases.store import now_iso
from ..errors import Conflict, InputError

STATUSES = ("undecided", "include", "exclude", "not_a_match")
_SEAL = "review"
#: SQLite runs these on open; PostgreSQL has the same tables from migrations/ (c0004).
DDL = (
    "CREATE TABLE IF NOT EXISTS review_decisions (ref TEXT NOT NULL, item_key TEXT NOT NULL, status TEXT NOT NULL,"
    " code TEXT, by_actor TEXT NOT NULL, at TEXT NOT NULL, fold TEXT, sealed TEXT, PRIMARY KEY (ref, item_key))",
    "CREATE TABLE IF NOT EXISTS review_log (ref TEXT NOT NULL, item_key TEXT NOT NULL, seq INTEGER NOT NULL,"
    " status TEXT NOT NULL, code TEXT, by_actor TEXT NOT NULL, at TEXT NOT NULL, sealed TEXT,"
    " PRIMARY KEY (ref, item_key, seq))",
)


@dataclass
class Decision:
    """What staff decided about one item. ``code`` is an exemption code (required with ``exclude``);
    ``redactions_removed`` holds the ids of proposed redactions staff took out (addon/redaction)."""

    status: str = "undecided"
    code: str | None = None
    note: str | None = None
    by: str = ""
    at: str = ""
    redactions_added: list[dict] = field(default_factory=list)
    redactions_removed: list[str] = field(default_factory=list)
    fold: str | None = None  # the fold key it was decided under (the suppression of a not_a_match)

    def public(self) -> dict[str, Any]:
        return asdict(self)


def check_decision(status: str, code: str | None, note: str | None, codes: Iterable[str] | None) -> None:
    """The rules every channel shares: a known status; ``exclude`` needs an exemption code from the
    organisation's list *and* a note; a code only goes with ``exclude``."""
    if status not in STATUSES:
        raise InputError("--status", f"{status!r} is not a review decision; use one of {', '.join(STATUSES)}")
    if status == "exclude":
        known = list(codes or [])
        if not code:
            raise InputError("--exclude", "an exclusion needs an exemption code" +
                             (f" (one of {', '.join(known)})" if known else ""))
        if codes is not None and code not in known:
            raise InputError("--exclude", f"{code!r} is not an exemption code of this organisation; use one of "
                                          f"{', '.join(known)} (DSAR_HOME/exemptions.toml)")
        if not note or not note.strip():
            raise InputError("--note", "say why the exemption applies: an exclusion needs a note")
    elif code:
        raise InputError("--exclude", f"an exemption code goes only with an exclusion, not with {status}")


class ReviewStore:
    """Decisions of every case, in the case store's database (same connection, same dialect hooks)."""

    def __init__(self, cases: Any) -> None:
        self.cases = cases
        if cases.CREATES_TABLES:
            with cases._tx() as db:
                for ddl in DDL:
                    cases._x(db, ddl)

    # -- reading --------------------------------------------------------------------------------------
    def _open(self, ref: str, sealed: str | None) -> dict[str, Any]:
        if not sealed:
            return {}
        try:
            return json.loads(self.cases.keys.unseal(ref, _SEAL, sealed))
        except Exception:  # shredded key: the notes are gone with the identifiers
            return {"note": None, "unreadable": True}

    def _decision(self, ref: str, row: dict) -> Decision:
        extra = self._open(ref, row.get("sealed"))
        return Decision(status=row["status"], code=row.get("code"), note=extra.get("note"), by=row["by_actor"],
                        at=row["at"], redactions_added=list(extra.get("redactions_added") or []),
                        redactions_removed=list(extra.get("redactions_removed") or []), fold=row.get("fold"))

    def load(self, ref: str) -> dict[str, Decision]:
        """item key -> its current decision (items never decided are absent: undecided)."""
        rows = self.cases._rows("SELECT item_key, status, code, by_actor, at, fold, sealed FROM review_decisions"
                                " WHERE ref=?", (ref,))
        return {r["item_key"]: self._decision(ref, r) for r in rows}

    def history(self, ref: str, item_key: str | None = None) -> list[dict[str, Any]]:
        """Every decision ever made (oldest first): who, when, what and why."""
        sql = "SELECT item_key, seq, status, code, by_actor, at, sealed FROM review_log WHERE ref=?"
        args: tuple = (ref,)
        if item_key:
            sql, args = sql + " AND item_key=?", (ref, item_key)
        out = []
        for r in self.cases._rows(sql + " ORDER BY at, item_key, seq", args):
            extra = self._open(ref, r["sealed"])
            out.append({"item_key": r["item_key"], "status": r["status"], "code": r["code"], "by": r["by_actor"],
                        "at": r["at"], "note": extra.get("note")})
        return out

    def suppressed(self, ref: str) -> set[str]:
        """Item keys and fold keys marked not a match: a re-search drops items carrying either."""
        rows = self.cases._rows("SELECT item_key, fold FROM review_decisions WHERE ref=? AND status='not_a_match'",
                                (ref,))
        return {r["item_key"] for r in rows} | {r["fold"] for r in rows if r["fold"]}

    # -- writing --------------------------------------------------------------------------------------
    def decide(self, ref: str, item_keys: str | Iterable[str], status: str, *, by: str, code: str | None = None,
               note: str | None = None, codes: Iterable[str] | None = None, fold: str | None = None,
               redactions_added: list[dict] | None = None, redactions_removed: list[str] | None = None,
               at: str | None = None) -> Decision:
        """Record one decision for one item or several (all copies of a duplicate, a bulk filter) in one
        transaction. ``None`` redaction lists keep what the item had; ``codes`` (the organisation's exemption
        codes) is checked when given. Returns the decision as stored."""
        keys = [item_keys] if isinstance(item_keys, str) else list(dict.fromkeys(item_keys))
        if not keys:
            raise InputError("ITEM", "no item to decide")
        try:
            note = check_note(note) if note and note.strip() else None
        except InputError as e:
            raise InputError("--note", e.detail) from None
        check_decision(status, code, note, codes)
        if getattr(self.cases.get(ref), "subject", None) is None:
            raise Conflict(f"case: {ref}'s key is shredded; nothing more can be decided about it")
        at = at or now_iso()
        current = self.load(ref)
        last = None
        with self.cases._tx() as db:
            for key in keys:
                before = current.get(key, Decision())
                added = before.redactions_added if redactions_added is None else list(redactions_added)
                removed = before.redactions_removed if redactions_removed is None else list(redactions_removed)
                body = {"note": note, "redactions_added": added, "redactions_removed": removed}
                sealed = self.cases.keys.seal(ref, _SEAL, json.dumps(body, sort_keys=True))
                self.cases._x(db, "DELETE FROM review_decisions WHERE ref=? AND item_key=?", (ref, key))
                self.cases._x(db, "INSERT INTO review_decisions (ref, item_key, status, code, by_actor, at, fold, sealed)"
                                  " VALUES (?,?,?,?,?,?,?,?)", (ref, key, status, code, by, at, fold, sealed))
                seq = self.cases._x(db, "SELECT COALESCE(MAX(seq), 0) + 1 FROM review_log WHERE ref=? AND item_key=?",
                                    (ref, key)).fetchone()[0]
                self.cases._x(db, "INSERT INTO review_log (ref, item_key, seq, status, code, by_actor, at, sealed)"
                                  " VALUES (?,?,?,?,?,?,?,?)", (ref, key, seq, status, code, by, at, sealed))
                last = Decision(status, code, note, by, at, added, removed, fold)
        assert last is not None
        return last

    def set_redactions(self, ref: str, item_keys: str | Iterable[str], *, by: str,
                       added: list[dict] | None = None, removed: list[str] | None = None) -> Decision:
        """Change only an item's staff redactions (added, or proposed ones removed), keeping its decision."""
        keys = [item_keys] if isinstance(item_keys, str) else list(item_keys)
        now = self.load(ref).get(keys[0], Decision()) if keys else Decision()
        return self.decide(ref, keys, now.status, by=by, code=now.code, note=now.note, fold=now.fold,
                           redactions_added=added, redactions_removed=removed)

    def purge(self, ref: str) -> None:
        """Drop a shredded case's review data (see :func:`purge_review`)."""
        with self.cases._tx() as db:
            purge_review(self.cases, db, ref)


def purge_review(cases: Any, db: Any, ref: str) -> None:
    """In the case store's transaction ``db``: drop a shredded case's current decisions (they point at the
    results, which go too, and hold the not-a-match fold keys), and the sealed notes and staff redactions of
    its log. The log keeps who decided, what and when, under each item's key replaced by a random token, so
    which message, file or row held the subject's data is not kept. Creates the tables if the case store
    never held a review (a case shredded before any decision)."""
    if cases.CREATES_TABLES:
        for ddl in DDL:
            cases._x(db, ddl)
    cases._x(db, "DELETE FROM review_decisions WHERE ref=?", (ref,))
    rows = cases._x(db, "SELECT DISTINCT item_key FROM review_log WHERE ref=? AND item_key NOT LIKE ?",
                    (ref, "purged:%")).fetchall()
    for (key,) in rows:
        gone = "purged:" + secrets.token_hex(8)  # random: nothing to confirm a guessed key against
        cases._x(db, "UPDATE review_log SET item_key=? WHERE ref=? AND item_key=?", (gone, ref, key))
    cases._x(db, "UPDATE review_log SET sealed=NULL WHERE ref=?", (ref,))
