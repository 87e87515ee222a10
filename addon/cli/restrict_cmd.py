"""``dsar restrict``: mark a subject's items as restricted (UK GDPR Art. 18), lift exactly those marks, and
show where they are."""
from __future__ import annotations

import click

from .acting import services_and_actor
from .output import console, emit_json


def _line(got: dict) -> str:
    return " · ".join(f"{src}: {got[src]['marked']} marked, {got[src]['lifted']} lifted" for src in ("gmail", "drive", "sheets"))


def _report(got: dict, as_json: bool, headline: str) -> None:
    """Every restrict command answers the same way: the result as JSON, else one line of per-source counts."""
    if as_json:
        emit_json(got)
    else:
        console.print(f"{headline} {_line(got)}", markup=False)


@click.group()
def restrict() -> None:
    """Restriction of processing: Gmail label, Drive property and description prefix, sheet-row notes."""


@restrict.command("mark")
@click.argument("ref")
@click.option("--search", is_flag=True, help="Search again first, so new data is marked too.")
@click.option("--json", "as_json", is_flag=True)
def mark_cmd(ref: str, search: bool, as_json: bool) -> None:
    """Mark every found item not yet marked (idempotent and resumable)."""
    from ..rights.restrict import mark

    services, who = services_and_actor()
    got = mark(services, ref, who, search=search)
    _report(got, as_json, f"{got['ref']}: {got['added']} new mark(s).")


@restrict.command("lift")
@click.argument("ref")
@click.option("--reason", required=True, help="Why the restriction ends (tell the subject first, Art. 18(3)).")
@click.option("--json", "as_json", is_flag=True)
def lift_cmd(ref: str, reason: str, as_json: bool) -> None:
    """Remove exactly the tool's marks (DPO only); labels and text staff added stay."""
    from ..rights.restrict import lift

    services, who = services_and_actor()
    got = lift(services, ref, who, reason)
    _report(got, as_json, f"{got['ref']}: restriction lifted.")


@restrict.command("status")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True)
def status_cmd(ref: str, as_json: bool) -> None:
    """Which marks the tool has made and lifted."""
    from ..rights.restrict import status

    services, who = services_and_actor()
    got = status(services, ref, who)
    _report(got, as_json, f"{got['ref']} is {got['status']}.")
    if as_json:
        return
    for acct, lb in got["labels"].items():
        console.print(f"  {acct}: label {lb['name']!r}{' (deleted on lifting)' if lb['deleted'] else ''}", markup=False)
