"""Where cases, their transitions, search results and job checkpoints live (SQLite in ``DSAR_HOME``).

Subject identifiers and result items are sealed under the case key (the audit trail's per-case key), so
``dsar audit shred`` / ``dsar retention run`` make them unreadable together with the audit ciphertexts.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from ..errors import Busy, DsarError, NotFound
from ..subjects.identifiers import Subject
from .lifecycle import check_transition
from .model import Case

_SCHEMA = """
CREATE TABLE IF NOT EXISTS cases (
  ref TEXT PRIMARY KEY, type TEXT NOT NULL, status TEXT NOT NULL, received TEXT NOT NULL,
  clock_start TEXT NOT NULL, due TEXT NOT NULL, extended_due TEXT NOT NULL, extended INTEGER NOT NULL DEFAULT 0,
  created_by TEXT NOT NULL, created_at TEXT NOT NULL, assignee TEXT, closed_at TEXT, notes TEXT DEFAULT '',
  region TEXT NOT NULL DEFAULT 'ENG', subject_sealed TEXT, details_sealed TEXT);
CREATE TABLE IF NOT EXISTS transitions (
  id INTEGER PRIMARY KEY AUTOINCREMENT, ref TEXT NOT NULL, from_status TEXT, to_status TEXT NOT NULL,
  actor TEXT NOT NULL, role TEXT NOT NULL, at TEXT NOT NULL, reason TEXT);
CREATE TABLE IF NOT EXISTS results (
  ref TEXT NOT NULL, item_key TEXT NOT NULL, source TEXT NOT NULL, sealed_item TEXT NOT NULL,
  found_at TEXT NOT NULL, run INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (ref, run, item_key));
CREATE TABLE IF NOT EXISTS jobs (
  id TEXT PRIMARY KEY, ref TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL, state TEXT NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, error TEXT);
CREATE TABLE IF NOT EXISTS case_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT, ref TEXT NOT NULL, kind TEXT NOT NULL, actor TEXT NOT NULL,
  at TEXT NOT NULL, detail TEXT, sealed_text TEXT);
"""


_CASE_COLS = ("ref, type, status, received, clock_start, due, extended_due, extended, created_by, created_at, "
              "assignee, closed_at, notes, region, subject_sealed, details_sealed")
_JOB_COLS = "id, ref, kind, status, state, created_at, updated_at, error"
_SEALED = "sealed_state"  # the one key of a sealed job checkpoint


def now_iso() -> str:
    """Microseconds: a case's history merges transitions, identity, clock and note records by this stamp,
    and steps a script takes within one second came out in the wrong order at whole seconds."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")


def _subject_json(s: Subject) -> str:
    return json.dumps({"names": s.names, "emails": s.emails, "phones": s.phones, "identifiers": s.identifiers,
                       "partial_names": s.partial_names})


