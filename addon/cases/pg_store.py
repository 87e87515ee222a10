"""The case store on PostgreSQL (``DSAR_DATABASE_URL=postgresql://...``), for several web and worker
instances sharing cases, results and job checkpoints. Same public methods and return values as
:class:`addon.cases.store.CaseStore` (the SQLite default); only the locking differs: case references are
allocated under an advisory lock and transitions lock their case row, where SQLite's ``BEGIN IMMEDIATE``
serialises everything.
"""
from __future__ import annotations

import hashlib
import threading
from contextlib import contextmanager
from typing import Any, Iterator

from audit.pg_store import connect, redacted

from ..errors import Busy
from .store import CaseStore

#: Advisory lock key for allocating case references ("dsar" "ref" as ASCII).
REF_LOCK = 0x64736172_72656600


class PgCaseStore(CaseStore):
    """Every method is :class:`~addon.cases.store.CaseStore`'s; only the connection, placeholders and locks
    differ. The schema comes from ``migrations/`` (brought up to date on open unless ``migrate=False``)."""

    FOR_UPDATE = " FOR UPDATE"
    CREATES_TABLES = False

    def __init__(self, url: str, keys: Any, migrate: bool = True) -> None:
        self.on_transition = None
        self.url = url
        self.location = redacted(url)
        self.keys = keys
        self._local = threading.local()
        if migrate:
            from migrations import ensure_schema

            ensure_schema(url)

    def _conn(self):
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            conn = self._local.conn = connect(self.url, "dsar-cases")
        return conn

    @contextmanager
    def _tx(self) -> Iterator[Any]:
        conn = self._conn()
        with conn.transaction():
            yield conn

    _db = _conn

    def _q(self, sql: str) -> str:
        return sql.replace("?", "%s")

    def _lock_refs(self, db: Any) -> None:
        db.execute("SELECT pg_advisory_xact_lock(%s)", (REF_LOCK,))

    @contextmanager
    def exclusive(self, name: str, doing: str) -> Iterator[None]:
        """A session-level advisory lock on a connection of its own: held across hosts, and released by
        the server when the holder's connection ends, so a killed worker never wedges it."""
        key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        conn = connect(self.url, "dsar-lock")
        try:
            if not conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()[0]:
                raise Busy(f"{doing} is already running (on this or another host); wait for it to finish")
            yield
        finally:
            conn.close()  # ends the session, and with it the lock

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
