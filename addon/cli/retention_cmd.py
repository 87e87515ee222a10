"""``dsar retention run``: apply the organisation's retention policy to the product's own data."""
from __future__ import annotations

import datetime as dt

import click

from .output import console, emit_json


@click.group()
def retention() -> None:
    """The product's own data retention (access packages, finished cases)."""


@retention.command("run")
@click.option("--dry-run", is_flag=True, help="Say what would be deleted or shredded; change nothing.")
@click.option("--today", metavar="YYYY-MM-DD", help="Evaluate as of this day (default today).")
@click.option("--json", "as_json", is_flag=True)
def run_cmd(dry_run: bool, today: str | None, as_json: bool) -> None:
    """Delete old access packages and crypto-shred finished cases past their retention date."""
    from ..errors import InputError
    from ..retention import run_retention
    from ..roles import actor, require
    from ..services import open_services

    services = open_services()
    who = actor(services.settings)
    require(who, services.settings, "dpo", action="applying the retention policy")
    try:
        day = dt.date.fromisoformat(today) if today else None
    except ValueError:
        raise InputError("--today", f"{today!r} is not a date in YYYY-MM-DD form") from None
    report = run_retention(services, who, day, dry_run)
    if as_json:
        emit_json(report.as_dict())
        return
    verb = "would shred" if dry_run else "shredded"
    console.print(f"{verb} {len(report.shredded)} case(s): {', '.join(report.shredded) or '-'}; "
                  f"{'would delete' if dry_run else 'deleted'} {len(report.packages_deleted)} package(s); "
                  f"{report.kept} case(s) kept")
