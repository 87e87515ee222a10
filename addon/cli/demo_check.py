"""``dsar demo``'s own check: every item planted for a subject is found, and nothing else, in every source
searched: Gmail, Drive and Sheets from expected.json's ``expected``, Calendar, Contacts, Chat and Forms from
its ``other_sources.expected`` (sandbox/democompany/sources.py). Pure: ground truth and items in, keys out."""
from __future__ import annotations

from typing import Any, Iterable

CORE = ("gmail", "drive", "sheets")
OTHER = ("calendar", "contacts", "chat", "forms")
SHORT = {"gmail": "Gmail", "drive": "Drive", "sheets": "Sheet rows", "calendar": "Calendar", "contacts": "Contacts",
         "chat": "Chat", "forms": "Forms"}  # the results table's column legend


def item_key(source: str, i: dict[str, Any]) -> tuple:
    """One key per planted thing, the same for a search item and its ground-truth entry. A Chat message is
    one item whichever member's search found it, so its key has no account."""
    if source == "calendar":
        return (source, i["account"], i["event_id"])
    if source == "contacts":
        return (source, i["account"], i["kind"], i.get("display_name", i.get("name")))
    if source == "chat":
        return (source, i["space"], i["create_time"])
    if source == "forms":
        return (source, i["account"], i["response_id"])
    return (source, i["account"], i.get("rfc822_message_id") or i.get("path"), i.get("sheet"), i.get("row"))


def planted_keys(subject: dict[str, Any], sources: Iterable[str] = CORE + OTHER) -> set[tuple]:
    """The keys of everything planted for ``subject`` in ``sources`` (the sources the search covered)."""
    on = set(sources)
    truth = dict(subject.get("expected", {}))
    truth.update((subject.get("other_sources") or {}).get("expected", {}))
    return {item_key(src, e) for src, entries in truth.items() if src in on for e in entries}


def check(subject: dict[str, Any], items: Iterable[dict[str, Any]], sources: Iterable[str]) -> dict[str, set]:
    """``{"missed": planted but not found, "false_hits": found but not planted}`` over ``sources``."""
    sources = tuple(sources)
    want = planted_keys(subject, sources)
    got = {item_key(i["source"], i) for i in items if i["source"] in sources}
    return {"missed": want - got, "false_hits": got - want}


def expected_counts(subject: dict[str, Any], sources: Iterable[str]) -> dict[str, int]:
    """Planted items per source (Chat messages once, however many members' searches reach them)."""
    out = {s: 0 for s in sources}
    for key in planted_keys(subject, sources):
        out[key[0]] += 1
    return out
