"""Running a case's search end to end: who may, which accounts are in scope (Directory users in
organisation mode), the queries, the job, and the case's status before and after."""
from __future__ import annotations

from typing import Callable

from audit.context import Purpose, acting
from scopes import registry

from ..errors import ConfigError, Conflict
from ..queries import drive as drive_queries
from ..queries import gmail as gmail_queries
from ..roles import require
from ..subjects.matching import Matcher
from .coverage import enabled_sources, units_phrase
from .engine import Progress, SearchJob
from .job_ids import job_id

LEGAL_BASIS = {
    "access": "UK GDPR Art. 6(1)(c) legal obligation: Art. 15 right of access",
    "erasure": "UK GDPR Art. 6(1)(c) legal obligation: Art. 17 right to erasure",
    "rectification": "UK GDPR Art. 6(1)(c) legal obligation: Art. 16 right to rectification",
    "restriction": "UK GDPR Art. 6(1)(c) legal obligation: Art. 18 right to restriction of processing",
    "objection": "UK GDPR Art. 6(1)(c) legal obligation: Art. 21(1) right to object",
    "marketing_optout": "UK GDPR Art. 6(1)(c) legal obligation: Art. 21(2)-(3) objection to direct marketing",
}
#: How a request of each type is named in an audit record's purpose.
REQUEST_NAMES = {"access": "Subject access", "erasure": "Erasure", "rectification": "Rectification",
                 "restriction": "Restriction", "objection": "Objection", "marketing_optout": "Marketing opt-out"}
SEARCHABLE = ("received", "identity_check", "searching", "review", "erasure_planned")


def search_purpose(case, actor: str, status: str, step: str = "search") -> Purpose:
    return Purpose(
        actor=actor, step=step, case=case.ref, case_status=status,
        purpose=f"{REQUEST_NAMES.get(case.type, 'Erasure')} request {case.ref}: find the subject's data",
        legal_basis=LEGAL_BASIS[case.type],
    )


def accounts_in_scope(services, purpose: Purpose) -> list[str]:
    """Every active user of the domain, from the Admin Directory (through the seam)."""
    admin = services.settings.admin or services.settings.actor
    if not admin:
        raise ConfigError("DSAR_ADMIN: set it to a Workspace admin address so the Directory can list the users in scope")
    svc = services.clients.directory(admin, registry.scopes_for_operations(["directory.list_users"]))
    users, token = [], None
    with acting(purpose):
        while True:
            resp = svc.users().list(customer="my_customer", maxResults=500, orderBy="email", pageToken=token).execute()
            users += [u["primaryEmail"].lower() for u in resp.get("users", []) if not u.get("suspended")]
            token = resp.get("nextPageToken")
            if not token:
                return users


def _tracker_ids(services) -> frozenset[str]:
    from ..tracker.sheet import load_config

    cfg = load_config(services.settings.home)
    return frozenset({cfg.spreadsheet_id}) if cfg else frozenset()


def _suppression(store, ref: str):
    from ..review.service import suppression  # not-a-match decisions of this case

    return suppression(store, ref)


def begin_search(services, ref: str, actor: str):
    """Who may search, whether the case can be searched, and the move to ``searching``: shared by the
    in-process engine and the Celery fan-out. Returns (case, role)."""
    role = require(actor, services.settings, "staff", "dpo", action="searching for a data subject")
    store = services.store
    case = store.get(ref)
    if case.subject is None:
        raise Conflict(f"case: {ref}'s identifiers were shredded; it cannot be searched again")
    if case.status not in SEARCHABLE + ("erased", "erasure_partial"):  # the latter two: erase verify's re-search
        raise Conflict(f"case: {ref} is {case.status}; a search needs an open case before review")
    if case.status in ("received", "identity_check"):
        from ..cases.identity import Identity

        Identity(store).require(case, services.settings)  # identity verified or waived before any search
    if case.status in ("received", "identity_check", "review"):
        case = store.transition(ref, "searching", actor, role)
    return case, role


def run_search(services, ref: str, actor: str, *, on_progress: Callable[[Progress], None] = lambda p: None,
               workers: int = 4, run_no: int = 0, accounts: list[str] | None = None) -> list[dict]:
    case, role = begin_search(services, ref, actor)
    store = services.store
    purpose = search_purpose(case, actor, case.status)
    if accounts is None:
        accounts = accounts_in_scope(services, purpose)
    job = SearchJob(
        ref=ref, store=store, clients=services.clients, matcher=Matcher(case.subject),
        gmail_queries=gmail_queries.queries_for(case.subject), drive_queries=drive_queries.queries_for(case.subject),
        accounts=accounts, purpose=purpose, workers=workers, on_progress=on_progress, run_no=run_no,
        exclude_files=_tracker_ids(services),
        suppress=_suppression(store, case.ref),
        sources=enabled_sources(services.settings), subject=case.subject, settings=services.settings,
    )
    items = job.run()
    checkpoint = getattr(services.trail, "checkpoint", None)
    if checkpoint:
        checkpoint()
    if case.status == "searching":
        store.transition(ref, "review", actor, role)
    return items


def search_state(store, ref: str, run_no: int = 0) -> dict | None:
    """Where the case's search job stands, for ``case show`` and the tracker: its status ("running",
    "interrupted", "failed", "done"), how many of its units (mailboxes, Drives, calendars...) are finished,
    and how to resume (None when the case was never searched)."""
    job = store.job(job_id(ref, run_no))
    if job is None:
        return None
    units = (job.get("state") or {}).get("units", {})
    out = {"job": job["id"], "status": job["status"], "updated_at": job.get("updated_at"),
           "units_done": sum(1 for u in units.values() if u.get("finished")), "units_total": len(units),
           "units_are": units_phrase(units)}
    if job["status"] != "done":
        out["resume"] = f"dsar search {ref}"
    return out


def search_state_line(state: dict | None) -> str:
    """One line for the screen, or '' when there is nothing to say (no search, or it finished)."""
    if not state or state["status"] == "done":
        return ""
    what = {"interrupted": "interrupted (Ctrl-C)", "failed": "stopped on errors"}.get(state["status"], state["status"])
    return (f"search {what}: {state['units_done']} of {state['units_total']} {state['units_are']} finished; "
            f"run '{state['resume']}' to resume")
