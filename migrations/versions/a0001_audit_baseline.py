"""audit: baseline (records, tree, subtrees, checkpoints, case keys, shred marks, meta)

SQLite: the statements :mod:`audit.sqlite_store` runs on open (schema "1"), so an existing ``audit.db`` is
adopted unchanged. PostgreSQL: the same tables in schema ``audit`` (BYTEA for hashes and bodies), plus a
trigger that refuses UPDATE, DELETE and TRUNCATE on records (the chain detects tampering; the trigger
makes the honest path unable to do it by accident).

Revision ID: a0001
Revises:
Create Date: 2025-06-01
"""
from __future__ import annotations

from alembic import op

revision = "a0001"
down_revision = None
branch_labels = ("audit",)
depends_on = None

SQLITE = [
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS records (
  seq INTEGER PRIMARY KEY, time TEXT NOT NULL, case_ref TEXT, body BLOB NOT NULL,
  leaf BLOB NOT NULL, prev BLOB NOT NULL UNIQUE)""",
    "CREATE INDEX IF NOT EXISTS records_case ON records(case_ref) WHERE case_ref IS NOT NULL",
    """CREATE TABLE IF NOT EXISTS tree (
  id INTEGER PRIMARY KEY CHECK (id = 1), size INTEGER NOT NULL, frontier BLOB NOT NULL, last_leaf BLOB)""",
    """CREATE TABLE IF NOT EXISTS subtrees (
  height INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (height, idx)) WITHOUT ROWID""",
    "CREATE TABLE IF NOT EXISTS checkpoints (size INTEGER PRIMARY KEY, root BLOB NOT NULL, time TEXT NOT NULL, note TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS case_keys (case_ref TEXT PRIMARY KEY, wrapped BLOB NOT NULL, kek_id TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS shredded (case_ref TEXT PRIMARY KEY, time TEXT NOT NULL, seq INTEGER NOT NULL, actor TEXT NOT NULL)",
    "INSERT OR IGNORE INTO tree (id, size, frontier, last_leaf) VALUES (1, 0, x'', NULL)",
    "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', '1')",
]

POSTGRES = [
    "CREATE SCHEMA IF NOT EXISTS audit",
    "CREATE TABLE audit.meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE audit.records (
  seq BIGINT PRIMARY KEY, time TEXT NOT NULL, case_ref TEXT, body BYTEA NOT NULL,
  leaf BYTEA NOT NULL, prev BYTEA NOT NULL UNIQUE)""",
    "CREATE INDEX records_case ON audit.records (case_ref) WHERE case_ref IS NOT NULL",
    """CREATE TABLE audit.tree (
  id INTEGER PRIMARY KEY CHECK (id = 1), size BIGINT NOT NULL, frontier BYTEA NOT NULL, last_leaf BYTEA)""",
    """CREATE TABLE audit.subtrees (
  height INTEGER NOT NULL, idx BIGINT NOT NULL, hash BYTEA NOT NULL, PRIMARY KEY (height, idx))""",
    "CREATE TABLE audit.checkpoints (size BIGINT PRIMARY KEY, root BYTEA NOT NULL, time TEXT NOT NULL, note TEXT NOT NULL)",
    "CREATE TABLE audit.case_keys (case_ref TEXT PRIMARY KEY, wrapped BYTEA NOT NULL, kek_id TEXT NOT NULL)",
    "CREATE TABLE audit.shredded (case_ref TEXT PRIMARY KEY, time TEXT NOT NULL, seq BIGINT NOT NULL, actor TEXT NOT NULL)",
    "INSERT INTO audit.tree (id, size, frontier, last_leaf) VALUES (1, 0, decode('', 'hex'), NULL)",
    "INSERT INTO audit.meta (key, value) VALUES ('schema', '1')",
    """CREATE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit.records is append-only: % refused', TG_OP;
END $$""",
    """CREATE TRIGGER records_append_only BEFORE UPDATE OR DELETE ON audit.records
  FOR EACH ROW EXECUTE FUNCTION audit.refuse_change()""",
    """CREATE TRIGGER records_no_truncate BEFORE TRUNCATE ON audit.records
  FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change()""",
]


def upgrade() -> None:
    for stmt in POSTGRES if op.get_bind().dialect.name == "postgresql" else SQLITE:
        op.execute(stmt)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP SCHEMA IF EXISTS audit CASCADE")
        return
    for table in ("shredded", "case_keys", "checkpoints", "subtrees", "tree", "records", "meta"):
        op.execute(f"DROP TABLE IF EXISTS {table}")
