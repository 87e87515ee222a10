"""The sidebar's steps for rectification, restriction, objection and the marketing opt-out (issue 15 item 8).

Each endpoint calls the same product function as the CLI (``plan_rectification``, ``approve_rectification``,
``run_rectification``, ``verify_rectification``, ``rectify_record.issue``, ``restrict.mark``/``lift``,
``suppress.apply``, ``cases.objection.decide``), so roles, status checks, the case history and the audit
trail are the CLI's own. The card offers a step only to a role the CLI allows it to (approval, lifting and
the objection decision: the DPO); the endpoint checks the role before anything else, and the product
function checks it again.

Steps that search or touch every item (plan, run, verify, mark, lift, apply) run as background jobs on the
add-on's :class:`~addon.web.jobs.JobRunner`, one rights step per case at a time; the job record keeps only
counts and hashes, never a found value. They act with the organisation's own credentials (service account
or sandbox), as organisation-mode searches do; without those the card says to use the CLI."""
from __future__ import annotations

from typing import Any, Callable

from flask import Blueprint

from ..cases.model import Case
from ..errors import DsarError, InputError, NotFound
from ..roles import RoleError, require
from .cards import responses
from .cards.manage import PlanSummary
from .cards.rights import RightsView, record_card, rights_job_card
from .gate import Ctx, addon_endpoint
from .jobs import LIVE, Report

bp = Blueprint("rights", __name__)
KIND = "rights-"  # job kinds: "rights-<step>"
RIGHTS_TYPES = ("rectification", "restriction", "objection", "marketing_optout")
#: step -> (roles the CLI allows, statuses it starts from)
STEPS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "rectify_plan": (("staff", "dpo"), ("review", "rectification_planned", "plan_approved")),
    "rectify_approve": (("dpo",), ("rectification_planned",)),
    "rectify_run": (("staff", "dpo"), ("plan_approved", "rectification_partial")),
    "rectify_verify": (("staff", "dpo"), ("rectification_partial", "rectified")),
    "rectify_record": (("staff", "dpo"), ("verified", "closed")),
    "restrict_mark": (("staff", "dpo"), ("review", "restricted")),
    "restrict_lift": (("dpo",), ("restricted",)),
    "objection_decide": (("dpo",), ("review",)),
}
SUPPRESSIBLE = {"marketing_optout": ("received", "identity_check", "review", "suppressed"),
                "objection": ("objection_upheld",)}
ORDER = {"rectification": ("rectify_plan", "rectify_approve", "rectify_run", "rectify_verify", "rectify_record"),
         "restriction": ("restrict_mark", "restrict_lift"), "objection": ("objection_decide", "suppress_apply"),
         "marketing_optout": ("suppress_apply",)}


def offered(case: Case, role: str, step: str) -> bool:
    """Whether the card offers ``step`` to ``role`` for ``case`` now (the CLI's roles, the step's statuses)."""
    if case.subject is None or step not in ORDER.get(case.type, ()):
        return False
    if step == "suppress_apply":
        return role in ("staff", "dpo") and case.status in SUPPRESSIBLE[case.type]
    roles, statuses = STEPS[step]
    return role in roles and case.status in statuses


def latest_job(web: Any, ref: str) -> dict[str, Any] | None:
    ids = [j["id"] for j in web.services.store.jobs(ref) if str(j["kind"]).startswith(KIND)]
    return web.runner.status(ids[-1]) if ids else None


def rectify_plan_summary(services: Any, case: Case) -> tuple[PlanSummary | None, str | None]:
    """(the stored rectification plan as the DPO reviews it, or why there is none to show)."""
    from ..rights.errors import RightsError
    from ..rights.rectify import approved, load_plan

    if case.status in ("received", "identity_check", "searching", "review"):
        return None, None
    try:
        plan, sha, meta = load_plan(services.store, case.ref)
    except RightsError as e:
        return None, str(e).split(": ", 1)[-1]
    got = approved(case)
    return PlanSummary(sha, plan["counts"], tuple(w["message"] for w in plan.get("warnings", [])), meta["by"],
                       meta["at"], got["by"] if got and got["sha256"] == sha else None), None


def rights_view(ctx: Ctx, case: Case, errors: dict[str, str] | None = None) -> RightsView | None:
    """What this user may do with a rights case now (None for access and erasure)."""
    if case.type not in RIGHTS_TYPES:
        return None
    v = RightsView(steps=tuple(s for s in ORDER[case.type] if offered(case, ctx.role, s)), role=ctx.role,
                   job=latest_job(ctx.web, case.ref), errors=dict(errors or {}))
    if case.type == "rectification":
        v.plan, v.plan_problem = rectify_plan_summary(ctx.services, case)
    elif case.type == "restriction" and case.subject is not None:
        from ..rights.restrict import status

        marks = status(ctx.services, case.ref, ctx.user)
        v.marks = marks if any(marks[s]["marked"] or marks[s]["lifted"] for s in ("gmail", "drive", "sheets")) else None
    elif case.type == "objection":
        d = (case.details or {}).get("decision")
        v.decision = {k: d[k] for k in ("outcome", "by", "at") if k in d} if isinstance(d, dict) else None
    return v


