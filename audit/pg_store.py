"""The audit store on PostgreSQL, for several web/worker instances writing one trail.

Every append runs in one transaction that starts with ``SELECT ... FROM audit.tree ... FOR UPDATE``: the
head row is the trail's single write lock (Tessera's coordinator-row pattern), and under READ COMMITTED
the row a waiting writer gets is the one the previous writer committed. So reading the head and
inserting the next record never interleave across connections, processes or hosts: one unbroken chain.
The lock ends with COMMIT/ROLLBACK, so a killed writer cannot leave it held. The statements run in
psycopg's pipeline mode (lock+head in one round trip, the inserts and COMMIT in another), and
``synchronous_commit=on`` makes the commit durable before the call's data is used.
Tables live in the ``audit`` schema (created by the Alembic migrations in ``migrations/``); a trigger
there refuses UPDATE and DELETE on records, as defence in depth beside the hash chain.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator
from urllib.parse import urlsplit, urlunsplit

from .errors import StoreError
from .store import SUBTREE_CACHE_HEIGHT, CaseKeyRow, Head, ShredMark, StoredCheckpoint, StoredRecord

SCHEMA_VERSION = "1"
_PAGE = 4096


def is_postgres_url(url: str | None) -> bool:
    return bool(url) and url.split(":", 1)[0].split("+", 1)[0] in ("postgresql", "postgres")


def libpq_url(url: str) -> str:
    """``postgresql+psycopg://...`` (SQLAlchemy style) -> ``postgresql://...`` for psycopg."""
    scheme, rest = url.split(":", 1)
    return "postgresql:" + rest if scheme.split("+", 1)[0] in ("postgresql", "postgres") else url


