"""Stable names for found items and for the copies of one thing, so a review decision outlives a re-search.

A re-search (``dsar search REF`` after it finished) clears the case's results and finds them again; the
decisions are kept by :func:`item_key`, which is built only from where the item lives (source, account,
message id or file id, tab, row), never from its content, so the same message, file or row found again gets
the same key. :func:`fold_key` names the *thing* an item is a copy of: the same email in several mailboxes
(one RFC 822 Message-ID), the same Drive file reached twice, identical attachments (one SHA-256). Pure.
"""
from __future__ import annotations

import hashlib
from typing import Any, Mapping


def item_key(item: Mapping[str, Any]) -> str:
    """One key per found message, file or sheet row, stable across re-searches (includes the account)."""
    src = item.get("source")
    acct = str(item.get("account", "")).lower()
    if src == "gmail":
        return f"gmail:{acct}:{item['message_id']}"
    row = f":{item['sheet']}:{item['row']}" if "row" in item else ""
    if src == "drive":  # an uploaded table's rows are items of their own
        return f"drive:{acct}:{item['file_id']}{row}"
    if src == "sheets":
        return f"sheets:{acct}:{item['file_id']}{row}"
    # another source (Calendar, Contacts, Chat, Forms...): its own id field, whichever it carries
    ident = next((str(item[k]) for k in _ID_FIELDS if item.get(k)), "")
    if not ident:
        raise ValueError(f"item: a {src!r} item without an id")
    return f"{src}:{acct}:{ident}{row}"


_ID_FIELDS = ("message_id", "file_id", "event_id", "resource_name", "name_id", "response_id", "id",
              "message")  # a Chat item's message resource name (addon/search/chat.py)


def _message_id(item: Mapping[str, Any]) -> str:
    mid = str(item.get("rfc822_message_id") or "").strip()
    return mid.strip("<>").strip().lower()


def fold_key(item: Mapping[str, Any]) -> str:
    """What this item is a copy of. Items with the same fold key are one thing held in several places:

    * an email matched only inside an attachment, and a Drive file, by the content's SHA-256 when the search
      kept one (identical attachments, the same PDF uploaded and mailed);
    * any other email by its RFC 822 Message-ID (the same message in several mailboxes), else its own key;
    * a Drive file (or one row of an uploaded table) and a sheet row by file id (and tab and row).
    """
    src = item.get("source")
    att = item.get("attachment")
    if src == "gmail":
        if isinstance(att, Mapping) and att.get("sha256"):
            return f"sha256:{att['sha256']}" + (f":{att['sheet']}:{att['row']}" if "row" in att else "")
        mid = _message_id(item)
        return f"msg:{mid}" if mid else item_key(item)
    row = f":{item['sheet']}:{item['row']}" if "row" in item else ""
    if src == "drive" and item.get("sha256"):
        return f"sha256:{item['sha256']}{row}"
    if src in ("drive", "sheets"):
        return f"file:{item['file_id']}{row}"
    return item_key(item)


def short_id(fold: str) -> str:
    """A short handle for the CLI and the page (8 hex digits of the fold key's hash): stable across re-searches."""
    return hashlib.sha256(fold.encode("utf-8")).hexdigest()[:8]
