"""The DPO's decision on an objection (Art. 21(1)): upheld, or rejected on compelling legitimate grounds.

Why the DPO alone and why the grounds are kept: Art. 21(1) lets the controller go on processing only if it
"demonstrates compelling legitimate grounds ... which override the interests, rights and freedoms of the data
subject, or for the establishment, exercise or defence of legal claims"; that demonstration is the record.
The grounds speak about the person, so they are sealed with the case's details; the transition's plain reason
only says a decision was made. An objection to direct marketing is absolute (Art. 21(3)) and cannot be
rejected: that is a ``marketing_optout`` case.
"""
from __future__ import annotations

import re

from ..errors import Conflict, InputError, Refused
from .journal import check_note
from .model import Case
from .store import CaseStore, now_iso

_MARKETING = re.compile(r"\b(direct\s+)?marketing\b|\bnewsletters?\b|\bpromotional\b", re.I)


def is_direct_marketing(processing: str) -> bool:
    """Whether the processing objected to reads as direct marketing (then the objection is absolute)."""
    return bool(_MARKETING.search(processing or ""))


def decide(store: CaseStore, case: Case, actor: str, role: str, upheld: bool, grounds: str) -> Case:
    """Record the decision and move the case to ``objection_upheld`` or ``objection_rejected``."""
    if case.type != "objection":
        raise Conflict(f"case: {case.ref} is a {case.type} case; only an objection is decided this way")
    if role != "dpo":
        raise Refused(f"role: deciding an objection needs the dpo role; you are {role}")
    if case.subject is None:
        raise Conflict(f"case: {case.ref}'s key is shredded; nothing more can be written about it")
    if case.status != "review":
        raise Conflict(f"case: {case.ref} is {case.status}; an objection is decided after the search, in review "
                       f"(run 'dsar search {case.ref}' first)")
    try:
        grounds = check_note(grounds)
    except InputError as e:
        raise InputError("--grounds", e.detail) from None
    if not upheld and is_direct_marketing(case.details.get("processing", "")):
        raise Refused(f"--rejected: {case.ref} objects to direct marketing, which the subject may always stop "
                      "(UK GDPR Art. 21(3)): uphold it, and suppress the subject's identifiers")
    outcome = "upheld" if upheld else "rejected"
    details = {**case.details, "decision": {"outcome": outcome, "grounds": grounds, "by": actor, "at": now_iso()}}
    store.set_details(case.ref, details)
    return store.transition(case.ref, f"objection_{outcome}", actor, role,
                            reason=f"objection {outcome} by the DPO (grounds sealed with the case)")
