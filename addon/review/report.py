"""The review's part of the package: the methodology statement (also kept in the case file) and what the
Art. 15 report says about things withheld, duplicates and how the search was done."""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..search.job_ids import job_id
from . import methodology
from .disclosure import suppressed_count
from .service import review_store


def build_statement(services, case, groups: list, *, redacted: int = 0, exported: dict | None = None) -> dict[str, Any]:
    decisions = review_store(services).load(case.ref)
    job = services.store.job(job_id(case.ref))
    return methodology.statement(services.settings, case, job, groups, decisions,
                                 suppressed=suppressed_count(decisions, groups), redacted=redacted, exported=exported)


def package_methodology(services, case, review, stamp: dt.datetime, actor: str) -> dict[str, Any]:
    """The statement for this package, saved into the case file as well."""
    groups = review.groups if review is not None else []
    redacted = getattr(review, "redacted", 0) if review is not None else 0
    m = build_statement(services, case, groups, redacted=redacted,
                        exported={"at": stamp.isoformat(timespec="seconds"), "by": actor})
    if review is not None:
        m["include_undecided"] = review.include_undecided
        m["counts"]["packaged"] = review.counts["packaged"]
    methodology.save(services.store, case.ref, m)
    return m


def review_context(review, method: dict[str, Any]) -> dict[str, Any]:
    """Template values for report.html (empty when the package was built without a review)."""
    if review is None:
        return {"withheld": [], "duplicates": [], "methodology": method, "review_counts": {}}
    return {"withheld": review.withheld, "duplicates": review.duplicates, "methodology": method,
            "review_counts": review.counts, "include_undecided": review.include_undecided}
