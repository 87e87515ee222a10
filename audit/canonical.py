"""Canonical JSON: the exact bytes a leaf hash covers, so anyone can recompute it from an exported record.

The form: UTF-8, object keys sorted, no whitespace (``,`` and ``:`` separators), non-ASCII written as
itself (not ``\\u`` escapes), no NaN/Infinity. Numbers are integers, except that a float with a fractional
part is allowed when its shortest round-trip form has no exponent (we only write ``latency_ms`` rounded to
3 decimals, e.g. ``12.345``); an integral float is written as an integer. For the values a record holds
(ASCII keys, plain decimals) this is byte-identical to RFC 8785 (JCS).
"""
from __future__ import annotations

import json
import math
from typing import Any

from .errors import AuditInputError

_encoder = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def _normalise(value: Any, where: str) -> Any:
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise AuditInputError(f"{where}: {value!r} is not a finite number")
        if value.is_integer():
            return int(value)
        if "e" in repr(value):
            raise AuditInputError(f"{where}: {value!r} needs an exponent; round it or use an integer")
        return value
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise AuditInputError(f"{where}: key {k!r} is not a string")
            out[k] = _normalise(v, f"{where}.{k}")
        return out
    if isinstance(value, (list, tuple)):
        return [_normalise(v, f"{where}[{i}]") for i, v in enumerate(value)]
    raise AuditInputError(f"{where}: {type(value).__name__} cannot be written to the audit trail")


def canonical_json(obj: dict, where: str = "record") -> bytes:
    """The canonical UTF-8 bytes of ``obj`` (see the module docstring)."""
    return _encoder.encode(_normalise(obj, where)).encode("utf-8")


def canonical_trusted(obj: dict) -> bytes:
    """:func:`canonical_json` for a dict already validated by :func:`audit.records.normalise` (hot path)."""
    return _encoder.encode(obj).encode("utf-8")


def parse(data: bytes | str) -> dict:
    """Parse canonical JSON back to a dict (any valid JSON object is accepted; canonical form is not checked)."""
    try:
        obj = json.loads(data)
    except (ValueError, UnicodeDecodeError) as e:
        raise AuditInputError(f"record: not valid JSON ({e})") from None
    if not isinstance(obj, dict):
        raise AuditInputError("record: not a JSON object")
    return obj
