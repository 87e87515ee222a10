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

#: How the report names each kind of thing withheld.
CATEGORIES = {"gmail": "Email messages", "drive": "Documents and files", "sheets": "Spreadsheet rows"}
UNDECIDED_EVENT = "export_with_undecided"


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
                duplicates.append({"what": where(g.primary), "copies": [where(i) + f" ({i.get('account', '')})"
                                                                        for i in g.items]})
        elif status == "exclude":
            withheld[(g.primary.get("source", ""), g.decision.code or "")] += 1
    rows = []
    for (source, code), n in sorted(withheld.items()):
        ex = codes.get(code)
        rows.append({"category": CATEGORIES.get(source, source), "code": code, "count": n,
                     "title": ex.title if ex else code, "basis": ex.basis if ex else "",
                     "report": ex.report if ex else code})
    by = Counter(g.status for g in groups)
    counts = {"found": len(groups), "copies": sum(len(g.items) for g in groups), "included": by["include"],
              "excluded": by["exclude"], "not_a_match": by["not_a_match"], "undecided": by["undecided"],
              "packaged": len(out)}
    return Disclosure(out, groups, rows, duplicates, counts, bool(undecided) and include_undecided,
                      copies_left_out=left_out)
