"""What an auditor asks of the trail, per case: who acted, which API methods were called how often,
how many items came back, which scopes were on the tokens, what was refused, and when (no I/O)."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from .errors import AuditInputError

INTERNAL_OPERATIONS = ("audit.checkpoint", "audit.reconcile")
NO_CASE = "(no case)"


@dataclass
class CaseSummary:
    case: str
    records: int = 0
    actors: Counter = field(default_factory=Counter)
    methods: Counter = field(default_factory=Counter)
    outcomes: Counter = field(default_factory=Counter)
    items: int = 0
    scopes: set[str] = field(default_factory=set)
    refusals: int = 0
    quota_units: int = 0
    first: str | None = None
    last: str | None = None
    shredded_at: str | None = None

    def add(self, r: dict) -> None:
        self.records += 1
        self.actors[r["actor"]] += 1
        if r.get("api_method"):
            self.methods[r["api_method"]] += 1
        self.outcomes[r["outcome"]] += 1
        if r["outcome"] == "ok":
            self.items += r.get("item_count") or 0
        if r["outcome"] == "refused":
            self.refusals += 1
        if r["outcome"] == "shred":
            self.shredded_at = r["time"]
        self.quota_units += r.get("quota_units") or 0
        self.scopes.update(r.get("scopes") or ())
        self.first = r["time"] if self.first is None or r["time"] < self.first else self.first
        self.last = r["time"] if self.last is None or r["time"] > self.last else self.last

    def to_dict(self) -> dict:
        return {"case": None if self.case == NO_CASE else self.case, "records": self.records,
                "actors": dict(self.actors.most_common()), "api_methods": dict(self.methods.most_common()),
                "outcomes": dict(self.outcomes), "items": self.items, "scopes": sorted(self.scopes),
                "refusals": self.refusals, "quota_units": self.quota_units, "first": self.first, "last": self.last,
                "shredded_at": self.shredded_at}


def time_bound(value: str | None, field_name: str, end: bool) -> str | None:
    """``YYYY-MM-DD`` (whole day; ``--to`` inclusive) or an RFC 3339 time, as a comparable UTC string."""
    if value is None:
        return None
    try:
        if len(value) == 10:
            day = dt.date.fromisoformat(value) + dt.timedelta(days=1 if end else 0)
            t = dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)
        else:
            t = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            if t.tzinfo is None:
                t = t.replace(tzinfo=dt.timezone.utc)
            if end:  # inclusive: the bound is exclusive internally
                t += dt.timedelta(microseconds=1)
    except ValueError:
        raise AuditInputError(f"{field_name}: {value!r} is not a date (YYYY-MM-DD) or RFC 3339 time") from None
    return t.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def in_range(r: dict, since: str | None, until: str | None) -> bool:
    """``since`` inclusive, ``until`` exclusive (bounds from :func:`time_bound`)."""
    t = r["time"]
    return (since is None or t >= since) and (until is None or t < until)


def summarise(records: Iterable[dict], case: str | None = None, since: str | None = None,
              until: str | None = None) -> list[CaseSummary]:
    """Per-case summaries of ``records`` (dicts), in order of first activity; internal records skipped."""
    out: dict[str, CaseSummary] = {}
    for r in records:
        if r.get("operation") in INTERNAL_OPERATIONS:
            continue
        if case is not None and r.get("case") != case:
            continue
        if not in_range(r, since, until):
            continue
        key = r.get("case") or NO_CASE
        summary = out.get(key)
        if summary is None:
            summary = out[key] = CaseSummary(key)
        summary.add(r)
    return list(out.values())
