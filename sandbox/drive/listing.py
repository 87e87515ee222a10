"""files.list ordering and paging, pure. Page tokens carry the sort key of the last file returned
(keyset paging), so trashing or editing files between pages never skips or repeats one; a token is
bound to its query and refused with another."""
from __future__ import annotations

import base64
import functools
import hashlib
import json
import re
from typing import Any, Callable

from .store import DriveFile

ORDER_KEYS: dict[str, Callable[[DriveFile], Any]] = {
    "createdTime": lambda f: f.createdTime,
    "modifiedTime": lambda f: f.modifiedTime,
    "modifiedByMeTime": lambda f: f.modifiedTime,
    "viewedByMeTime": lambda f: f.modifiedTime,
    "recency": lambda f: f.modifiedTime,
    "sharedWithMeTime": lambda f: f.createdTime,
    "name": lambda f: f.name.casefold(),
    "name_natural": lambda f: [[0, int(p)] if p.isdigit() else [1, p] for p in re.split(r"(\d+)", f.name.casefold()) if p],
    "folder": lambda f: 0 if f.is_folder else 1,
    "starred": lambda f: 0 if f.starred else 1,
    "quotaBytesUsed": lambda f: f.size or 0,
}
DEFAULT_ORDER = "createdTime desc"


class ListError(ValueError):
    def __init__(self, param: str, message: str = "Invalid Value") -> None:
        super().__init__(message)
        self.param = param


def parse_order(text: str | None) -> list[tuple[str, bool]]:
    """``"folder,modifiedTime desc"`` -> [("folder", False), ("modifiedTime", True)]."""
    out = []
    for part in (text or DEFAULT_ORDER).split(","):
        words = part.split()
        if not words or len(words) > 2 or words[0] not in ORDER_KEYS or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
            raise ListError("orderBy")
        out.append((words[0], len(words) == 2 and words[1].lower() == "desc"))
    return out


def sort_key(f: DriveFile, order: list[tuple[str, bool]]) -> list[Any]:
    return [ORDER_KEYS[name](f) for name, _ in order] + [f.id]


def _cmp(a: Any, b: Any) -> int:
    return (a > b) - (a < b)


def compare(order: list[tuple[str, bool]]) -> Callable[[list[Any], list[Any]], int]:
    def cmp(ka: list[Any], kb: list[Any]) -> int:
        for i, (_, desc) in enumerate(order):
            c = _cmp(ka[i], kb[i])
            if c:
                return -c if desc else c
        return _cmp(ka[-1], kb[-1])
    return cmp


def page(files: list[DriveFile], order: list[tuple[str, bool]], size: int, token: str | None,
         binding: str) -> tuple[list[DriveFile], str | None]:
    """One page of ``files`` (sorted by ``order``) after ``token``; returns (page, next token)."""
    cmp = compare(order)
    keyed = sorted(((sort_key(f, order), f) for f in files), key=functools.cmp_to_key(lambda a, b: cmp(a[0], b[0])))
    if token:
        last = decode_token(token, binding)
        keyed = [(k, f) for k, f in keyed if cmp(k, last) > 0]
    chunk = keyed[:size]
    more = len(keyed) > size
    return [f for _, f in chunk], (encode_token(chunk[-1][0], binding) if more and chunk else None)


def binding_of(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


def encode_token(key: list[Any], binding: str) -> str:
    raw = json.dumps({"k": key, "b": binding}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str, binding: str) -> list[Any]:
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        key, bound = data["k"], data["b"]
    except (ValueError, KeyError, TypeError):
        raise ListError("pageToken") from None
    if bound != binding or not isinstance(key, list):
        raise ListError("pageToken")
    return key
