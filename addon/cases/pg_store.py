"""The case store on PostgreSQL (``DSAR_DATABASE_URL=postgresql://...``), for several web and worker
instances sharing cases, results and job checkpoints. Same public methods and return values as
:class:`addon.cases.store.CaseStore` (the SQLite default); only the locking differs: case references are
allocated under an advisory lock and transitions lock their case row, where SQLite's ``BEGIN IMMEDIATE``
serialises everything.
"""
from __future__ import annotations

import datetime as dt
import json
import threading
from contextlib import contextmanager
from typing import Any, Iterator

from audit.pg_store import connect, redacted

from ..errors import NotFound
from ..subjects.identifiers import Subject
from .lifecycle import check_transition
from .model import Case
from .store import _subject_json, item_key, now_iso

#: Advisory lock key for allocating case references ("dsar" "ref" as ASCII).
REF_LOCK = 0x64736172_72656600
_CASE_COLS = ("ref, type, status, received, clock_start, due, extended_due, extended, created_by, created_at, "
              "assignee, closed_at, notes, region, subject_sealed")
_JOB_COLS = ("id", "ref", "kind", "status", "state", "created_at", "updated_at", "error")


class PgCaseStore:
    """``keys`` as for :class:`~addon.cases.store.CaseStore`. The schema comes from ``migrations/``
    (brought up to date on open unless ``migrate=False``)."""

    def __init__(self, url: str, keys: Any, migrate: bool = True) -> None:
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

    def _rows(self, sql: str, args: tuple = ()) -> list[dict]:
        cur = self._conn().execute(sql, args)
        names = [d.name for d in cur.description or ()]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    # -- cases --------------------------------------------------------------------------------
    def next_ref(self, db, year: int) -> str:
        row = db.execute("SELECT ref FROM cases WHERE ref LIKE %s ORDER BY ref DESC LIMIT 1", (f"DSAR-{year}-%",)).fetchone()
        n = int(row[0].rsplit("-", 1)[1]) + 1 if row else 1
        return f"DSAR-{year}-{n:04d}"

    def create(self, case_type: str, subject: Subject, received: dt.date, clock_start: dt.date, due: dt.date,
               extended_due: dt.date, actor: str, role: str, region: str = "ENG") -> Case:
        with self._tx() as db:
            db.execute("SELECT pg_advisory_xact_lock(%s)", (REF_LOCK,))
            ref = self.next_ref(db, clock_start.year)
            self.keys.create(ref)
            created = now_iso()
            db.execute(
                "INSERT INTO cases (ref,type,status,received,clock_start,due,extended_due,created_by,created_at,region,subject_sealed)"
                " VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
                (ref, case_type, "received", received.isoformat(), clock_start.isoformat(), due.isoformat(),
                 extended_due.isoformat(), actor, created, region, self.keys.seal(ref, "subject", _subject_json(subject))),
            )
            db.execute("INSERT INTO transitions (ref,from_status,to_status,actor,role,at) VALUES (%s,%s,%s,%s,%s,%s)",
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
        history = self._rows("SELECT from_status, to_status, actor, role, at, reason FROM transitions"
                             " WHERE ref=%s ORDER BY id", (row["ref"],))
        d = dt.date.fromisoformat
        return Case(
            ref=row["ref"], type=row["type"], status=row["status"], subject=subject, received=d(row["received"]),
            clock_start=d(row["clock_start"]), due=d(row["due"]), extended_due=d(row["extended_due"]),
            created_by=row["created_by"], created_at=row["created_at"], assignee=row["assignee"],
            extended=bool(row["extended"]), closed_at=row["closed_at"], notes=row["notes"] or "",
            region=row["region"], history=history,
        )

    def get(self, ref: str) -> Case:
        rows = self._rows(f"SELECT {_CASE_COLS} FROM cases WHERE ref=%s", (ref.strip().upper(),))
        if not rows:
            raise NotFound(f"case: no case {ref!r} (see 'dsar case list')")
        return self._row_to_case(rows[0])

    def list(self, status: str | None = None) -> list[Case]:
        sql, args = f"SELECT {_CASE_COLS} FROM cases", ()
        if status:
            sql, args = sql + " WHERE status=%s", (status,)
        return [self._row_to_case(r) for r in self._rows(sql + " ORDER BY ref", args)]

    def transition(self, ref: str, target: str, actor: str, role: str, reason: str | None = None) -> Case:
        with self._tx() as db:
            row = db.execute("SELECT status FROM cases WHERE ref=%s FOR UPDATE", (ref,)).fetchone()
            if row is None:
                raise NotFound(f"case: no case {ref!r}")
            check_transition(row[0], target, role, reason)
            at = now_iso()
            db.execute("UPDATE cases SET status=%s, closed_at=%s WHERE ref=%s",
                       (target, at if target in ("closed", "refused", "withdrawn") else None, ref))
            db.execute("INSERT INTO transitions (ref,from_status,to_status,actor,role,at,reason) VALUES (%s,%s,%s,%s,%s,%s,%s)",
                       (ref, row[0], target, actor, role, at, reason))
        if getattr(self, "on_transition", None) is not None:
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
                    v = int(v)  # SQLite stores booleans as 0/1; so does this column
                db.execute(f"UPDATE cases SET {k}=%s WHERE ref=%s", (v, ref))

    def purge_sealed(self, ref: str) -> None:
        """Drop a shredded case's ciphertexts too (unreadable already; this keeps the store small)."""
        with self._tx() as db:
            db.execute("UPDATE cases SET subject_sealed=NULL WHERE ref=%s", (ref,))
            db.execute("DELETE FROM results WHERE ref=%s", (ref,))

    # -- results ------------------------------------------------------------------------------
    def add_results(self, ref: str, items: list[dict], run: int = 0) -> int:
        """Store items (idempotent by item key, also across workers); returns how many were new."""
        if not items:
            return 0
        rows = [(ref, run, item_key(it), it["source"], self.keys.seal(ref, "item", json.dumps(it, sort_keys=True)),
                 now_iso()) for it in items]
        new = 0
        with self._tx() as db, db.cursor() as cur:
            for r in rows:
                cur.execute("INSERT INTO results (ref, run, item_key, source, sealed_item, found_at)"
                            " VALUES (%s,%s,%s,%s,%s,%s) ON CONFLICT DO NOTHING", r)
                new += cur.rowcount
        return new

    def results(self, ref: str, run: int = 0) -> list[dict]:
        rows = self._conn().execute("SELECT sealed_item FROM results WHERE ref=%s AND run=%s ORDER BY source, item_key",
                                    (ref, run)).fetchall()
        return [json.loads(self.keys.unseal(ref, "item", r[0])) for r in rows]

    def clear_results(self, ref: str, run: int = 0) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM results WHERE ref=%s AND run=%s", (ref, run))

    # -- jobs ---------------------------------------------------------------------------------
    def save_job(self, job_id: str, ref: str, kind: str, status: str, state: dict, error: str | None = None) -> None:
        at = now_iso()
        self._conn().execute(
            "INSERT INTO jobs (id, ref, kind, status, state, created_at, updated_at, error) VALUES (%s,%s,%s,%s,%s,%s,%s,%s)"
            " ON CONFLICT (id) DO UPDATE SET status=excluded.status, state=excluded.state,"
            " updated_at=excluded.updated_at, error=excluded.error",
            (job_id, ref, kind, status, json.dumps(state), at, at, error),
        )

    def job(self, job_id: str) -> dict | None:
        rows = self._rows(f"SELECT {', '.join(_JOB_COLS)} FROM jobs WHERE id=%s", (job_id,))
        if not rows:
            return None
        out = rows[0]
        out["state"] = json.loads(out["state"])
        return out

    def jobs(self, ref: str) -> Iterator[dict]:
        yield from self._rows("SELECT id, kind, status, updated_at, error FROM jobs WHERE ref=%s ORDER BY created_at", (ref,))

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
