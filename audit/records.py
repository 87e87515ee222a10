"""The audit record: its fields, their validation, and the leaf hash that covers them (no I/O).

A record is a flat JSON object (see audit/README.md for the meaning of each field). ``leaf`` is
``SHA-256(0x00 || canonical JSON of every other field)``; ``prev`` is the previous record's leaf (hex),
64 zeros for seq 0. ``seq`` is the 0-based leaf index in the Merkle tree.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Mapping

from .canonical import canonical_json, canonical_trusted, parse
from .errors import AuditInputError
from .merkle import leaf_hash

VERSION = 1
GENESIS = bytes(32)
_TEXT = ("purpose", "legal_basis", "operation", "api_method", "http_method", "path_template", "detail")
_COUNTS = ("quota_units", "item_count", "bytes")
CALLER_FIELDS = frozenset(("actor", "case", "scopes", "status", "latency_ms", "outcome", "attempt", "batch", "intent")
                          + _TEXT + _COUNTS)
ASSIGNED_FIELDS = ("v", "seq", "time", "prev", "sealed", "lookup")
OUTCOMES = ("ok", "error", "refused", "retry", "shred", "checkpoint", "intent", "unknown")
#: ``intent``: written (durably) before a request leaves the seam; the record of its answer, or the
#: ``unknown`` that recovery writes when none came, carries ``intent`` = the intent's seq (audit/intents.py).
INTENT, UNKNOWN = "intent", "unknown"
_OUTCOME_RE = re.compile(r"^[a-z][a-z_-]{0,31}$")
_NAME_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def now_rfc3339(ts: float | None = None) -> str:
    """UTC with microseconds, e.g. ``2026-03-01T09:30:12.123456Z`` (``ts``: POSIX seconds, default now)."""
    t = dt.datetime.now(dt.timezone.utc) if ts is None else dt.datetime.fromtimestamp(ts, dt.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def _int(fields: Mapping[str, Any], name: str, default: int | None) -> int | None:
    v = fields.get(name, default)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise AuditInputError(f"audit record: {name} must be a non-negative integer, not {v!r}")
    return v


def normalise(fields: Mapping[str, Any]) -> dict:
    """Validate caller-supplied fields and fill defaults; the trail adds seq, time, prev, sealed, lookup."""
    unknown = set(fields) - CALLER_FIELDS
    if unknown:
        raise AuditInputError(f"audit record: unknown field(s) {', '.join(sorted(unknown))}")
    actor = fields.get("actor")
    if not isinstance(actor, str) or not actor:
        raise AuditInputError("audit record: actor is required (the staff address or system:<job>)")
    out: dict[str, Any] = {"actor": actor}
    case = fields.get("case")
    if case is not None and (not isinstance(case, str) or not case):
        raise AuditInputError(f"audit record: case must be a case reference or null, not {case!r}")
    out["case"] = case
    for name in _TEXT:
        v = fields.get(name) or ""
        if not isinstance(v, str):
            raise AuditInputError(f"audit record: {name} must be text, not {type(v).__name__}")
        out[name] = v
    scopes = fields.get("scopes") or []
    if isinstance(scopes, str) or not all(isinstance(s, str) for s in scopes):
        raise AuditInputError("audit record: scopes must be a list of scope strings")
    out["scopes"] = sorted(set(scopes))
    for name in _COUNTS:
        out[name] = _int(fields, name, 0)
    out["attempt"] = _int(fields, "attempt", 1)
    out["status"] = _int(fields, "status", None)
    latency = fields.get("latency_ms", 0)
    if isinstance(latency, bool) or not isinstance(latency, (int, float)) or not 0 <= latency < 1e12:
        raise AuditInputError(f"audit record: latency_ms must be a non-negative number, not {latency!r}")
    latency = round(float(latency), 3)
    out["latency_ms"] = int(latency) if latency.is_integer() else latency  # plain decimal: < 1e12, 3 places
    outcome = fields.get("outcome")
    if not isinstance(outcome, str) or not _OUTCOME_RE.match(outcome):
        raise AuditInputError(f"audit record: outcome must be a lower-case word such as {', '.join(OUTCOMES)}; got {outcome!r}")
    out["outcome"] = outcome
    batch = fields.get("batch")
    if batch is not None and not isinstance(batch, str):
        raise AuditInputError("audit record: batch must be a batch id or null")
    out["batch"] = batch
    intent = _int(fields, "intent", None)
    if intent is not None:  # only records that answer an intent carry the field (older records keep their shape)
        if outcome == INTENT:
            raise AuditInputError("audit record: an intent cannot point to an intent")
        out["intent"] = intent
    return out


RESERVED_NAMES = CALLER_FIELDS | set(ASSIGNED_FIELDS) | {"leaf"}


def check_sealed_names(sealed: Mapping[str, str]) -> None:
    """Sealed names never repeat a record field name, so ``"prev":`` and ``"seq":`` occur once in a body."""
    for name, value in sealed.items():
        if not isinstance(name, str) or not _NAME_RE.match(name):
            raise AuditInputError(f"audit record: sealed field name {name!r} must be 1-64 of A-Z a-z 0-9 _ . -")
        if name in RESERVED_NAMES:
            raise AuditInputError(f"audit record: sealed field name {name!r} is a record field name; choose another")
        if not isinstance(value, str):
            raise AuditInputError(f"audit record: sealed value {name!r} must be text")


@dataclass(frozen=True)
class Record:
    """A committed record: its fields (including seq, time, prev) and its leaf hash."""

    fields: dict
    leaf: bytes

    @property
    def seq(self) -> int:
        return self.fields["seq"]

    def __getitem__(self, name: str) -> Any:
        return self.fields[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.fields.get(name, default)

    def to_dict(self) -> dict:
        """The record as exported: every field plus ``leaf`` (hex)."""
        return {**self.fields, "leaf": self.leaf.hex()}

    @classmethod
    def from_body(cls, body: bytes, leaf: bytes | None = None) -> "Record":
        return cls(parse(body), leaf if leaf is not None else leaf_hash(body))


def assemble(base: dict, seq: int, time: str, prev: bytes, sealed: dict, lookup: dict) -> tuple[dict, bytes, bytes]:
    """The full record, its canonical body (hashed) and its leaf hash."""
    rec = {**base, "v": VERSION, "seq": seq, "time": time, "prev": prev.hex(), "sealed": sealed, "lookup": lookup}
    body = canonical_trusted(rec)  # every field was validated by normalise(); sealed/lookup are text
    return rec, body, leaf_hash(body)


def leaf_of_export(obj: dict) -> bytes:
    """Recompute the leaf of an exported record (a dict with ``leaf``): hash of everything else."""
    return leaf_hash(canonical_json({k: v for k, v in obj.items() if k != "leaf"}))
