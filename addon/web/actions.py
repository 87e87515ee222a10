"""The add-on's endpoints: entry points (homepage, open Gmail message, selected Drive files) and the
actions their cards' buttons call. Each handler reads the event, does one thing through the product's
own functions (``open_case``, ``run_search``, the case store) and answers with a card."""
from __future__ import annotations

import json
import re
from typing import Any

from flask import Blueprint

from scopes.model import SEARCH_STATUSES

from ..cases.lifecycle import OPEN
from ..cli.case_cmd import open_case
from ..errors import InputError, NotFound
from ..roles import require
from .cards import responses
from .cards.cases import CaseForm, case_form_card, case_list_card, homepage_card
from .cards.context import drive_check_card, drive_selection_card, gmail_sender_card
from .cards.jobs import job_card, results_card
from .cards.notices import error_card, sign_in_card
from .gate import Ctx, addon_endpoint, operation_scopes, step_scopes
from .manage import case_view
from .searches import start_search
from .userdata import FILE_CHECK_OPS, check_files, read_sender

bp = Blueprint("addon", __name__)
_SPLIT = re.compile(r"[\n,;]+")  # addresses, numbers, identifiers: one per line or comma-separated
#: open_case names the CLI option at fault; the card shows the message under the matching form field.
FORM_FIELDS = {"--type": "type", "--name": "name", "--email": "emails", "--phone": "phones",
               "--identifier": "identifiers", "--received": "received", "--wrong": "corrections",
               "--correct": "corrections", "--field": "corrections", "--processing": "processing", "--reason": "reason"}


def form_field(field: str | None) -> str:
    """The form field an :class:`InputError` is about, however the validator named it ("--phone", "phone",
    "phones", "--alias"); a field the form does not have shows under the name (the first field)."""
    name = (field or "").strip().lower().lstrip("-").split("[", 1)[0]
    names = {"email": "emails", "phone": "phones", "identifier": "identifiers", "alias": "aliases",
             "names": "name", "date": "received"}
    name = names.get(name, name)
    return FORM_FIELDS.get(f"--{name}") or (name if name in ("aliases", "emails", "phones", "identifiers") else "name")


def _staff(ctx: Ctx, action: str) -> None:
    require(ctx.user, ctx.services.settings, "staff", "dpo", action=action)


def _case(ctx: Ctx) -> Any:
    ref = ctx.event.param("ref")
    if not ref:
        raise NotFound("case: the button carried no case reference")
    return ctx.services.store.get(ref)


@addon_endpoint(bp, "homepage")
def homepage(ctx: Ctx) -> dict[str, Any]:
    if ctx.role == "auditor":
        return responses.push(error_card(ctx.links, "Auditors use the audit view",
                                         f"Open {ctx.links.page('/audit')} to verify the API-use log."))
    return responses.push(homepage_card(ctx.links, ctx.user, ctx.role, ctx.services.store.list(), ctx.today))


@addon_endpoint(bp, "gmail", needs=step_scopes("context"))
def gmail(ctx: Ctx) -> dict[str, Any]:
    _staff(ctx, "searching a sender as a data subject")
    if ctx.event.gmail is None:
        return responses.push(error_card(ctx.links, "No message", "Open a message to search its sender."))
    sender = read_sender(ctx.services, ctx.event, ctx.user, ctx.granted)
    known = [c for c in ctx.services.store.list() if sender and c.subject and c.status in OPEN
             and sender.email in c.subject.emails]
    return responses.push(gmail_sender_card(ctx.links, sender, known))


@addon_endpoint(bp, "drive")
def drive(ctx: Ctx) -> dict[str, Any]:
    _staff(ctx, "checking files against a request")
    selected = list(ctx.event.drive.selected) if ctx.event.drive else []
    cases = [c for c in ctx.services.store.list() if c.status in SEARCH_STATUSES]  # where the guard allows reads
    return responses.push(drive_selection_card(ctx.links, selected, cases, ctx.user))


@addon_endpoint(bp, "drive_check", needs=operation_scopes(*FILE_CHECK_OPS))
def drive_check(ctx: Ctx) -> dict[str, Any]:
    _staff(ctx, "checking files against a request")
    ref = ctx.event.value("case")
    if not ref:
        raise InputError("case", "choose the request to check the files against")
    try:
        ids = json.loads(ctx.event.param("files") or "[]")
    except ValueError:
        ids = None
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise InputError("files", "the selection did not come through; select the files again")
    case = ctx.services.store.get(ref)
    verdicts = check_files(ctx.services, ctx.event, ctx.user, ctx.granted, case, ids)
    return responses.push(drive_check_card(ctx.links, case, verdicts))


