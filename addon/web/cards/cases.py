"""Cards about cases: the homepage, the new-case form (errors under the field they are about), one case,
and the list of open cases with their ICO due dates."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from ...cases.lifecycle import OPEN
from ...cases.model import Case
from .links import Links
from .manage import Manage, manage_sections
from .widgets import (Card, button, buttons, card, date_input, decorated, divider, dropdown, esc, field_error, note,
                      on_action, on_link, section, text, text_input)

LIMITED_USE = ("This add-on's use and transfer of information received from Google APIs adheres to the Google API "
               "Services User Data Policy, including the Limited Use requirements.")
MAX_LISTED = 40  # well under Google's 100 widgets per card
TYPES = (("Subject access (Art. 15)", "access"), ("Erasure (Art. 17)", "erasure"),
         ("Rectification (Art. 16)", "rectification"), ("Restriction (Art. 18)", "restriction"),
         ("Objection (Art. 21(1))", "objection"), ("Marketing opt-out (Art. 21(3))", "marketing_optout"))
RESTRICTION_OPTIONS = (("Accuracy contested", "accuracy_contested"), ("Unlawful processing", "unlawful"),
                       ("No longer needed, but kept for a legal claim", "no_longer_needed"),
                       ("Objection pending", "objection_pending"))


@dataclass
class CaseForm:
    """What the staff member typed, kept as typed so a rejected form comes back filled in."""

    type: str = "access"
    name: str = ""
    aliases: str = ""
    emails: str = ""
    phones: str = ""
    identifiers: str = ""
    received: dt.date | None = None
    corrections: str = ""  # rectification: "wrong -> correct", one per line
    processing: str = ""  # objection
    reason: str = "accuracy_contested"  # restriction
    errors: dict[str, str] = field(default_factory=dict)  # form field -> message


def due_label(case: Case, today: dt.date) -> str:
    due = case.effective_due
    days = (due - today).days
    if case.status not in OPEN:
        return f"closed; was due {due:%d %b %Y}"
    if days < 0:
        return f"OVERDUE by {-days} day{'s' * (days != -1)} (due {due:%d %b %Y})"
    if days == 0:
        return f"due TODAY ({due:%d %b %Y})"
    return f"due {due:%a %d %b %Y} ({days} day{'s' * (days != 1)})"


def _case_row(links: Links, c: Case, today: dt.date) -> dict[str, Any]:
    who = c.subject.display_name if c.subject else "(identifiers shredded)"
    overdue = c.status in OPEN and c.effective_due < today
    return decorated(who, top=f"{c.ref} · {c.type} · {c.status}", bottom=due_label(c, today),
                     icon="warning" if overdue else "person",
                     on_click=on_action(links.url("case_show"), {"ref": c.ref}))


def homepage_card(links: Links, user: str, role: str, cases: Iterable[Case], today: dt.date) -> Card:
    open_cases = sorted((c for c in cases if c.status in OPEN), key=lambda c: c.effective_due)
    rows = [_case_row(links, c, today) for c in open_cases[:5]]
    if not rows:
        rows = [note("No open requests.")]
    actions = [button("New request", on_action(links.url("case_form")), filled=True, icon="add"),
               button("All cases", on_action(links.url("cases")), icon="list")]
    if links.tracker:
        actions.append(button("Tracker", on_link(links.tracker), icon="table_chart"))
    return card(
        "Data-subject requests", [
            section([buttons(*actions)]),
            section(rows, f"Open requests, soonest due first ({len(open_cases)})"),
            section([note(LIMITED_USE), buttons(button("Limited Use disclosure", on_link(links.page("/limited-use")),
                                                       icon="policy"))], "About"),
        ], subtitle=f"{user} · {role}", name="home",
    )


def case_form_card(links: Links, form: CaseForm) -> Card:
    def with_error(widget: dict[str, Any], name: str) -> list[dict[str, Any]]:
        return [widget, field_error(form.errors[name])] if name in form.errors else [widget]

    widgets: list[dict[str, Any]] = []
    if form.errors:
        widgets.append(field_error("Please correct the fields marked below; nothing was saved."))
    widgets += with_error(dropdown("type", "Kind of request", TYPES, form.type), "type")
    widgets += with_error(text_input("name", "Subject's full name", form.name, hint="As the requester gave it"), "name")
    widgets += with_error(text_input("aliases", "Other names", form.aliases, multiline=True,
                                     hint="Former or married names, one per line"), "aliases")
    widgets += with_error(text_input("emails", "Email addresses", form.emails, multiline=True,
                                     hint="One per line"), "emails")
    widgets += with_error(text_input("phones", "Phone numbers", form.phones, multiline=True,
                                     hint="Any usual UK or international form, one per line"), "phones")
    widgets += with_error(text_input("identifiers", "Other identifiers", form.identifiers, multiline=True,
                                     hint="Customer or account numbers, one per line"), "identifiers")
    widgets += with_error(date_input("received", "Request received on", form.received), "received")
    widgets += with_error(text_input("corrections", "Rectification: corrections", form.corrections, multiline=True,
                                     hint="wrong value -> correct value, one per line"), "corrections")
    widgets += with_error(text_input("processing", "Objection: the processing objected to", form.processing),
                          "processing")
    widgets += with_error(dropdown("reason", "Restriction: the reason", RESTRICTION_OPTIONS, form.reason), "reason")
    widgets.append(buttons(button("Open case", on_action(links.url("case_open")), filled=True, icon="save")))
    return card("New data-subject request", [section(widgets)],
                subtitle="The deadline is computed from the day received", name="case_form")


def case_card(links: Links, c: Case, today: dt.date, *, job: Mapping[str, Any] | None = None,
              found: Mapping[str, int] | None = None, manage: Manage | None = None, estimate: str = "",
              rights: list[dict[str, Any]] | None = None) -> Card:
    """One case; ``manage`` (the DPO's actions) only for the DPO role; ``rights``: the sections of a
    rectification, restriction, objection or opt-out case's own steps (``cards/rights.py``)."""
    facts = [
        decorated(c.type.capitalize(), top="Kind"),
        decorated(c.status, top="Status"),
        decorated(f"{c.received:%a %d %b %Y}", top="Received"),
        decorated(due_label(c, today), top="Due", bottom=f"Extendable to {c.extended_due:%d %b %Y}",
                  icon="warning" if c.status in OPEN and c.effective_due < today else "event"),
    ]
    if c.subject is None:
        facts.append(note("The subject's identifiers were shredded; this case can no longer be searched."))
    else:
        s = c.subject
        facts.append(decorated(", ".join(s.names), top="Names"))
        for label, values in (("Emails", s.emails), ("Phones", s.phones), ("Identifiers", s.identifiers)):
            if values:
                facts.append(decorated(", ".join(values), top=label))
    acts = []
    if c.subject is not None and c.status in OPEN:
        acts.append(button("Search now", on_action(links.url("search_start"), {"ref": c.ref}), filled=True, icon="search"))
    if found:
        acts.append(button("Results", on_action(links.url("results"), {"ref": c.ref}), icon="fact_check"))
        if c.status in ("review", "responded"):  # include / exclude / not a match, on the review page
            acts.append(button("Review", on_link(links.page(f"/review/{c.ref}")), icon="rule"))
            acts.append(button("Decide here", on_action(links.url("review_card"), {"ref": c.ref}), icon="checklist"))
    if job:
        acts.append(button("Search progress", on_action(links.url("job"), {"job": job["id"]}), icon="hourglass_top"))
    if links.tracker:
        acts.append(button("Tracker", on_link(links.tracker), icon="table_chart"))
    sections = [section(facts)]
    if found is not None:
        sections.append(section([decorated(f"Gmail {found.get('gmail', 0)} · Drive {found.get('drive', 0)} · "
                                           f"Sheet rows {found.get('sheets', 0)}", top="Found so far")]))
    if estimate:  # 'dsar search REF --estimate': counts, quota and time before the search
        sections.append(section([decorated(estimate, top="Search estimate", icon="schedule")]))
    if acts:
        sections.append(section([buttons(*acts)]))
    if manage is not None:
        sections += manage_sections(links, c, manage)
    if rights:
        sections += rights
    return card(c.ref, sections, subtitle=f"{c.subject.display_name if c.subject else 'shredded'} · {c.type}",
                name="case")


def case_list_card(links: Links, cases: Iterable[Case], today: dt.date) -> Card:
    ordered = sorted(cases, key=lambda c: (c.status not in OPEN, c.effective_due, c.ref))
    open_n = sum(1 for c in ordered if c.status in OPEN)
    overdue = sum(1 for c in ordered if c.status in OPEN and c.effective_due < today)
    rows = [_case_row(links, c, today) for c in ordered[:MAX_LISTED]]
    if len(ordered) > MAX_LISTED:
        rows.append(note(f"{len(ordered) - MAX_LISTED} more: see the tracker or 'dsar case list'."))
    summary = f"{open_n} open, {overdue} overdue" if ordered else "No cases yet."
    head: list[dict[str, Any]] = [text(f"<b>{esc(summary)}</b>")]
    if links.tracker:
        head.append(buttons(button("Open the tracker", on_link(links.tracker), icon="table_chart")))
    return card("All requests", [section(head), section([divider(), *rows] if rows else [])],
                subtitle="Soonest due first", name="cases")
