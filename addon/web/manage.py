"""The DPO's sidebar actions on a case: status (responded, closed, refused or withdrawn with a reason), the
clock (extend, pause, resume), the access package, and erasure plan approval. Each calls the same product
function as the CLI (``store.transition``, ``CaseClock``, ``build_package``, ``approve_plan``), so it is
recorded the same way (the case history with who and in which role, the plan's hash in the approval, the
tracker row) and refused the same way. Only the DPO sees these actions, and only the DPO may call them."""
from __future__ import annotations

from collections import Counter
from typing import Any

from flask import Blueprint

from ..cases.clock import ANSWERING, CaseClock
from ..cases.lifecycle import TransitionError, transitions_for
from ..cases.model import Case
from ..errors import DsarError, InputError, NotFound
from ..roles import require
from .cards import responses
from .cards.cases import case_card
from .cards.manage import STATUS_LABELS, Manage, PlanSummary, package_card
from .gate import Ctx, addon_endpoint

bp = Blueprint("manage", __name__)
PLANNED = ("erasure_planned", "approved")


def _dpo(ctx: Ctx, action: str) -> None:
    require(ctx.user, ctx.services.settings, "dpo", action=action)


def _case(ctx: Ctx) -> Case:
    ref = ctx.event.param("ref")
    if not ref:
        raise NotFound("case: the button carried no case reference")
    return ctx.services.store.get(ref)


def plan_summary(services: Any, case: Case) -> tuple[PlanSummary | None, str | None]:
    """(the stored plan as the DPO reviews it, or why there is none to show)."""
    from ..erasure import casefile
    from ..erasure.errors import ErasureError

    if case.type != "erasure" or case.status not in PLANNED:
        return None, None
    try:
        plan, sha, meta = casefile.load_plan(services.store, case.ref)
    except ErasureError as e:
        return None, str(e)
    approved = casefile.approval(case)
    return PlanSummary(sha, plan["counts"], tuple(w["message"] for w in plan.get("warnings", [])), meta["by"],
                       meta["at"], approved["by"] if approved and approved["sha256"] == sha else None), None


def manage_for(services: Any, case: Case, today: Any, errors: dict[str, str] | None = None) -> Manage:
    """What the DPO may do with ``case`` today: the lifecycle's targets, the clock's state, the stored plan."""
    from ..export.package import EXPORTABLE

    from ..cases.lifecycle import STEP_ONLY  # e.g. lifting a restriction: its own step removes the marks

    targets = tuple(s for s in STATUS_LABELS if "dpo" in transitions_for(case.type).get((case.status, s), ())
                    and s not in STEP_ONLY.get(case.type, ()))
    answering = case.status in ANSWERING
    paused = CaseClock(services.store).open_pause(case.ref) if answering else None
    plan, problem = plan_summary(services, case)
    return Manage(
        statuses=targets, paused_since=paused.paused_on if paused else None,
        can_pause=answering and paused is None and today <= case.effective_due,
        can_extend=answering and not case.extended and (paused is not None or today <= case.due),
        can_export=case.type == "access" and case.status in EXPORTABLE and case.subject is not None,
        plan=plan, plan_problem=problem, errors=dict(errors or {}))


def found_counts(services: Any, ref: str) -> dict[str, int] | None:
    items = services.store.results(ref)
    return dict(Counter(i["source"] for i in items)) if items else None


def case_view(ctx: Ctx, case: Case, errors: dict[str, str] | None = None,
              rights_errors: dict[str, str] | None = None) -> dict[str, Any]:
    """The case card as this user may see it: the DPO's actions for the DPO only."""
    from .searches import SEARCH_KIND

    job = ctx.web.runner.latest(SEARCH_KIND, case.ref)
    manage = manage_for(ctx.services, case, ctx.today, errors) if ctx.role == "dpo" else None
    found = found_counts(ctx.services, case.ref) if case.subject is not None else None
    from ..search.estimate import estimate_line, saved_estimate

    est = estimate_line(saved_estimate(ctx.services.store, case.ref)) if case.subject is not None else ""
    from .cards.rights import rights_sections
    from .rights import rights_view

    view = rights_view(ctx, case, rights_errors)  # rectification, restriction, objection, opt-out steps
    return case_card(ctx.links, case, ctx.today, job=job, found=found, manage=manage, estimate=est,
                     rights=rights_sections(ctx.links, case, view) if view else None)


