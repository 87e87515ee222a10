"""The sidebar's review decisions (``/addon/review``, ``/addon/review/decide``, ``/addon/review/bulk``): the
third channel beside ``dsar review`` and the review page. Every endpoint passes the add-on gate (the
Google-signed request token, then the staff member's ID token) and decides through
:mod:`addon.review.service`, so the roles (staff or the DPO), the case's status, the exemption codes and the
required note are the CLI's own; a refused exclusion comes back under the item's fields."""
from __future__ import annotations

import math
from typing import Any

from flask import Blueprint

from ..errors import InputError, NotFound
from ..review.exemptions import load_exemptions
from ..review.groups import Group, counts, find, matches
from ..review.service import REVIEWABLE, decide_groups, decide_matching, review_list
from ..roles import require
from .cards import responses
from .cards.review import PAGE_SIZE, SOURCE_NAMES, ReviewView, review_card
from .gate import Ctx, addon_endpoint

bp = Blueprint("review_cards", __name__)
ROLES = ("staff", "dpo")  # as addon.review.service requires; checked here first for a clear refusal card
#: which field of the card a refusal of :func:`addon.review.store.check_decision` is about
FIELDS = {"--exclude": "code", "--note": "note"}


def _ref(ctx: Ctx) -> str:
    ref = ctx.event.param("ref")
    if not ref:
        raise NotFound("case: the button carried no case reference")
    return ref


def _page(ctx: Ctx) -> int:
    try:
        return max(0, int(ctx.event.param("page") or 0))
    except ValueError:
        return 0


def review_view(ctx: Ctx, ref: str, page: int = 0,
                errors: dict[str, dict[str, str]] | None = None) -> ReviewView:
    """The card's data for ``ref``: this page's undecided things (the page clamped to what is left)."""
    case, groups = review_list(ctx.services, ref)
    undecided = [g for g in groups if g.status == "undecided"]
    pages = max(1, math.ceil(len(undecided) / PAGE_SIZE))
    page = min(page, pages - 1)
    codes = [(f"{e.title} ({e.code})", e.code) for e in load_exemptions(ctx.services.settings).values()]
    by_source = {s: n for s in SOURCE_NAMES if (n := len(_of_source(undecided, s)))}
    return ReviewView(ref=case.ref, subject=case.subject.display_name if case.subject else "shredded",
                      status=case.status,
                      items=[g.public() for g in undecided[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]],
                      counts=counts(groups), undecided_by_source=by_source, codes=codes, page=page, pages=pages,
                      reviewable=case.status in REVIEWABLE and case.subject is not None, errors=errors or {})


def _of_source(groups: list[Group], source: str) -> list[Group]:
    """The undecided things a bulk decision for ``source`` selects (the service's own filter)."""
    return [g for g in groups if matches(g, {"status": "undecided", "source": source})]


def _show(ctx: Ctx, ref: str, page: int, *, notify: str | None = None,
          errors: dict[str, dict[str, str]] | None = None) -> dict[str, Any]:
    return responses.update(review_card(ctx.links, review_view(ctx, ref, page, errors)), notify=notify)


@addon_endpoint(bp, "review_card")
def review(ctx: Ctx) -> dict[str, Any]:
    require(ctx.user, ctx.services.settings, *ROLES, action="reviewing search results")
    return responses.push(review_card(ctx.links, review_view(ctx, _ref(ctx), _page(ctx))))


def _one(groups: list[Group], handle: str) -> Group | None:
    return find(groups, handle) if handle else None


@addon_endpoint(bp, "review_decide")
def review_decide(ctx: Ctx) -> dict[str, Any]:
    """One thing, every copy: ``status`` from the button; for ``exclude`` the code and note from its fields."""
    require(ctx.user, ctx.services.settings, *ROLES, action="reviewing search results")
    ref, page, handle, status = _ref(ctx), _page(ctx), ctx.event.param("id"), ctx.event.param("status")
    case, groups = review_list(ctx.services, ref)
    g = _one(groups, handle)
    if g is None:
        return _show(ctx, case.ref, page, notify=f"Item {handle} is no longer in {case.ref}'s results (re-searched?)")
    where = g.public()["where"]
    if g.status != "undecided":  # the card was stale: someone decided it since
        d = g.decision
        return _show(ctx, case.ref, page, notify=f"{where} was decided meanwhile ({g.status}, by {d.by}); change "
                                                 f"it on the review page or with dsar review {case.ref}")
    code = ctx.event.value(f"code_{g.id}") if status == "exclude" else None
    note = ctx.event.value(f"note_{g.id}") if status == "exclude" else None
    try:
        decide_groups(ctx.services, case.ref, [g], status, ctx.user, code=code or None, note=note or None)
    except InputError as e:
        return _show(ctx, case.ref, page, errors={g.id: {FIELDS.get(e.field, "note"): e.detail}})
    said = {"include": "included", "exclude": f"excluded ({code})", "not_a_match": "not a match"}.get(status, status)
    copies = f" (all {len(g.keys)} copies)" if len(g.keys) > 1 else ""
    return _show(ctx, case.ref, page, notify=f"{where}: {said}{copies}")


@addon_endpoint(bp, "review_bulk")
def review_bulk(ctx: Ctx) -> dict[str, Any]:
    """Include every undecided thing of one source, if as many are undecided as the button said."""
    require(ctx.user, ctx.services.settings, *ROLES, action="reviewing search results")
    ref, page, source = _ref(ctx), _page(ctx), ctx.event.param("source")
    if source not in SOURCE_NAMES:
        raise InputError("source", f"{source!r} is not a source of search results")
    case, groups = review_list(ctx.services, ref)
    now = len(_of_source(groups, source))
    if str(now) != ctx.event.param("count"):
        return _show(ctx, case.ref, page, notify=f"The list changed: {now} {SOURCE_NAMES[source]} thing(s) are "
                                                 "undecided now; look again before including them all")
    n = decide_matching(ctx.services, case.ref, {"status": "undecided", "source": source}, "include", ctx.user)
    return _show(ctx, case.ref, page, notify=f"Included {n} {SOURCE_NAMES[source]} thing(s), every copy")
