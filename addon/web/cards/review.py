"""The sidebar's review card: a case's undecided things, a page at a time, each with why it matched and the
three decisions (Include, Not a match, Exclude with an exemption code and a note), and "include every
undecided thing of this source" in one stroke. The same decisions as ``dsar review`` and the review page
(``addon.web.review_cards`` calls :mod:`addon.review.service`); this module only draws them. Pure.

Why a count on the bulk button: the card may be stale when pressed (a colleague decided some, a re-search
found more); the server includes only if the number of undecided things is still the one the button showed."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from .links import Links
from .widgets import (Card, button, buttons, card, decorated, dropdown, esc, field_error, note, on_action,
                      on_link, section, text, text_input)

PAGE_SIZE = 5  # things per card: six widgets each keeps a card well under Google's 100
SOURCE_NAMES = {"gmail": "Gmail", "drive": "Drive", "sheets": "Sheets"}
NO_CODE = "Choose the exemption…"


@dataclass
class ReviewView:
    """What the card shows: ``items`` are :meth:`addon.review.groups.Group.public` dicts of this page's
    undecided things; ``errors`` maps a thing's id to {"code" | "note": message} under its fields."""

    ref: str
    subject: str
    status: str
    items: Sequence[Mapping[str, Any]] = ()
    counts: Mapping[str, int] = field(default_factory=dict)
    undecided_by_source: Mapping[str, int] = field(default_factory=dict)
    codes: Sequence[tuple[str, str]] = ()  # (title shown, code)
    page: int = 0
    pages: int = 1
    reviewable: bool = True
    errors: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @property
    def undecided(self) -> int:
        return int(self.counts.get("undecided", 0))


def counts_line(counts: Mapping[str, int]) -> str:
    """"3 undecided · 4 included · 1 excluded · 2 not a match"."""
    return (f"{counts.get('undecided', 0)} undecided · {counts.get('include', 0)} included · "
            f"{counts.get('exclude', 0)} excluded · {counts.get('not_a_match', 0)} not a match")


def _decide(links: Links, v: ReviewView, item_id: str, status: str) -> dict[str, Any]:
    return on_action(links.url("review_decide"), {"ref": v.ref, "id": item_id, "status": status, "page": str(v.page)})


def _item_section(links: Links, v: ReviewView, p: Mapping[str, Any]) -> dict[str, Any]:
    gid = str(p["id"])
    copies = p.get("copies") or []
    top = SOURCE_NAMES.get(str(p.get("source")), str(p.get("source") or "")) + (
        f" · {len(copies)} copies, decided together" if len(copies) > 1 else "")
    why = str(p.get("why_matched") or "") or "the search kept no evidence for this one"
    widgets = [decorated(str(p.get("where") or gid), top=top, bottom=f"Matched: {why}", icon="description")]
    if p.get("check"):
        widgets.append(note(str(p["check"])))
    widgets.append(buttons(button("Include", _decide(links, v, gid, "include"), filled=True, icon="check"),
                           button("Not a match", _decide(links, v, gid, "not_a_match"), icon="block")))
    errs = v.errors.get(gid, {})
    widgets.append(dropdown(f"code_{gid}", "Exemption, to exclude it", [(NO_CODE, ""), *v.codes]))
    if "code" in errs:
        widgets.append(field_error(errs["code"]))
    widgets.append(text_input(f"note_{gid}", "Why the exemption applies (required to exclude)",
                              hint="Sealed under the case key; shown to reviewers, never to the subject"))
    if "note" in errs:
        widgets.append(field_error(errs["note"]))
    widgets.append(buttons(button("Exclude", _decide(links, v, gid, "exclude"), icon="remove_circle")))
    return section(widgets, f"Item {gid}")


def _bulk_section(links: Links, v: ReviewView) -> dict[str, Any]:
    acts = []
    for source, n in sorted(v.undecided_by_source.items()):
        if n:
            name = SOURCE_NAMES.get(source, source)
            acts.append(button(f"Include all {n} undecided from {name}",
                               on_action(links.url("review_bulk"), {"ref": v.ref, "source": source, "count": str(n),
                                                                    "page": str(v.page)}), icon="done_all"))
    if not acts:
        return section([])
    return section([note("Every copy of each thing is included. Look at the items (or their preview on the "
                         "review page) before including a whole source."), buttons(*acts)], "In one stroke")


def _paging(links: Links, v: ReviewView) -> list[dict[str, Any]]:
    if v.pages <= 1:
        return []
    acts = []
    if v.page > 0:
        acts.append(button("Previous", on_action(links.url("review_card"), {"ref": v.ref, "page": str(v.page - 1)}),
                           icon="chevron_left"))
    if v.page < v.pages - 1:
        acts.append(button("Next", on_action(links.url("review_card"), {"ref": v.ref, "page": str(v.page + 1)}),
                           icon="chevron_right"))
    return [text(f"Page {v.page + 1} of {v.pages}"), buttons(*acts)]


def review_card(links: Links, v: ReviewView) -> Card:
    """A page of a case's undecided things with their decisions (``name="review"``)."""
    head = [decorated(counts_line(v.counts), top="Results, copies folded", icon="rule")]
    back = [button("Review page", on_link(links.page(f"/review/{v.ref}")), icon="open_in_new"),
            button("Case", on_action(links.url("case_show"), {"ref": v.ref}), icon="folder_open")]
    rest: list[dict[str, Any]] = []
    if not v.reviewable:
        head.append(note(f"{v.ref} is {v.status}: results are reviewed once the search has finished, until the "
                         "answer is sent."))
    elif not v.undecided:
        head.append(text(f"<b>Nothing is left undecided.</b> Next: build the access package ({esc(v.ref)})."))
    else:
        rest.append(_bulk_section(links, v))
        rest += [_item_section(links, v, p) for p in v.items]
        shown = v.page * PAGE_SIZE
        rest.append(section([note(f"Undecided {shown + 1}–{shown + len(v.items)} of {v.undecided}"),
                             *_paging(links, v)]))
    return card(f"Review {v.ref}", [section(head), *rest, section([buttons(*back)])], subtitle=v.subject,
                name="review")
