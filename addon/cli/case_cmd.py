"""``dsar case``: open, list and show data-subject request cases."""
from __future__ import annotations

import datetime as dt

import click
from rich.table import Table

from ..errors import InputError
from .output import console, emit_json


def _date(field: str, value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(field, f"{value!r} is not a date in YYYY-MM-DD form") from None


def open_case(services, case_type: str, names, emails, phones, identifiers, received: dt.date, actor: str):
    """Validate, compute the deadlines, store the case (sealed), and return it. Shared by CLI and add-on."""
    from .. import deadlines
    from ..roles import require
    from ..subjects.identifiers import make_subject

    role = require(actor, services.settings, "staff", "dpo", action="opening a case")
    if case_type not in ("access", "erasure"):
        raise InputError("--type", "must be 'access' or 'erasure'")
    if received > dt.date.today() + dt.timedelta(days=1):
        raise InputError("--received", f"{received.isoformat()} is in the future")
    subject = make_subject(tuple(names), tuple(emails), tuple(phones), tuple(identifiers))
    region = services.settings.extra.get("region", "ENG")
    case = services.store.create(
        case_type, subject, received, received, deadlines.due_date(received, region),
        deadlines.extended_due(received, region), actor, role, region,
    )
    from ..tracker.writer import tracker_update

    tracker_update(services, case.ref, actor=actor)
    return case


@click.group()
def case() -> None:
    """Open and follow data-subject request cases."""


@case.command("open")
@click.option("--type", "case_type", type=click.Choice(["access", "erasure"]), required=True, help="Kind of request.")
@click.option("--name", "names", multiple=True, required=True, help="The subject's full name (repeatable).")
@click.option("--email", "emails", multiple=True, help="An email address of the subject (repeatable).")
@click.option("--phone", "phones", multiple=True, help="A phone number, any usual UK or international form (repeatable).")
@click.option("--identifier", "identifiers", multiple=True, help="Another identifier, e.g. a customer number (repeatable).")
@click.option("--received", metavar="YYYY-MM-DD", help="Day the request was received (default today).")
@click.option("--json", "as_json", is_flag=True, help="Print the case as JSON.")
def open_cmd(case_type, names, emails, phones, identifiers, received, as_json) -> None:
    """Open a case; prints its reference and ICO deadlines."""
    from ..roles import actor
    from ..services import open_services

    services = open_services()
    c = open_case(services, case_type, names, emails, phones, identifiers, _date("--received", received),
                  actor(services.settings))
    if as_json:
        emit_json(c.public())
    else:
        console.print(f"Opened [bold]{c.ref}[/] ({c.type}); due {c.due:%a %d %b %Y}, "
                      f"or {c.extended_due:%a %d %b %Y} if extended.")


@case.command("list")
@click.option("--status", help="Only cases in this status.")
@click.option("--json", "as_json", is_flag=True)
def list_cmd(status, as_json) -> None:
    """List cases with their status and due dates."""
    from ..services import open_services

    cases = open_services().store.list(status)
    if as_json:
        emit_json([c.public() for c in cases])
        return
    t = Table("Ref", "Type", "Status", "Received", "Due", "Extended due")
    for c in cases:
        t.add_row(c.ref, c.type, c.status, str(c.received), str(c.due), str(c.extended_due))
    console.print(t)


@case.command("show")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True)
def show_cmd(ref, as_json) -> None:
    """Show one case, its history and its results so far."""
    from ..services import open_services

    services = open_services()
    c = services.store.get(ref)
    data = c.public()
    data["history"] = c.history
    data["results"] = len(services.store.results(c.ref)) if c.subject is not None else None
    from ..tracker.status import status_line, tracker_status

    data["tracker"] = tracker_status(services, c.ref)
    if as_json:
        emit_json(data)
        return
    console.print(f"[bold]{c.ref}[/] {c.type} — {c.status}; due {c.due} (extended {c.extended_due})")
    for h in c.history:
        console.print(f"  {h['at']}  {h['from_status'] or '-'} → {h['to_status']}  by {h['actor']} ({h['role']})"
                      + (f": {h['reason']}" if h["reason"] else ""))
    if status_line(data["tracker"]):
        console.print(status_line(data["tracker"]), style="yellow", markup=False)
