"""In a real browser: the DPO opens a rectification case in the card preview, reviews the plan's SHA-256,
ticks the box naming it and approves it; the case's history records that very hash."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from addon.cases.identity import Identity
from addon.cli.case_cmd import open_case
from addon.rights.rectify import load_plan, plan_rectification
from addon.search.service import run_search
from sandbox.server import SandboxServer
from tests.web.conftest import DPO, STAFF

from .conftest import screenshot

pytestmark = pytest.mark.browser
WRONG, RIGHT = "ZQ9 4XW", "ZQ9 4XY"


@pytest.fixture(scope="module")
def sandbox_server(demo_fixture):
    """A sandbox of this module's own: the planted sheet must not reach the other browser tests' searches."""
    server = SandboxServer(demo_fixture, port=0, quota=True).start()
    yield server
    server.stop()


def _plant(addon) -> None:
    """A sheet holding Jane's wrong postcode, written as a member of staff would."""
    from google.oauth2.credentials import Credentials
    from googleapiclient.discovery import build_from_document

    from addon.clients import discovery_document
    from scopes.model import SPREADSHEETS
    from tests.conftest import mint_token

    creds = Credentials(token=mint_token(addon.sandbox, STAFF, [SPREADSHEETS]))
    sheets = build_from_document(discovery_document("sheets", addon.sandbox.url), credentials=creds).spreadsheets()
    book = sheets.create(body={"properties": {"title": "Address check"}}).execute()
    sheets.values().update(spreadsheetId=book["spreadsheetId"], range="A1", valueInputOption="RAW", body={"values": [
        ["Name", "Email", "Postcode"], ["Jane Doe", "jane.doe@example.com", WRONG]]}).execute()


def test_rectification_plan_approved_from_the_preview(page, addon):
    _plant(addon)
    services, today = addon.services, dt.date.today()
    case = open_case(services, "rectification", ["Jane Doe"], ["jane.doe@example.com"], ["+447700900123"], [], today,
                     STAFF, details={"corrections": [{"field": "postcode", "wrong": WRONG, "correct": RIGHT}]})
    Identity(services.store).waive(services.store.get(case.ref), STAFF, "known customer", today)
    run_search(services, case.ref, STAFF)
    sha = plan_rectification(services, case.ref, STAFF)["sha256"]

    page.goto(addon.url + "/preview")
    page.locator(f"#user option[value='{DPO}']").wait_for(state="attached")
    page.select_option("#user", DPO)
    page.click("#open")
    card = page.locator("#card")
    card.locator(".card-title").filter(has_text="Data-subject requests").wait_for()
    card.get_by_text(case.ref, exact=False).first.click()
    card.locator(".card-title").filter(has_text=case.ref).wait_for()
    assert sha in card.inner_text()  # the whole SHA-256 the DPO approves
    card.get_by_role("button", name="Approve this plan", exact=True).click()  # not ticked: refused
    card.get_by_text("Tick the box", exact=False).wait_for()
    assert services.store.get(case.ref).status == "rectification_planned"
    card.get_by_label(re.compile(f"I reviewed plan sha256:{sha[:12]}")).check()
    card.get_by_role("button", name="Approve this plan", exact=True).click()
    card.get_by_text(f"This plan is approved by {DPO}", exact=False).wait_for()
    assert "✓ valid against Google's card schema" in page.locator("#validity").inner_text()
    moved = services.store.get(case.ref)
    assert moved.status == "plan_approved" and moved.history[-1]["reason"] == f"plan sha256:{sha}"
    assert moved.history[-1]["actor"] == DPO and load_plan(services.store, case.ref)[1] == sha
    screenshot(page, "preview-rectification-approved")
