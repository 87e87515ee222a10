"""Closing a search twice at once (a worker's chord callback and a follower, both seeing every unit done)
moves the case to review once and fails neither closer; a closer finding it elsewhere leaves it there."""
from __future__ import annotations

import datetime as dt
import threading

import pytest

from addon.cases.pg_store import PgCaseStore
from addon.cases.store import CaseStore
from addon.subjects.identifiers import make_subject
from audit.trail import AuditTrail
from tests.scale.conftest import pg_admin, pg_url  # noqa: F401  (pytest fixtures)

D = dt.date


def _searching(store):
    case = store.create("access", make_subject(["Jane Doe"], []), D(2026, 3, 2), D(2026, 3, 2), D(2026, 4, 2),
                        D(2026, 6, 2), "staff@example.test", "staff")
    store.transition(case.ref, "searching", "staff@example.test", "staff")
    return case.ref


def _race(store_for, ref: str, n: int = 6) -> list:
    barrier, out = threading.Barrier(n), []

    def close() -> None:
        store = store_for()
        barrier.wait()
        try:
            out.append(store.transition(ref, "review", "system:search", "system", only_from="searching").status)
        except Exception as e:  # noqa: BLE001 - the test reports what a closer met
            out.append(repr(e))

    threads = [threading.Thread(target=close) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_two_closers_move_the_case_once(backend, tmp_path, request):
    trail = AuditTrail.open(tmp_path / "audit.db", home=tmp_path)
    if backend == "postgres":
        url = request.getfixturevalue("pg_url")
        store_for = lambda: PgCaseStore(url, trail.keys)  # noqa: E731 - a connection per closer, as per process
    else:
        store_for = lambda: CaseStore(tmp_path / "cases.db", trail.keys)  # noqa: E731
    store = store_for()
    ref = _searching(store)
    assert _race(store_for, ref) == ["review"] * 6
    moves = [h for h in store.get(ref).history if h["to_status"] == "review"]
    assert len(moves) == 1
    # a closer arriving late finds it in review already: nothing more is recorded
    assert store.transition(ref, "review", "system:search", "system", only_from="searching").status == "review"
    assert len(store.get(ref).history) == 3  # opened, searching, review
