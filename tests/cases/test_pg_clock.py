"""Pauses, extensions, assignments and notes give the same values on PostgreSQL as on SQLite (migration c0002)."""
from __future__ import annotations

import datetime as dt

from addon.cases.clock import CaseClock
from addon.cases.journal import CaseJournal
from addon.cases.overview import case_view
from addon.cases.pg_store import PgCaseStore
from addon.cases.store import CaseStore
from addon.subjects.identifiers import make_subject
from audit.trail import AuditTrail
from tests.scale.conftest import pg_admin, pg_url  # noqa: F401  (pytest fixtures)

D = dt.date


def _script(store) -> dict:
    d = D(2026, 3, 2)
    case = store.create("access", make_subject(["Jane Doe"], ["jane.doe@example.com"]), d, d, D(2026, 4, 2),
                        D(2026, 6, 2), "staff@example.test", "staff")
    clock, journal = CaseClock(store), CaseJournal(store)
    clock.pause(case, "staff@example.test", D(2026, 3, 5), "which years?")
    clock.resume(store.get(case.ref), "staff@example.test", D(2026, 3, 10))
    clock.extend(store.get(case.ref), "dpo@example.test", "six mailboxes", D(2026, 3, 20))
    journal.assign(store.get(case.ref), "staff@example.test", "dpo@example.test")
    journal.note(store.get(case.ref), "called back", "staff@example.test")
    view = case_view(store, store.get(case.ref), today=D(2026, 4, 1))
    blank = {"at", "recorded_at", "resumed_at", "created_at", "recorded_late_days"}

    def scrub(v):
        if isinstance(v, dict):
            return {k: "-" if k in blank else scrub(x) for k, x in v.items()}
        if isinstance(v, list):
            return [scrub(x) for x in v]
        return v

    store.purge_sealed(case.ref)
    return {"view": scrub(view), "after_purge": [e.text for e in journal.notes(case.ref)]}


def test_same_clock_and_journal_on_both_stores(pg_url, tmp_path):
    sqlite_trail = AuditTrail.open(tmp_path / "s" / "audit.db", home=tmp_path / "s")
    pg_trail = AuditTrail.open(tmp_path / "p" / "audit.db", home=tmp_path / "p")
    expected = _script(CaseStore(tmp_path / "s" / "cases.db", sqlite_trail.keys))
    got = _script(PgCaseStore(pg_url, pg_trail.keys))
    assert got == expected
    assert expected["view"]["due"] == "2026-04-08" and expected["view"]["assignee"] == "staff@example.test"
    assert [h["event"] for h in expected["view"]["history"]] == ["status", "pause", "resume", "extension", "assign",
                                                                  "note"]
    assert expected["after_purge"] == [None]
