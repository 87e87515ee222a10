"""``dsar tracker init|sync``: the DPO's Google Sheet, one row per case."""
from __future__ import annotations

import click
from rich.markup import escape
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
    """Reconcile the sheet with the case store: add missing rows, update the tool's columns, write the rows
    still pending from failed writes, and report rows with no case and values that differed."""
    from ..services import open_services
    from ..tracker import sync_all

    services = open_services()
    report = sync_all(services)
    if as_json:
        emit_json(report.as_dict())
        return
    console.print(f"Tracker {report.spreadsheet_id}: {len(report.added)} added, {len(report.updated)} updated, "
                  f"{len(report.unchanged)} unchanged ({report.writes} write request(s)).")
    if report.pending_cleared:
        console.print(f"Written now, no longer pending: {', '.join(report.pending_cleared)}.")
    if report.differences:
        t = Table("Ref", "Row", "Column", "Sheet had", "Store says (written)", title="Values that differed")
        for d in report.differences:
            t.add_row(escape(d["ref"]), str(d["row"]), d["column"], escape(str(d["sheet"])), escape(str(d["store"])))
        console.print(t)
    for o in report.orphans:
        console.print(f"[yellow]Row {o['row']} has Ref {escape(repr(o['ref']))}, which is not a case in this data folder "
                      "(left as it is).[/]")
    for d in report.duplicates:
        console.print(f"[yellow]{escape(d['ref'])} appears in rows {', '.join(map(str, d['rows']))}; only the first "
                      "is updated. Delete the others.[/]")


@tracker.command("status")
@click.option("--json", "as_json", is_flag=True)
def status_cmd(as_json: bool) -> None:
    """Which spreadsheet the tracker is, whose Drive it is in, as whom it is written, and which rows are
    still pending (no Google call)."""
    from ..errors import ConfigError
    from ..services import open_services
    from ..tracker import PendingWrites, load_config
    from ..tracker.identity import writing_identity

    services = open_services()
    cfg = load_config(services.settings.home)
    if cfg is None:
        raise ConfigError("tracker: none is set up in this data folder; create one with 'dsar tracker init'")
    acting = (services.settings.actor or cfg.owner).lower()
    pending = PendingWrites(services.settings.home).rows()
    data = {"spreadsheet_id": cfg.spreadsheet_id, "url": cfg.url, "owner": cfg.owner,
            "written_as": writing_identity(services.settings, cfg, acting),
            "pending": {ref: row.public() for ref, row in pending.items()}}
    if as_json:
        emit_json(data)
        return
    console.print(f"Tracker {cfg.url}\nOwner {cfg.owner}; written as {data['written_as']}.", markup=False)
    if not pending:
        console.print("No rows pending.")
        return
    t = Table("Ref", "Pending since", "Attempts", "Last error", title="Rows not written yet")
    for ref, row in pending.items():
        t.add_row(ref, row.since, str(row.attempts), escape(row.error))
    console.print(t)
    console.print("They are retried with the next tracker write and by 'dsar tracker sync'.")


#: Commands after which rows still pending are retried (the ones people run through the day on cases).
RETRY_AFTER = frozenset({"case", "search", "erase", "export"})


def retry_after_command(command: str | None, started: float | None = None) -> None:
    """Write tracker rows still pending once a case, search, erase or export command has done its work. Costs
    nothing when none are pending; a failure keeps them pending, says so on stderr, and never changes the
    command's own outcome or exit code."""
    import logging

    from ..config import load
    from ..errors import DsarError
    from ..services import open_services
    from ..tracker.pending import PENDING_FILE
    from ..tracker.writer import WRITE_FAILURES, retry_pending
    from .output import err_console

    if command not in RETRY_AFTER:
        return
    try:
        settings = load()
        if not (settings.home / PENDING_FILE).is_file():
            return
        written = retry_pending(open_services(settings), failed_before=started)
    except (DsarError, *WRITE_FAILURES) as e:  # e.g. an unreadable pending file: the command itself succeeded
        logging.getLogger("dsar.tracker").warning("tracker: pending rows not retried: %s", e)
        return
    if written:
        err_console.print(f"Tracker: wrote the pending row(s) of {', '.join(written)}.", markup=False)
