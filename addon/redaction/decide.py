"""Staff have the last word on each item (``addon.review`` ``Decision``): proposed redactions they removed
(``redactions_removed``, by id) are dropped, and the ones they added (``redactions_added``) are placed. An
added redaction is a dict: ``{"kind": ..., "text": "..."}`` hides every occurrence of that text (any case)
in the item, ``{"kind": ..., "part": "body", "span": [start, end]}`` one span. Whatever staff add, a span
of the requester's own identifiers stays visible. Pure."""
from __future__ import annotations

from typing import Any, Iterable, Sequence

from ..subjects.normalise import fold
from .detect import Detector, _overlaps, protected_spans
from .model import KINDS, Part, Redaction, redaction_id


def _kind(d: dict) -> str:
    k = str(d.get("kind") or "name")
    return k if k in KINDS else "name"


def _added_spans(added: Iterable[dict], parts: Sequence[Part]) -> list[tuple[str, str, tuple[int, int]]]:
    out: list[tuple[str, str, tuple[int, int]]] = []
    by_name = {p.name: p for p in parts}
    for d in added or ():
        if not isinstance(d, dict):
            continue
        kind = _kind(d)
        span, part = d.get("span"), d.get("part")
        if span and part in by_name and len(span) == 2:
            a, b = int(span[0]), int(span[1])
            if 0 <= a < b <= len(by_name[part].text):
                out.append((kind, part, (a, b)))
            continue
        needle = fold(str(d.get("text") or "")).strip()
        if not needle:
            continue
        for p in parts:
            t = fold(p.text)
            if len(t) != len(p.text):
                continue
            i = t.find(needle)
            while i >= 0:
                out.append((kind, p.name, (i, i + len(needle))))
                i = t.find(needle, i + len(needle))
    return out


def apply_decision(proposed: Sequence[Redaction], decision: Any, item_key: str, parts: Sequence[Part],
                   detector: Detector) -> list[Redaction]:
    """The redactions that go into the package for one item: proposed minus removed, plus staff's own."""
    if decision is None:
        return list(proposed)
    removed = set(getattr(decision, "redactions_removed", None) or ())
    kept = [r for r in proposed if r.id not in removed]
    protect = {p.name: protected_spans(p.text, detector.matcher) for p in parts}
    counts: dict[str, int] = {}
    for kind, part, span in _added_spans(getattr(decision, "redactions_added", None) or (), parts):
        if _overlaps(span, protect.get(part, ())) or any(r.part == part and _overlaps(span, [r.span]) for r in kept):
            continue
        n = counts.get(kind, 0)
        counts[kind] = n + 1
        kept.append(Redaction(redaction_id(item_key, kind, n, "staff"), kind, part, span, "staff"))
    order = {p.name: i for i, p in enumerate(parts)}
    return sorted(kept, key=lambda r: (order.get(r.part, 0), r.span))
