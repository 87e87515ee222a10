"""The audit trail on PostgreSQL: many processes appending keep one unbroken chain; tampering is found;
the records table refuses updates; the migrations build both backends."""
from __future__ import annotations

import json
import multiprocessing as mp

import pytest

from audit.pg_store import PostgresStore
from audit.trail import AuditTrail

from .appender import append_many


def _trail(url: str, home) -> AuditTrail:
    return AuditTrail.with_store(PostgresStore(url), home)


def test_four_processes_keep_one_unbroken_chain(pg_url, tmp_path):
    trail = _trail(pg_url, tmp_path)  # creates schema, keys and origin once, before the writers start
    ctx = mp.get_context("spawn")
    go, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=append_many, args=(pg_url, str(tmp_path), f"proc-{i}", 250, go, out)) for i in range(4)]
    for p in procs:
        p.start()
    go.set()
    timings = dict(out.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(30)
        assert p.exitcode == 0
    trail.checkpoint()
    verdict = trail.verify()
    assert verdict.ok, [str(p) for p in verdict.problems]
    assert verdict.records == 1001  # 4 x 250 and the checkpoint record
    conn = trail.store._conn()
    count, lo, hi, distinct_prev = conn.execute(
        "SELECT count(*), min(seq), max(seq), count(DISTINCT prev) FROM audit.records").fetchone()
    assert (count, lo, hi, distinct_prev) == (1001, 0, 1000, 1001)  # no gaps, no forks
    per_actor = {}
    for rec in trail.records():
        per_actor[rec["actor"]] = per_actor.get(rec["actor"], 0) + 1
    assert {a: per_actor[a] for a in timings} == {f"proc-{i}": 250 for i in range(4)}
    sealed = [r for r in trail.records(case="DSAR-2026-0001")]
    assert len(sealed) == 100 and all(trail.unseal(r, "q").startswith("Jane Doe proc-") for r in sealed)
    assert conn.execute("SELECT count(*) FROM audit.case_keys").fetchone()[0] == 1


def test_modified_record_is_reported_with_its_seq(pg_url, tmp_path):
    import psycopg

    trail = _trail(pg_url, tmp_path)
    for i in range(20):
        trail.append({"actor": "dpo@example.test", "operation": "drive.search", "outcome": "ok", "item_count": i})
    trail.checkpoint()
    conn = trail.store._conn()
    with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
        conn.execute("UPDATE audit.records SET time = time WHERE seq = 7")
    with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
        conn.execute("DELETE FROM audit.records WHERE seq = 19")
    body = json.loads(conn.execute("SELECT body FROM audit.records WHERE seq = 7").fetchone()[0])
    body["item_count"] = 999
    conn.execute("ALTER TABLE audit.records DISABLE TRIGGER records_append_only")  # as an attacker with DDL rights
    conn.execute("UPDATE audit.records SET body = %s WHERE seq = 7", (json.dumps(body, separators=(",", ":")).encode(),))
    verdict = trail.verify()
    assert not verdict.ok
    assert {p.seq for p in verdict.problems if p.kind == "modified"} == {7}


def test_shredding_a_case_key_on_postgres_keeps_the_chain(pg_url, tmp_path):
    trail = _trail(pg_url, tmp_path)
    rec = trail.append({"actor": "dpo@example.test", "case": "DSAR-2026-0002", "outcome": "ok"}, sealed={"q": "Jane Doe"})
    assert trail.unseal(rec, "q") == "Jane Doe"
    result = trail.shred("DSAR-2026-0002", "dpo@example.test")
    assert result.residue == []
    from audit.errors import CaseKeyShredded

    with pytest.raises(CaseKeyShredded):
        trail.unseal(trail.record(rec.seq), "q")
    assert trail.verify().ok


def test_verify_during_appends_on_postgres(pg_url, tmp_path):
    from tests.audit.test_concurrency import verify_while_appending

    trail = _trail(pg_url, tmp_path)
    assert verify_while_appending(trail) == [[]] * 25


def test_master_key_rotation_on_postgres(pg_url, tmp_path):
    from audit.rekey import rotate_master_key

    trail = _trail(pg_url, tmp_path)
    rec = trail.append({"actor": "dpo@example.test", "case": "DSAR-2026-0003", "outcome": "ok"}, sealed={"q": "Jane Doe"})
    old = trail.store.get_case_key("DSAR-2026-0003")
    result = rotate_master_key(trail, "dpo@example.test")
    assert result.rewrapped == 1 and result.residue == []
    row = trail.store.get_case_key("DSAR-2026-0003")
    assert row.kek_id == result.kek_id != old.kek_id and row.wrapped != old.wrapped
    assert _trail(pg_url, tmp_path).unseal(trail.record(rec.seq), "q") == "Jane Doe"
    assert trail.verify().ok
