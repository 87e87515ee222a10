"""cases: baseline (cases, transitions, results, jobs)

The SQLite statements are the ones :mod:`addon.cases.store` has always run (``IF NOT EXISTS``), so an
existing ``cases.db`` is adopted unchanged. PostgreSQL gets the same columns (ISO dates as text, JSON job
state as text, so both stores return identical values) plus indexes for the per-case look-ups.

Revision ID: c0001
Revises:
Create Date: 2025-06-01
"""
from __future__ import annotations

from alembic import op

revision = "c0001"
down_revision = None
branch_labels = ("cases",)
depends_on = None

SQLITE = [
    """CREATE TABLE IF NOT EXISTS cases (
  ref TEXT PRIMARY KEY, type TEXT NOT NULL, status TEXT NOT NULL, received TEXT NOT NULL,
  clock_start TEXT NOT NULL, due TEXT NOT NULL, extended_due TEXT NOT NULL, extended INTEGER NOT NULL DEFAULT 0,
  created_by TEXT NOT NULL, created_at TEXT NOT NULL, assignee TEXT, closed_at TEXT, notes TEXT DEFAULT '',
  region TEXT NOT NULL DEFAULT 'ENG', subject_sealed TEXT)""",
    """CREATE TABLE IF NOT EXISTS transitions (
  id INTEGER PRIMARY KEY AUTOINCREMENT, ref TEXT NOT NULL, from_status TEXT, to_status TEXT NOT NULL,
  actor TEXT NOT NULL, role TEXT NOT NULL, at TEXT NOT NULL, reason TEXT)""",
    """CREATE TABLE IF NOT EXISTS results (
  ref TEXT NOT NULL, item_key TEXT NOT NULL, source TEXT NOT NULL, sealed_item TEXT NOT NULL,
  found_at TEXT NOT NULL, run INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (ref, run, item_key))""",
    """CREATE TABLE IF NOT EXISTS jobs (
  id TEXT PRIMARY KEY, ref TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL, state TEXT NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, error TEXT)""",
]

POSTGRES = [
    """CREATE TABLE cases (
  ref TEXT PRIMARY KEY, type TEXT NOT NULL, status TEXT NOT NULL, received TEXT NOT NULL,
  clock_start TEXT NOT NULL, due TEXT NOT NULL, extended_due TEXT NOT NULL, extended INTEGER NOT NULL DEFAULT 0,
  created_by TEXT NOT NULL, created_at TEXT NOT NULL, assignee TEXT, closed_at TEXT, notes TEXT DEFAULT '',
  region TEXT NOT NULL DEFAULT 'ENG', subject_sealed TEXT)""",
    """CREATE TABLE transitions (
  id BIGSERIAL PRIMARY KEY, ref TEXT NOT NULL, from_status TEXT, to_status TEXT NOT NULL,
  actor TEXT NOT NULL, role TEXT NOT NULL, at TEXT NOT NULL, reason TEXT)""",
    "CREATE INDEX transitions_ref ON transitions (ref, id)",
    """CREATE TABLE results (
  ref TEXT NOT NULL, item_key TEXT NOT NULL, source TEXT NOT NULL, sealed_item TEXT NOT NULL,
  found_at TEXT NOT NULL, run INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (ref, run, item_key))""",
    """CREATE TABLE jobs (
  id TEXT PRIMARY KEY, ref TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL, state TEXT NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, error TEXT)""",
    "CREATE INDEX jobs_ref ON jobs (ref, created_at)",
]


def upgrade() -> None:
    for stmt in POSTGRES if op.get_bind().dialect.name == "postgresql" else SQLITE:
        op.execute(stmt)


def downgrade() -> None:
    for table in ("jobs", "results", "transitions", "cases"):
        op.execute(f"DROP TABLE IF EXISTS {table}")
