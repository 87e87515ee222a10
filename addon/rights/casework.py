"""What the rights steps share: the case checks, the sealed job records (erasure's, reused), the search of
something other than the subject (a wrong value) as a job of its own run number, and the DPO's approval
recorded as a case transition whose reason carries the plan's SHA-256."""
from __future__ import annotations

import re
from typing import Any, Callable

from audit.context import Purpose

from ..cases.model import Case
from ..erasure.casefile import load_sealed, save_sealed
from ..queries import drive as drive_queries
from ..queries import gmail as gmail_queries
from ..search.engine import SearchJob
from ..search.service import LEGAL_BASIS, accounts_in_scope
from ..subjects.identifiers import Subject
from ..subjects.matching import Matcher
from .errors import RightsError

__all__ = ["approval", "check_case", "load_sealed", "purpose", "save_sealed", "search_for"]

_APPROVAL = re.compile(r"^plan sha256:([0-9a-f]{64})\b")
NAMES = {"rectification": "Rectification", "restriction": "Restriction", "objection": "Objection",
         "marketing_optout": "Marketing opt-out"}


def check_case(case: Case, types: tuple[str, ...], action: str) -> None:
    if case.type not in types:
        raise RightsError(f"case: {case.ref} is a {case.type} case; {action} needs a "
                          f"{' or '.join(types)} case ('dsar case open --type {types[0]} ...')")
    if case.subject is None:
        raise RightsError(f"case: {case.ref}'s identifiers were shredded; {action} can no longer be done")


def details(case: Case) -> dict:
    return dict(getattr(case, "details", None) or {})


def purpose(case: Case, actor: str, step: str, what: str, status: str | None = None) -> Purpose:
    return Purpose(actor=actor, step=step, case=case.ref, case_status=status or case.status,
                   purpose=f"{NAMES.get(case.type, case.type)} request {case.ref}: {what}",
                   legal_basis=LEGAL_BASIS.get(case.type, LEGAL_BASIS["access"]))


def _tracker_ids(services) -> frozenset[str]:
    from ..tracker.sheet import load_config

    cfg = load_config(services.settings.home)
    return frozenset({cfg.spreadsheet_id}) if cfg else frozenset()


def search_for(services, case: Case, actor: str, subject: Subject, run_no: int, what: str,
               on_progress: Callable[[Any], None] | None = None) -> list[dict]:
    """Search every mailbox and Drive for ``subject`` (e.g. the wrong values) as a resumable job kept apart
    from the case's own search (``run_no``), under the search step's read scopes."""
    p = purpose(case, actor, "search", what)
    job = SearchJob(ref=case.ref, store=services.store, clients=services.clients, matcher=Matcher(subject),
                    gmail_queries=gmail_queries.queries_for(subject), drive_queries=drive_queries.queries_for(subject),
                    accounts=accounts_in_scope(services, p), purpose=p, run_no=run_no,
                    exclude_files=_tracker_ids(services), **({"on_progress": on_progress} if on_progress else {}))
    items = job.run()
    services.trail.checkpoint()
    return items


def approval(case: Case, to_status: str, standing: tuple[str, ...]) -> dict | None:
    """Who approved which plan hash and when, if the case is in one of ``standing`` statuses."""
    if case.status not in standing:
        return None
    for t in reversed(case.history):
        if t.get("to_status") == to_status:
            m = _APPROVAL.match(t.get("reason") or "")
            return {"sha256": m.group(1), "by": t["actor"], "role": t["role"], "at": t["at"]} if m else None
    return None
