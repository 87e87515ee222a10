"""``dsar tracker init|sync``: the DPO's Google Sheet, one row per case."""
from __future__ import annotations

import click
from rich.table import Table

from .output import console, emit_json


@click.group()
def tracker() -> None:
    """The tracker spreadsheet the DPO follows (one row per case, kept up to date by every step)."""


@tracker.command("init")
@click.option("--force", is_flag=True, help="Create a new spreadsheet even if one is already set up.")
@click.option("--json", "as_json", is_flag=True, help='Print {"spreadsheet_id": ...}.')
def init_cmd(force: bool, as_json: bool) -> None:
    """Create the "DSAR tracker" spreadsheet in your Drive and fill it from the cases."""
    from ..roles import actor
    from ..services import open_services
    from ..tracker import init_tracker

    services = open_services()
    cfg, created, report = init_tracker(services, actor(services.settings), force=force)
    if as_json:
        emit_json({"spreadsheet_id": cfg.spreadsheet_id, "url": cfg.url, "created": created,
                   "rows_added": len(report.added) if report else 0})
        return
    console.print(cfg.spreadsheet_id)
    if created:
        console.print(f"Created the DSAR tracker ({len(report.added) if report else 0} case rows): {cfg.url}\n"
                      f"Remembered in {services.settings.home / 'tracker.json'}.")
    else:
        console.print(f"A tracker is already set up: {cfg.url} (use --force to create a new one).")


@tracker.command("sync")
@click.option("--json", "as_json", is_flag=True)
def sync_cmd(as_json: bool) -> None:
    """Reconcile the sheet with the case store: add missing rows, update the tool's columns, and report
    rows with no case and values that differed."""
    from ..errors import ConfigError
    from ..services import open_services
    from ..tracker import open_writer

    services = open_services()
    writer = open_writer(services)
    if writer is None:
        raise ConfigError("tracker: none is set up in this data folder; create one with 'dsar tracker init'")
    report = writer.write(None)
    if as_json:
        emit_json(report.as_dict())
        return
    console.print(f"Tracker {report.spreadsheet_id}: {len(report.added)} added, {len(report.updated)} updated, "
                  f"{len(report.unchanged)} unchanged ({report.writes} write request(s)).")
    if report.differences:
        t = Table("Ref", "Row", "Column", "Sheet had", "Store says (written)", title="Values that differed")
        for d in report.differences:
            t.add_row(d["ref"], str(d["row"]), d["column"], str(d["sheet"]), str(d["store"]))
        console.print(t)
    for o in report.orphans:
        console.print(f"[yellow]Row {o['row']} has Ref {o['ref']!r}, which is not a case in this data folder "
                      "(left as it is).[/]")
    for d in report.duplicates:
        console.print(f"[yellow]{d['ref']} appears in rows {', '.join(map(str, d['rows']))}; only the first "
                      "is updated. Delete the others.[/]")
