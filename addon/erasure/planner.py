"""``dsar erase plan``: turn the case's search results into a stored plan and move the case to
``erasure_planned``. A plan that differs from the approved one withdraws the approval (back to
``erasure_planned``); an identical re-plan leaves it standing."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..cases.store import now_iso
from ..roles import require
from ..subjects.matching import Matcher
from . import casefile
from .errors import ErasureError
from .exemptions import Policy, load_policy
from .plan import build_plan, plan_hash
from .snapshot import label_names, reading_purpose, subject_rows

PLANNABLE = ("review", "erasure_planned", "approved")


@dataclass(frozen=True)
class Planned:
    plan: dict
    sha256: str
    status: str  # the case's status afterwards
    changed: bool  # differs from the plan stored before (if any)
    approval_withdrawn: bool = False


def check_case(case, action: str) -> None:
    if case.type != "erasure":
        raise ErasureError(f"case: {case.ref} is a subject access case; {action} needs an erasure case "
                           "('dsar case open --type erasure ...')")
    if case.subject is None:
        raise ErasureError(f"case: {case.ref}'s identifiers were shredded; it can no longer be erased or verified")


def plan_erasure(services, ref: str, actor: str, *, policy: Policy | None = None) -> Planned:
    role = require(actor, services.settings, "staff", "dpo", action="planning an erasure")
    store = services.store
    ref = ref.strip().upper()
    case = store.get(ref)
    check_case(case, "an erasure plan")
    if case.status not in PLANNABLE:
        before = case.status in ("received", "identity_check", "searching")
        hint = (f"run 'dsar search {ref}' and let it finish first" if before
                else f"the erasure has run; use 'dsar erase verify {ref}'")
        raise ErasureError(f"case: {ref} is {case.status}; a plan is made from a finished search ({hint})")
    policy = policy or load_policy(services.settings)
    items = store.results(ref, 0)
    purpose = reading_purpose(case, actor, case.status, "plan the erasure (label names, current sheet rows)")
    labels = label_names(services, {i["account"] for i in items if i["source"] == "gmail"}, purpose)
    owners: dict[str, str] = {}
    wanted: dict[str, set[str]] = defaultdict(set)
    for it in items:
        if it["source"] == "sheets" and policy.exemption_for(it) is None:
            owners[it["file_id"]] = it["account"]
            wanted[it["file_id"]].add(it["sheet"])
    tabs: dict[str, tuple[str, set[str]]] = {fid: (owners[fid], titles) for fid, titles in wanted.items()}
    matcher = Matcher(case.subject)
    rows = subject_rows(services, tabs, matcher, purpose)
    plan = build_plan(ref, items, policy, labels=labels, sheet_rows=rows,
                      names_subject=lambda name: bool(name and matcher.match_text(name)))
    sha = plan_hash(plan)
    try:
        _, before, _ = casefile.load_plan(store, ref)
    except ErasureError:
        before = None
    casefile.save_plan(store, ref, plan, actor, now_iso())
    approved = casefile.approval(case)
    case, withdrawn = casefile.move_to_planned(store, case, actor, role, sha=sha, before=before,
                                               approved_sha=approved["sha256"] if approved else None,
                                               planned="erasure_planned", approved="approved")
    return Planned(plan, sha, case.status, before != sha, withdrawn)
