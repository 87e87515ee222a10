"""How a found item is named for a person: an email by its sender, date and subject, a file by its path, a
sheet row by path › tab › row. Pure; the CLI tables, ``erase verify`` and the sidebar's results card share
it, so an item reads the same everywhere.

The sender and subject are personal data: they are taken from the message when the search reads it and
kept inside the result item, which the case store seals under the case key (``CaseStore.add_results``).
They are decrypted only to be shown; nothing here writes them to a log or to the audit trail.
"""
from __future__ import annotations

import datetime as dt
from email.utils import parsedate_to_datetime
from typing import Any, Iterable, Mapping

from rich.table import Table
from rich.text import Text

#: Columns of the results table. "Why matched" is shown when the items carry ``matched`` evidence.
COLUMNS = ("Source", "Account", "Item")
WHY = "Why matched"
SUBJECT_WIDTH = 70  # characters of a subject line shown before it is cut with "…"


def message_facts(msg: Mapping[str, Any], headers: Mapping[str, str]) -> dict[str, str]:
    """From, date (ISO 8601, UTC) and subject of a Gmail message resource, to keep in its (sealed) result item."""
    return {"from": headers.get("from", ""), "subject": headers.get("subject", ""),
            "date": message_date(msg, headers.get("date", ""))}


def message_date(msg: Mapping[str, Any], header: str = "") -> str:
    """Gmail's ``internalDate`` (ms since the epoch) if present, else the Date header, as ISO 8601 UTC ('' if neither)."""
    try:
        when = dt.datetime.fromtimestamp(int(msg["internalDate"]) / 1000, dt.timezone.utc)
    except (KeyError, TypeError, ValueError, OverflowError):
        try:
            when = parsedate_to_datetime(header).astimezone(dt.timezone.utc)
        except (TypeError, ValueError, IndexError):
            return ""
    return when.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def short_date(iso: str) -> str:
    """'2026-01-14 09:30' from an ISO time (the screen needs no seconds nor zone: it is UTC throughout)."""
    try:
        return dt.datetime.fromisoformat(iso.replace("Z", "+00:00")).strftime("%Y-%m-%d %H:%M")
    except (AttributeError, ValueError):
        return iso or ""


def _cut(text: str, width: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def where(item: Mapping[str, Any]) -> str:
    """One line that tells a person which message, file or row this is (never a bare Google id when the
    item says more)."""
    src = item.get("source")
    if src == "gmail":
        parts = [p for p in (_cut(item.get("from", ""), 40), short_date(item.get("date", "")),
                             _cut(item.get("subject", ""), SUBJECT_WIDTH)) if p]
        out = " · ".join(parts) if parts else \
            f"message {item.get('rfc822_message_id') or item.get('message_id') or item.get('id', '')}"
        att = item.get("attachment")
        if isinstance(att, Mapping):
            out += f" › attachment {att.get('name', '')}" + (
                f" › {att.get('sheet', '?')} › row {att['row']}" if "row" in att else "")
        return out
    if src in _SOURCE_WHERE:  # Calendar, Contacts, Chat, Forms
        return _SOURCE_WHERE[src](item)
    path = item.get("path") or item.get("name") or item.get("file_id") or item.get("id", "")
    if src == "sheets" or "row" in item:  # a Google Sheet's row, or a row of an uploaded table
        path = f"{path} › {item.get('sheet', '?')} › row {item.get('row', '?')}"
    drive = item.get("drive")
    return (f"[{drive.get('name', '')}] " if isinstance(drive, Mapping) else "") + path


def note(item: Mapping[str, Any]) -> str:
    """What staff must do about this item by hand ('' for none): one the search could not read."""
    u = item.get("unreadable")
    if not isinstance(u, Mapping):
        return ""
    what = f"could not read: {u.get('reason', '')}" + (f" ({u['attachment']})" if u.get("attachment") else "")
    return what + (f"; {u['check']}" if u.get("check") else "")


#: The keys of an item that :func:`where` reads: copied into derived records (plan, verification) to be shown.
SHOWN_KEYS = ("from", "date", "subject", "rfc822_message_id", "path", "name", "drive", "sheet", "row", "attachment")


def _joined(*parts: str) -> str:
    return " · ".join(p for p in parts if p)


_SOURCE_WHERE = {
    "calendar": lambda i: _joined("event", _cut(i.get("summary", ""), SUBJECT_WIDTH), short_date(i.get("start", ""))),
    "contacts": lambda i: _joined("other contact" if i.get("kind") == "other_contact" else "contact",
                                  _cut(i.get("name", ""), 60) or i.get("resource_name", "")),
    "chat": lambda i: _joined("chat", _cut(i.get("space_name", "") or i.get("space_type", "") or i.get("space", ""), 40),
                              _cut(i.get("sender_email", ""), 40), short_date(i.get("create_time", ""))),
    "forms": lambda i: _joined("form response", _cut(i.get("form_title", ""), 50), short_date(i.get("submitted", ""))),
}


def shown_fields(item: Mapping[str, Any]) -> dict[str, Any]:
    """The part of an item a person needs to recognise it (for records that are sealed like the item)."""
    return {k: item[k] for k in SHOWN_KEYS if item.get(k) not in (None, "")}


def why_matched(item: Mapping[str, Any]) -> str:
    """The ``matched`` evidence of an item as one line ('' when the search kept none)."""
    ev = item.get("matched")
    if not ev:
        return ""
    if isinstance(ev, str):
        return ev
    if isinstance(ev, list) and all(isinstance(e, Mapping) and "kind" in e and "part" in e for e in ev):
        from .evidence import describe  # the search's own evidence: "name in body; phone in cell (variant)"

        return describe(ev)
    if isinstance(ev, Mapping):
        return "; ".join(f"{k}: {v}" for k, v in ev.items())
    if isinstance(ev, Iterable):
        return "; ".join(why_matched({"matched": e}) if not isinstance(e, str) else e for e in ev)
    return str(ev)


def rows(items: Iterable[Mapping[str, Any]]) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """(header, rows) of the results table as plain strings: for any front end (rich, cards, HTML)."""
    items = list(items)
    show_why = any(i.get("matched") for i in items)
    header = COLUMNS + ((WHY,) if show_why else ())
    out = []
    for it in items:
        row = (it.get("source", ""), it.get("account", ""), where(it))
        out.append(row + ((why_matched(it),) if show_why else ()))
    return header, out


def results_table(items: Iterable[Mapping[str, Any]], title: str) -> Table:
    """The rich table of found items. Every cell is a :class:`rich.text.Text`, so a subject line such as
    '[urgent] call me' is shown as written, not read as console markup."""
    items = list(items)
    header, body = rows(items)
    t = Table(*header, title=Text(title))
    for it, row in zip(items, body):
        cells = [Text(c) for c in row]
        extra = note(it)
        if extra:  # reported, never silently dropped: staff check these by hand
            cells[2].append("\n" + extra, style="yellow")
        t.add_row(*cells)
    return t
