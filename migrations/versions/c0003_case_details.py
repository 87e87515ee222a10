"""cases: sealed per-type details (rectification's corrections, objection's processing, restriction's reason)
and the privacy-mailbox intake table (message ids and proposed types only; see addon/intake/mailbox.py)

The details are as personal as the subject ("my old address was ..."), so they are stored sealed under the
case key, like ``subject_sealed``, and cleared with it by ``purge_sealed``. SQLite: :mod:`addon.cases.store`
adds the column on open, so a file it already upgraded is adopted (the column is added only when missing).

Revision ID: c0003
Revises: c0002
Create Date: 2026-12-07
"""
from __future__ import annotations

from alembic import op
from sqlalchemy import text

revision = "c0003"
down_revision = "c0002"
branch_labels = None
depends_on = None


INTAKE = """CREATE TABLE IF NOT EXISTS intake_messages (
  mailbox TEXT NOT NULL, message_id TEXT NOT NULL, status TEXT NOT NULL, proposed_type TEXT, candidates TEXT,
  rules TEXT, seen_at TEXT NOT NULL, decided_by TEXT, decided_at TEXT, case_ref TEXT,
  PRIMARY KEY (mailbox, message_id))"""


def upgrade() -> None:
    bind = op.get_bind()
    op.execute(INTAKE)
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE cases ADD COLUMN IF NOT EXISTS details_sealed TEXT")
        return
    have = {r[1] for r in bind.execute(text("PRAGMA table_info(cases)"))}
    if "details_sealed" not in have:
        op.execute("ALTER TABLE cases ADD COLUMN details_sealed TEXT")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS intake_messages")
    op.execute("ALTER TABLE cases DROP COLUMN details_sealed")
