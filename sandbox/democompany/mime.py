"""Raw RFC 5322 / MIME bytes, built by hand.

Hand-built rather than via :mod:`email.message` for two reasons: the fixture needs byte-level control (a
quoted-printable soft line break falling inside a name, a Latin-1 and a Windows-1252 body, an RFC 2231
filename), and writing ~3,000 messages through the email package's policy machinery is several times slower.
Tests parse every message back with the stdlib parser, so nothing here is trusted blindly.

A *part* is ``bytes``: its own MIME headers, a blank line, and its encoded body. Lines end in ``\\n`` (mbox).
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
from email.header import Header
from email.utils import encode_rfc2231, format_datetime, formataddr

from .people import Person


def address(p: Person, charset: str = "utf-8") -> str:
    return formataddr((p.name, p.email), charset=charset) if p.name else p.email


def header_text(text: str, charset: str = "utf-8") -> str:
    """A header value, RFC 2047-encoded only when it needs to be."""
    if text.isascii():
        return text
    return Header(text, charset).encode(linesep="\n")


def uk_time(day: dt.datetime) -> dt.datetime:
    """The naive UK wall-clock time ``day`` as an aware datetime (GMT, or BST between the last Sundays of March
    and October), so Date headers carry the offset a UK mail client would write."""
    def last_sunday(month: int) -> dt.datetime:
        d = dt.datetime(day.year, month, 31)
        return d - dt.timedelta(days=(d.weekday() + 1) % 7)

    bst = last_sunday(3).replace(hour=1) <= day < last_sunday(10).replace(hour=1)
    return day.replace(tzinfo=dt.timezone(dt.timedelta(hours=1 if bst else 0)))


def date_header(day: dt.datetime) -> str:
    return format_datetime(uk_time(day))


def _encode(data: bytes, cte: str) -> bytes:
    if cte == "base64":
        return base64.encodebytes(data)
    if cte == "quoted-printable":
        out = binascii.b2a_qp(data, istext=True)
        return out if out.endswith(b"\n") else out + b"\n"
    return data if data.endswith(b"\n") else data + b"\n"


def pick_cte(text: str, preferred: str | None = None) -> str:
    """7bit when the text allows it, else the preferred encoding (quoted-printable by default)."""
    if preferred:
        return preferred
    if text.isascii() and all(len(line) <= 900 for line in text.split("\n")):
        return "7bit"
    return "quoted-printable"


def text_part(text: str, subtype: str = "plain", charset: str = "utf-8", cte: str | None = None) -> bytes:
    cte = pick_cte(text, cte)
    data = text.replace("\r\n", "\n").encode(charset)
    cs = "us-ascii" if cte == "7bit" and charset == "utf-8" else charset
    head = f"Content-Type: text/{subtype}; charset=\"{cs}\"\nContent-Transfer-Encoding: {cte}\n\n"
    return head.encode("ascii") + _encode(data, cte)


def attachment(filename: str, data: bytes, mimetype: str) -> bytes:
    """A base64 attachment; a non-ASCII filename is written the RFC 2231 way (``filename*=utf-8''...``)."""
    if filename.isascii() and '"' not in filename:
        disp = f'attachment; filename="{filename}"'
        ctype = f'{mimetype}; name="{filename}"'
    else:
        enc = encode_rfc2231(filename, "utf-8")
        disp = f"attachment; filename*={enc}"
        ctype = f"{mimetype}; name*={enc}"
    head = f"Content-Type: {ctype}\nContent-Disposition: {disp}\nContent-Transfer-Encoding: base64\n\n"
    return head.encode("ascii") + base64.encodebytes(data)


def multipart(subtype: str, parts: list[bytes], boundary: str) -> bytes:
    out = [f'Content-Type: multipart/{subtype}; boundary="{boundary}"\n\n'.encode("ascii")]
    for p in parts:
        out.append(f"--{boundary}\n".encode("ascii"))
        out.append(p if p.endswith(b"\n") else p + b"\n")
    out.append(f"--{boundary}--\n".encode("ascii"))
    return b"".join(out)


def alternative(text: str, html: str, boundary: str, cte: str | None = None) -> bytes:
    return multipart("alternative", [text_part(text, "plain", cte=cte), text_part(html, "html", cte=cte)], boundary)


def message(headers: list[tuple[str, str]], body: bytes) -> bytes:
    """A whole message: ``headers`` (already encoded values), MIME-Version, then the top-level part."""
    lines = [f"{k}: {v}\n" for k, v in headers if v]
    lines.append("MIME-Version: 1.0\n")
    return "".join(lines).encode("ascii") + body


def html_page(paragraphs: list[str], title: str = "") -> str:
    """A small HTML e-mail body; paragraphs are already HTML (callers escape what they need to)."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    head = f"<title>{title}</title>" if title else ""
    return (f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">{head}</head>\n"
            f"<body style=\"font-family:Arial,sans-serif\">\n{body}\n</body></html>\n")
