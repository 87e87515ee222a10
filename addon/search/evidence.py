"""Why an item matched, for the person reviewing it: which identifier kind, in which part, how sure.

Each result item carries ``matched``: a list of ``{"kind", "part", "confidence"}`` with

* ``kind``: ``name`` | ``email`` | ``phone`` | ``identifier`` (which of the subject's identifiers);
* ``part``: ``header`` (From/To/Cc/Subject…), ``body``, ``attachment_name``, ``attachment`` (inside an attached
  file) for a message; ``file_name``, ``content`` (the file's text) or ``cell`` (a sheet or table row) for a
  file; ``drive_index`` when no library here reads the file and Drive's own full-text match stands;
* ``confidence``: ``exact`` for a written form of the identifier as given, ``variant`` for a middle name or
  initial between the given name and surname, or a phone number as a spreadsheet leaves it (``7700900123``).

No text, span or snippet is kept: the item is sealed in the case store, and nothing here reaches the audit
trail. Pure, except :class:`Recorder`, which only remembers what a matcher returned.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

KINDS = ("name", "email", "phone", "identifier")
PARTS = ("header", "body", "attachment_name", "attachment", "file_name", "content", "cell", "drive_index",
         # Calendar, Contacts, Chat, Forms (addon/search/{calendar,contacts,chat,forms}.py)
         "title", "description", "location", "attendee", "contact", "message", "answer", "respondent")
_RANK = {"exact": 0, "variant": 1, "unconfirmed": 2}


def from_hits(hits: Iterable[Any], part: str) -> list[dict]:
    """Evidence entries for matcher hits found in ``part`` (one per kind; ``exact`` wins over ``variant``)."""
    return merge([{"kind": h.kind, "part": part, "confidence": getattr(h, "confidence", "exact")} for h in hits])


def merge(*lists: Iterable[Mapping[str, str]]) -> list[dict]:
    """One entry per (kind, part), the surest confidence kept, in a stable order."""
    best: dict[tuple[str, str], str] = {}
    for lst in lists:
        for e in lst:
            key = (e["kind"], e["part"])
            if key not in best or _RANK.get(e["confidence"], 9) < _RANK.get(best[key], 9):
                best[key] = e["confidence"]

    def order(k: tuple[str, str]) -> tuple[int, int]:
        kind, part = k
        return (KINDS.index(kind) if kind in KINDS else 9, PARTS.index(part) if part in PARTS else 9)

    return [{"kind": k, "part": p, "confidence": best[(k, p)]} for k, p in sorted(best, key=order)]


def message_evidence(matcher: Any, text: Any) -> list[dict]:
    """Evidence from a Gmail message's headers, bodies and attachment names (a MessageText)."""
    out = [from_hits(matcher.match_text(text.header_text()), "header")]
    out += [from_hits(matcher.match_text(b), "body") for b in text.bodies]
    out += [from_hits(matcher.match_text(n), "attachment_name") for n in text.filenames]
    return merge(*out)


UNCONFIRMED = [{"kind": "any", "part": "drive_index", "confidence": "unconfirmed"}]

_PART_WORDS = {"header": "header", "body": "body", "attachment_name": "attachment name",
               "attachment": "attachment", "file_name": "file name", "content": "file text", "cell": "cell",
               "drive_index": "Drive's index (not read here)", "title": "event title",
               "description": "event description", "location": "event location", "attendee": "event attendees",
               "contact": "contact", "message": "chat message", "answer": "form answer",
               "respondent": "respondent's email"}


def describe(matched: Iterable[Mapping[str, str]] | None) -> str:
    """One line for a table or card: ``name in body; phone in cell (variant)``."""
    out = []
    for e in matched or ():
        kind = "match" if e.get("kind") == "any" else e.get("kind", "?")
        text = f"{kind} in {_PART_WORDS.get(e.get('part', ''), e.get('part', '?'))}"
        if e.get("confidence") == "variant":
            text += " (variant)"
        out.append(text)
    return "; ".join(out)


class Recorder:
    """A matcher stand-in that passes every call through and remembers the hits of calls that matched, so
    code that only asks "does it match?" (:func:`addon.search.content.confirm_file`) still yields evidence."""

    def __init__(self, matcher: Any) -> None:
        self.matcher = matcher
        self.subject = getattr(matcher, "subject", None)
        self.hits: list[Any] = []
        self.row_hits: list[list[Any]] = []  # one list per matching row, in call order

    def match_text(self, text: str) -> list:
        hits = self.matcher.match_text(text)
        self.hits += hits
        return hits

    def match_row(self, cells: list[str], header: list[str] | None = None) -> list:
        hits = self.matcher.match_row(cells, header)
        if hits:
            self.hits += hits
            self.row_hits.append(hits)
        return hits

    def __getattr__(self, name: str) -> Any:  # anything else a matcher offers
        return getattr(self.matcher, name)
