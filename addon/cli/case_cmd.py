"""``dsar case``: open, list, show, assign and annotate data-subject request cases."""
from __future__ import annotations

import datetime as dt

import click
from rich import box
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from ..cases.lifecycle import STATUSES
from ..cases.identity import METHODS as IDENTITY_METHODS
from ..cases.model import RESTRICTION_REASONS, TYPES
from ..errors import InputError
from .acting import acting_as
from .output import console, emit_json

#: The tracker's marking, on the screen: red overdue, amber due soon, nothing when on time.
CLOCK_STYLE = {"overdue": "bold red", "due_soon": "bold dark_orange", "paused": "cyan", "ok": "", "answered": "dim"}


def _date(field: str, value: str | None) -> dt.date:
    """A typed day (default today); never in the future ("not a real date" for 30 February)."""
    from ..deadlines import parse_day

    return dt.date.today() if value is None else parse_day(field, value)


def clock_text(state: dict, short: bool = False) -> Text:
    """The clock state in words and colour, for a line (or, ``short``, a table cell)."""
    from ..cases.overview import clock_words

    return Text(clock_words(state, short), style=CLOCK_STYLE.get(state["state"], ""))


def due_text(case) -> str:
    """The due date in force, saying "extended" only when the case is."""
    if case.extended:
        return f"{case.extended_due:%a %d %b %Y} (extended; the first month ended {case.due:%d %b %Y})"
    return f"{case.due:%a %d %b %Y}"


def details_lines(case, identity: dict) -> list[str]:
    """The type's own facts and the identity step, as plain lines for ``case show``."""
    out = []
    for c in case.details.get("corrections", []):
        where = "" if c["field"] == "any" else f"{c['field']}: "
        out.append(f"Correct {where}{c['wrong']!r} → {c['correct']!r}")
    if case.details.get("processing"):
        out.append(f"Objects to: {case.details['processing']}")
    if case.details.get("reason"):
        out.append(f"Restriction reason: {case.details['reason']}")
    decision = case.details.get("decision")
    if decision:
        out.append(f"Decision: {decision['outcome']} by {decision['by']}: {decision['grounds']}")
    state = identity.get("state")
    if state in ("verified", "waived", "requested"):
        words = {"verified": f"verified ({identity.get('method')}) on {identity.get('on')} by {identity.get('actor')}",
                 "waived": f"check waived on {identity.get('on')} by {identity.get('actor')}",
                 "requested": f"ID requested on {identity.get('on')}; waiting for it"}[state]
        out.append(f"Identity: {words}")
    elif case.type not in ("access", "erasure") and case.status in ("received", "identity_check"):
        out.append(f"Identity: not checked yet (dsar case verify-id {case.ref} --method METHOD, or --waive --reason)")
    return out


def open_case(services, case_type: str, names, emails, phones, identifiers, received: dt.date, actor: str,
              details: dict | None = None):
    """Validate, compute the deadlines, store the case (sealed), and return it. Shared by CLI, add-on and
    intake. ``details`` are the type's own facts (:func:`addon.cases.details.check_details` checks them)."""
    from .. import deadlines
    from ..cases.details import check_details
    from ..cases.model import TYPES
    from ..roles import require
    from ..subjects.identifiers import make_subject

    role = require(actor, services.settings, "staff", "dpo", action="opening a case")
    if case_type not in TYPES:
        raise InputError("--type", f"{case_type!r} is not a case type ({', '.join(TYPES)})")
    details = check_details(case_type, details)
    if received > dt.date.today():
        raise InputError("--received", f"{received.isoformat()} is in the future (today is {dt.date.today()}): "
                                       "give the day the request arrived")
    subject = make_subject(tuple(names), tuple(emails), tuple(phones), tuple(identifiers))
    region = services.settings.extra.get("region", "ENG")
    case = services.store.create(
        case_type, subject, received, received, deadlines.due_date(received, region),
        deadlines.extended_due(received, region), actor, role, region, details=details,
    )
    from ..tracker.writer import tracker_update

    tracker_update(services, case.ref, actor=actor)
    return case


@click.group()
def case() -> None:
    """Open and follow data-subject request cases."""


@case.command("open")
@click.option("--type", "case_type", type=click.Choice(TYPES), required=True, help="Kind of request.")
@click.option("--name", "names", multiple=True, required=True, help="The subject's full name (repeatable).")
@click.option("--email", "emails", multiple=True, help="An email address of the subject (repeatable).")
@click.option("--phone", "phones", multiple=True, help="A phone number, any usual UK or international form (repeatable).")
@click.option("--identifier", "identifiers", multiple=True, help="Another identifier, e.g. a customer number (repeatable).")
@click.option("--received", metavar="YYYY-MM-DD", help="Day the request was received (default today).")
@click.option("--wrong", multiple=True, help="rectification: a value held that is wrong (repeatable, paired with --correct).")
@click.option("--correct", multiple=True, help="rectification: the correct value for the --wrong in the same position.")
@click.option("--field", "fields", multiple=True,
              help="rectification: which field each correction is about, e.g. address (default: any field).")
