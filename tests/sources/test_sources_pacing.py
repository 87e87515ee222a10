"""Calendar, People and Forms paced by the seam against Google's published per-user and per-project quotas
(scopes/quotas.py), and the sandbox's per-project overrides applying to the new buckets so a bench can scale
them down (the product reads the same figures from DSAR_PROJECT_QUOTA_<BUCKET>)."""
from __future__ import annotations

import time

import pytest
import requests
from googleapiclient.errors import HttpError

from addon.search.service import run_search
from audit.pacer import LIMITS, Pacer
from scopes.quotas import CALENDAR_PER_MINUTE_USER, FORMS_LIMITS, PEOPLE_CRITICAL_READS_PER_MINUTE_USER

from .conftest import AGENT, LEAD


def test_new_buckets_are_paced_at_the_published_figures():
    assert LIMITS["calendar"][0] == pytest.approx(CALENDAR_PER_MINUTE_USER / 60 * 0.9)
    assert LIMITS["people_read"][0] == pytest.approx(PEOPLE_CRITICAL_READS_PER_MINUTE_USER / 60 * 0.9)
    assert LIMITS["forms_expensive_read"][0] == pytest.approx(FORMS_LIMITS["forms_expensive_read"][0] / 60 * 0.9)
    p = Pacer()
    assert p.project["forms_expensive_read"][0] == pytest.approx(FORMS_LIMITS["forms_expensive_read"][1] / 60 * 0.9)
    burst = int(LIMITS["people_read"][1])  # 5 s of the per-user rate
    assert sum(p.acquire(AGENT, "people_read", 1) for _ in range(burst)) == 0.0
    assert p.acquire(AGENT, "people_read", 1) > 0.2  # the next read waits for the bucket (1.35 reads/s)
    assert p.acquire(LEAD, "people_read", 1) == 0.0  # per user: another user's budget is untouched
    assert p.backlog(LEAD, "calendar") == 0.0


def test_project_bucket_is_shared_by_users():
    p = Pacer(project={"forms_read": (2.0, 2.0)})  # 2 a second for the whole project
    assert p.acquire(AGENT, "forms_read", 1) == 0.0 and p.acquire(LEAD, "forms_read", 1) == 0.0
    assert p.acquire(AGENT, "forms_read", 1) > 0.3  # the project's bucket binds, not the user's (390/min)


def test_sandbox_project_override_scales_the_new_buckets(company):
    url = company.server.url + "/_sandbox/quota"
    snap = requests.put(url, json={"enabled": True, "project": {"calendar": 3, "forms_read": 2}}, timeout=5).json()
    assert snap["project_per_minute"]["calendar"] == 3 and snap["project_per_minute"]["forms_read"] == 2
    cal = company.api("calendar", AGENT, ["https://www.googleapis.com/auth/calendar.calendarlist.readonly"])
    for _ in range(3):
        cal.calendarList().list().execute()
    with pytest.raises(HttpError) as e:
        cal.calendarList().list().execute()
    assert e.value.resp.status == 403 and b"rateLimitExceeded" in e.value.content  # Calendar's usageLimits
    snap = requests.put(url, json={"enabled": True, "project": {}}, timeout=5).json()
    assert snap["project_per_minute"]["calendar"] == 10_000  # Google's again


def test_search_paced_under_a_scaled_down_project_quota_meets_no_429(company, monkeypatch):
    per_min = 40  # the sandbox holds a minute's burst; the pacer allows 5 s at 90%, so it waits
    requests.put(company.server.url + "/_sandbox/quota", json={"enabled": True, "project": {"calendar": per_min}},
                 timeout=5)
    monkeypatch.setenv("DSAR_PROJECT_QUOTA_CALENDAR", str(per_min))  # the organisation's (small) project
    services = company.services()
    assert services.pacer.project["calendar"][0] == pytest.approx(per_min / 60 * 0.9)
    ref = company.open_case(services, "access")
    t0 = time.monotonic()
    items = run_search(services, ref, AGENT, accounts=[AGENT, LEAD])
    calls = [r for r in services.trail.records() if r["api_method"].startswith("calendar.")]
    assert any(i["source"] == "calendar" for i in items)
    burst = per_min / 60 * 5
    assert len(calls) > burst, "the search must make more calendar calls than the pacer's burst"
    assert services.pacer.waited > 0 and time.monotonic() - t0 >= (len(calls) - burst) / (per_min / 60 * 0.9) * 0.8
    snap = requests.get(company.server.url + "/_sandbox/quota", timeout=5).json()
    assert sum(snap["rejections"].values()) == 0 and all(r["outcome"] == "ok" for r in calls)
