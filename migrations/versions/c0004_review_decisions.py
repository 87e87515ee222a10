"""cases: the review decisions and their log (addon/review/store.py).

They were created on open by ``CREATE TABLE IF NOT EXISTS`` on both backends, which PostgreSQL does not
serialise: two workers opening a fresh database at once raced on ``pg_type`` and one task failed. PostgreSQL
now has them from here (under the migration lock); SQLite still creates them on open, and ``IF NOT EXISTS``
adopts databases where an earlier release already made them.

Revision ID: c0004
Revises: c0003
Create Date: 2026-12-07
"""
from __future__ import annotations

from alembic import op

revision = "c0004"
down_revision = "c0003"
branch_labels = None
depends_on = None


#: As addon/review/store.py's DDL at this revision (a migration keeps its own copy: the module may change).
DDL = (
    "CREATE TABLE IF NOT EXISTS review_decisions (ref TEXT NOT NULL, item_key TEXT NOT NULL, status TEXT NOT NULL,"
    " code TEXT, by_actor TEXT NOT NULL, at TEXT NOT NULL, fold TEXT, sealed TEXT, PRIMARY KEY (ref, item_key))",
    "CREATE TABLE IF NOT EXISTS review_log (ref TEXT NOT NULL, item_key TEXT NOT NULL, seq INTEGER NOT NULL,"
    " status TEXT NOT NULL, code TEXT, by_actor TEXT NOT NULL, at TEXT NOT NULL, sealed TEXT,"
    " PRIMARY KEY (ref, item_key, seq))",
)


def upgrade() -> None:
    for stmt in DDL:
        op.execute(stmt)


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS review_log")
    op.execute("DROP TABLE IF EXISTS review_decisions")
