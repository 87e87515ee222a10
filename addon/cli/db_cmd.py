"""``dsar db``: the database schema (Alembic migrations in ``migrations/``) for the SQLite default
(``<DSAR_HOME>/cases.db`` and ``audit.db``) or PostgreSQL (``DSAR_DATABASE_URL``)."""
from __future__ import annotations

import click

from .output import console, emit_json


def _targets(settings) -> list[tuple[str, str, str]]:
    """(label, url or path, alembic target) for each database of this configuration."""
    from audit.pg_store import is_postgres_url, redacted

    if is_postgres_url(settings.database_url):
        return [(redacted(settings.database_url), settings.database_url, "heads")]
    from ..data_folder import open_home

    open_home(settings)  # 'dsar init' creates it; a mistyped DSAR_HOME is refused, not created
    return [(str(settings.home / "cases.db"), str(settings.home / "cases.db"), "cases@head"),
            (str(settings.home / "audit.db"), str(settings.home / "audit.db"), "audit@head")]


def _run(fn, label: str):
    from ..errors import ConfigError

    try:
        return fn()
    except ConfigError:
        raise
    except Exception as e:  # connection refused, permissions, a locked file: one clear line
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise ConfigError(f"database {label}: {first}") from None


@click.group()
def db() -> None:
    """Database schema: upgrade to the current version, or show where it stands."""


@db.command("upgrade")
@click.option("--json", "as_json", is_flag=True)
def upgrade_cmd(as_json: bool) -> None:
    """Create or upgrade the tables (safe to run again; instances starting together migrate once)."""
    import migrations

    from ..config import load

    out = []
    for label, url, target in _targets(load()):
        before, after = _run(lambda: migrations.upgrade(url, target), label)
        out.append({"database": label, "before": sorted(before), "after": sorted(after)})
        if not as_json:
            changed = "up to date" if before == after else f"upgraded {sorted(before) or 'empty'} -> {sorted(after)}"
            console.print(f"{label}: {changed}")
    if as_json:
        emit_json(out)


@db.command("current")
@click.option("--json", "as_json", is_flag=True)
def current_cmd(as_json: bool) -> None:
    """Show each database's revision beside the newest one."""
    import migrations

    from ..config import load

    out = []
    for label, url, target in _targets(load()):
        have = _run(lambda: migrations.current(url), label)
        want = migrations.heads(target)
        out.append({"database": label, "current": sorted(have), "head": sorted(want), "up_to_date": want <= have})
        if not as_json:
            console.print(f"{label}: {sorted(have) or 'no schema'} (newest {sorted(want)})")
    if as_json:
        emit_json(out)
