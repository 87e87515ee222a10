"""Quota pacing shared by every worker: the in-process :class:`audit.pacer.Pacer`'s token buckets, kept
in Redis so that two workers acting for the same user (or the same project) spend one budget together.

Each bucket is a Redis hash ``{prefix}{bucket}:{principal}`` with ``level``, ``stamp`` and the adaptive
``rate``; one Lua script refills, reserves and answers the wait in a single round trip, timed by the Redis
server's clock (workers' clocks never matter). As in the in-process pacer, a reservation may drive the
level negative, so callers queue behind each other instead of racing. Per-project buckets use the
principal ``*``: Gmail 1,200,000 units/min, Drive 12,000 queries/min, Sheets 300 reads and 300 writes/min
(overridable for tests and smaller Cloud projects with ``DSAR_PROJECT_QUOTA_<BUCKET>`` per minute).
"""
from __future__ import annotations

import os
import threading
import time

from audit.pacer import LIMITS, PROJECT_LIMITS as SHEETS_PROJECT_LIMITS, RECOVERY

GMAIL_UNITS_PER_MINUTE_PROJECT = 1_200_000
DRIVE_PER_MINUTE_PROJECT = 12_000

#: (rate per second, burst) per project and bucket, slightly under Google's limits.
PROJECT_LIMITS: dict[str, tuple[float, float]] = {
    "gmail": (GMAIL_UNITS_PER_MINUTE_PROJECT / 60.0 * 0.98, GMAIL_UNITS_PER_MINUTE_PROJECT / 60.0),
    "drive": (DRIVE_PER_MINUTE_PROJECT / 60.0 * 0.9, DRIVE_PER_MINUTE_PROJECT / 60.0 * 5),
    **SHEETS_PROJECT_LIMITS,
}

# KEYS: bucket hashes (user bucket, then optionally the project bucket).
# ARGV: units, ttl_ms, then per key: nominal rate, capacity.
# Returns the wait in microseconds (the longest of the buckets').
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
local units = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local wait = 0
for i, key in ipairs(KEYS) do
  local nominal = tonumber(ARGV[1 + 2 * i])
  local cap = tonumber(ARGV[2 + 2 * i])
  local s = redis.call('HMGET', key, 'level', 'stamp', 'rate')
  local level = tonumber(s[1]) or cap
  local stamp = tonumber(s[2]) or now
  local rate = tonumber(s[3]) or nominal
  level = math.min(cap, level + math.max(0, now - stamp) * rate)
  level = level - units
  redis.call('HSET', key, 'level', tostring(level), 'stamp', tostring(now), 'rate', tostring(rate))
  redis.call('HINCRBYFLOAT', key, 'spent', units)
  redis.call('PEXPIRE', key, ttl)
  if level < 0 then
    wait = math.max(wait, -level / rate)
  end
end
return math.floor(wait * 1e6)
"""

# KEYS[1]: the user's bucket. ARGV: factor (0.5 on push-back, 1.05 per call answered on success), nominal, floor.
_ADAPT = """
local r = redis.call('HGET', KEYS[1], 'rate')
if not r then return 0 end
local rate = tonumber(r)
local factor = tonumber(ARGV[1])
local nominal = tonumber(ARGV[2])
if factor >= 1 and rate >= nominal then return 0 end
rate = math.max(tonumber(ARGV[3]), math.min(nominal, rate * factor))
redis.call('HSET', KEYS[1], 'rate', tostring(rate))
if factor < 1 then
  local level = tonumber(redis.call('HGET', KEYS[1], 'level')) or 0
  if level > 0 then redis.call('HSET', KEYS[1], 'level', '0') end
end
return 1
"""


def project_limits(env: dict | None = None) -> dict[str, tuple[float, float]]:
    """The per-project buckets, with ``DSAR_PROJECT_QUOTA_GMAIL=600000`` (per minute) style overrides."""
    from audit.pacer import project_limits_from

    from .quota_plan import organisation_quotas

    env = os.environ if env is None else env
    out = dict(PROJECT_LIMITS)
    for bucket, per_min in organisation_quotas(None, env).items():
        if env.get(f"DSAR_PROJECT_QUOTA_{bucket.upper()}"):
            out[bucket] = project_limits_from({bucket: per_min})[bucket]
    return out


class RedisPacer:
    """Drop-in for :class:`audit.pacer.Pacer` (``acquire``/``pushed_back``/``succeeded``/``waited``)."""

    def __init__(self, url: str, prefix: str = "dsar:pace:", enabled: bool = True,
                 project: dict[str, tuple[float, float]] | None = None, ttl_s: float = 600.0) -> None:
        import redis

        self.client = redis.Redis.from_url(url)
        self.prefix = prefix
        self.enabled = enabled
        self.project = project_limits() if project is None else project
        self.ttl_ms = int(ttl_s * 1000)
        self._reserve = self.client.register_script(_RESERVE)
        self._adapt = self.client.register_script(_ADAPT)
        self._lock = threading.Lock()
        self.waited = 0.0

    def key(self, principal: str, bucket: str) -> str:
        return f"{self.prefix}{bucket}:{principal}"

    def acquire(self, principal: str, bucket: str, units: float) -> float:
        if not self.enabled or bucket not in LIMITS:
            return 0.0
        keys = [self.key(principal, bucket)]
        args: list[float] = [units, self.ttl_ms, *LIMITS[bucket]]
        if bucket in self.project:
            keys.append(self.key("*", bucket))
            args += list(self.project[bucket])
        wait = int(self._reserve(keys=keys, args=args)) / 1e6
        if wait > 0:
            with self._lock:
                self.waited += wait
            time.sleep(wait)
        return wait

    def pushed_back(self, principal: str, bucket: str) -> None:
        if bucket in LIMITS:
            nominal = LIMITS[bucket][0]
            self._adapt(keys=[self.key(principal, bucket)], args=[0.5, nominal, nominal / 16])

    def succeeded(self, principal: str, bucket: str, calls: int = 1) -> None:
        if bucket in LIMITS:
            nominal = LIMITS[bucket][0]
            self._adapt(keys=[self.key(principal, bucket)], args=[RECOVERY ** max(1, calls), nominal, nominal / 16])

    def spent(self, principal: str, bucket: str) -> float:
        """Units reserved from this bucket since it was created (accounting for tests and the bench)."""
        raw = self.client.hget(self.key(principal, bucket), "spent")
        return float(raw) if raw else 0.0

    def backlog(self, principal: str, bucket: str) -> float:
        """Seconds a call on this bucket would wait now (user or project buckets), reserving nothing."""
        if not self.enabled or bucket not in LIMITS:
            return 0.0
        secs, micros = self.client.time()
        now = secs + micros / 1e6
        waits = [0.0]
        for key, limits in ((self.key(principal, bucket), LIMITS[bucket]), (self.key("*", bucket), self.project.get(bucket))):
            level, stamp, rate = self.client.hmget(key, "level", "stamp", "rate")
            if level is None or not limits:
                continue
            rate = float(rate or limits[0])
            level = min(limits[1], float(level) + max(0.0, now - float(stamp)) * rate)
            waits.append(max(0.0, -level / rate))
        return max(waits)
