"""A quota plan for a whole search before it starts: how many units each API will spend, which per-project
quota binds, and how long the job must take at best (the bound) and is expected to take (the ETA).

The limits are Google's published ones (:data:`scopes.quotas.PUBLISHED_QUOTAS`, dated) unless the
organisation's Cloud project has raised (or been given smaller) quotas: ``DSAR_PROJECT_QUOTA_GMAIL``,
``..._DRIVE``, ``..._SHEETS_READ``, ``..._SHEETS_WRITE`` (per minute), or a ``[quotas]`` table in the
``DSAR_CONFIG`` file (``gmail = 3000000``). The pacers use the same figures, so the job runs at the
binding constraint rather than discovering it through 429s. Pure functions; no I/O but the environment.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from scopes.quotas import GMAIL_COSTS, PUBLISHED_QUOTAS, SOURCE_PROJECT_PER_MINUTE, project_per_minute

from ..errors import ConfigError

BUCKETS = ("gmail", "drive", "sheets_read", "sheets_write")
LABEL = {"gmail": "Gmail", "drive": "Drive", "sheets_read": "Sheets reads", "sheets_write": "Sheets writes"}
UNIT = {"gmail": "units", "drive": "queries", "sheets_read": "reads", "sheets_write": "writes"}
#: the pacers run a little under the limits (audit/pacer.py); the ETA allows for that and for start-up
PACING_MARGIN = {"gmail": 0.98, "drive": 0.9, "sheets_read": 0.98, "sheets_write": 0.98}


def organisation_quotas(settings=None, env: dict | None = None) -> dict[str, float]:
    """Per-project limits per minute: Google's, with the organisation's own from settings."""
    env = os.environ if env is None else env
    table = dict(((getattr(settings, "extra", None) or {}).get("quotas") or {}))
    raised: dict[str, float] = {}
    for bucket in (*BUCKETS, *SOURCE_PROJECT_PER_MINUTE):  # and Calendar/Chat/Forms (DSAR_PROJECT_QUOTA_CALENDAR)
        raw = env.get(f"DSAR_PROJECT_QUOTA_{bucket.upper()}") or table.get(bucket)
        if raw in (None, ""):
            continue
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise ConfigError(f"DSAR_PROJECT_QUOTA_{bucket.upper()}: {raw!r} is not a number of "
                              f"{UNIT.get(bucket, 'requests')} per minute") from None
        if value <= 0:
            raise ConfigError(f"DSAR_PROJECT_QUOTA_{bucket.upper()}: must be above 0 (got {raw!r})")
        raised[bucket] = value
    return project_per_minute(raised)


@dataclass
class Demand:
    """What a search will ask of each API: calls (in each bucket's unit) for the whole job, and the
    largest single account's share (the per-user quota bounds that account)."""

    accounts: int
    units: dict[str, float] = field(default_factory=dict)
    busiest: dict[str, float] = field(default_factory=dict)  # bucket -> the most one principal spends

    def add(self, bucket: str, n: float, principal_total: float | None = None) -> None:
        self.units[bucket] = self.units.get(bucket, 0.0) + n
        if principal_total is not None:
            self.busiest[bucket] = max(self.busiest.get(bucket, 0.0), principal_total)


@dataclass
class Plan:
    accounts: int
    units: dict[str, float]
    bound_min: dict[str, float]  # per bucket: minutes the project quota needs for the job's units
    user_bound_min: float  # the busiest account at its per-user quota
    binding: str
    eta_min: float
    limits: dict[str, float]

    @property
    def bound(self) -> float:
        return self.bound_min.get(self.binding, 0.0)

    def line(self) -> str:
        """``5,000 accounts · ~1.2 M Gmail units · Drive bound 9 min · ETA 14 min``"""
        parts = [f"{self.accounts:,} accounts"]
        for b in ("gmail", "drive", "sheets_read"):
            if self.units.get(b):
                parts.append(f"~{_count(self.units[b])} {LABEL[b]} {UNIT[b]}")
        parts.append(f"{LABEL[self.binding]} bound {_minutes(self.bound)}")
        parts.append(f"ETA {_minutes(self.eta_min)}")
        return " · ".join(parts)

    def as_dict(self) -> dict:
        return {"accounts": self.accounts, "units": self.units, "bound_min": self.bound_min,
                "user_bound_min": self.user_bound_min, "binding": self.binding, "eta_min": self.eta_min,
                "project_per_minute": self.limits, "line": self.line(),
                "quotas_as_of": {b: PUBLISHED_QUOTAS[b].as_of for b in BUCKETS}}


def plan(demand: Demand, limits: dict[str, float]) -> Plan:
    """The bound per bucket (units / project rate), the binding one, and an ETA: the slower of the
    binding bound at the pacer's margin and the busiest account at its own per-user quota."""
    bound = {b: demand.units.get(b, 0.0) / limits[b] for b in BUCKETS if demand.units.get(b)}
    user = max((n / PUBLISHED_QUOTAS[b].per_user_per_min for b, n in demand.busiest.items()), default=0.0)
    binding = max(bound, key=bound.get) if bound else "drive"
    paced = max((v / PACING_MARGIN[b] for b, v in bound.items()), default=0.0)
    eta = max(paced, user) + 0.05  # a few seconds to list users and shared drives
    return Plan(demand.accounts, {b: round(v) for b, v in demand.units.items()}, bound, user, binding, eta, limits)


# -- what a search spends, per source -----------------------------------------------------------------
GMAIL_LIST = GMAIL_COSTS["messages.list"]
GMAIL_GET = GMAIL_COSTS["messages.get"]
PAGE_GMAIL = 500
PAGE_DRIVE = 1000


def mailbox_units(queries: int, candidates: int) -> float:
    """Gmail units for one mailbox: the list pages of every query, then one get per candidate."""
    pages = queries + max(0, -(-candidates // PAGE_GMAIL) - 1)
    return pages * GMAIL_LIST + candidates * GMAIL_GET


def drive_queries(queries: int, files: int, sheets_export: int, folders_pages: int = 1, sheets_pages: int = 1) -> float:
    """Drive queries for one Drive: the folder list, each full-text query, the spreadsheet list, then
    one read (export or download) per candidate file and one export per spreadsheet read through Drive."""
    return folders_pages + queries + sheets_pages + files + sheets_export


def _count(n: float) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} M"
    if n >= 10_000:
        return f"{n / 1000:.0f} k"
    return f"{n:,.0f}"


def _minutes(m: float) -> str:
    if m < 1:
        return f"{max(1, round(m * 60))} s"
    if m < 90:
        return f"{m:.0f} min"
    return f"{m / 60:.1f} h"
