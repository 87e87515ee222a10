"""The default audit store: one SQLite file (``<DSAR_HOME>/audit.db``) in WAL mode with full sync.

Appends run in ``BEGIN IMMEDIATE`` transactions, which take the write lock before the head is read, so
concurrent writers (threads or processes) queue up and form one unbroken chain. ``secure_delete=ON``
overwrites deleted content, so a shredded case key leaves no bytes behind once the WAL is checkpointed.
"""
from __future__ import annotations

import os
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: SQLite's busy handler alone serialises writers
    fcntl = None  # type: ignore[assignment]

from .errors import StoreError
from .store import SUBTREE_CACHE_HEIGHT, CaseKeyRow, Head, ShredMark, StoredCheckpoint, StoredRecord

_INHERITED: list = []  # a forked child's copies of its parent's handles, kept alive and untouched

SCHEMA_VERSION = "1"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
  seq INTEGER PRIMARY KEY, time TEXT NOT NULL, case_ref TEXT, body BLOB NOT NULL,
  leaf BLOB NOT NULL, prev BLOB NOT NULL UNIQUE);
CREATE INDEX IF NOT EXISTS records_case ON records(case_ref) WHERE case_ref IS NOT NULL;
CREATE TABLE IF NOT EXISTS tree (
  id INTEGER PRIMARY KEY CHECK (id = 1), size INTEGER NOT NULL, frontier BLOB NOT NULL, last_leaf BLOB);
