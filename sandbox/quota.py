"""Per-user and per-project quotas modelled on Google's published limits.

Gmail: 250 units per user per second as a moving average (token bucket, 1 s of burst), with per-method
costs. Sheets: 60 read and 60 write requests per minute per user, 300 per project. Drive: 12,000 queries
per 60 s per user. Per project, as :data:`scopes.quotas.PUBLISHED_QUOTAS` says (Gmail 1,200,000 units,
Drive 12,000 queries, Sheets 300 reads and 300 writes per minute), each scalable down through
``PUT /_sandbox/quota {"project": {"drive": 600}}`` so a bench meets the project's limits in minutes rather
than hours. Exceeding answers with each API's real status and body (see :mod:`sandbox.errors`).
"""
from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass

from .errors import ApiError
from .source_quota import charge_source, charge_space

from scopes.quotas import (
    DRIVE_PER_MINUTE_USER,
    GMAIL_UNITS_PER_SECOND,
    SHEETS_PER_MINUTE_USER,
    gmail_cost,
    project_per_minute,
    quota_bucket,
)

#: seconds of burst each per-project bucket allows (the product's pacers burst less than this)
PROJECT_BURST_S = {"gmail": 2.0, "drive": 10.0, "sheets_read": 60.0, "sheets_write": 60.0}


@dataclass
class Bucket:
    rate: float  # units per second
    capacity: float
    level: float
    stamp: float

    def take(self, units: float, now: float) -> float:
        """Take units if available; return 0, or the seconds until they would be."""
        self.level = min(self.capacity, self.level + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.level >= units:
            self.level -= units
            return 0.0
        return (units - self.level) / self.rate


class Quotas:
    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._lock = threading.Lock()
        self._buckets: dict[tuple[str, str], Bucket] = {}
        self.units: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))  # user -> api -> used
        self.rejections: dict[str, int] = defaultdict(int)
        self.project: dict[str, float] = project_per_minute()  # bucket -> per minute
        self.rejected: dict[str, int] = defaultdict(int)  # bucket -> rejections (user or project limit)

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()
            self.units.clear()
            self.rejections.clear()
            self.rejected.clear()

    def configure(self, body: dict) -> None:
        """Admin settings: ``enabled``, ``project`` (bucket -> per minute; {} for Google's) and resets."""
        with self._lock:
            self.enabled = bool(body.get("enabled", True))
            if "project" in body:
                self.project = project_per_minute(body.get("project") or {})
        self.reset()

    def _project_wait(self, bucket: str, units: float, now: float) -> float:
        per_min = self.project.get(bucket)
        if not per_min:
            return 0.0
        rate = per_min / 60.0
        return self._bucket((bucket, "*"), rate, max(units, rate * PROJECT_BURST_S[bucket])).take(units, now)

    def _reject(self, user: str, bucket: str) -> None:
        self.rejections[user] += 1
        self.rejected[bucket] += 1

    def _bucket(self, key: tuple[str, str], rate: float, capacity: float) -> Bucket:
        b = self._buckets.get(key)
        if b is None:
            b = self._buckets[key] = Bucket(rate, capacity, capacity, time.monotonic())
        return b

    def charge(self, method_id: str, user: str) -> None:
        """Charge one call; raise the API's own quota error when over the limit."""
        api = method_id.split(".", 1)[0]
        with self._lock:
            if api == "gmail":
                cost = gmail_cost(method_id)
                self.units[user]["gmail"] += cost
                if not self.enabled:
                    return
                now = time.monotonic()
                wait = self._bucket(("gmail", user), GMAIL_UNITS_PER_SECOND, GMAIL_UNITS_PER_SECOND).take(cost, now)
                wait = wait or self._project_wait("gmail", cost, now)
                if wait:
                    self._reject(user, "gmail")
                    raise ApiError(
                        429,
                        "User-rate limit exceeded.  Retry after "
                        + time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() + wait)) + "Z",
                        "rateLimitExceeded",
                        headers={"Retry-After": str(max(1, round(wait)))},
                    )
            elif api == "sheets":
                kind = quota_bucket(method_id)
                write = kind == "sheets_write"
                self.units[user][kind] += 1
                if not self.enabled:
                    return
                now = time.monotonic()
                per = SHEETS_PER_MINUTE_USER / 60.0
                wait_user = self._bucket((kind, user), per, SHEETS_PER_MINUTE_USER).take(1, now)
                wait_proj = 0.0 if wait_user else self._project_wait(kind, 1, now)
                if wait_user or wait_proj:
                    self._reject(user, kind)
                    group = "Write" if write else "Read"
                    scope = "per user" if wait_user else ""
                    raise ApiError(
                        429,
                        f"Quota exceeded for quota metric '{group} requests' and limit '{group} requests per minute"
                        f"{' ' + scope if scope else ''}' of service 'sheets.googleapis.com' for consumer 'project_number:0'.",
                        "rateLimitExceeded",
                        headers={"Retry-After": str(max(1, round(wait_user or wait_proj)))},
                    )
            elif api in ("drive", "admin", "directory"):
                self.units[user][api] += 1
                if not self.enabled:
                    return
                now = time.monotonic()
                if (self._bucket((api, user), DRIVE_PER_MINUTE_USER / 60.0, DRIVE_PER_MINUTE_USER / 60.0 * 5).take(1, now)
                        or api == "drive" and self._project_wait("drive", 1, now)):
                    self._reject(user, api)
                    raise ApiError(
                        403,
                        "User Rate Limit Exceeded. Rate of requests for user exceed configured project quota.",
                        "userRateLimitExceeded",
                        domain="usageLimits",
                    )

            elif api in ("calendar", "people", "chat", "forms"):
                charge_source(self, method_id, user)

    def charge_space(self, kind: str, space: str) -> None:
        """Chat's per-space read/write quota; the handler knows the space, the seam does not."""
        charge_space(self, kind, space)

    def snapshot(self) -> dict:
        with self._lock:
            return {
                "enabled": self.enabled,
                "units": {u: dict(v) for u, v in self.units.items()},
                "rejections": dict(self.rejections),
                "rejected_by_bucket": dict(self.rejected),
                "project_per_minute": dict(self.project),
            }
