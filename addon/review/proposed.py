"""The redactions the package would make in one item, for the review page's preview: proposed on the fly
by the export's own :class:`~addon.export.redacted.Redactor` (the directory read through the seam, the
case's senders, the requester protected), then staff's changes applied (:func:`addon.redaction.apply_decision`),
so the page shows what ``dsar export`` will hide, with the same redaction ids ``dsar redact remove`` takes.
Nothing here is stored: the text and the spans go back to the page and are gone.

Why proposals without the decisions first: the page also shows the proposals staff removed (struck
through), which a Redactor built with the decisions would have dropped already.

Uploaded tables' rows (Drive items with a row) are redacted as part of their file when the package is
built, so no per-row proposals are shown for them; a document's proposals can gain names that the
packaged emails' headers add at export time (the export reads every email first)."""
from __future__ import annotations

from typing import Any, Sequence

from ..redaction import Part, apply_decision
from ..redaction.model import Redaction
from .groups import Group


def _redactor(services, case):
    from ..export.redacted import Redactor, third_party_code
    from ..redaction.directory import read_directory

    region = str(getattr(services.settings, "extra", {}).get("phone_region") or "GB")
    return Redactor(case.subject, services.store.results(case.ref), read_directory(services), {},
                    third_party_code(services.settings), region)


def _proposals(redactor, item: dict, source: str, parts: Sequence[Part], raw: bytes | None) -> list[Redaction]:
    if source == "gmail" and raw is not None:
        return redactor.email(raw, item)[1]
    if source == "sheets":
        return redactor.row([p.text for p in parts], item)[1]
    if source == "drive" and "row" not in item:
        return redactor.document(parts[0].text, item)[1] if parts else []
    return []


def proposed_view(services, case, group: Group, parts: Sequence[Part], *, raw: bytes | None = None,
                  labels: dict[str, str] | None = None, limit: int = 20_000) -> list[dict[str, Any]]:
    """Each part of the item with its redactions: ``[{name, label, text, redactions: [{id, kind, start, end,
    origin, removed}]}]``; a part cut to ``limit`` characters keeps the spans inside the cut. Call inside the
    preview's ``acting`` purpose (the directory is read)."""
    from .service import review_store

    item = group.primary
    redactor = _redactor(services, case)
    proposed = _proposals(redactor, item, str(item.get("source")), parts, raw)
    decision = review_store(services).load(case.ref).get(group.keys[0])
    final = apply_decision(proposed, decision, group.keys[0], parts, redactor.detector)
    removed = set(getattr(decision, "redactions_removed", None) or ())
    shown = final + [r for r in proposed if r.id in removed]
    labels = labels or {}
    out = []
    for p in parts:
        text = p.text[:limit]
        spans = sorted((r for r in shown if r.part == p.name and r.span[1] <= len(text)), key=lambda r: r.span)
        out.append({"name": p.name, "label": labels.get(p.name, p.name), "text": text,
                    "redactions": [{"id": r.id, "kind": r.kind, "start": r.span[0], "end": r.span[1],
                                    "origin": r.origin, "removed": r.id in removed} for r in spans]})
    return out