@click.option("--processing", help="objection: the processing the subject objects to.")
@click.option("--reason", help="restriction: " + ", ".join(RESTRICTION_REASONS) + " (Art. 18(1)(a)-(d)).")
@click.option("--json", "as_json", is_flag=True, help="Print the case as JSON.")
def open_cmd(case_type, names, emails, phones, identifiers, received, wrong, correct, fields, processing, reason,
             as_json) -> None:
    """Open a case; prints its reference and ICO deadlines. Rectification needs --wrong/--correct, objection
    --processing, restriction --reason; a marketing opt-out needs nothing more."""
    from ..cases.details import from_options
    from ..roles import actor
    from ..services import open_services

    details = from_options(case_type, wrong, correct, fields, processing, reason)  # before any store is opened
    services = open_services()
    c = open_case(services, case_type, names, emails, phones, identifiers, _date("--received", received),
                  actor(services.settings), details)
    if as_json:
        emit_json(c.public())
        return
    from ..subjects.identifiers import SINGLE_WORD_WHY

    console.print(f"Opened [bold]{escape(c.ref)}[/] ({c.type}); due {c.due:%a %d %b %Y}, "
                  f"or {c.extended_due:%a %d %b %Y} if extended.")
    for word in c.subject.partial_names if c.subject else ():
        console.print(f"[yellow]Note:[/] --name {escape(repr(word))} is a single word: {SINGLE_WORD_WHY}. It is "
                      "kept as the case's label; the search uses the other identifiers.")


@case.command("list")
@click.option("--status", type=click.Choice(STATUSES, case_sensitive=False), help="Only cases in this status.")
@click.option("--json", "as_json", is_flag=True)
def list_cmd(status, as_json) -> None:
    """List cases with their status and due dates; overdue ones in red, those due within 7 days in amber."""
    from ..cases.overview import list_view
    from ..services import open_services

    services = open_services()
    cases = services.store.list(status.lower() if status else None)
    views = list_view(services.store, cases)
    if as_json:
        emit_json(views)
        return
    # fits 80 columns: the received day is in 'case show' and --json; "OVERDUE by 12 days" is never split
    t = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for name in ("Ref", "Type", "Status", "Due", "Clock"):
        t.add_column(name, no_wrap=True)
    for c, v in zip(cases, views):
        due = f"{c.effective_due}" + (" ext" if c.extended else "")  # "ext": extended (case show says more)
        t.add_row(escape(c.ref), c.type, c.status, due, clock_text(v["clock"], short=True))
    console.print(t)


@case.command("show")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True)
def show_cmd(ref, as_json) -> None:
    """Show one case: its clock, pauses, notes, history and results so far."""
    from ..cases.overview import case_view, history_line
    from ..services import open_services

    services = open_services()
    c = services.store.get(ref)
    data = case_view(services.store, c)
    data["results"] = len(services.store.results(c.ref)) if c.subject is not None else None
    from ..tracker.status import status_line, tracker_status

    data["tracker"] = tracker_status(services, c.ref)
    from ..search.service import search_state, search_state_line

    data["search"] = search_state(services.store, c.ref)  # e.g. {"status": "interrupted", "resume": ...}
    if as_json:
        emit_json(data)
        return
    who = c.subject.display_name if c.subject else "(identifiers shredded)"
    console.print(f"[bold]{escape(c.ref)}[/] {c.type} — {c.status} — {escape(who)}")
    line = Text(f"Due {due_text(c)}: ")
    line.append_text(clock_text(data["clock"]))
    console.print(line)
    if c.assignee:
        console.print(f"Assigned to {escape(c.assignee)}")
    for line in details_lines(c, data.get("identity") or {}):
        console.print(escape(line), soft_wrap=True)
    for p in data["pauses"]:
        span = f"{p['from']} to {p['to']}" if p["to"] else f"{p['from']}, still paused"
        console.print(f"Paused {span} ({p['days']} day{'s' if p['days'] != 1 else ''} not counted), by "
                      f"{escape(p['by'])}" + (f": {escape(p['reason'])}" if p["reason"] else ""), soft_wrap=True)
    console.print("History:")
    for h in data["history"]:
        console.print("  " + escape(history_line(h)), soft_wrap=True)  # one entry, one line (grep, copy)
    if status_line(data["tracker"]):
        console.print(status_line(data["tracker"]), style="yellow", markup=False)
    if search_state_line(data["search"]):
        console.print(search_state_line(data["search"]), style="yellow", markup=False)