CREATE TABLE IF NOT EXISTS subtrees (
  height INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (height, idx)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoints (size INTEGER PRIMARY KEY, root BLOB NOT NULL, time TEXT NOT NULL, note TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS case_keys (case_ref TEXT PRIMARY KEY, wrapped BLOB NOT NULL, kek_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS shredded (case_ref TEXT PRIMARY KEY, time TEXT NOT NULL, seq INTEGER NOT NULL, actor TEXT NOT NULL);
INSERT OR IGNORE INTO tree (id, size, frontier, last_leaf) VALUES (1, 0, x'', NULL);
"""


def _connect(path: Path, busy_ms: int) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=busy_ms / 1000, isolation_level=None, check_same_thread=False)
    db.execute(f"PRAGMA busy_timeout={busy_ms}")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA secure_delete=ON")
    return db


class _Tx:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def head(self) -> Head:
        size, frontier, last = self.db.execute("SELECT size, frontier, last_leaf FROM tree WHERE id=1").fetchone()
        return Head(size, bytes(frontier), bytes(last) if last is not None else None)

    def insert_record(self, seq: int, time: str, case: str | None, body: bytes, leaf: bytes, prev: bytes) -> None:
        self.db.execute("INSERT INTO records (seq, time, case_ref, body, leaf, prev) VALUES (?,?,?,?,?,?)",
                        (seq, time, case, body, leaf, prev))

    def save_tree(self, head: Head, subtrees: list[tuple[int, int, bytes]]) -> None:
        self.db.execute("UPDATE tree SET size=?, frontier=?, last_leaf=? WHERE id=1",
                        (head.size, head.frontier, head.last_leaf))
        cached = [s for s in subtrees if s[0] >= SUBTREE_CACHE_HEIGHT]
        if cached:
            self.db.executemany("INSERT OR REPLACE INTO subtrees (height, idx, hash) VALUES (?,?,?)", cached)

    def insert_checkpoint(self, cp: StoredCheckpoint) -> None:
        self.db.execute("INSERT INTO checkpoints (size, root, time, note) VALUES (?,?,?,?)",
                        (cp.size, cp.root, cp.time, cp.note))

    def latest_checkpoint(self) -> StoredCheckpoint | None:
        return _latest_checkpoint(self.db)

    def get_case_key(self, case: str) -> CaseKeyRow | None:
        return _case_key(self.db, case)

    def put_case_key(self, row: CaseKeyRow) -> None:
        self.db.execute("INSERT INTO case_keys (case_ref, wrapped, kek_id) VALUES (?,?,?)",
                        (row.case, row.wrapped, row.kek_id))

    def delete_case_key(self, case: str) -> bool:
        return self.db.execute("DELETE FROM case_keys WHERE case_ref=?", (case,)).rowcount > 0

    def case_keys(self) -> list[CaseKeyRow]:
        rows = self.db.execute("SELECT case_ref, wrapped, kek_id FROM case_keys ORDER BY case_ref").fetchall()
        return [CaseKeyRow(r[0], bytes(r[1]), r[2]) for r in rows]

    def replace_case_key(self, row: CaseKeyRow) -> None:
        self.db.execute("UPDATE case_keys SET wrapped=?, kek_id=? WHERE case_ref=?", (row.wrapped, row.kek_id, row.case))

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?,?)", (key, value))

    def shred_mark(self, case: str) -> ShredMark | None:
        return _shred_mark(self.db, case)

    def put_shred_mark(self, mark: ShredMark) -> None:
        self.db.execute("INSERT INTO shredded (case_ref, time, seq, actor) VALUES (?,?,?,?)",
                        (mark.case, mark.time, mark.seq, mark.actor))


def _as_bytes(v: object) -> bytes:
    """Column values as bytes even if someone rewrote them with another type (verify then flags them)."""
    if isinstance(v, bytes):
        return v
    if v is None:
        return b""
    return str(v).encode("utf-8")


def _latest_checkpoint(db: sqlite3.Connection) -> StoredCheckpoint | None:
    row = db.execute("SELECT size, root, time, note FROM checkpoints ORDER BY size DESC LIMIT 1").fetchone()
    return StoredCheckpoint(row[0], bytes(row[1]), row[2], row[3]) if row else None


def _case_key(db: sqlite3.Connection, case: str) -> CaseKeyRow | None:
    row = db.execute("SELECT case_ref, wrapped, kek_id FROM case_keys WHERE case_ref=?", (case,)).fetchone()
    return CaseKeyRow(row[0], bytes(row[1]), row[2]) if row else None


def _shred_mark(db: sqlite3.Connection, case: str) -> ShredMark | None:
    row = db.execute("SELECT case_ref, time, seq, actor FROM shredded WHERE case_ref=?", (case,)).fetchone()
    return ShredMark(*row) if row else None


class SQLiteStore:
    """One write connection (used under the write lock) and one read connection per process, shared by
    threads (SQLite is built serialised here). ``BEGIN IMMEDIATE`` is what serialises writers; in front
    of it writers queue on a thread lock and an ``flock`` on ``audit.db.lock`` (as Tessera's POSIX
    driver does), because SQLite's busy handler polls with sleeps of up to 100 ms and starves writers
    under contention. A forked child opens its own handles."""

    def __init__(self, path: str | os.PathLike, busy_ms: int = 30_000) -> None:
        self.path = Path(path)
        self.location = str(self.path)
        self.busy_ms = busy_ms
        self._reset()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fresh = not self.path.exists()
        try:
            db = self._db()
            if fresh:
                os.chmod(self.path, 0o600)
            with self.writer() as tx:
                for stmt in filter(None, (s.strip() for s in _SCHEMA.split(";"))):
                    tx.db.execute(stmt)
                version = tx.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
                if version is None:
                    tx.db.execute("INSERT INTO meta (key, value) VALUES ('schema', ?)", (SCHEMA_VERSION,))
                elif version[0] != SCHEMA_VERSION:
                    raise StoreError(f"{self.path}: audit store schema {version[0]} is not supported "
                                     f"(this version reads {SCHEMA_VERSION})")
            del db
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{self.path}: cannot open the audit store ({e})") from None

    def _reset(self) -> None:
        if getattr(self, "_conns", None):  # inherited through fork: never close (SQLite forbids using them)
            _INHERITED.extend([*self._conns.values(), self._lock_file])
        self._pid = os.getpid()
        self._write_lock = threading.RLock()
        self._open_lock = threading.Lock()
        self._conns: dict[str, sqlite3.Connection] = {}
        self._lock_file = None

    def _conn(self, role: str) -> sqlite3.Connection:
        if self._pid != os.getpid():
            self._reset()  # forked: never use the parent's handles
        db = self._conns.get(role)
        if db is None:
            with self._open_lock:
                db = self._conns.get(role)
                if db is None:
                    db = self._conns[role] = _connect(self.path, self.busy_ms)
        return db

    def _db(self) -> sqlite3.Connection:
        """The write connection (only use it under :meth:`writer`, or for per-connection pragmas)."""
        return self._conn("write")

    def _reader(self) -> sqlite3.Connection:
        """The read connection: short statements only, so it never holds an old snapshot."""
        return self._conn("read")

    # -- writes -----------------------------------------------------------------------------------
    def _lock_fd(self) -> int | None:
        if fcntl is None:
            return None
        if self._lock_file is None:
            self._lock_file = open(f"{self.path}.lock", "ab", opener=lambda p, flags: os.open(p, flags, 0o600))
        return self._lock_file.fileno()

    @contextmanager
    def _exclusive(self) -> Iterator[sqlite3.Connection]:
        """The thread lock and the inter-process flock; yields the write connection."""
        db = self._db()  # resets after a fork before the lock is taken
        with self._write_lock:
            fd = self._lock_fd()
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield db
            finally:
                if fd is not None:
                    fcntl.flock(fd, fcntl.LOCK_UN)

    @contextmanager
    def writer(self, durable: bool = True) -> Iterator[_Tx]:
        """``durable=False`` commits to the WAL without an fsync (``synchronous=NORMAL``): the transaction
        survives a killed process at once, and a power loss from the next durable commit on (whose fsync of
        the WAL covers every frame before it)."""
        with self._exclusive() as db:
            if not durable:
                db.execute("PRAGMA synchronous=NORMAL")
            try:
                db.execute("BEGIN IMMEDIATE")
                try:
                    yield _Tx(db)
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
                db.execute("COMMIT")
            finally:
                if not durable:
                    db.execute("PRAGMA synchronous=FULL")

    # -- reads ------------------------------------------------------------------------------------
    def head(self) -> Head:
        return _Tx(self._reader()).head()

    def records(self, start: int = 0, end: int | None = None, case: str | None = None) -> Iterator[StoredRecord]:
        """Short ranges are read at once; long ones stream from a connection of their own, closed at the
        end, so a long read never pins the shared read connection to an old snapshot."""
        sql = "SELECT seq, body, leaf FROM records WHERE seq >= ?"
        args: list = [start]
        if end is not None:
            sql += " AND seq < ?"
            args.append(end)
        if case is not None:
            sql += " AND case_ref = ?"
            args.append(case)
        sql += " ORDER BY seq"
        if end is not None and end - start <= 1024:
            for seq, body, leaf in self._reader().execute(sql, args).fetchall():
                yield StoredRecord(seq, _as_bytes(body), _as_bytes(leaf))
            return
        db = _connect(self.path, self.busy_ms)
        try:
            cur = db.execute(sql, args)
            while rows := cur.fetchmany(4096):
                for seq, body, leaf in rows:
                    yield StoredRecord(seq, _as_bytes(body), _as_bytes(leaf))
        finally:
            db.close()

    def leaves(self, start: int, end: int) -> list[bytes]:
        rows = self._reader().execute("SELECT leaf FROM records WHERE seq >= ? AND seq < ? ORDER BY seq",
                                      (start, end)).fetchall()
        return [bytes(r[0]) for r in rows]

    def subtree(self, height: int, index: int) -> bytes | None:
        row = self._reader().execute("SELECT hash FROM subtrees WHERE height=? AND idx=?", (height, index)).fetchone()
        return bytes(row[0]) if row else None

    def checkpoints(self) -> list[StoredCheckpoint]:
        rows = self._reader().execute("SELECT size, root, time, note FROM checkpoints ORDER BY size").fetchall()
        return [StoredCheckpoint(r[0], bytes(r[1]), r[2], r[3]) for r in rows]

    def latest_checkpoint(self) -> StoredCheckpoint | None:
        return _latest_checkpoint(self._reader())

    def get_case_key(self, case: str) -> CaseKeyRow | None:
        return _case_key(self._reader(), case)

    def shred_mark(self, case: str) -> ShredMark | None:
        return _shred_mark(self._reader(), case)

    def meta(self, key: str) -> str | None:
        row = self._reader().execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.writer() as tx:
            tx.set_meta(key, value)

    # -- shredding --------------------------------------------------------------------------------
    def files(self) -> list[Path]:
        return [p for p in (self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm")) if p.exists()]

    def _residue(self, needles: list[bytes]) -> list[str]:
        found = []
        overlap = max((len(n) for n in needles), default=1) - 1
        for p in self.files():
            tail = b""
            with open(p, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    window = tail + chunk
                    if any(n in window for n in needles):
                        found.append(p.name)
                        break
                    tail = window[-overlap:] if overlap else b""
        return found

    def purge_residue(self, needles: list[bytes], wait_s: float = 10.0) -> list[str]:
        """Checkpoint the WAL into the database and truncate it (retrying while readers finish), then
        scan the files; VACUUM once if a copy still shows up. Returns the files that still hold one."""
        deadline = time.monotonic() + wait_s
        while True:
            with self._exclusive() as db:
                busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if not busy or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        left = self._residue(needles)
        if left:
            with self._exclusive() as db:
                db.execute("VACUUM")
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            left = self._residue(needles)
        return left

    def close(self) -> None:
        with self._open_lock:
            for db in self._conns.values():
                db.close()
            self._conns.clear()
            if self._lock_file is not None:
                self._lock_file.close()
                self._lock_file = None
