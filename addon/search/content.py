"""Text out of what Google returns: Gmail message resources (headers, decoded MIME parts, HTML as text,
attachment names) and downloaded files (read by :mod:`addon.extract`), and the local confirmation of a
file's content: which rows of a table match, or whether its text does, or why it could not be read.
Pure functions; the matcher decides."""
from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from typing import Any

from .. import extract
from ..extract import Extracted, Unreadable

HEADER_NAMES = ("from", "to", "cc", "bcc", "subject", "reply-to", "delivered-to")
_CHARSET = re.compile(r'charset="?([A-Za-z0-9_\-:.]+)"?', re.I)


@dataclass
class MessageText:
    headers: dict[str, str] = field(default_factory=dict)  # lower-case name -> value (joined)
    bodies: list[str] = field(default_factory=list)
    filenames: list[str] = field(default_factory=list)
    #: (attachmentId, mimeType, filename) of every part served through attachments.get
    attachments: list[tuple[str, str, str]] = field(default_factory=list)
    attachment_sizes: dict[str, int] = field(default_factory=dict)  # attachmentId -> bytes, as Gmail says
    #: (mimeType, filename, bytes) of attachment parts whose body came inline (small ones, some clients)
    inline_files: list[tuple[str, str, bytes]] = field(default_factory=list)

    @property
    def rfc822_message_id(self) -> str | None:
        return self.headers.get("message-id")

    def header_text(self) -> str:
        return "\n".join(self.headers.get(h, "") for h in HEADER_NAMES)

    def all_text(self) -> str:
        return "\n".join([self.header_text(), *self.bodies, *self.filenames])


def decode_bytes(data: bytes, charset: str | None) -> str:
    """UTF-8 if it decodes strictly, else the declared charset, else Latin-1: never raises."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if charset:
        try:
            return data.decode(charset, "replace")
        except LookupError:
            pass
    return data.decode("latin-1")


def html_to_text(html: str) -> str:
    return extract.text.html_text(html)


def b64url(data: str) -> bytes:
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))


def _is_attachment(part: dict, mime: str) -> bool:
    if part.get("filename"):
        return True
    disp = next((h.get("value", "") for h in part.get("headers", []) if h.get("name", "").lower() == "content-disposition"), "")
    return disp.lower().startswith("attachment") or mime == "message/rfc822"


def message_text(msg: dict) -> MessageText:
    """Everything a matcher should see in a Gmail message resource (format full or metadata)."""
    out = MessageText()
    payload = msg.get("payload") or {}
    for h in payload.get("headers", []):
        name = h.get("name", "").lower()
        out.headers[name] = (out.headers[name] + ", " + h.get("value", "")) if name in out.headers else h.get("value", "")
    stack = [payload]
    while stack:
        part = stack.pop()
        stack.extend(reversed(part.get("parts") or []))
        mime = (part.get("mimeType") or "").lower()
        body = part.get("body") or {}
        if part.get("filename"):
            out.filenames.append(part["filename"])
        if body.get("attachmentId"):
            out.attachments.append((body["attachmentId"], mime, part.get("filename") or ""))
            out.attachment_sizes[body["attachmentId"]] = int(body.get("size") or 0)
            continue
        if not body.get("data") or mime.startswith("multipart/"):
            continue
        if _is_attachment(part, mime):
            out.inline_files.append((mime, part.get("filename") or "", b64url(body["data"])))
            continue
        ctype = next((h["value"] for h in part.get("headers", []) if h.get("name", "").lower() == "content-type"), "")
        m = _CHARSET.search(ctype)
        text = decode_bytes(b64url(body["data"]), m.group(1) if m else None)
        if mime == "text/html":
            out.bodies.append(html_to_text(text))
        elif mime.startswith("text/"):
            out.bodies.append(text)
    return out


def file_text(mime: str, data: bytes, name: str = "") -> str | None:
    """Text of a downloaded or exported file, or None where no library reads it or it cannot be read."""
    try:
        got = extract.extract(data, mime, name)
    except Unreadable:
        return None
    return got.all_text() if got is not None else None


@dataclass
class FileMatch:
    """The local verdict on a file's content: matching ``rows`` (tab, 1-based row) of a table, or a
    text match, or ``unreadable`` (reason/check), or nothing read at all (``read`` False)."""

    read: bool = False
    text: bool = False
    rows: list[tuple[str, int]] = field(default_factory=list)
    unreadable: dict | None = None

    @property
    def matched(self) -> bool:
        return self.text or bool(self.rows)


def matching_rows(matcher: Any, got: Extracted) -> list[tuple[str, int]]:
    """Rows of each tab that match, judged as a Google Sheet's rows are (the tab's first row is the header)."""
    out: list[tuple[str, int]] = []
    headers: dict[str, list[str]] = {}
    for r in got.rows:
        cells = list(r.cells)
        header = headers.setdefault(r.sheet, cells)
        if matcher.match_row(cells, None if header is cells else header):
            out.append((r.sheet, r.row))
    return out


def confirm_file(matcher: Any, data: bytes, mime: str, name: str = "", limit: int | None = None) -> FileMatch:
    """Read a file and match it: per row for tables, as text otherwise; never raises for a bad file."""
    try:
        got = extract.extract(data, mime, name, limit=limit)
    except Unreadable as e:
        return FileMatch(unreadable=e.as_dict())
    if got is None:
        return FileMatch()
    res = FileMatch(read=True)
    if got.tabular:
        res.rows = matching_rows(matcher, got)
    elif matcher.match_text(got.all_text()):
        res.text = True
    if not res.matched and got.unreadable:
        first = got.unreadable[0]
        res.unreadable = {"reason": f"{first['reason']} inside {first.get('part') or 'an attached part'}",
                          "check": first["check"]}
    return res
