"""``dsar suppression``: the direct-marketing opt-out and upheld objections (UK GDPR Art. 21): marketing
lists changed per DSAR_HOME/marketing.toml, and a suppression list of keyed hashes anyone can check."""
from __future__ import annotations

import sys

import click

from ..errors import ExitCode
from .acting import services_and_actor
from .output import console, emit_json


@click.group()
def suppression() -> None:
    """Marketing opt-out: change the marketing lists, keep a hashed do-not-contact list, check it."""


@suppression.command("check")
@click.argument("identifier", metavar="EMAIL|PHONE")
@click.option("--json", "as_json", is_flag=True)
def check_cmd(identifier: str, as_json: bool) -> None:
    """May we contact this person? Exit 0: no record; exit 1: do not contact. Only a keyed hash is compared."""
    from ..rights.suppress import check

    services, who = services_and_actor()
    got = check(services, identifier, who)
    if as_json:
        emit_json(got)
    else:
        click.echo("do not contact: this person asked not to receive direct marketing" if got["status"] == "do_not_contact"
                   else "no record: not on the suppression list")
    if got["status"] == "do_not_contact":
        sys.exit(ExitCode.CHECK_FAILED)


@suppression.command("plan")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True)
def plan_cmd(ref: str, as_json: bool) -> None:
    """Show the subject's rows in each marketing list and what applying would do (changes nothing)."""
    from ..rights.suppress import plan

    services, who = services_and_actor()
    got = plan(services, ref, who)
    if as_json:
        emit_json(got)
        return
    for ml in got["lists"]:
        console.print(f"{ml['name']}: {len(ml['rows'])} row(s) to {ml['action']} (rows {ml['rows']})", markup=False)
    console.print(f"{got['identifiers']} identifier(s) to add to the suppression list as keyed hashes.", markup=False)


@suppression.command("apply")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True)
def apply_cmd(ref: str, as_json: bool) -> None:
    """Remove or flag the subject in the marketing lists and add them to the suppression list (idempotent)."""
    from ..rights.suppress import apply

    services, who = services_and_actor()
    got = apply(services, ref, who)
    if as_json:
        emit_json(got)
        return
    for ml in got["lists"]:
        console.print(f"{ml['name']}: {ml['rows']} row(s) {'removed' if ml['action'] == 'remove' else 'flagged'}",
                      markup=False)
    console.print(f"{got['hashes_added']} of {got['hashes']} hash(es) added to the suppression list.", markup=False)