def redacted(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password:
        host = parts.hostname or ""
        netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def connect(url: str, application: str = "dsar"):
    """An autocommit psycopg connection with durable commits; a clear error when the server is away."""
    import psycopg

    try:
        conn = psycopg.connect(libpq_url(url), autocommit=True, application_name=application, connect_timeout=10)
    except psycopg.Error as e:
        raise StoreError(f"DSAR_DATABASE_URL: cannot connect to {redacted(url)} "
                         f"({str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__})") from None
    conn.execute("SET synchronous_commit = on")
    return conn


_HEAD = "SELECT size, frontier, last_leaf FROM audit.tree WHERE id=1"


def _head(row) -> Head:
    return Head(row[0], bytes(row[1]), bytes(row[2]) if row[2] is not None else None)


class _Tx:
    """One write transaction; the head row is locked (and read) already."""

    def __init__(self, conn, head: Head) -> None:
        self.conn = conn
        self._head = head

    def head(self) -> Head:
        return self._head

    def insert_record(self, seq: int, time: str, case: str | None, body: bytes, leaf: bytes, prev: bytes) -> None:
        self.conn.execute("INSERT INTO audit.records (seq, time, case_ref, body, leaf, prev) VALUES (%s,%s,%s,%s,%s,%s)",
                          (seq, time, case, body, leaf, prev))

    def save_tree(self, head: Head, subtrees: list[tuple[int, int, bytes]]) -> None:
        self.conn.execute("UPDATE audit.tree SET size=%s, frontier=%s, last_leaf=%s WHERE id=1",
                          (head.size, head.frontier, head.last_leaf))
        self._head = head
        cached = [s for s in subtrees if s[0] >= SUBTREE_CACHE_HEIGHT]
        if cached:
            with self.conn.cursor() as cur:
                cur.executemany("INSERT INTO audit.subtrees (height, idx, hash) VALUES (%s,%s,%s)"
                                " ON CONFLICT (height, idx) DO UPDATE SET hash = excluded.hash", cached)

    def insert_checkpoint(self, cp: StoredCheckpoint) -> None:
        self.conn.execute("INSERT INTO audit.checkpoints (size, root, time, note) VALUES (%s,%s,%s,%s)",
                          (cp.size, cp.root, cp.time, cp.note))

    def latest_checkpoint(self) -> StoredCheckpoint | None:
        return _latest_checkpoint(self.conn)

    def get_case_key(self, case: str) -> CaseKeyRow | None:
        return _case_key(self.conn, case)

    def put_case_key(self, row: CaseKeyRow) -> None:
        self.conn.execute("INSERT INTO audit.case_keys (case_ref, wrapped, kek_id) VALUES (%s,%s,%s)",
                          (row.case, row.wrapped, row.kek_id))

    def delete_case_key(self, case: str) -> bool:
        return self.conn.execute("DELETE FROM audit.case_keys WHERE case_ref=%s RETURNING case_ref",
                                 (case,)).fetchone() is not None

    def case_keys(self) -> list[CaseKeyRow]:
        rows = self.conn.execute("SELECT case_ref, wrapped, kek_id FROM audit.case_keys ORDER BY case_ref").fetchall()
        return [CaseKeyRow(r[0], bytes(r[1]), r[2]) for r in rows]

    def replace_case_key(self, row: CaseKeyRow) -> None:
        self.conn.execute("UPDATE audit.case_keys SET wrapped=%s, kek_id=%s WHERE case_ref=%s",
                          (row.wrapped, row.kek_id, row.case))

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM audit.meta WHERE key=%s", (key,)).fetchone()
        return row[0] if row else None

    def shred_mark(self, case: str) -> ShredMark | None:
        return _shred_mark(self.conn, case)

    def put_shred_mark(self, mark: ShredMark) -> None:
        self.conn.execute("INSERT INTO audit.shredded (case_ref, time, seq, actor) VALUES (%s,%s,%s,%s)",
                          (mark.case, mark.time, mark.seq, mark.actor))

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT INTO audit.meta (key, value) VALUES (%s,%s)"
                          " ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))


def _latest_checkpoint(conn) -> StoredCheckpoint | None:
    row = conn.execute("SELECT size, root, time, note FROM audit.checkpoints ORDER BY size DESC LIMIT 1").fetchone()
    return StoredCheckpoint(row[0], bytes(row[1]), row[2], row[3]) if row else None


def _case_key(conn, case: str) -> CaseKeyRow | None:
    row = conn.execute("SELECT case_ref, wrapped, kek_id FROM audit.case_keys WHERE case_ref=%s", (case,)).fetchone()
    return CaseKeyRow(row[0], bytes(row[1]), row[2]) if row else None


def _shred_mark(conn, case: str) -> ShredMark | None:
    row = conn.execute("SELECT case_ref, time, seq, actor FROM audit.shredded WHERE case_ref=%s", (case,)).fetchone()
    return ShredMark(*row) if row else None


class PostgresStore:
    """One connection per thread (autocommit; writes in explicit transactions). The schema is brought
    to the current migration on open unless ``migrate=False`` (then it must already be there)."""

    def __init__(self, url: str, migrate: bool = True) -> None:
        self.url = url
        self.location = redacted(url)
        self._local = threading.local()
        self._all: list = []
        self._lock = threading.Lock()
        if migrate:
            from migrations import ensure_schema

            ensure_schema(url)
        version = self.meta("schema")
        if version is None:
            raise StoreError(f"{self.location}: no audit schema; run 'dsar db upgrade'")
        if version != SCHEMA_VERSION:
            raise StoreError(f"{self.location}: audit store schema {version} is not supported "
                             f"(this version reads {SCHEMA_VERSION})")

    @classmethod
    def from_url(cls, url: str) -> "PostgresStore":
        return cls(url)

    def _conn(self):
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            conn = connect(self.url, "dsar-audit")
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    # -- writes -----------------------------------------------------------------------------------
    @contextmanager
    def writer(self, durable: bool = True) -> Iterator[_Tx]:
        conn = self._conn()
        with conn.pipeline(), conn.transaction():
            if not durable:  # flushed by the WAL writer, or by the next durable commit, whichever is first
                conn.execute("SET LOCAL synchronous_commit = off")
            head = _head(conn.execute(_HEAD + " FOR UPDATE").fetchone())
            yield _Tx(conn, head)

    # -- reads ------------------------------------------------------------------------------------
    def head(self) -> Head:
        return _head(self._conn().execute(_HEAD).fetchone())

    def records(self, start: int = 0, end: int | None = None, case: str | None = None) -> Iterator[StoredRecord]:
        """Keyset-paged, so a long verification holds no transaction (and no snapshot) open."""
        conn = connect(self.url, "dsar-audit-read")
        try:
            nxt = start
            while True:
                sql = "SELECT seq, body, leaf FROM audit.records WHERE seq >= %s"
                args: list = [nxt]
                if end is not None:
                    sql += " AND seq < %s"
                    args.append(end)
                if case is not None:
                    sql += " AND case_ref = %s"
                    args.append(case)
                rows = conn.execute(sql + f" ORDER BY seq LIMIT {_PAGE}", args).fetchall()
                for seq, body, leaf in rows:
                    yield StoredRecord(seq, bytes(body), bytes(leaf))
                if len(rows) < _PAGE:
                    return
                nxt = rows[-1][0] + 1
        finally:
            conn.close()

    def leaves(self, start: int, end: int) -> list[bytes]:
        rows = self._conn().execute("SELECT leaf FROM audit.records WHERE seq >= %s AND seq < %s ORDER BY seq",
                                    (start, end)).fetchall()
        return [bytes(r[0]) for r in rows]

    def subtree(self, height: int, index: int) -> bytes | None:
        row = self._conn().execute("SELECT hash FROM audit.subtrees WHERE height=%s AND idx=%s", (height, index)).fetchone()
        return bytes(row[0]) if row else None

    def checkpoints(self) -> list[StoredCheckpoint]:
        rows = self._conn().execute("SELECT size, root, time, note FROM audit.checkpoints ORDER BY size").fetchall()
        return [StoredCheckpoint(r[0], bytes(r[1]), r[2], r[3]) for r in rows]

    def latest_checkpoint(self) -> StoredCheckpoint | None:
        return _latest_checkpoint(self._conn())

    def get_case_key(self, case: str) -> CaseKeyRow | None:
        return _case_key(self._conn(), case)

    def shred_mark(self, case: str) -> ShredMark | None:
        return _shred_mark(self._conn(), case)

    def meta(self, key: str) -> str | None:
        row = self._conn().execute("SELECT value FROM audit.meta WHERE key=%s", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.writer() as tx:
            tx.set_meta(key, value)

    # -- shredding --------------------------------------------------------------------------------
    def purge_residue(self, needles: list[bytes]) -> list[str]:
        """Rewrite the key table (VACUUM FULL) so the deleted wrapped key's tuple is not in the table's
        files any more. The server's files cannot be scanned from a client; WAL segments keep the bytes
        until recycled and backups are out of scope (both said in the README)."""
        conn = self._conn()
        conn.execute("VACUUM FULL audit.case_keys")
        with conn.cursor() as cur:
            for needle in needles:
                cur.execute("SELECT count(*) FROM audit.case_keys WHERE position(%s in wrapped) > 0", (needle,))
                if cur.fetchone()[0]:
                    return ["audit.case_keys"]
        return []

    def close(self) -> None:
        with self._lock:
            conns, self._all = self._all, []
        for conn in conns:
            try:
                conn.close()
            except Exception:  # closing a broken connection: nothing more to do
                pass
        self._local = threading.local()
