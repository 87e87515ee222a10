"""Quota pacing shared through Redis: pacers in different workers (separate clients) spend one user's
budget together, and the per-project bucket caps all users together."""
from __future__ import annotations

import threading
import time

from addon.scale.redis_pacer import PROJECT_LIMITS, RedisPacer, project_limits
from audit.pacer import LIMITS


def _hammer(pacers, principals, units, times) -> float:
    """Each pacer (a 'worker') reserves ``units`` ``times`` times for its principal; returns the wall time."""
    t0 = time.monotonic()

    def run(p, who):
        for _ in range(times):
            p.acquire(who, "gmail", units)

    threads = [threading.Thread(target=run, args=(p, who)) for p, who in zip(pacers, principals)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.monotonic() - t0


def test_two_workers_share_one_users_budget(redis_env):
    prefix = redis_env["DSAR_REDIS_PREFIX"] + "pace:"
    a, b = (RedisPacer(redis_env["DSAR_BROKER_URL"], prefix=prefix) for _ in range(2))
    rate, burst = LIMITS["gmail"]
    elapsed = _hammer([a, b], ["u@example.test"] * 2, 50, 6)  # 600 units, as 12 batches of 50 messages.get
    assert a.spent("u@example.test", "gmail") == 600
    # one budget: after the burst, no faster than the user's rate (two private buckets would take ~0.4 s)
    assert elapsed >= (600 - burst) / rate * 0.95, elapsed
    assert a.waited + b.waited > 1.0


def test_project_bucket_caps_all_users_together(redis_env):
    prefix = redis_env["DSAR_REDIS_PREFIX"] + "pace:"
    project = {**PROJECT_LIMITS, "gmail": (100.0, 100.0)}  # a small Cloud project: 6,000 units/min
    pacers = [RedisPacer(redis_env["DSAR_BROKER_URL"], prefix=prefix, project=project) for _ in range(2)]
    elapsed = _hammer(pacers, ["a@example.test", "b@example.test"], 25, 6)  # 300 units, each user well under 245/s
    assert pacers[0].spent("*", "gmail") == 300
    assert elapsed >= (300 - 100) / 100 * 0.95, elapsed


def test_push_back_halves_the_users_rate_and_success_restores_it(redis_env):
    p = RedisPacer(redis_env["DSAR_BROKER_URL"], prefix=redis_env["DSAR_REDIS_PREFIX"] + "pace:")
    p.acquire("u@example.test", "gmail", 5)
    key = p.key("u@example.test", "gmail")
    nominal = LIMITS["gmail"][0]
    p.pushed_back("u@example.test", "gmail")
    assert float(p.client.hget(key, "rate")) == nominal / 2
    for _ in range(20):
        p.succeeded("u@example.test", "gmail")
    assert float(p.client.hget(key, "rate")) == nominal


def test_project_quota_overrides_from_environment():
    limits = project_limits({"DSAR_PROJECT_QUOTA_GMAIL": "6000"})
    assert limits["gmail"] == (6000 / 60 * 0.98, 100.0)
    assert limits["sheets_read"] == PROJECT_LIMITS["sheets_read"]
    assert PROJECT_LIMITS["gmail"][0] < 1_200_000 / 60 and PROJECT_LIMITS["sheets_read"][0] < 300 / 60
