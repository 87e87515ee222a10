"""The reconciliation panel in real Chromium: the auditor runs it from the audit view and sees a clean
result, then, after a foreign call with the product's client id, the alarm row with user, method and hour."""
from __future__ import annotations

import datetime as dt
import time

import pytest
import requests

from tests.web.conftest import AUDITOR, STAFF
from tests.web.private_sandbox import sandbox_server  # noqa: F401 - this test's own sandbox

from .conftest import screenshot

pytestmark = pytest.mark.browser


def test_auditor_runs_reconciliation_and_sees_the_foreign_call(chromium, addon):
    since = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert addon.post("/addon/homepage").status_code == 200
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    sa = requests.get(addon.sandbox.url + "/_sandbox/service-account.json", timeout=10).json()["client_id"]
    try:
        page.goto(addon.url + "/audit")
        page.fill("input[name=email]", AUDITOR)
        page.get_by_role("button", name="View the audit trail").click()
        page.locator("#reconcile").wait_for()
        page.fill("#reconcile input[name=since]", since)
        page.locator("#reconcile-run").click()
        badge = page.locator("#reconcile-verdict")
        badge.wait_for()
        assert badge.get_attribute("data-unexplained") == "0" and "0 unexplained" in badge.inner_text()
        assert page.locator("#reconcile-alarms").count() == 0

        at = time.time()  # the hour it is reported under, even on the turn of one
        requests.post(addon.sandbox.url + "/_sandbox/reports/foreign", timeout=10, json={
            "user": STAFF, "method": "drive.files.list", "client_id": sa, "time": at})
        page.fill("#reconcile input[name=since]", since)
        page.locator("#reconcile-run").click()
        page.locator("#reconcile-alarms").wait_for()
        assert page.locator("#reconcile-verdict").get_attribute("data-unexplained") == "1"
        cells = page.locator("#reconcile-alarms tbody tr td").all_inner_texts()
        hour = dt.datetime.fromtimestamp(at, dt.timezone.utc).strftime("%Y-%m-%dT%H:00Z")
        assert cells == [hour, STAFF, "drive.files.list", "1"]
        assert page.locator("#reconcile-runs li").count() == 2
        screenshot(page.locator("#reconcile").page, "auditor-reconcile")
    finally:
        requests.delete(addon.sandbox.url + "/_sandbox/reports/foreign", timeout=10)
        context.close()
