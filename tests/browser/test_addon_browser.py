"""End to end in a real browser: the sandbox's OAuth consent page clicked through to the add-on's loopback
callback, the card preview from a new request to its search results, and the auditor view's badge."""
from __future__ import annotations

import datetime as dt
import re
import time

import pytest

from addon.auth.tokenstore import TokenStore
from addon.cli.case_cmd import open_case
from addon.search.service import run_search
from addon.web.searches import staff_key
from tests.web.conftest import AUDITOR, DPO, STAFF

from .conftest import screenshot

pytestmark = pytest.mark.browser


def test_consent_page_clicked_through_to_the_callback(page, addon):
    page.goto(addon.url + f"/auth/start?login_hint={STAFF}")
    assert page.url.startswith(addon.sandbox.url + "/o/oauth2/auth?")
    page.get_by_role("heading").filter(has_text="wants access to your Google Account").wait_for()
    assert page.locator("#login").input_value() == STAFF
    screenshot(page, "consent")
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url(addon.url + "/auth/done")
    assert page.locator("#message").inner_text().startswith(f"Signed in as {STAFF}")
    assert TokenStore(addon.services.settings).get(staff_key(STAFF))["refresh_token"]


def _card(page):
    return page.locator("#card")


def _click(page, label: str) -> None:
    _card(page).get_by_role("button", name=label, exact=True).click()


def _wait_title(page, pattern: str) -> None:
    page.locator("#card .card-title").filter(has_text=re.compile(pattern)).wait_for()


def test_preview_new_request_search_and_results(page, addon):
    t0 = time.perf_counter()
    page.goto(addon.url + "/preview")
    page.locator(f"#user option[value='{STAFF}']").wait_for(state="attached")
    page.select_option("#user", STAFF)
    page.click("#open")
    _wait_title(page, "Data-subject requests")
    _click(page, "New request")
    _wait_title(page, "New data-subject request")
    _card(page).locator("[data-input=name]").fill("Jane Doe")
    _card(page).locator("[data-input=emails]").fill("jane.doe@example")  # a typo first
    _click(page, "Open case")
    _card(page).get_by_text("jane.doe@example", exact=False).last.wait_for()
    assert "valid" in page.locator("#validity").inner_text()
    assert _card(page).locator("font[color]").count() >= 2  # the form error and the field's own message
    _card(page).locator("[data-input=emails]").fill("jane.doe@example.com")
    _card(page).locator("[data-input=phones]").fill("07700 900123")
    _click(page, "Open case")
    _wait_title(page, r"DSAR-\d{4}-\d{4}")
    ref = _card(page).locator(".card-title").inner_text()
    _click(page, "Search now")
    _wait_title(page, f"Search of {ref}")
    deadline = time.monotonic() + 90
    while "Finished" not in _card(page).inner_text():
        assert "Stopped with an error" not in _card(page).inner_text(), _card(page).inner_text()
        assert time.monotonic() < deadline, "the search did not finish in 90 s"
        page.wait_for_timeout(700)
        _click(page, "Refresh")
        page.wait_for_function("!document.querySelector('#card').classList.contains('loading')")
    _click(page, "Results")
    _wait_title(page, f"Results for {ref}")
    text = _card(page).inner_text()
    found = int(re.search(r"(\d+) items", text).group(1))
    assert found == len(addon.services.store.results(ref)) > 0
    assert re.search(r"(name|email|phone|identifier) in (header|body|attachment|file|cell)", text), text  # why each matched
    assert "✓ valid against Google's card schema" in page.locator("#validity").inner_text()
    screenshot(page, "preview-results", "preview.png")
    print(f"\npreview flow: {found} items in {time.perf_counter() - t0:.1f}s")


def test_preview_granular_consent_then_gmail_sender(page, addon):
    page.goto(addon.url + "/preview")
    page.locator(f"#user option[value='{STAFF}']").wait_for(state="attached")
    page.select_option("#user", STAFF)
    page.check("input[name=host][value=gmail]")
    # a listed message, not the placeholder the page starts with (waiting for "an option" raced the listing)
    page.locator("#message option[value^='{']").first.wait_for(state="attached")
    page.uncheck("input[name=scope][value$='gmail.addons.current.message.readonly']")
    page.click("#open")
    page.locator("#consent").wait_for()  # the add-on answered requesting_google_scopes
    assert "gmail.addons.current.message.readonly" in page.locator("#consent-scopes").inner_text()
    page.click("#consent-allow")  # granted: the preview re-runs the trigger, as Google does
    _wait_title(page, "Search this sender as a data subject")
    assert "@" in _card(page).locator(".dt-text").first.inner_text()
    screenshot(page, "preview-gmail-sender")


def test_auditor_view_shows_a_verified_trail(page, addon):
    case = open_case(addon.services, "access", ["Jane Doe"], ["jane.doe@example.com"], ["+447700900123"], [],
                     dt.date.today(), DPO)
    run_search(addon.services, case.ref, DPO)  # a real search, so the trail holds Gmail, Drive and Sheets calls
    for _ in range(2):
        assert addon.post("/addon/homepage").status_code == 200
    addon.post("/addon/homepage", auth="Bearer forged.token.here")
    addon.services.trail.checkpoint()
    page.goto(addon.url + "/audit")
    page.fill("input[name=email]", AUDITOR)
    page.get_by_role("button", name="View the audit trail").click()
    badge = page.locator("#verdict")
    badge.wait_for()
    assert badge.get_attribute("data-ok") == "true" and "Verified" in badge.inner_text()
    assert page.locator("#chart-apis svg rect").count() >= 2
    page.select_option("select[name=outcome]", "refused")
    page.get_by_role("button", name="Filter").click()
    page.locator("#timeline tbody tr").first.wait_for()
    assert page.locator("#timeline tbody tr").count() == 1
    page.goto(addon.url + f"/audit?case={case.ref}")
    assert page.locator("#summaries tbody tr").count() == 1
    more = page.locator("#summaries td:nth-child(3) details summary")
    if more.count():  # beyond the first three methods, one click away (cells stay a few lines high)
        more.first.click()
    assert "gmail.users.messages.list" in page.locator("#summaries").inner_text()
    screenshot(page, "auditor")  # the README's picture: test_auditor_layout.py
