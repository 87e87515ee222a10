"""Text out of what Google returns: Gmail message resources (headers, decoded MIME parts, HTML as text,
attachment names) and downloaded files. Pure functions; the matcher then decides."""
from __future__ import annotations

import base64
import csv
import io
import re
from dataclasses import dataclass, field

from bs4 import BeautifulSoup

HEADER_NAMES = ("from", "to", "cc", "bcc", "subject", "reply-to", "delivered-to")
TEXT_MIME = ("text/plain", "text/csv", "text/markdown", "text/tab-separated-values", "application/json")
_CHARSET = re.compile(r'charset="?([A-Za-z0-9_\-:.]+)"?', re.I)


@dataclass
class MessageText:
    headers: dict[str, str] = field(default_factory=dict)  # lower-case name -> value (joined)
    bodies: list[str] = field(default_factory=list)
    filenames: list[str] = field(default_factory=list)
    attachments: list[tuple[str, str, str]] = field(default_factory=list)  # (attachmentId, mimeType, filename)

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
    return BeautifulSoup(html, "html.parser").get_text(" ")


def b64url(data: str) -> bytes:
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))


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
                out.attachments.append((body["attachmentId"], mime, part["filename"]))
        if not body.get("data") or part.get("filename"):
            continue
        ctype = next((h["value"] for h in part.get("headers", []) if h.get("name", "").lower() == "content-type"), "")
        m = _CHARSET.search(ctype)
        text = decode_bytes(b64url(body["data"]), m.group(1) if m else None)
        if mime == "text/html":
            out.bodies.append(html_to_text(text))
        elif mime.startswith("text/"):
            out.bodies.append(text)
    return out


def file_text(mime: str, data: bytes) -> str | None:
    """Text of a downloaded or exported file, or None where no well-kept library reads it."""
    mime = (mime or "").lower()
    if mime == "text/html":
        return html_to_text(decode_bytes(data, None))
    if mime.startswith("text/") or mime in TEXT_MIME:
        return decode_bytes(data, None)
    if mime == "application/pdf":
        try:
            from pypdf import PdfReader
        except ImportError:
            return None
        try:
            return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
        except Exception:
            return None
    return None


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))