@case.command("assign")
@click.argument("ref")
@click.argument("email")
@click.option("--json", "as_json", is_flag=True)
def assign_cmd(ref, email, as_json) -> None:
    """Give case REF to the staff member at EMAIL (recorded with who and when; the tracker's Assignee follows)."""
    from ..cases.journal import CaseJournal, check_assignee
    from ..roles import role_of
    from ..tracker.status import tracker_status
    from ..tracker.writer import tracker_update

    services, who, _ = acting_as("staff", "dpo", action="assigning a case")
    assignee = check_assignee(email, services.settings.domain)
    if role_of(assignee, services.settings) == "auditor":
        raise InputError("EMAIL", f"{assignee} is an auditor: auditors verify the trail and do not handle requests")
    case = CaseJournal(services.store).assign(services.store.get(ref), assignee, who)
    tracker_update(services, case.ref, actor=who)
    if as_json:
        emit_json({**case.public(), "tracker": tracker_status(services, case.ref)})
        return
    console.print(f"[bold]{escape(case.ref)}[/] is assigned to {escape(assignee)}.")


@case.command("note")
@click.argument("ref")
@click.argument("text")
@click.option("--json", "as_json", is_flag=True)
def note_cmd(ref, text, as_json) -> None:
    """Add a note to case REF (kept encrypted with the case; shown by 'dsar case show')."""
    from ..cases.journal import CaseJournal

    services, who, _ = acting_as("staff", "dpo", action="adding a note to a case")
    case = services.store.get(ref)
    event = CaseJournal(services.store).note(case, text, who)
    if as_json:
        emit_json({"ref": case.ref, **event.public()})
        return
    console.print(f"Note added to [bold]{escape(case.ref)}[/] by {escape(who)}.")


@case.command("verify-id")
@click.argument("ref")
@click.option("--method", type=click.Choice(IDENTITY_METHODS), help="How identity was checked.")
@click.option("--on", "on_day", metavar="YYYY-MM-DD", help="Day of the check, the request or the waiver (default today).")
@click.option("--id-received", metavar="YYYY-MM-DD",
              help="Day the ID asked for arrived: the month restarts from it (ICO).")
@click.option("--note", help="A note on the check (sealed with the case, like identifiers).")
@click.option("--request", "request_id", is_flag=True, help="Record that ID was asked for (on --on); the case waits.")
@click.option("--waive", is_flag=True, help="No check is needed; give --reason.")
@click.option("--reason", help="Why the check is waived (e.g. sent from the address on file).")
@click.option("--json", "as_json", is_flag=True)
def verify_id_cmd(ref, method, on_day, id_received, note, request_id, waive, reason, as_json) -> None:
    """Record the identity step of case REF before any search: --request, then --method (with --id-received
    if ID was asked for), or --waive --reason."""
    from ..cases.identity import Identity

    chosen = [name for name, on in (("--method", method), ("--request", request_id), ("--waive", waive)) if on]
    if len(chosen) != 1:
        raise InputError("--method", "give exactly one of --method METHOD, --request or --waive --reason"
                                     + (f" (got {', '.join(chosen)})" if chosen else ""))
    if id_received and not method:
        raise InputError("--id-received", "goes with --method (the check made once the ID arrived)")
    if reason and not waive:
        raise InputError("--reason", "goes with --waive")
    on = _date("--on", on_day)
    received_id = _date("--id-received", id_received) if id_received else None
    services, who, role = acting_as("staff", "dpo", action="recording an identity check")
    ident = Identity(services.store)
    c = services.store.get(ref)
    if request_id:
        c = ident.request(c, who, role, on)
    elif waive:
        c = ident.waive(c, who, reason or "", on)
    else:
        c = ident.verify(c, who, method, on, received_id, note)
    from ..tracker.writer import tracker_update

    tracker_update(services, c.ref, actor=who)
    state = ident.state(c.ref)
    if as_json:
        emit_json({**c.public(), "identity": state})
        return
    words = {"requested": f"ID requested on {state['on']}; the case waits in identity_check",
             "verified": f"identity verified ({state['method']}) by {who}",
             "waived": f"identity check waived by {who}"}[state["state"]]
    console.print(f"[bold]{escape(c.ref)}[/]: {escape(words)}; due {due_text(c)}.")


@click.group()
def objection() -> None:
    """Decide objections to processing (Art. 21(1)); the DPO weighs them."""


@objection.command("decide")
@click.argument("ref")
@click.option("--upheld", "outcome", flag_value="upheld", help="Stop the processing objected to.")
@click.option("--rejected", "outcome", flag_value="rejected",
              help="Compelling legitimate grounds override the objection (never for direct marketing).")
@click.option("--grounds", required=True, help="The grounds of the decision (sealed with the case).")
@click.option("--json", "as_json", is_flag=True)
def decide_cmd(ref, outcome, grounds, as_json) -> None:
    """Record the DPO's decision on objection REF, with its grounds."""
    from ..cases.objection import decide

    if outcome is None:
        raise InputError("--upheld", "give --upheld or --rejected")
    services, who, role = acting_as("dpo", action="deciding an objection")
    c = decide(services.store, services.store.get(ref), who, role, outcome == "upheld", grounds)
    from ..tracker.writer import tracker_update

    tracker_update(services, c.ref, actor=who)
    if as_json:
        emit_json(c.public())
        return
    console.print(f"[bold]{escape(c.ref)}[/]: objection {outcome}; the grounds are recorded with the case.")