def _view(ctx: Ctx, ref: str, errors: dict[str, str] | None = None, notify: str | None = None) -> dict[str, Any]:
    from .manage import case_view

    return responses.update(case_view(ctx, ctx.services.store.get(ref), rights_errors=errors), notify=notify)


def _case(ctx: Ctx) -> Case:
    ref = ctx.event.param("ref")
    if not ref:
        raise NotFound("case: the button carried no case reference")
    return ctx.services.store.get(ref)


def _gate(ctx: Ctx, step: str, action: str) -> Case:
    """The CLI's role for ``step`` (a refusal card otherwise), then the case."""
    roles = ("staff", "dpo") if step == "suppress_apply" else STEPS[step][0]
    require(ctx.user, ctx.services.settings, *roles, action=action)
    return _case(ctx)


def _message(e: DsarError) -> str:
    return str(e).split(": ", 1)[-1]


def _start(ctx: Ctx, case: Case, step: str, work: Callable[[Report], dict[str, Any]]) -> dict[str, Any]:
    """Run ``work`` in the background (or show the rights step already running for this case)."""
    from .searches import organisation_mode

    if not offered(case, ctx.role, step):
        return _view(ctx, case.ref, {"rights": f"Not now: {case.ref} is {case.status}, and this step does not "
                                               f"start from there."})
    if not organisation_mode(ctx.services.settings):
        return _view(ctx, case.ref, {"rights": "This step acts on the whole organisation's data and needs the "
                                               "add-on's service account; run it with the dsar command line."})
    live = latest_job(ctx.web, case.ref)
    if live and live["status"] in LIVE:
        return responses.push(rights_job_card(ctx.links, live), notify="A step of this case is still running")
    job_id = ctx.web.runner.submit(KIND + step, case.ref, work)
    return responses.push(rights_job_card(ctx.links, ctx.web.runner.status(job_id)),
                          notify=f"Started for {case.ref}")


def _start_call(ctx: Ctx, step: str, action: str, call: Callable[[Any, str, str], dict[str, Any]],
                keys: tuple[str, ...]) -> dict[str, Any]:
    """Gate and start a step whose work is one ``call(services, ref, user)``; the job keeps only ``keys``."""
    case, user = _gate(ctx, step, action), ctx.user

    def work(report: Report) -> dict[str, Any]:
        got = call(ctx.services, case.ref, user)
        return {k: got[k] for k in keys}

    return _start(ctx, case, step, work)


def _progress(report: Report) -> Callable[[Any], None]:
    return lambda p: report({"progress": p.as_dict()})


@addon_endpoint(bp, "rights_job")
def rights_job(ctx: Ctx) -> dict[str, Any]:
    require(ctx.user, ctx.services.settings, "staff", "dpo", action="following a step of a request")
    job_id = ctx.event.param("job")
    job = ctx.web.runner.status(job_id) if job_id.startswith(KIND) else None
    if job is None or not str(job.get("kind", "")).startswith(KIND):
        raise NotFound(f"job: no rights job {job_id!r}")
    return responses.update(rights_job_card(ctx.links, job))


@addon_endpoint(bp, "rectify_plan")
def rectify_plan(ctx: Ctx) -> dict[str, Any]:
    from ..rights.rectify import plan_rectification

    case, user = _gate(ctx, "rectify_plan", "planning a rectification"), ctx.user

    def work(report: Report) -> dict[str, Any]:
        got = plan_rectification(ctx.services, case.ref, user, on_progress=_progress(report))
        return {"sha256": got["sha256"], "status": got["status"], "counts": got["plan"]["counts"],
                "changed": got["changed"], "withdrawn": got["withdrawn"]}

    return _start(ctx, case, "rectify_plan", work)


@addon_endpoint(bp, "rectify_approve")
def rectify_approve(ctx: Ctx) -> dict[str, Any]:
    """Approve the plan whose hash the card showed, once the DPO ticked the box naming it (as erasure's
    approval: a plan replaced since the card was drawn is refused and the card redrawn with the new one)."""
    from ..rights.rectify import approve_rectification

    case = _gate(ctx, "rectify_approve", "approving a rectification plan")
    shown = ctx.event.param("hash")
    if not shown:
        raise InputError("hash", "the Approve button carried no plan hash; open the case again")
    if ctx.event.value("confirm") != shown:
        return _view(ctx, case.ref, {"approve": "Tick the box to confirm the plan you reviewed (its SHA-256)."})
    try:
        got = approve_rectification(ctx.services, case.ref, ctx.user, expected=shown)
    except InputError as e:
        return _view(ctx, case.ref, {"approve": f"Not approved: {e.detail}"})
    except RoleError:
        raise
    except DsarError as e:
        return _view(ctx, case.ref, {"approve": f"Not approved: {_message(e)}"})
    return _view(ctx, case.ref, notify=f"Plan sha256:{got['sha256'][:12]} approved")


