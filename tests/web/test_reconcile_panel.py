"""The auditor view's reconciliation panel: a run from the page (as the auditor) shows 0 unexplained
differences for the add-on's own traffic, then names a foreign call made with the product's client id
(user, method, hour); both runs are on the trail; staff cannot run it."""
from __future__ import annotations

import datetime as dt
import html
import time

import pytest
import requests

from .conftest import AUDITOR, STAFF
from .private_sandbox import sandbox_server  # noqa: F401 - this test's own sandbox


def _as(addon, email: str) -> requests.Session:
    s = requests.Session()
    assert s.post(addon.url + "/audit/as", data={"email": email}, allow_redirects=False, timeout=10).status_code == 303
    return s


def _since() -> str:
    return (dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_panel_runs_reconciliation_and_shows_the_alarm(addon):
    since = _since()
    for _ in range(2):
        assert addon.post("/addon/homepage").status_code == 200  # certificate fetches: calls on the trail
    auditor = _as(addon, AUDITOR)
    page = auditor.get(addon.url + "/audit", timeout=10)
    assert 'id="reconcile"' in page.text and "No reconciliation run from this page yet." in page.text
    ran = auditor.post(addon.url + "/audit/reconcile", data={"since": since}, timeout=60)
    assert ran.status_code == 200 and ran.url.endswith("/audit#reconcile")
    text = html.unescape(ran.text)
    assert 'id="reconcile-verdict" data-unexplained="0"' in text and "0 unexplained" in text
    assert "Enterprise" in text

    sa = requests.get(addon.sandbox.url + "/_sandbox/service-account.json", timeout=10).json()["client_id"]
    victim = STAFF
    try:
        at = time.time()  # the hour it is reported under, even on the turn of one
        requests.post(addon.sandbox.url + "/_sandbox/reports/foreign", timeout=10, json={
            "user": victim, "method": "gmail.users.messages.get", "client_id": sa, "time": at})
        ran = auditor.post(addon.url + "/audit/reconcile", data={"since": since}, timeout=60)
    finally:
        requests.delete(addon.sandbox.url + "/_sandbox/reports/foreign", timeout=10)
    text = html.unescape(ran.text)
    assert 'data-unexplained="1"' in text and 'id="reconcile-alarms"' in text
    hour = dt.datetime.fromtimestamp(at, dt.timezone.utc).strftime("%Y-%m-%dT%H:00Z")
    row = text.split('id="reconcile-alarms"', 1)[1].split("</table>", 1)[0]
    assert victim in row and "gmail.users.messages.get" in row and hour in row
    runs = [r for r in addon.services.trail.records() if r["outcome"] == "reconcile"]
    assert [r["actor"] for r in runs] == [AUDITOR, AUDITOR] and runs[-1]["item_count"] == 1
    assert text.count("<li><span class=\"muted\">seq ") >= 2  # the recorded runs are listed

    refused = _as(addon, STAFF).post(addon.url + "/audit/reconcile", data={}, timeout=10, allow_redirects=False)
    assert refused.status_code == 403
