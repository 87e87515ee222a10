"""The Gmail pacer's burst leaves room for calls that reach Google late: two workers share one user's
bucket, each call arrives up to half a second after its reservation (a loaded host), and the sandbox's
own bucket (Google's 250 units per second, 1 s of burst) never refuses a part. The old burst (the whole
second) refuses parts under the same delays, so the check can fail."""
from __future__ import annotations

import heapq
import random

from audit.pacer import LIMITS, RECOVERY, Pacer, _Bucket
from addon.search.gmail import BATCH
from sandbox.quota import Bucket
from scopes.quotas import GMAIL_UNITS_PER_SECOND, gmail_cost


def _simulate(rate: float, burst: float, max_delay: float, seed: int, workers: int = 2, batches: int = 40) -> int:
    """Parts Google refuses when ``workers`` each send ``batches`` batches of messages.get, every batch
    reserved from one shared pacer bucket and arriving ``uniform(0, max_delay)`` s after its wait."""
    rnd = random.Random(seed)
    cost = gmail_cost("gmail.users.messages.get")
    pacer = _Bucket(rate, rate, burst, burst, 0.0)
    google = Bucket(GMAIL_UNITS_PER_SECOND, GMAIL_UNITS_PER_SECOND, GMAIL_UNITS_PER_SECOND, 0.0)
    events = [(rnd.uniform(0, 0.01), w, "reserve", batches) for w in range(workers)]
    heapq.heapify(events)
    refused = 0
    while events:
        t, w, kind, left = heapq.heappop(events)
        if kind == "reserve":
            wait = pacer.reserve(BATCH * cost, t)
            heapq.heappush(events, (t + wait + rnd.uniform(0, max_delay), w, "arrive", left))
        else:
            refused += sum(1 for _ in range(BATCH) if google.take(cost, t))
            if left > 1:
                heapq.heappush(events, (t + 0.02, w, "reserve", left - 1))  # the answer, then the next batch
    return refused


def test_half_a_second_late_arrivals_draw_no_429():
    rate, burst = LIMITS["gmail"]
    assert sum(_simulate(rate, burst, 0.5, seed) for seed in range(20)) == 0


def test_control_a_whole_second_of_burst_draws_429s_under_the_same_delays():
    rate, _ = LIMITS["gmail"]
    assert sum(_simulate(rate, GMAIL_UNITS_PER_SECOND, 0.5, seed) for seed in range(20)) > 0


def test_a_call_larger_than_the_burst_waits_for_all_its_units():
    rate, burst = LIMITS["gmail"]
    b = _Bucket(rate, rate, burst, burst, 0.0)
    assert b.reserve(burst * 2, 0.0) == burst / rate  # waits for the part beyond the burst, not clamped to it


def test_one_push_back_per_answer_and_recovery_per_call():
    p = Pacer()
    p.acquire("u@example.test", "gmail", 5)
    nominal = LIMITS["gmail"][0]
    p.pushed_back("u@example.test", "gmail")
    bucket = p._buckets[("u@example.test", "gmail")]
    assert bucket.rate == nominal / 2
    p.succeeded("u@example.test", "gmail", 10)  # a batch of 10 answered: ten calls' worth of recovery
    assert bucket.rate == min(nominal, nominal / 2 * RECOVERY ** 10)
    p.succeeded("u@example.test", "gmail", BATCH)
    assert bucket.rate == nominal
