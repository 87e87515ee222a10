"""Offset page tokens bound to the request that made them, for the list methods whose order is fixed by the
store (Calendar, People, Chat, Forms): a token replayed with different parameters is refused, not reinterpreted."""
from __future__ import annotations

import base64
import hashlib
import json
from typing import Any, Sequence


def fingerprint(*parts: Any) -> str:
    """A short digest of the parameters a token is valid for."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


def make_token(offset: int, fp: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([offset, fp]).encode()).decode().rstrip("=")


def read_token(token: str | None, fp: str) -> int:
    """The offset a token names (0 without one); ValueError for a foreign or damaged token."""
    if not token:
        return 0
    try:
        offset, got = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (ValueError, TypeError):
        raise ValueError("bad page token") from None
    if got != fp or not isinstance(offset, int) or offset < 0:
        raise ValueError("page token for another request")
    return offset


def page(items: Sequence[Any], offset: int, size: int, fp: str) -> tuple[list[Any], str | None]:
    chunk = list(items[offset: offset + size])
    nxt = offset + size
    return chunk, (make_token(nxt, fp) if nxt < len(items) else None)
