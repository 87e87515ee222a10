"""Partial responses (the ``fields`` parameter) as Google reads them: ``nextPageToken,files(id,name)``,
``files/owners(emailAddress)``, ``sheets.properties.title`` and ``*``; whitespace is ignored.

Drive and Sheets share the grammar; Sheets also drops fields a mask leaves empty (proto3 does not
serialise empty repeated fields) and trailing empty cells and rows, which :func:`apply` does with ``prune``.
"""
from __future__ import annotations

from typing import Any

from ..errors import ApiError

#: A parsed mask: field name -> sub-mask, ``None`` meaning "the whole field".
Mask = dict[str, "Mask | None"]


def parse(text: str) -> Mask | None:
    """The mask for ``text``; ``None`` for an empty string or ``*`` (everything)."""
    text = "".join(text.split())
    if not text or text == "*":
        return None
    mask, pos = _parse_list(text, 0)
    if pos != len(text):
        raise _invalid(text)
    return mask


def _parse_list(text: str, pos: int) -> tuple[Mask, int]:
    mask: Mask = {}
    while True:
        start = pos
        while pos < len(text) and text[pos] not in ",()":
            pos += 1
        path = text[start:pos]
        if not path:
            raise _invalid(text)
        sub: Mask | None = None
        if pos < len(text) and text[pos] == "(":
            sub, pos = _parse_list(text, pos + 1)
            if pos >= len(text) or text[pos] != ")":
                raise _invalid(text)
            pos += 1
        _merge(mask, [p for p in path.replace(".", "/").split("/")], sub, text)
        if pos < len(text) and text[pos] == ",":
            pos += 1
            continue
        return mask, pos


def _merge(mask: Mask, parts: list[str], sub: Mask | None, text: str) -> None:
    if any(not p for p in parts):
        raise _invalid(text)
    head, rest = parts[0], parts[1:]
    if rest:
        child = mask.get(head, {})
        if child is None:  # already whole
            return
        mask[head] = child
        _merge(child, rest, sub, text)
        return
    if sub is None or head not in mask:
        mask[head] = sub
    elif mask[head] is not None:
        for k, v in sub.items():
            _merge(mask[head], [k], v, text)  # type: ignore[arg-type]


def _invalid(text: str) -> ApiError:
    return ApiError(400, f"Invalid field selection {text}", "invalidParameter", location="fields")


#: Lists whose trailing empty entries Sheets leaves out once a mask has emptied them.
TRIMMED = ("rowData", "values")


def apply(obj: Any, mask: Mask | None, *, prune: bool = False, key: str = "") -> Any:
    """``obj`` reduced to the fields in ``mask``."""
    if mask is None:
        return obj
    if isinstance(obj, list):
        out = [apply(e, mask, prune=prune) for e in obj]
        if prune and key in TRIMMED:
            while out and out[-1] in ({}, []):
                out.pop()
        return out
    if not isinstance(obj, dict):
        return obj
    if "*" in mask:
        return obj
    res: dict[str, Any] = {}
    for key, sub in mask.items():
        if key in obj:
            val = apply(obj[key], sub, prune=prune, key=key)
            if prune and val == [] and sub is not None:
                continue
            res[key] = val
    return res


def top_level(mask: Mask | None) -> set[str] | None:
    """The top-level field names a mask asks for (None = all)."""
    return None if mask is None or "*" in mask else set(mask)


def sub_mask(mask: Mask | None, key: str) -> Mask | None:
    """The mask under ``key`` (``None`` = everything), for callers that build nested parts lazily."""
    if mask is None or "*" in mask:
        return None
    return mask.get(key)
