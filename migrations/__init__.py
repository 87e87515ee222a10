"""Database migrations (Alembic) for both backends.

Two branches, so each SQLite file gets only its own tables while PostgreSQL holds both:
``cases`` (cases, transitions, results, jobs: ``<DSAR_HOME>/cases.db``) and ``audit`` (the trail:
``<DSAR_HOME>/audit.db``; PostgreSQL schema ``audit``). PostgreSQL upgrades ``heads``.

The SQLite stores still create their own tables on open (the embedded default needs no step), so the
SQLite baselines use ``IF NOT EXISTS`` and adopt such files; PostgreSQL stores call :func:`ensure_schema`,
which upgrades under an advisory lock so instances starting together migrate once.
"""
from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
BRANCHES = ("cases", "audit")
#: Advisory lock key held while migrating ("dsar" "mig" as ASCII).
MIGRATE_LOCK = 0x64736172_6D696700


def sqlalchemy_url(url: str) -> str:
    """A SQLAlchemy URL for a DSAR database URL or a SQLite file path (psycopg 3 driver for PostgreSQL)."""
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    scheme, rest = url.split("://", 1)
    if scheme in ("postgresql", "postgres"):
        return "postgresql+psycopg://" + rest
    return url


def config(url: str):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.set_main_option("sqlalchemy.url", sqlalchemy_url(url).replace("%", "%%"))
    return cfg


def heads(target: str = "heads") -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(config("sqlite://"))
    if target == "heads":
        return set(script.get_heads())
    return {script.get_revision(target.split("@", 1)[0] + "@head").revision}


def _current(conn) -> set[str]:
    from alembic.runtime.migration import MigrationContext

    return set(MigrationContext.configure(conn).get_current_heads())


def current(url: str) -> set[str]:
    from sqlalchemy import create_engine

    engine = create_engine(sqlalchemy_url(url))
    try:
        with engine.connect() as conn:
            return _current(conn)
    finally:
        engine.dispose()


def upgrade(url: str, target: str = "heads") -> tuple[set[str], set[str]]:
    """Upgrade ``url`` to ``target`` (``heads``, ``cases@head`` or ``audit@head``); returns (before, after)."""
    from alembic import command
    from sqlalchemy import create_engine, text

    engine = create_engine(sqlalchemy_url(url))
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATE_LOCK})
            before = _current(conn)
            if not heads(target) <= before:
                cfg = config(url)
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, target)
            after = _current(conn)
        return before, after
    finally:
        engine.dispose()


def ensure_schema(url: str) -> None:
    """Bring a PostgreSQL database to the current schema (cheap when it already is)."""
    from audit.errors import StoreError

    try:
        if heads() <= current(url):
            return
        upgrade(url, "heads")
    except StoreError:
        raise
    except Exception as e:  # connection refused, permissions, a broken migration: one clear line
        from audit.pg_store import redacted

        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise StoreError(f"DSAR_DATABASE_URL: cannot prepare the schema in {redacted(url)} ({first})") from None
