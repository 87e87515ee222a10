"""The demo's rights section: one case of each type beyond access and erasure, opened for the demo company's
subjects with their own fields, the identity step recorded, and a letter drafted for the objection.

Why no search here: each search reads the whole demo company (seconds each); what these types add is their
fields, lifecycle, tracker columns and letters, which need none. The Google-facing steps (marks, corrections,
suppression) run from ``addon/rights``."""
from __future__ import annotations

import datetime as dt
from typing import Any

from rich.panel import Panel
from rich.table import Table

#: (type, subject key, details, why) for each right, using the demo company's own facts.
RIGHTS = (
    ("rectification", "jane", {"corrections": [{"field": "phone", "wrong": "07700 900123", "correct": "07700 900999"}]},
     "her old mobile number is still on the callback list"),
    ("restriction", "zoe", {"reason": "accuracy_contested"}, "she disputes a complaint note while it is checked"),
    ("objection", "siobhan", {"processing": "Call-quality scoring of her recorded calls"},
     "she objects to call-quality scoring"),
    ("marketing_optout", "bobby", {}, "replied 'unsubscribe' to the winter offers email"),
)


def demo_rights(services, expected: dict, dpo: str, console) -> list[Any]:
    """Open the four cases; returns them (``addon/rights`` carries them on)."""
    from ..cli.case_cmd import open_case
    from ..letters.draft import draft_letter
    from .identity import Identity

    subjects = {s["key"]: s for s in expected.get("subjects", [])}
    ident, opened = Identity(services.store), []
    table = Table(title="Rights beyond access and erasure (identity: waived, address on file)")
    for name in ("Case", "Type", "Subject", "Due"):
        table.add_column(name, no_wrap=name != "Subject")
    for case_type, key, details, why in RIGHTS:
        subj = subjects.get(key)
        if subj is None:
            continue
        case = open_case(services, case_type, subj["names"][:1], subj.get("emails", []), subj.get("phones", []),
                         subj.get("identifiers", []), dt.date.today(), dpo, details)
        case = ident.waive(case, dpo, "request came from the address already on file", dt.date.today())
        opened.append(case)
        table.add_row(case.ref, case_type, f"{subj['names'][0]}: {why}", f"{case.due:%d %b %Y}")
    console.print(table)
    objection = next((c for c in opened if c.type == "objection"), None)
    if objection is not None:
        letter = draft_letter(services, services.store.get(objection.ref), "clarification", dpo,
                              "Which of your calls, and from when, does your objection cover?")
        console.print(Panel.fit(f"{objection.ref}: letter drafted ({letter['outcome']}) at {letter['html']}"
                                + (f"\nPDF: {letter['pdf']}" if letter["pdf"] else ""), title="Letters"))
    return opened
