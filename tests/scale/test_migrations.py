"""``dsar db upgrade``: builds PostgreSQL (both branches) and the two SQLite files, adopts files the SQLite
stores created themselves, and is safe to run again."""
from __future__ import annotations

import json
import sqlite3

from click.testing import CliRunner

import migrations
from addon.cli import main
from addon.errors import ExitCode


def _upgrade(monkeypatch, home, url=None):
    monkeypatch.setenv("DSAR_HOME", str(home))
    if url:
        monkeypatch.setenv("DSAR_DATABASE_URL", url)
    else:
        monkeypatch.delenv("DSAR_DATABASE_URL", raising=False)
    res = CliRunner().invoke(main, ["db", "upgrade", "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.output)


def test_postgres_upgrade_creates_both_branches_once(pg_url, tmp_path, monkeypatch):
    first = _upgrade(monkeypatch, tmp_path, pg_url)
    assert first[0]["before"] == [] and set(first[0]["after"]) == migrations.heads()
    assert "***" not in first[0]["database"] and "postgres" in first[0]["database"]
    again = _upgrade(monkeypatch, tmp_path, pg_url)
    assert again[0]["before"] == again[0]["after"] == sorted(migrations.heads())
    import psycopg

    with psycopg.connect(pg_url) as conn:
        tables = {r[0] for r in conn.execute(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables"
            " WHERE table_schema IN ('public', 'audit')")}
    assert {"public.cases", "public.transitions", "public.results", "public.jobs", "audit.records", "audit.tree",
            "audit.subtrees", "audit.checkpoints", "audit.case_keys", "audit.shredded", "audit.meta",
            # from migrations, not CREATE IF NOT EXISTS on open: two workers opening at once raced on pg_type
            "public.review_decisions", "public.review_log", "public.intake_messages", "public.clock_events"} <= tables


def test_sqlite_upgrade_builds_each_file_with_its_own_tables(tmp_path, monkeypatch):
    out = _upgrade(monkeypatch, tmp_path)
    assert [o["after"] for o in out] == [["c0004"], ["a0001"]]

    def tables(name):
        with sqlite3.connect(tmp_path / name) as db:
            return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}

    assert {"cases", "transitions", "results", "jobs"} <= tables("cases.db") and "records" not in tables("cases.db")
    assert {"records", "tree", "meta", "case_keys"} <= tables("audit.db") and "cases" not in tables("audit.db")
    # the stores open the migrated files as their own
    from audit.trail import AuditTrail

    trail = AuditTrail.open(tmp_path / "audit.db", home=tmp_path)
    trail.append({"actor": "dpo@example.test", "outcome": "ok"})
    assert trail.verify().ok


def test_sqlite_upgrade_adopts_files_the_stores_created(tmp_path, monkeypatch):
    from addon.cases.store import CaseStore
    from audit.trail import AuditTrail

    trail = AuditTrail.open(tmp_path / "audit.db", home=tmp_path)
    trail.append({"actor": "dpo@example.test", "outcome": "ok"})
    CaseStore(tmp_path / "cases.db", trail.keys)
    out = _upgrade(monkeypatch, tmp_path)
    assert [o["after"] for o in out] == [["c0004"], ["a0001"]]
    assert AuditTrail.open(tmp_path / "audit.db", home=tmp_path).verify().records == 1


def test_unreachable_database_is_one_clear_line(tmp_path, monkeypatch):
    monkeypatch.setenv("DSAR_HOME", str(tmp_path))
    monkeypatch.setenv("DSAR_DATABASE_URL", "postgresql://nobody:secret@127.0.0.1:1/nothing")
    res = CliRunner().invoke(main, ["db", "upgrade"])
    assert res.exit_code == ExitCode.INPUT
    assert res.output.startswith("Error: database postgresql://nobody:***@127.0.0.1:1/nothing:")
    assert "secret" not in res.output and "Traceback" not in res.output
