"""The PostgreSQL case store behaves exactly as the SQLite one: the same calls give the same values."""
from __future__ import annotations

import datetime as dt
import inspect
import threading

import pytest

from addon.cases.pg_store import PgCaseStore
from addon.cases.store import CaseStore
from addon.errors import NotFound
from addon.subjects.identifiers import make_subject
from audit.trail import AuditTrail


def test_same_public_methods_and_signatures():
    def public(cls):
        return {n: inspect.signature(f) for n, f in inspect.getmembers(cls, inspect.isfunction) if not n.startswith("_")}

    sqlite, pg = public(CaseStore), public(PgCaseStore)
    missing = set(sqlite) - set(pg)
    assert not missing, f"PgCaseStore lacks {missing}"
    differ = {n for n in sqlite if n not in ("__init__", "next_ref") and str(sqlite[n]) != str(pg[n])}
    assert not differ, {n: (str(sqlite[n]), str(pg[n])) for n in differ}


def _script(store) -> list:
    """Every public operation, returning what each gave (times blanked: they differ by the clock only)."""
    subject = make_subject(["Jane Doe"], ["jane.doe@example.com"], ["07700 900123"], ["CUST-004512"])
    d = dt.date(2026, 3, 2)
    out = []

    def case_view(c):
        v = c.public()
        v.update(created_at="-", closed_at=v["closed_at"] and "-",
                 history=[{**h, "at": "-"} for h in c.history], notes=c.notes, region=c.region)
        return v

    a = store.create("access", subject, d, d, dt.date(2026, 4, 2), dt.date(2026, 6, 2), "staff@example.test", "staff")
    b = store.create("erasure", subject, d, d, dt.date(2026, 4, 2), dt.date(2026, 6, 2), "staff@example.test", "staff", "SCT")
    out += [case_view(a), case_view(b)]
    out.append(case_view(store.transition(a.ref, "searching", "staff@example.test", "staff")))
    store.update(a.ref, assignee="dpo@example.test", notes="ID checked", extended=True, extended_due=dt.date(2026, 6, 3))
    out.append(case_view(store.get(a.ref.lower())))
    out.append([c.ref for c in store.list()] + [c.ref for c in store.list("searching")])
    out.append(case_view(store.transition(b.ref, "withdrawn", "staff@example.test", "staff", reason="asked by subject")))
    with pytest.raises(NotFound):
        store.get("DSAR-1999-0001")
    with pytest.raises(ValueError):
        store.update(a.ref, status="closed")
    items = [{"source": "gmail", "account": "a@example.test", "message_id": "m1", "rfc822_message_id": "<1@x>"},
             {"source": "drive", "account": "a@example.test", "file_id": "f1", "name": "n", "path": "p/n"},
             {"source": "sheets", "account": "a@example.test", "file_id": "s1", "name": "s", "path": "s", "sheet": "T", "row": 3}]
    out.append(store.add_results(a.ref, items))
    out.append(store.add_results(a.ref, items[:2] + [{**items[0], "message_id": "m2"}]))  # idempotent by item key
    out.append(store.add_results(a.ref, items, run=1))
    out.append(store.results(a.ref))
    store.clear_results(a.ref, 1)
    out.append(store.results(a.ref, 1))
    store.save_job("search:X:0", a.ref, "search", "running", {"units": {"gmail:a": {"pages": {"0": ""}}}})
    store.save_job("search:X:0", a.ref, "search", "failed", {"units": {}}, error="boom")
    job = store.job("search:X:0")
    out.append({**job, "created_at": "-", "updated_at": "-"})
    out.append(store.job("nope"))
    out.append([{**j, "updated_at": "-"} for j in store.jobs(a.ref)])
    store.purge_sealed(a.ref)
    out.append((store.results(a.ref), store.get(b.ref).subject is not None))
    out.append(store.get(a.ref).subject)
    return out


def test_same_calls_same_values(pg_url, tmp_path):
    sqlite_trail = AuditTrail.open(tmp_path / "s" / "audit.db", home=tmp_path / "s")
    pg_trail = AuditTrail.open(tmp_path / "p" / "audit.db", home=tmp_path / "p")
    expected = _script(CaseStore(tmp_path / "s" / "cases.db", sqlite_trail.keys))
    got = _script(PgCaseStore(pg_url, pg_trail.keys))
    assert got == expected


def test_concurrent_case_opening_gets_distinct_refs(pg_url, tmp_path):
    trail = AuditTrail.open(tmp_path / "audit.db", home=tmp_path)
    store = PgCaseStore(pg_url, trail.keys)
    subject = make_subject(["Jane Doe"])
    d = dt.date(2026, 3, 2)
    refs, errors = [], []

    def open_some():
        s = PgCaseStore(pg_url, trail.keys, migrate=False)
        try:
            for _ in range(5):
                refs.append(s.create("access", subject, d, d, d, d, "staff@example.test", "staff").ref)
        except Exception as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=open_some) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(refs) == [f"DSAR-2026-{n:04d}" for n in range(1, 21)]
    assert len(store.list()) == 20


def test_exclusive_is_held_across_stores_and_freed_when_the_holder_dies(pg_url, tmp_path):
    """The PostgreSQL advisory lock (SQLite's flock: tests/erasure/test_erasure_resume.py)."""
    import multiprocessing
    import os
    import signal
    import time

    from addon.errors import Busy

    trail = AuditTrail.open(tmp_path / "audit.db", home=tmp_path)

    def store():  # every call a separate store: as another process or host would hold its own
        return PgCaseStore(pg_url, trail.keys, migrate=False)

    PgCaseStore(pg_url, trail.keys)  # schema
    ctx = multiprocessing.get_context("fork")
    ready = ctx.Event()

    def hold() -> None:
        with store().exclusive("erase-run:X", "the erasure of X"):
            ready.set()
            signal.pause()

    child = ctx.Process(target=hold)
    child.start()
    assert ready.wait(20)
    with pytest.raises(Busy, match="the erasure of X is already running"):
        with store().exclusive("erase-run:X", "the erasure of X"):
            pass
    with store().exclusive("erase-run:Y", "the erasure of Y"):  # another name is another lock
        pass
    os.kill(child.pid, signal.SIGKILL)
    child.join(10)
    for _ in range(50):  # PostgreSQL notices the dead backend's connection close within moments
        try:
            with store().exclusive("erase-run:X", "the erasure of X"):
                break
        except Busy:
            time.sleep(0.1)
    else:
        pytest.fail("the lock was not released after its holder was killed")
