"""What the access package discloses, following the review: the included things, each once (the copy
:attr:`Group.primary` names), and a count of what was withheld by category and exemption for the report.
The export refuses while anything is undecided, unless staff say so (``--include-undecided``), and that
choice is recorded on the case."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..cases.store import now_iso
from ..errors import Conflict
from ..search.display import where
from .exemptions import load_exemptions
from .groups import Group, fold
from .service import review_store


def suppressed_count(decisions: dict, groups: list) -> int:
    """Things marked not a match that a later search no longer returned (they were suppressed)."""
    present = {k for g in groups for k in g.keys}
    return len({d.fold or k for k, d in decisions.items() if d.status == "not_a_match" and k not in present})

#: How the report names each kind of thing withheld.
CATEGORIES = {"gmail": "Email messages", "drive": "Documents and files", "sheets": "Spreadsheet rows"}
UNDECIDED_EVENT = "export_with_undecided"


def review_events(store, ref: str) -> list[dict[str, Any]]:
    """The case history's entries for packages built with undecided items: who, when, how many."""
    rows = store._rows("SELECT actor, at, detail FROM case_events WHERE ref=? AND kind=? ORDER BY id",
                       (ref, UNDECIDED_EVENT))
    return [{"event": UNDECIDED_EVENT, "actor": r["actor"], "at": r["at"], "detail": r["detail"]} for r in rows]


@dataclass
class Disclosure:
    items: list[dict]  # what the package holds: one copy of each included (or, if allowed, undecided) thing
    groups: list[Group]
    withheld: list[dict]  # {"category", "code", "title", "basis", "report", "count"}
    duplicates: list[dict]  # {"what", "copies": [where...]} for things held in more than one place
    counts: dict[str, int]
    include_undecided: bool = False
    #: Redactions in the package: set by the redaction step (addon/redaction) when it builds its schedule.
    redacted: int = 0
    copies_left_out: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def follow_review(services, case, items: list[dict], actor: str, *, include_undecided: bool = False) -> Disclosure:
    """The package's contents for ``case``; raises :class:`Conflict` while anything readable is undecided
    (unless ``include_undecided``, which is then recorded on the case as who and when)."""
    groups = fold(items, review_store(services).load(case.ref))
    undecided = [g for g in groups if g.status == "undecided" and not g.unreadable]
    if undecided and not include_undecided:
        raise Conflict(f"REF: {len(undecided)} of {len(groups)} item(s) of {case.ref} are not reviewed yet; decide "
                       f"them with 'dsar review {case.ref}' (or the review page), or pass --include-undecided to "
                       "package them unreviewed (recorded on the case)")
    if undecided:
        with services.store._tx() as db:
            services.store._x(db, "INSERT INTO case_events (ref, kind, actor, at, detail) VALUES (?,?,?,?,?)",
                              (case.ref, UNDECIDED_EVENT, actor, now_iso(),
                               f"{len(undecided)} undecided item(s) packaged without review (--include-undecided)"))
    codes = load_exemptions(services.settings)
    out: list[dict] = []
    withheld: Counter = Counter()
    duplicates, left_out = [], 0
    for g in groups:
        status = g.status
        if status == "include" or (status == "undecided" and (include_undecided or g.unreadable)):
            out.append(g.primary)  # an unreadable one is listed as left out by the export itself
            if len(g.items) > 1:
                left_out += len(g.items) - 1
                first = where(g.primary)
                duplicates.append({"what": first, "copies": [
                    f"{i.get('account', '')}" + ("" if where(i) == first else f": {where(i)}") for i in g.items]})
        elif status == "exclude":
            withheld[(g.primary.get("source", ""), g.decision.code or "")] += 1
    rows = []
    for (source, code), n in sorted(withheld.items()):
        ex = codes.get(code)
        rows.append({"category": CATEGORIES.get(source, source), "code": code, "count": n,
                     "title": ex.title if ex else code, "basis": ex.basis if ex else "",
                     "report": ex.report if ex else code})
    by = Counter(g.status for g in groups)
    gone = suppressed_count(review_store(services).load(case.ref), groups)  # false hits a re-search dropped
    counts = {"found": len(groups) + gone, "copies": sum(len(g.items) for g in groups), "included": by["include"],
              "excluded": by["exclude"], "not_a_match": by["not_a_match"] + gone, "undecided": by["undecided"],
              "packaged": len(out)}
    return Disclosure(out, groups, rows, duplicates, counts, bool(undecided) and include_undecided,
                      copies_left_out=left_out)
