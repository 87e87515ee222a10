"""``dsar intake scan|list|confirm|dismiss``: requests proposed from the privacy mailbox, opened once confirmed."""
from __future__ import annotations

import click
from rich import box
from rich.markup import escape
from rich.table import Table

from ..cases.model import RESTRICTION_REASONS, TYPES
from ..errors import InputError
from .output import console, emit_json

_MAILBOX = click.option("--mailbox", required=True, metavar="EMAIL",
                        help="The designated privacy mailbox, e.g. privacy@example.org.")


def _intake(mailbox: str):
    from ..intake.mailbox import Intake
    from ..roles import actor
    from ..services import open_services

    from ..roles import require

    services = open_services()
    who = actor(services.settings)
    require(who, services.settings, "staff", "dpo", action="reading the privacy mailbox's proposals")
    return Intake(services, mailbox), who


def _table(rows: list[dict]) -> Table:
    t = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for name in ("ID", "Proposed", "From"):
        t.add_column(name, no_wrap=True)
    t.add_column("Received · subject (why)", overflow="fold")
    for r in rows:
        t.add_row(r["id"], r["type"] or "? " + "/".join(r["candidates"]), escape(r["from"]),
                  escape(f"{r['received']} · {r['subject']} ({'; '.join(r['rules'])})"))
    return t


@click.group()
def intake() -> None:
    """Propose requests from messages in the privacy mailbox; each is opened only when a person confirms it."""


@intake.command("scan")
@_MAILBOX
@click.option("--limit", type=click.IntRange(1), help="Read at most this many new messages (run again to go on).")
@click.option("--json", "as_json", is_flag=True)
def scan_cmd(mailbox, limit, as_json) -> None:
    """Read the mailbox's new messages (each only once) and list what they propose."""
    box_, who = _intake(mailbox)
    found: list[dict] = []
    counts = box_.scan(who, limit, on_message=lambda m, p: found.append(
        {**m.public(), "type": p.case_type, "candidates": list(p.candidates), "rules": list(p.rules)}))
    if as_json:
        emit_json({"mailbox": box_.mailbox, **counts, "proposals": found})
        return
    console.print(f"{box_.mailbox}: {counts['read']} new message(s) read, {counts['proposed']} proposed, "
                  f"{counts['ignored']} not requests ({counts['already_seen']} read before).")
    if found:
        console.print(_table(found))
        console.print("Confirm each with 'dsar intake confirm --mailbox "
                      f"{escape(box_.mailbox)} ID' (or dismiss it with 'dsar intake dismiss').")


@intake.command("list")
@_MAILBOX
@click.option("--json", "as_json", is_flag=True)
def list_cmd(mailbox, as_json) -> None:
    """Proposals waiting for a person (re-read from the mailbox; nothing about them is stored)."""
    box_, who = _intake(mailbox)
    rows = box_.pending(who)
    if as_json:
        emit_json(rows)
        return
    console.print(_table(rows) if rows else "No proposals waiting.")


@intake.command("confirm")
@_MAILBOX
@click.argument("ids", nargs=-1, required=True)
@click.option("--yes", is_flag=True, help="Open every listed proposal without asking.")
@click.option("--type", "case_type", type=click.Choice(TYPES), help="The request's type, where the proposal has none or is wrong.")
@click.option("--name", "names", multiple=True, help="The subject's name (default: the sender's display name).")
@click.option("--wrong", multiple=True, help="rectification: the wrong value (with --correct).")
@click.option("--correct", multiple=True, help="rectification: the correct value.")
@click.option("--field", "fields", multiple=True, help="rectification: the field of each correction.")
@click.option("--processing", help="objection: the processing objected to.")
@click.option("--reason", help="restriction: " + ", ".join(RESTRICTION_REASONS) + ".")
@click.option("--json", "as_json", is_flag=True)
def confirm_cmd(mailbox, ids, yes, case_type, names, wrong, correct, fields, processing, reason, as_json) -> None:
    """Open a case from each proposal ID: the sender's address is its first identifier, the message's day
    its day of receipt. Each is shown and asked about unless --yes."""
    from ..cases.details import from_options

    box_, who = _intake(mailbox)
    opened = []
    for mid in ids:
        row = box_.proposal(mid)  # before any read: an id never proposed is not looked up in Gmail
        msg = box_.read(who, mid)
        chosen = case_type or row["proposed_type"]
        if not chosen:
            raise InputError("--type", f"message {mid} reads as more than one request ({row['candidates']}): "
                                       "choose with --type")
        details = from_options(chosen, wrong, correct, fields, processing, reason)
        if not yes and not as_json:
            console.print(f"{mid}: [bold]{chosen}[/] from {escape(msg.sender)} received {msg.received} — "
                          f"{escape(msg.subject)}")
            if not click.confirm("Open this request?", default=False):
                continue
        case = box_.confirm(who, mid, chosen, tuple(names), details)
        opened.append({"id": mid, **case.public()})
        if not as_json:
            console.print(f"Opened [bold]{escape(case.ref)}[/] ({case.type}) from message {mid}; due {case.due:%a %d %b %Y}.")
    if as_json:
        emit_json(opened)


@intake.command("dismiss")
@_MAILBOX
@click.argument("ids", nargs=-1, required=True)
def dismiss_cmd(mailbox, ids) -> None:
    """Mark proposals as not requests (they are never proposed again)."""
    box_, who = _intake(mailbox)
    for mid in ids:
        box_.dismiss(who, mid)
    console.print(f"Dismissed {len(ids)} proposal(s).")