class CaseStore:
    """``keys`` seals and unseals under case keys: ``create(ref)``, ``seal(ref, name, text)``,
    ``unseal(ref, name, token)`` (raising once the key is shredded)."""

    def __init__(self, path: Path, keys: Any) -> None:
        #: called as ``on_transition(ref, actor)`` after every committed status change (the tracker hooks here)
        self.on_transition = None
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.keys = keys
        self._local = threading.local()
        self._db().executescript(_SCHEMA)  # executescript commits on its own: no surrounding BEGIN
        have = {r[1] for r in self._db().execute("PRAGMA table_info(cases)")}
        if "details_sealed" not in have:  # a file from before the per-type details (migration c0003)
            self._db().execute("ALTER TABLE cases ADD COLUMN details_sealed TEXT")

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA secure_delete=ON")
            self._local.db = db
        return db

    class _Tx:
        def __init__(self, db: sqlite3.Connection) -> None:
            self.db = db

        def __enter__(self) -> sqlite3.Connection:
            self.db.execute("BEGIN IMMEDIATE")
            return self.db

        def __exit__(self, exc_type, *_: Any) -> None:
            self.db.execute("ROLLBACK" if exc_type else "COMMIT")

    def _tx(self) -> "_Tx":
        return self._Tx(self._db())

    # -- dialect hooks (PgCaseStore overrides these; every method below serves both) ----------------------
    FOR_UPDATE = ""  # SQLite's BEGIN IMMEDIATE already serialises writers
    #: whether the modules sharing this store's database create their own tables on open (SQLite), or
    #: find them made by ``migrations/`` (PostgreSQL, where concurrent CREATE ... IF NOT EXISTS races)
    CREATES_TABLES = True

    def _q(self, sql: str) -> str:
        """SQL written with ``?`` placeholders, in this driver's style."""
        return sql

    def _x(self, db: Any, sql: str, args: tuple = ()) -> Any:
        return db.execute(self._q(sql), args)

    def _rows(self, sql: str, args: tuple = ()) -> list[dict]:
        cur = self._x(self._db(), sql, args)
        names = [d[0] for d in cur.description or ()]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    def _lock_refs(self, db: Any) -> None:
        """Serialise reference allocation (implicit under BEGIN IMMEDIATE)."""

    @contextmanager
    def exclusive(self, name: str, doing: str) -> Iterator[None]:
        """Hold the named lock for the block, or raise :class:`Busy` at once if someone holds it. An
        ``flock`` here (one host); the kernel drops it when its process dies, so a crash never wedges it."""
        import fcntl

        locks = self.path.parent / "locks"
        locks.mkdir(mode=0o700, exist_ok=True)
        fd = os.open(locks / (hashlib.sha256(name.encode()).hexdigest()[:24] + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise Busy(f"{doing} is already running (in another process); wait for it to finish") from None
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock

    # -- cases --------------------------------------------------------------------------------
    def next_ref(self, db: Any, year: int) -> str:
        row = self._x(db, "SELECT ref FROM cases WHERE ref LIKE ? ORDER BY ref DESC LIMIT 1", (f"DSAR-{year}-%",)).fetchone()
        n = int(row[0].rsplit("-", 1)[1]) + 1 if row else 1
        return f"DSAR-{year}-{n:04d}"

    def create(self, case_type: str, subject: Subject, received: dt.date, clock_start: dt.date, due: dt.date,
               extended_due: dt.date, actor: str, role: str, region: str = "ENG",
               details: dict | None = None) -> Case:
        """Store a new case in ``received``; ``details`` (already checked, :mod:`addon.cases.details`) are
        sealed under the case key beside the subject."""
        with self._tx() as db:
            self._lock_refs(db)
            ref = self.next_ref(db, clock_start.year)
            self.keys.create(ref)
            created = now_iso()
            self._x(db,
                "INSERT INTO cases (ref,type,status,received,clock_start,due,extended_due,created_by,created_at,region,"
                "subject_sealed,details_sealed) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (ref, case_type, "received", received.isoformat(), clock_start.isoformat(), due.isoformat(),
                 extended_due.isoformat(), actor, created, region, self.keys.seal(ref, "subject", _subject_json(subject)),
                 self.keys.seal(ref, "details", json.dumps(details or {}, sort_keys=True))),
            )
            self._x(db, "INSERT INTO transitions (ref,from_status,to_status,actor,role,at) VALUES (?,?,?,?,?,?)",
                    (ref, None, "received", actor, role, created))
        return self.get(ref)

    def _row_to_case(self, row: dict) -> Case:
        subject = None
        if row["subject_sealed"]:
            try:
                data = json.loads(self.keys.unseal(row["ref"], "subject", row["subject_sealed"]))
                subject = Subject(**{k: tuple(v) for k, v in data.items()})
            except Exception:  # shredded key: the identifiers are gone for good
                subject = None
        details: dict = {}
        if subject is not None and row.get("details_sealed"):
            try:
                details = json.loads(self.keys.unseal(row["ref"], "details", row["details_sealed"]))
            except Exception:  # shredded with the subject
                details = {}
        history = self._rows("SELECT from_status, to_status, actor, role, at, reason FROM transitions"
                             " WHERE ref=? ORDER BY id", (row["ref"],))
        d = dt.date.fromisoformat
        return Case(
            ref=row["ref"], type=row["type"], status=row["status"], subject=subject, received=d(row["received"]),
            clock_start=d(row["clock_start"]), due=d(row["due"]), extended_due=d(row["extended_due"]),
            created_by=row["created_by"], created_at=row["created_at"], assignee=row["assignee"],
            extended=bool(row["extended"]), closed_at=row["closed_at"], notes=row["notes"] or "",
            region=row["region"], history=history, details=details,
        )

    def get(self, ref: str) -> Case:
        rows = self._rows(f"SELECT {_CASE_COLS} FROM cases WHERE ref=?", (ref.strip().upper(),))
        if not rows:
            raise NotFound(f"case: no case {ref!r} (see 'dsar case list')")
        return self._row_to_case(rows[0])

    def list(self, status: str | None = None) -> list[Case]:
        sql, args = f"SELECT {_CASE_COLS} FROM cases", ()
        if status:
            sql, args = sql + " WHERE status=?", (status,)
        return [self._row_to_case(r) for r in self._rows(sql + " ORDER BY ref", args)]

    def transition(self, ref: str, target: str, actor: str, role: str, reason: str | None = None,
                   only_from: str | None = None) -> Case:
        """``only_from``: move only if the case is in that status (checked under the row lock), else leave it
        as it is: how two closers of one search (a worker's chord callback, a follower) both succeed."""
        if target in ("objection_upheld", "objection_rejected") and not self.get(ref).details.get("decision"):
            from .lifecycle import TransitionInvalid

            raise TransitionInvalid(f"status: an objection is decided with 'dsar objection decide {ref} --upheld|"
                                    "--rejected --grounds TEXT', which keeps the grounds sealed with the case")
        with self._tx() as db:
            row = self._x(db, "SELECT status, type FROM cases WHERE ref=?" + self.FOR_UPDATE, (ref,)).fetchone()
            if row is None:
                raise NotFound(f"case: no case {ref!r}")
            if only_from is not None and row[0] != only_from:
                moved = False
            else:
                moved = True
                check_transition(row[0], target, role, reason, case_type=row[1])
                at = now_iso()
                self._x(db, "UPDATE cases SET status=?, closed_at=? WHERE ref=?",
                        (target, at if target in ("closed", "refused", "withdrawn") else None, ref))
                self._x(db, "INSERT INTO transitions (ref,from_status,to_status,actor,role,at,reason) VALUES (?,?,?,?,?,?,?)",
                        (ref, row[0], target, actor, role, at, reason))
        if moved and self.on_transition is not None:
            self.on_transition(ref, actor)
        return self.get(ref)

    def update(self, ref: str, **fields: Any) -> None:
        allowed = {"assignee", "notes", "extended", "due", "extended_due", "clock_start"}
        bad = set(fields) - allowed
        if bad:
            raise ValueError(f"cannot update {bad}")
        with self._tx() as db:
            for k, v in fields.items():
                if isinstance(v, dt.date):
                    v = v.isoformat()
                elif isinstance(v, bool):
                    v = int(v)  # stored as 0/1 on both back ends
                self._x(db, f"UPDATE cases SET {k}=? WHERE ref=?", (v, ref))

    def set_details(self, ref: str, details: dict) -> Case:
        """Replace the case's sealed details (e.g. an objection's recorded decision)."""
        with self._tx() as db:
            self._x(db, "UPDATE cases SET details_sealed=? WHERE ref=?",
                    (self.keys.seal(ref, "details", json.dumps(details, sort_keys=True)), ref))
        return self.get(ref)

    def purge_sealed(self, ref: str) -> None:
        """Drop a shredded case's ciphertexts too (unreadable already; this keeps the store small), and its
        review decisions, notes and staff redactions (:func:`addon.review.store.purge_review`)."""
        with self._tx() as db:
            self._x(db, "UPDATE cases SET subject_sealed=NULL, details_sealed=NULL WHERE ref=?", (ref,))
            self._x(db, "DELETE FROM results WHERE ref=?", (ref,))
            self._x(db, "UPDATE case_events SET sealed_text=NULL WHERE ref=?", (ref,))  # notes: who/when stay
            from ..review.store import purge_review  # review builds on this store: imported late

            purge_review(self, db, ref)  # decisions, their notes and staff redactions

    # -- results ------------------------------------------------------------------------------
    def add_results(self, ref: str, items: list[dict], run: int = 0) -> int:
        """Store items (idempotent by item key, also across workers); returns how many were new."""
        new = 0
        with self._tx() as db:
            for item in items:
                cur = self._x(db,
                    "INSERT INTO results (ref, run, item_key, source, sealed_item, found_at) VALUES (?,?,?,?,?,?)"
                    " ON CONFLICT DO NOTHING",
                    (ref, run, item_key(item), item["source"],
                     self.keys.seal(ref, "item", json.dumps(item, sort_keys=True)), now_iso()),
                )
                new += cur.rowcount
        return new

    def results(self, ref: str, run: int = 0) -> list[dict]:
        rows = self._rows("SELECT sealed_item FROM results WHERE ref=? AND run=? ORDER BY source, item_key", (ref, run))
        return [json.loads(self.keys.unseal(ref, "item", r["sealed_item"])) for r in rows]

    def clear_results(self, ref: str, run: int = 0) -> None:
        with self._tx() as db:
            self._x(db, "DELETE FROM results WHERE ref=? AND run=?", (ref, run))

    # -- jobs ---------------------------------------------------------------------------------
    def save_job(self, job_id: str, ref: str, kind: str, status: str, state: dict, error: str | None = None) -> None:
        with self._tx() as db:
            at = now_iso()
            self._x(db,
                "INSERT INTO jobs (id, ref, kind, status, state, created_at, updated_at, error) VALUES (?,?,?,?,?,?,?,?)"
                " ON CONFLICT(id) DO UPDATE SET status=excluded.status, state=excluded.state,"
                " updated_at=excluded.updated_at, error=excluded.error",
                (job_id, ref, kind, status, self._seal_state(ref, job_id, state), at, at, error),
            )

    def _seal_state(self, ref: str, job_id: str, state: dict) -> str:
        """A job's checkpoint names files, labels and rows of the subject's data: sealed under the case key
        like the results, bound to its job id; plain only for jobs that belong to no case."""
        text = json.dumps(state)
        if not getattr(self.keys, "exists", lambda _ref: False)(ref):
            return text
        return json.dumps({_SEALED: self.keys.seal(ref, "job", text, context=job_id)})

    def _open_state(self, ref: str, job_id: str, raw: str) -> dict:
        state = json.loads(raw)
        if not (isinstance(state, dict) and set(state) == {_SEALED}):
            return state  # a job of no case, or written before job state was sealed
        try:
            return json.loads(self.keys.unseal(ref, "job", state[_SEALED], context=job_id))
        except DsarError:  # the case key is shredded: the checkpoint went with it
            return {}

    def job(self, job_id: str) -> dict | None:
        rows = self._rows(f"SELECT {_JOB_COLS} FROM jobs WHERE id=?", (job_id,))
        if not rows:
            return None
        out = rows[0]
        out["state"] = self._open_state(out["ref"], job_id, out["state"])
        return out

    def jobs(self, ref: str) -> Iterator[dict]:
        yield from self._rows("SELECT id, kind, status, updated_at, error FROM jobs WHERE ref=? ORDER BY created_at", (ref,))


def item_key(item: dict) -> str:
    """A stable key per found item: one per message, file, or sheet row."""
    src = item["source"]
    if src == "gmail":
        return f"gmail:{item['account']}:{item['message_id']}"
    if src == "drive":  # an uploaded table's rows are items of their own (addon/search/drive.py)
        return f"drive:{item['file_id']}" + (f":{item['sheet']}:{item['row']}" if "row" in item else "")
    if src == "calendar":  # each owner's copy of an event is held data of its own
        return f"calendar:{item['account']}:{item['calendar_id']}:{item['event_id']}"
    if src == "contacts":
        return f"contacts:{item['account']}:{item['resource_name']}"
    if src == "chat":  # one item per message, whichever member's unit found it
        return f"chat:{item['message']}"
    if src == "forms":
        return f"forms:{item['form_id']}:{item['response_id']}"
    return f"sheets:{item['file_id']}:{item['sheet']}:{item['row']}"
