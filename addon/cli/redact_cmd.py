"""``dsar redact REF ...``: staff's changes to the proposed redactions of other people's data.

\b
dsar redact remove REF ITEM ID...          keep these proposed redactions out (ids from redactions.csv)
dsar redact add REF ITEM "TEXT" [--kind K]  hide TEXT wherever it appears in the item as well
dsar redact clear REF ITEM                 back to the proposals only
ITEM is the Id 'dsar review REF' shows. The next 'dsar export REF' follows the changes.
"""
from __future__ import annotations

import click

from ..redaction.model import KINDS
from .output import console, emit_json


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def redact() -> None:
    """Remove proposed redactions or add your own, item by item (the export follows them)."""


def _run(ref: str, item: str, as_json: bool, **changes) -> None:
    from ..redaction.changes import change_redactions
    from ..roles import actor
    from ..services import open_services

    services = open_services()
    g, d = change_redactions(services, ref.strip().upper(), item, actor(services.settings), **changes)
    if as_json:
        emit_json({"ref": ref.strip().upper(), "item": g.id, "redactions_added": len(d.redactions_added),
                   "redactions_removed": d.redactions_removed, "by": d.by, "at": d.at})
        return
    console.print(f"{g.id}: {len(d.redactions_added)} redaction(s) of your own, {len(d.redactions_removed)} proposed "
                  f"one(s) removed (all {len(g.keys)} copies). Rebuild the package: dsar export {ref.strip().upper()}",
                  highlight=False)


@redact.command()
@click.argument("ref")
@click.argument("item")
@click.argument("ids", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True)
def remove(ref: str, item: str, ids: tuple[str, ...], as_json: bool) -> None:
    """Keep proposed redactions ID... of ITEM out of the package."""
    _run(ref, item, as_json, remove=ids)


@redact.command()
@click.argument("ref")
@click.argument("item")
@click.argument("text")
@click.option("--kind", type=click.Choice(KINDS), default="name", show_default=True)
@click.option("--json", "as_json", is_flag=True)
def add(ref: str, item: str, text: str, kind: str, as_json: bool) -> None:
    """Hide TEXT (any case) wherever it appears in ITEM; the requester's own identifiers stay visible."""
    _run(ref, item, as_json, add=[text], kind=kind)


@redact.command()
@click.argument("ref")
@click.argument("item")
@click.option("--json", "as_json", is_flag=True)
def clear(ref: str, item: str, as_json: bool) -> None:
    """Drop your changes to ITEM's redactions: the proposals apply again."""
    _run(ref, item, as_json, clear=True)