@addon_endpoint(bp, "case_form")
def case_form(ctx: Ctx) -> dict[str, Any]:
    _staff(ctx, "opening a case")
    from ..cases.model import TYPES
    from ..deadlines import parse_day

    kind = ctx.event.param("type")
    try:  # the open message's day, from the Gmail card; today otherwise
        received = parse_day("received", ctx.event.param("received")) if ctx.event.param("received") else ctx.today
    except InputError:
        received = ctx.today
    form = CaseForm(type=kind if kind in TYPES else "access", name=ctx.event.param("name"),
                    emails=ctx.event.param("email"), received=received)
    return responses.push(case_form_card(ctx.links, form))


def form_from_event(ctx: Ctx) -> CaseForm:
    e = ctx.event
    return CaseForm(type=e.value("type") or "access", name=e.value("name"), aliases=e.value("aliases"),
                    emails=e.value("emails"), phones=e.value("phones"), identifiers=e.value("identifiers"),
                    received=e.dates.get("received"), corrections=e.value("corrections"),
                    processing=e.value("processing"), reason=e.value("reason") or "accuracy_contested")


def form_details(form: CaseForm) -> dict[str, Any]:
    """The type's own fields from the form, checked as ``dsar case open`` checks its options."""
    from ..cases.details import check_details, corrections

    if form.type == "rectification":
        pairs = [re.split(r"\s*(?:->|→)\s*", line, maxsplit=1) for line in lines(form.corrections, names=True)]
        if any(len(p) != 2 for p in pairs):
            raise InputError("--wrong", "write each correction as: wrong value -> correct value")
        return check_details("rectification", {"corrections": corrections([p[0] for p in pairs], [p[1] for p in pairs])})
    if form.type == "objection":
        return check_details("objection", {"processing": form.processing})
    if form.type == "restriction":
        return check_details("restriction", {"reason": form.reason})
    return {}


def lines(text: str, *, names: bool = False) -> list[str]:
    """The values a multi-line field holds; names go one per line (a name may hold a comma: "Doe, Jane")."""
    parts = text.splitlines() if names else _SPLIT.split(text)
    return [p.strip() for p in parts if p.strip()]


@addon_endpoint(bp, "case_open")
def case_open(ctx: Ctx) -> dict[str, Any]:
    _staff(ctx, "opening a case")
    form = form_from_event(ctx)
    if not form.name:
        form.errors["name"] = "Enter the subject's full name."
        return responses.update(case_form_card(ctx.links, form))
    try:
        case = open_case(ctx.services, form.type, [form.name, *lines(form.aliases, names=True)], lines(form.emails),
                         lines(form.phones), lines(form.identifiers), form.received or ctx.today, ctx.user,
                         form_details(form))
    except InputError as e:
        form.errors[form_field(e.field)] = e.detail
        return responses.update(case_form_card(ctx.links, form))
    from ..tracker.status import tracker_status

    pending = tracker_status(ctx.services, case.ref)["state"] == "pending"  # said, never hidden (issue 12)
    return responses.update(case_view(ctx, case), notify=f"Opened {case.ref}: due {case.due:%d %b %Y}" + (
        "; its tracker row is pending and is retried with the next tracker write" if pending else ""))


@addon_endpoint(bp, "case_show")
def case_show(ctx: Ctx) -> dict[str, Any]:
    _staff(ctx, "seeing a case")
    return responses.push(case_view(ctx, _case(ctx)))


@addon_endpoint(bp, "cases")
def cases(ctx: Ctx) -> dict[str, Any]:
    _staff(ctx, "seeing the list of cases")
    return responses.push(case_list_card(ctx.links, ctx.services.store.list(), ctx.today))


@addon_endpoint(bp, "search_start")
def search_start(ctx: Ctx) -> dict[str, Any]:
    _staff(ctx, "searching for a data subject")
    case = _case(ctx)
    started = start_search(ctx.web, case, ctx.user)
    if started.job_id is None:
        return responses.push(sign_in_card(ctx.links, started.sign_in or "", ctx.user))
    return responses.push(job_card(ctx.links, ctx.web.runner.status(started.job_id)),
                          notify=f"Searching for {case.ref}'s subject")


@addon_endpoint(bp, "job")
def job(ctx: Ctx) -> dict[str, Any]:
    _staff(ctx, "following a search")
    job_id = ctx.event.param("job")
    status = ctx.web.runner.status(job_id) if job_id else None
    if status is None:
        raise NotFound(f"job: no search job {job_id!r}")
    return responses.update(job_card(ctx.links, status))


@addon_endpoint(bp, "results")
def results(ctx: Ctx) -> dict[str, Any]:
    _staff(ctx, "seeing a case's results")
    case = _case(ctx)
    return responses.push(results_card(ctx.links, case.ref, ctx.services.store.results(case.ref)))