@addon_endpoint(bp, "rectify_run")
def rectify_run(ctx: Ctx) -> dict[str, Any]:
    from ..rights.rectify_run import run_rectification

    return _start_call(ctx, "rectify_run", "running an approved rectification", run_rectification,
                       ("status", "counts", "plan_sha256"))


@addon_endpoint(bp, "rectify_verify")
def rectify_verify(ctx: Ctx) -> dict[str, Any]:
    from ..rights.rectify_run import verify_rectification

    case, user = _gate(ctx, "rectify_verify", "verifying a rectification"), ctx.user

    def work(report: Report) -> dict[str, Any]:
        got = verify_rectification(ctx.services, case.ref, user, on_progress=_progress(report))
        return {"verified": got["verified"], "found": got["found"], "remaining": len(got["remaining"]),
                "manual": len(got["manual"]), "not_editable": len(got["not_editable"])}

    return _start(ctx, case, "rectify_verify", work)


@addon_endpoint(bp, "rectify_record")
def rectify_record(ctx: Ctx) -> dict[str, Any]:
    """Sign the completion record now (quick: no Google call) and say where it was written."""
    from ..export.package import exports_dir
    from ..rights import rectify_record as record

    case = _gate(ctx, "rectify_record", "issuing a rectification record")
    try:
        doc, js, html = record.issue(ctx.services, case.ref, ctx.user, exports_dir(ctx.services.settings.home, case.ref))
    except RoleError:
        raise
    except DsarError as e:
        return _view(ctx, case.ref, {"rights": _message(e)})
    return responses.push(record_card(ctx.links, case.ref, {
        "json": js, "html": html, "sha256": doc["signature"]["sha256"], "corrected": len(doc["corrected"]),
        "recipients": doc["recipients"]}), notify=f"Record for {case.ref} signed")


def _marks(got: dict[str, Any]) -> dict[str, Any]:
    out = {src: got[src] for src in ("gmail", "drive", "sheets")}
    out.update({k: got[k] for k in ("added", "lifted") if k in got})
    return out


@addon_endpoint(bp, "restrict_mark")
def restrict_mark(ctx: Ctx) -> dict[str, Any]:
    from ..rights.restrict import mark

    case, user = _gate(ctx, "restrict_mark", "restricting processing"), ctx.user
    search = ctx.event.param("search") == "1"

    def work(report: Report) -> dict[str, Any]:
        return _marks(mark(ctx.services, case.ref, user, search=search, on_progress=_progress(report)))

    return _start(ctx, case, "restrict_mark", work)


@addon_endpoint(bp, "restrict_lift")
def restrict_lift(ctx: Ctx) -> dict[str, Any]:
    from ..rights.restrict import lift

    case, user = _gate(ctx, "restrict_lift", "lifting a restriction"), ctx.user
    reason = ctx.event.value("lift_reason")
    if not reason:
        return _view(ctx, case.ref, {"lift_reason": "Give the reason (and tell the subject first, Art. 18(3))."})

    def work(report: Report) -> dict[str, Any]:
        return _marks(lift(ctx.services, case.ref, user, reason))

    return _start(ctx, case, "restrict_lift", work)


@addon_endpoint(bp, "suppress_apply")
def suppress_apply(ctx: Ctx) -> dict[str, Any]:
    from ..rights.suppress import apply

    return _start_call(ctx, "suppress_apply", "applying a suppression", apply, ("lists", "hashes_added", "hashes"))


@addon_endpoint(bp, "objection_decide")
def objection_decide(ctx: Ctx) -> dict[str, Any]:
    """The DPO's decision, with grounds (as ``dsar objection decide``); a direct-marketing objection cannot be
    rejected (Art. 21(3)): the refusal shows under the decision."""
    from ..cases.objection import decide

    case = _gate(ctx, "objection_decide", "deciding an objection")
    outcome = ctx.event.value("outcome")
    if outcome not in ("upheld", "rejected"):
        return _view(ctx, case.ref, {"outcome": "Choose to uphold or reject the objection."})
    try:
        moved = decide(ctx.services.store, case, ctx.user, ctx.role, outcome == "upheld", ctx.event.value("grounds"))
    except InputError as e:
        return _view(ctx, case.ref, {"grounds": e.detail})
    except RoleError:
        raise
    except DsarError as e:
        return _view(ctx, case.ref, {"outcome": _message(e)})
    return _view(ctx, moved.ref, notify=f"{moved.ref}: objection {outcome}; the grounds are recorded")
