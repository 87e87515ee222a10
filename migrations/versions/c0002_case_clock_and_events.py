"""cases: clock events (extensions, pauses) and case events (assignments, sealed notes)

SQLite: the statements :class:`addon.cases.clock.CaseClock` and :mod:`addon.cases.store` run on open
(``IF NOT EXISTS``), so existing files are adopted; a ``clock_events`` table from before the resume columns gets
them when the clock opens it. PostgreSQL: the same tables, so the clock, ``dsar case assign`` and ``dsar case
note`` work on both stores.

Revision ID: c0002
Revises: c0001
Create Date: 2026-12-07
"""
from __future__ import annotations

from alembic import op

revision = "c0002"
down_revision = "c0001"
branch_labels = None
depends_on = None

SQLITE = [
    """CREATE TABLE IF NOT EXISTS clock_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT, ref TEXT NOT NULL, kind TEXT NOT NULL, on_day TEXT NOT NULL,
  until_day TEXT, actor TEXT NOT NULL, at TEXT NOT NULL, reason TEXT, closed_by TEXT, closed_at TEXT)""",
    """CREATE TABLE IF NOT EXISTS case_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT, ref TEXT NOT NULL, kind TEXT NOT NULL, actor TEXT NOT NULL,
  at TEXT NOT NULL, detail TEXT, sealed_text TEXT)""",
]

POSTGRES = [
    """CREATE TABLE clock_events (
  id BIGSERIAL PRIMARY KEY, ref TEXT NOT NULL, kind TEXT NOT NULL, on_day TEXT NOT NULL,
  until_day TEXT, actor TEXT NOT NULL, at TEXT NOT NULL, reason TEXT, closed_by TEXT, closed_at TEXT)""",
    "CREATE INDEX clock_events_ref ON clock_events (ref, id)",
    """CREATE TABLE case_events (
  id BIGSERIAL PRIMARY KEY, ref TEXT NOT NULL, kind TEXT NOT NULL, actor TEXT NOT NULL,
  at TEXT NOT NULL, detail TEXT, sealed_text TEXT)""",
    "CREATE INDEX case_events_ref ON case_events (ref, id)",
]


def upgrade() -> None:
    for stmt in POSTGRES if op.get_bind().dialect.name == "postgresql" else SQLITE:
        op.execute(stmt)


def downgrade() -> None:
    for table in ("case_events", "clock_events"):
        op.execute(f"DROP TABLE IF EXISTS {table}")
