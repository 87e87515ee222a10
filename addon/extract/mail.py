"""An attached message (``message/rfc822``, ``.eml``) via the stdlib ``email`` package: its headers, its
text and HTML bodies, and its own attachments read by the same extractors, down to :data:`MAX_DEPTH`
messages deep. What cannot be read inside is listed, not fatal."""
from __future__ import annotations

import email
import email.policy
from email.message import Message
from typing import Callable

from .errors import Corrupt, TooDeep, Unreadable
from .model import Extracted
from .text import decode, html_text

MAX_DEPTH = 4
HEADERS = ("from", "to", "cc", "bcc", "reply-to", "subject", "sender", "delivered-to")

Reader = Callable[[bytes, str, str, int], Extracted]


def read(data: bytes, depth: int, read_part: Reader) -> Extracted:
    """``read_part(bytes, mime, filename, depth)`` reads an attachment (the package's dispatcher)."""
    if depth > MAX_DEPTH:
        raise TooDeep(f"attached messages nested more than {MAX_DEPTH} deep; the innermost were not read")
    try:
        msg = email.message_from_bytes(data, policy=email.policy.compat32)
    except Exception as e:  # noqa: BLE001 - the parser is lenient; anything raised means bytes, not mail
        raise Corrupt(f"damaged attached message ({type(e).__name__})") from None
    if not msg.keys():
        raise Corrupt("damaged attached message (no header fields)")
    out = Extracted()
    texts: list[str] = []
    _walk(msg, depth, read_part, texts, out)
    out.text = "\n".join(texts)
    return out


def header_text(value: object) -> str:
    """One header field's value with RFC 2047 encoded words decoded (a malformed word is kept raw)."""
    from email.header import decode_header, make_header

    try:
        return str(make_header(decode_header(str(value))))
    except Exception:  # noqa: BLE001 - a malformed encoded word: keep it raw
        return str(value)


def _headers(msg: Message) -> list[str]:
    return [header_text(v) for name in HEADERS for v in msg.get_all(name) or []]


def leaves(msg: Message):
    """The parts of one message, not descending into attached messages (those are read one level deeper)."""
    if msg.get_content_type() == "message/rfc822" or not msg.is_multipart():
        yield msg
        return
    for part in msg.get_payload():
        yield from leaves(part)


def _walk(msg: Message, depth: int, read_part: Reader, texts: list[str], out: Extracted) -> None:
    texts += _headers(msg)
    for part in leaves(msg) if msg.is_multipart() else [msg]:
        ctype = part.get_content_type()
        if ctype == "message/rfc822" and part is not msg:
            inner = part.get_payload()
            for m in inner if isinstance(inner, list) else []:
                if depth + 1 > MAX_DEPTH:
                    out.unreadable.append({**TooDeep(f"attached messages nested more than {MAX_DEPTH} deep; "
                                                     "the innermost were not read").as_dict(), "part": "message"})
                    continue
                sub = Extracted()
                _walk(m, depth + 1, read_part, texts, sub)
                out.unreadable += sub.unreadable
                out.rows += sub.rows
            continue
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename() or ""
        if filename:
            texts.append(filename)
        if not filename and part.get_content_disposition() != "attachment" and ctype in ("text/plain", "text/html"):
            body = decode(payload, part.get_content_charset())
            texts.append(html_text(body) if ctype == "text/html" else body)
            continue
        try:
            got = read_part(payload, ctype, filename, depth + 1)
        except Unreadable as e:
            out.unreadable.append({**e.as_dict(), "part": filename or ctype})
            continue
        if got is None:
            continue
        texts.append(got.all_text())
        out.unreadable += got.unreadable
