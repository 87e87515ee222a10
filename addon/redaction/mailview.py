"""An email as the parts a redacted copy shows: its address headers and subject, its text (the plain part,
else the HTML part's visible text), and each attachment's name and text (read by :mod:`addon.extract`).
Attachments no library here reads (images, archives) cannot be checked for other people's data, so a
redacted copy lists them by name only and says so. Pure."""
from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass, field

from ..extract import Unreadable, extract
from ..extract.mail import header_text, leaves
from ..extract.text import decode, html_text
from .model import Part

SHOWN_HEADERS = ("From", "To", "Cc", "Reply-To", "Subject")


@dataclass
class MailView:
    date: str
    parts: list[Part]
    headers: dict[str, list[str]]
    not_shown: list[str] = field(default_factory=list)  # attachments reproduced by name only

    def text(self, name: str) -> str:
        return next((p.text for p in self.parts if p.name == name), "")


def mail_view(raw: bytes) -> MailView:
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    headers = {h: [header_text(v) for v in (msg.get_all(h) or [])] for h in SHOWN_HEADERS}
    parts = [Part(f"header:{h}", "\n".join(v)) for h, v in headers.items() if v]
    plain: list[str] = []
    html: list[str] = []
    attachments: list[tuple[str, str, bytes]] = []
    for leaf in (leaves(msg) if msg.is_multipart() else [msg]):
        ctype = leaf.get_content_type()
        filename = header_text(leaf.get_filename() or "") if leaf.get_filename() else ""
        if ctype == "message/rfc822" and leaf is not msg:
            inner = leaf.get_payload()
            data = inner[0].as_bytes() if isinstance(inner, list) and inner else b""
            attachments.append((filename or "attached message.eml", ctype, data))
            continue
        payload = leaf.get_payload(decode=True) or b""
        if not filename and leaf.get_content_disposition() != "attachment" and ctype in ("text/plain", "text/html"):
            body = decode(payload, leaf.get_content_charset())
            (html if ctype == "text/html" else plain).append(html_text(body) if ctype == "text/html" else body)
            continue
        attachments.append((filename or ctype, ctype, payload))
    parts.append(Part("body", "\n\n".join(plain) if plain else "\n\n".join(html)))
    not_shown = []
    for i, (name, ctype, data) in enumerate(attachments, 1):
        parts.append(Part(f"attachment-name:{i}", name))
        try:
            got = extract(data, ctype, name)
        except Unreadable:
            got = None
        if got is None:
            not_shown.append(f"attachment-name:{i}")
        else:
            parts.append(Part(f"attachment:{i}", got.all_text()))
    return MailView(header_text(msg.get("Date", "") or ""), parts, headers, not_shown)
