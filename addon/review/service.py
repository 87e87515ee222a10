"""Reviewing a case's results: the list, one decision, and bulk decisions by filter, for every channel (CLI,
review page, sidebar). Deciding any copy of a duplicate decides all its copies. A ``not_a_match`` is kept
with the thing's fold key, so a re-search drops that false hit wherever it turns up again
(:func:`suppression`)."""
from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

from ..errors import Conflict, InputError, NotFound
from ..roles import require
from .exemptions import load_exemptions
from .groups import Group, find, fold, matches
from .keys import fold_key, item_key
from .store import Decision, ReviewStore

#: Case statuses in which results can be reviewed (after the search, until the answer is sent; "responded"
#: so a corrected package can follow a changed decision).
REVIEWABLE = ("review", "responded")


def review_store(services) -> ReviewStore:
    rs = getattr(services, "_review_store", None)
    if rs is None:
        rs = ReviewStore(services.store)
        try:
            services._review_store = rs
        except AttributeError:  # a frozen services object: build one per call
            pass
    return rs


def review_list(services, ref: str) -> tuple[Any, list[Group]]:
    """(case, groups) for ``ref``: every item of the latest search, folded, with its decision."""
    case = services.store.get(ref)
    items = services.store.results(case.ref)
    return case, fold(items, review_store(services).load(case.ref))


def _check_case(case, actor: str, settings) -> str:
    role = require(actor, settings, "staff", "dpo", action="reviewing search results")
    if case.subject is None:
        raise Conflict(f"case: {case.ref}'s key is shredded; its results can no longer be reviewed")
    if case.status not in REVIEWABLE:
        raise Conflict(f"case: {case.ref} is {case.status}; results are reviewed once the search has finished "
                       f"('dsar search {case.ref}' moves it to review)")
    return role


def decide_groups(services, ref: str, groups: Iterable[Group], status: str, actor: str, *,
                  code: str | None = None, note: str | None = None) -> int:
    """Decide every copy of each group; returns how many groups were decided."""
    case = services.store.get(ref)
    _check_case(case, actor, services.settings)
    codes = list(load_exemptions(services.settings)) if status == "exclude" else None
    rs = review_store(services)
    n = 0
    for g in groups:
        rs.decide(case.ref, g.keys, status, by=actor, code=code, note=note, codes=codes, fold=g.fold)
        n += 1
    return n


def decide(services, ref: str, handle: str, status: str, actor: str, *, code: str | None = None,
           note: str | None = None) -> Group:
    """One thing (by short id, fold key or item key), all its copies in one stroke."""
    case, groups = review_list(services, ref)
    g = find(groups, handle)
    if g is None:
        raise NotFound(f"ITEM: no item {handle!r} in {case.ref}'s results (see 'dsar review {case.ref}')")
    decide_groups(services, case.ref, [g], status, actor, code=code, note=note)
    return next(x for x in review_list(services, case.ref)[1] if x.fold == g.fold)


def decide_matching(services, ref: str, filters: Mapping[str, str], status: str, actor: str, *,
                    code: str | None = None, note: str | None = None) -> int:
    """A bulk decision: every group the filters select (at least one filter is required)."""
    given = {k: v for k, v in filters.items() if v}
    if not given:
        raise InputError("--where", "a bulk decision needs at least one filter (--source, --account, --label, "
                                    "--folder, --kind or --status)")
    case, groups = review_list(services, ref)
    chosen = [g for g in groups if matches(g, given)]
    if not chosen:
        raise NotFound(f"filter: no item of {case.ref} matches {', '.join(f'{k}={v}' for k, v in given.items())}")
    return decide_groups(services, case.ref, chosen, status, actor, code=code, note=note)


def suppression(store, ref: str) -> Callable[[list[dict]], list[dict]]:
    """For the search: drop items staff marked not a match for this case (by item key or fold key), so the
    same false hit does not come back in a re-search."""
    keys = ReviewStore(store).suppressed(ref)
    if not keys:
        return lambda items: items
    return lambda items: [i for i in items if item_key(i) not in keys and fold_key(i) not in keys]


def decisions(services, ref: str) -> dict[str, Decision]:
    """The API the redaction (addon/redaction) reads: item key -> decision."""
    return review_store(services).load(services.store.get(ref).ref)
