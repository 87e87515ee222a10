"""The new types on PostgreSQL (migration c0003): sealed details, the identity step with its clock restart,
the objection decision and the intake table give the same values as on SQLite."""
from __future__ import annotations

import datetime as dt

from addon.cases.identity import Identity
from addon.cases.objection import decide
from addon.cases.overview import case_view
from addon.cases.pg_store import PgCaseStore
from addon.cases.store import CaseStore
from addon.subjects.identifiers import make_subject
from audit.trail import AuditTrail
from tests.scale.conftest import pg_admin, pg_url  # noqa: F401  (pytest fixtures)

D = dt.date
BLANK = {"at", "recorded_at", "resumed_at", "created_at", "recorded_late_days"}


def _scrub(v):
    if isinstance(v, dict):
        return {k: "-" if k in BLANK else _scrub(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_scrub(x) for x in v]
    return v


def _script(store) -> dict:
    subject = make_subject(["Jane Doe"], ["jane.doe@example.com"])
    rect = store.create("rectification", subject, D(2026, 3, 2), D(2026, 3, 2), D(2026, 4, 2), D(2026, 6, 2),
                        "staff@example.test", "staff",
                        details={"corrections": [{"field": "address", "wrong": "12 Old St", "correct": "14 New St"}]})
    ident = Identity(store)
    ident.request(rect, "staff@example.test", "staff", D(2026, 3, 2), today=D(2026, 4, 1))
    ident.verify(store.get(rect.ref), "staff@example.test", "document", D(2026, 3, 9), id_received=D(2026, 3, 9),
                 note="passport", today=D(2026, 4, 1))
    obj = store.create("objection", subject, D(2026, 3, 2), D(2026, 3, 2), D(2026, 4, 2), D(2026, 6, 2),
                       "staff@example.test", "staff", details={"processing": "call scoring"})
    ident.waive(obj, "staff@example.test", "address on file", D(2026, 3, 2), today=D(2026, 4, 1))
    for target in ("searching", "review"):
        store.transition(obj.ref, target, "staff@example.test", "staff")
    decide(store, store.get(obj.ref), "dpo@example.test", "dpo", True, "no overriding grounds")
    views = [_scrub(case_view(store, store.get(r), today=D(2026, 4, 1))) for r in (rect.ref, obj.ref)]
    for v in views:
        v["details"].get("decision", {}).pop("at", None)
    store.purge_sealed(rect.ref)
    return {"views": views, "after_purge": store.get(rect.ref).details}


def test_same_details_identity_and_decision_on_both_stores(pg_url, tmp_path):
    sqlite_trail = AuditTrail.open(tmp_path / "s" / "audit.db", home=tmp_path / "s")
    pg_trail = AuditTrail.open(tmp_path / "p" / "audit.db", home=tmp_path / "p")
    expected = _script(CaseStore(tmp_path / "s" / "cases.db", sqlite_trail.keys))
    pg = PgCaseStore(pg_url, pg_trail.keys)
    got = _script(pg)
    assert got == expected
    rect, obj = expected["views"]
    assert rect["clock_start"] == "2026-03-09" and rect["due"] == "2026-04-09"
    assert rect["identity"]["state"] == "verified" and rect["identity"]["text"] == "passport"
    assert obj["status"] == "objection_upheld" and obj["details"]["decision"]["outcome"] == "upheld"
    assert expected["after_purge"] == {}
    import psycopg

    with psycopg.connect(pg_url) as conn:
        cols = {r[0] for r in conn.execute("SELECT column_name FROM information_schema.columns WHERE table_name='cases'")}
        tables = {r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables")}
    assert "details_sealed" in cols and "intake_messages" in tables
