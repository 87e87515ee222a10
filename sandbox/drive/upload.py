"""Media uploads as googleapiclient sends them: ``uploadType=media`` (raw body), ``multipart``
(multipart/related: JSON metadata then the media) and ``resumable`` (a session URI in ``Location``,
then PUTs with ``Content-Range`` answered 308 until the last byte arrives)."""
from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from ..errors import ApiError

_BOUNDARY = re.compile(r'boundary="?([^";]+)"?', re.I)
_RANGE = re.compile(r"bytes\s+(?:(\d+)-(\d+)|\*)/(\d+|\*)", re.I)


@dataclass
class Media:
    metadata: dict[str, Any]
    data: bytes | None
    mime: str | None


@dataclass
class Session:
    """A resumable upload in progress."""

    id: str
    user: str
    metadata: dict[str, Any]
    mime: str | None
    total: int | None
    args: dict[str, str]
    file_id: str | None = None  # set for files.update
    data: bytearray = field(default_factory=bytearray)


def _bad(message: str) -> ApiError:
    return ApiError(400, message, "badContent")


def parse_json(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        meta = json.loads(body)
    except ValueError:
        raise ApiError(400, "Invalid JSON payload received.", "parseError") from None
    if not isinstance(meta, dict):
        raise ApiError(400, "Invalid JSON payload received. Expected an object.", "parseError")
    return meta


def multipart(content_type: str, body: bytes) -> Media:
    """multipart/related: the first part is the metadata, the second the media."""
    m = _BOUNDARY.search(content_type)
    if not m:
        raise _bad("Missing boundary in multipart body.")
    delim = b"--" + m.group(1).encode()
    pieces = body.split(delim)
    parts: list[tuple[dict[str, str], bytes]] = []
    for piece in pieces[1:]:
        if piece.startswith(b"--"):
            break
        piece = piece[2:] if piece.startswith(b"\r\n") else piece[1:] if piece.startswith(b"\n") else piece
        crlf, lf = piece.find(b"\r\n\r\n"), piece.find(b"\n\n")
        sep = b"\r\n\r\n" if crlf >= 0 and (lf < 0 or crlf <= lf) else b"\n\n"
        head, _, content = piece.partition(sep)
        if content.endswith(b"\r\n"):
            content = content[:-2]
        elif content.endswith(b"\n"):
            content = content[:-1]
        headers = {}
        for line in head.decode("latin-1").splitlines():
            if ":" in line:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        parts.append((headers, content))
    if not parts:
        raise _bad("Multipart body has no parts.")
    if len(parts) == 1:
        headers, content = parts[0]
        if headers.get("content-type", "").startswith("application/json"):
            return Media(parse_json(content), None, None)
        return Media({}, content, headers.get("content-type"))
    meta = parse_json(parts[0][1])
    headers, content = parts[1]
    return Media(meta, content, headers.get("content-type"))


def new_session(user: str, metadata: dict[str, Any], mime: str | None, total: str | None, args: dict[str, str],
                file_id: str | None = None) -> Session:
    size = int(total) if total and total.isdigit() else None
    return Session(secrets.token_urlsafe(24), user, metadata, mime, size, args, file_id)


def accept_chunk(session: Session, content_range: str | None, chunk: bytes) -> bool:
    """Add a chunk; True when the upload is complete. ``bytes */N`` asks for the status only."""
    if not content_range:
        session.data += chunk
        session.total = len(session.data)
        return True
    m = _RANGE.match(content_range.strip())
    if not m:
        raise _bad(f"Invalid Content-Range: {content_range}")
    start, end, total = m.group(1), m.group(2), m.group(3)
    if total != "*":
        session.total = int(total)
    if start is not None:
        if int(start) != len(session.data):
            raise ApiError(400, f"Chunk starts at {start}, expected {len(session.data)}.", "badContent")
        if int(end) - int(start) + 1 != len(chunk):
            raise _bad("Content-Range does not match the chunk length.")
        session.data += chunk
    return session.total is not None and len(session.data) >= session.total
