"""``dsar letter REF --outcome done|refused|extended|clarification``: draft the response letter."""
from __future__ import annotations

import click
from rich.markup import escape

from ..letters.render import OUTCOMES
from .output import console, emit_json


@click.command("letter")
@click.argument("ref")
@click.option("--outcome", type=click.Choice(OUTCOMES), required=True,
              help="done; refused (with --reason); extended (after 'dsar case extend'); clarification (--reason: what to ask).")
@click.option("--reason", help="The refusal's reasons, or what the subject should clarify.")
@click.option("--no-pdf", is_flag=True, help="Write the HTML only.")
@click.option("--json", "as_json", is_flag=True)
def letter(ref, outcome, reason, no_pdf, as_json) -> None:
    """Draft the letter answering case REF from the organisation's template (DSAR_HOME/letters/TYPE/OUTCOME.html.j2,
    else the built-in one); the draft is recorded on the case."""
    from ..letters.draft import draft_letter
    from ..roles import actor, require
    from ..services import open_services

    services = open_services()
    who = actor(services.settings)
    require(who, services.settings, "staff", "dpo", action="drafting a letter")
    rec = draft_letter(services, services.store.get(ref), outcome, who, reason, pdf=not no_pdf)
    if as_json:
        emit_json(rec)
        return
    console.print(f"Letter ({outcome}, {rec['template']} template) written to {escape(rec['html'])}", soft_wrap=True)
    if rec["pdf"]:
        console.print(f"PDF: {escape(rec['pdf'])}", soft_wrap=True)
    elif rec["pdf_note"]:
        console.print(f"[yellow]{escape(rec['pdf_note'])}[/]")
