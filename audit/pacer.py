"""An adaptive pacer per user and quota bucket: the product spends quota at just under Google's published
rate instead of running into 429s, and slows down (multiplicatively) when Google pushes back anyway."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from scopes.quotas import (
    DRIVE_PER_MINUTE_USER,
    GMAIL_UNITS_PER_SECOND,
    SHEETS_PER_MINUTE_PROJECT,
    SHEETS_PER_MINUTE_USER,
    SOURCE_LIMITS,
)


def _source(per_min: float) -> tuple[float, float]:
    """Calendar/People/Chat/Forms: 90% of Google's per-minute limit, 5 s of burst (Google's window, like the
    sandbox's, allows a minute's burst; the margin keeps late arrivals inside it)."""
    return (per_min / 60.0 * 0.9, max(per_min / 60.0 * 5, 1.0))


#: Per user and per project, from the published figures in scopes/quotas.py (People publishes no project one).
SOURCE_USER_LIMITS = {b: _source(u) for b, (u, _) in SOURCE_LIMITS.items() if u}
SOURCE_PROJECT_LIMITS = {b: _source(p) for b, (_, p) in SOURCE_LIMITS.items() if p}

#: (rate per second, burst) per quota bucket, slightly under Google's limits.
LIMITS: dict[str, tuple[float, float]] = {
    # A call reserved now reaches Google a little later (thread scheduling, a busy host, a second worker).
    # Calls reserved within any window T spend at most burst + rate*T; arriving up to D late, they land in
    # Google's 1-second bucket as burst + rate*(T + D) <= 250 + 250*T only while D <= (250 - burst)/rate.
    # A burst of the whole second left no room at all (two workers on one mailbox drew 429s on a loaded
    # host); half a second of burst tolerates arrivals 0.55 s late, and 0.9 keeps long runs inside.
    "gmail": (GMAIL_UNITS_PER_SECOND * 0.9, GMAIL_UNITS_PER_SECOND / 2),
    "sheets_read": (SHEETS_PER_MINUTE_USER / 60.0 * 0.98, SHEETS_PER_MINUTE_USER),
    "sheets_write": (SHEETS_PER_MINUTE_USER / 60.0 * 0.98, SHEETS_PER_MINUTE_USER),
    "drive": (DRIVE_PER_MINUTE_USER / 60.0 * 0.9, DRIVE_PER_MINUTE_USER / 60.0 * 5),
    **SOURCE_USER_LIMITS,
}
PROJECT_LIMITS: dict[str, tuple[float, float]] = {
    "sheets_read": (SHEETS_PER_MINUTE_PROJECT / 60.0 * 0.98, SHEETS_PER_MINUTE_PROJECT),
    "sheets_write": (SHEETS_PER_MINUTE_PROJECT / 60.0 * 0.98, SHEETS_PER_MINUTE_PROJECT),
    **SOURCE_PROJECT_LIMITS,
}


def project_limits_from(per_minute: dict[str, float]) -> dict[str, tuple[float, float]]:
    """Per-project (rate per second, burst) for every bucket from per-minute limits, with the same margins
    as the Redis pacer: Gmail 0.98 with 1 s of burst, Drive 0.9 with 5 s, Sheets 0.98 with the minute."""
    out: dict[str, tuple[float, float]] = {}
    for bucket, per_min in per_minute.items():
        rate = per_min / 60.0
        if bucket == "gmail":
            out[bucket] = (rate * 0.98, max(rate, 1.0))
        elif bucket == "drive":
            out[bucket] = (rate * 0.9, max(rate * 5, 1.0))
        elif bucket in ("sheets_read", "sheets_write"):
            out[bucket] = (rate * 0.98, max(per_min, 1.0))
        elif bucket in SOURCE_LIMITS:
            out[bucket] = _source(per_min)
    return out


#: the rate's recovery per successful call after a push-back (halved per 429'd answer, floor 1/16)
RECOVERY = 1.05


@dataclass
class _Bucket:
    nominal: float
    rate: float
    capacity: float
    level: float
    stamp: float

    def reserve(self, units: float, now: float) -> float:
        """Reserve units (the level may go negative: later callers queue behind); return the wait. A call
        costing more than the burst waits for the difference (it was once clamped to the burst, which
        under-counted big batches against Google's bucket)."""
        self.level = min(self.capacity, self.level + (now - self.stamp) * self.rate)
        self.stamp = now
        self.level -= units
        return 0.0 if self.level >= 0 else -self.level / self.rate


class Pacer:
    """Thread-safe; ``acquire`` blocks for as long as the user's bucket needs to refill."""

    def __init__(self, enabled: bool = True, project: dict[str, tuple[float, float]] | None = None) -> None:
        self.enabled = enabled
        # the new sources' project buckets always apply (overridden by ``project`` when it names them)
        self.project = {**SOURCE_PROJECT_LIMITS, **(PROJECT_LIMITS if project is None else project)}
        self._lock = threading.Lock()
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self.waited = 0.0

    def _bucket(self, key: tuple[str, str], limits: tuple[float, float]) -> _Bucket:
        b = self._buckets.get(key)
        if b is None:
            rate, cap = limits
            b = self._buckets[key] = _Bucket(rate, rate, cap, cap, time.monotonic())
        return b

    def acquire(self, principal: str, bucket: str, units: float) -> float:
        if not self.enabled or (bucket not in LIMITS and bucket not in self.project):
            return 0.0
        with self._lock:
            now = time.monotonic()
            wait = self._bucket((principal, bucket), LIMITS[bucket]).reserve(units, now) if bucket in LIMITS else 0.0
            if bucket in self.project:
                wait = max(wait, self._bucket(("*", bucket), self.project[bucket]).reserve(units, now))
            self.waited += wait
        if wait > 0:
            time.sleep(wait)
        return wait

    def pushed_back(self, principal: str, bucket: str) -> None:
        """Google said 429 anyway: halve this user's rate for the bucket (it recovers on success)."""
        with self._lock:
            b = self._buckets.get((principal, bucket))
            if b:
                b.rate = max(b.nominal / 16, b.rate / 2)
                b.level = min(b.level, 0.0)

    def succeeded(self, principal: str, bucket: str, calls: int = 1) -> None:
        """Recover 5% per call answered (a batch's parts each count): per answer alone, a rate floored by a
        burst of 429s would take minutes of 250-unit batches to come back."""
        with self._lock:
            b = self._buckets.get((principal, bucket))
            if b and b.rate < b.nominal:
                b.rate = min(b.nominal, b.rate * RECOVERY ** max(1, calls))

    def backlog(self, principal: str, bucket: str) -> float:
        """Seconds a call on this bucket would wait now (user or project), without reserving anything:
        how the sheet reader weighs one route's quota headroom against another's."""
        if not self.enabled or (bucket not in LIMITS and bucket not in self.project):
            return 0.0
        with self._lock:
            now = time.monotonic()
            waits = [0.0]
            for key, limits in (((principal, bucket), LIMITS.get(bucket)), (("*", bucket), self.project.get(bucket))):
                b = self._buckets.get(key)
                if b is not None and limits:
                    level = min(b.capacity, b.level + (now - b.stamp) * b.rate)
                    waits.append(max(0.0, -level / b.rate))
            return max(waits)