def _done(ctx: Ctx, ref: str, notify: str) -> dict[str, Any]:
    from ..tracker import tracker_update

    tracker_update(ctx.services, ref, actor=ctx.user)
    return responses.update(case_view(ctx, ctx.services.store.get(ref)), notify=notify)


@addon_endpoint(bp, "case_status")
def case_status(ctx: Ctx) -> dict[str, Any]:
    _dpo(ctx, "changing a case's status from the sidebar")
    case = _case(ctx)
    target = (ctx.event.value("status") or "").strip().lower()
    reason = (ctx.event.value("reason") or "").strip() or None
    if target not in STATUS_LABELS:
        return responses.update(case_view(ctx, case, {"status": "Choose the status to move the case to."}))
    from ..cases.lifecycle import STEP_ONLY

    if target in STEP_ONLY.get(case.type, {}):
        return responses.update(case_view(ctx, case, {"status": f"Use the case's own step for {target!r}: it does "
                                                                "the work (e.g. removes the tool's marks), then "
                                                                "records the change."}))
    try:
        moved = ctx.services.store.transition(case.ref, target, ctx.user, ctx.role, reason)
    except TransitionError as e:
        where = "reason" if str(e).startswith("reason:") else "status"
        return responses.update(case_view(ctx, case, {where: str(e).split(": ", 1)[-1]}))
    return _done(ctx, moved.ref, f"{moved.ref} is now {moved.status}")


def _clock(ctx: Ctx, verb: str, change) -> dict[str, Any]:
    case = _case(ctx)
    try:
        moved = change(CaseClock(ctx.services.store), case)
    except NotFound:
        raise
    except DsarError as e:  # the clock's own refusal (already extended, not paused, the month is over...)
        return responses.update(case_view(ctx, case, {"clock_reason": str(e).split(": ", 1)[-1]}))
    return _done(ctx, moved.ref, f"{moved.ref} {verb}: due {moved.effective_due:%d %b %Y}")


@addon_endpoint(bp, "case_extend")
def case_extend(ctx: Ctx) -> dict[str, Any]:
    _dpo(ctx, "extending a case from the sidebar")
    reason = (ctx.event.value("clock_reason") or "").strip()
    return _clock(ctx, "extended", lambda clock, c: clock.extend(c, ctx.user, reason, ctx.today))


@addon_endpoint(bp, "case_pause")
def case_pause(ctx: Ctx) -> dict[str, Any]:
    _dpo(ctx, "pausing a case from the sidebar")
    reason = (ctx.event.value("clock_reason") or "").strip() or None
    return _clock(ctx, "paused", lambda clock, c: clock.pause(c, ctx.user, ctx.today, reason))


@addon_endpoint(bp, "case_resume")
def case_resume(ctx: Ctx) -> dict[str, Any]:
    _dpo(ctx, "resuming a case from the sidebar")
    return _clock(ctx, "resumed", lambda clock, c: clock.resume(c, ctx.user, ctx.today))


@addon_endpoint(bp, "export")
def export(ctx: Ctx) -> dict[str, Any]:
    """Build the package now (as ``dsar export REF``, unencrypted: a password must not travel in a card)."""
    from ..export import build_package
    from ..tracker import tracker_update

    _dpo(ctx, "building an access package from the sidebar")
    case = _case(ctx)
    try:
        result = build_package(ctx.services, case.ref, ctx.user)
    except InputError as e:
        return responses.update(case_view(ctx, case, {"export": e.detail}))
    tracker_update(ctx.services, result.ref, actor=ctx.user)
    return responses.push(package_card(ctx.links, result.ref, result.public()),
                          notify=f"Package for {result.ref} written")


@addon_endpoint(bp, "erase_approve")
def erase_approve(ctx: Ctx) -> dict[str, Any]:
    """Approve the plan whose hash the card showed (the button's own parameter): a plan replaced since the
    card was drawn is refused, with the card redrawn to show the new one."""
    from ..erasure.approve import approve_plan
    from ..erasure.errors import ErasureError

    _dpo(ctx, "approving an erasure plan")
    case = _case(ctx)
    shown = ctx.event.param("hash")
    if not shown:
        raise InputError("hash", "the Approve button carried no plan hash; open the case again")
    try:
        got = approve_plan(ctx.services, case.ref, ctx.user, expected=shown)
    except ErasureError as e:
        message = str(e).split(": ", 1)[-1].replace("--hash: ", "")
        return responses.update(case_view(ctx, ctx.services.store.get(case.ref),
                                          {"approve": f"Not approved: {message}"}))
    return _done(ctx, got["ref"], f"Plan sha256:{got['sha256'][:12]} approved")
