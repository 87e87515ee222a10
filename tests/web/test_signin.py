"""Staff web sign-in (OAuth web flow, state + PKCE) driven by a requests + BeautifulSoup "browser" through
the sandbox's real consent page, and the background search it makes possible in user mode."""
from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from bs4 import BeautifulSoup

from addon.auth.tokenstore import TokenStore
from addon.cli.case_cmd import open_case
from addon.services import Services
from addon.web.app import create_app
from addon.web.cards.responses import cards_in
from addon.web.searches import staff_key
from scopes import registry

from .conftest import STAFF, Addon, LiveServer, settings_for, wait_for


def sign_in(addon, browser: requests.Session, login: str = STAFF, untick: tuple[str, ...] = (),
            start: str = "/auth/start", **params) -> requests.Response:
    """Follow the flow as a browser would: start, consent page, Allow, back to the callback."""
    resp = browser.get(addon.url + start, params=params, allow_redirects=False, timeout=10)
    assert resp.status_code == 302, resp.text
    auth_url = resp.headers["Location"]
    page = browser.get(auth_url, timeout=10)
    assert page.status_code == 200, page.text
    form = BeautifulSoup(page.text, "html.parser").find("form")
    data = [("request_id", form.find("input", {"name": "request_id"})["value"]), ("login", login), ("action", "allow")]
    data += [("scope", box["value"]) for box in form.find_all("input", {"name": "scope"}) if box["value"] not in untick]
    back = browser.post(urljoin(auth_url, form["action"]), data=data, allow_redirects=False, timeout=10)
    assert back.status_code == 302
    return browser.get(back.headers["Location"], allow_redirects=True, timeout=30)


def test_authorization_request_has_state_pkce_and_allowed_redirect(addon):
    resp = requests.get(addon.url + "/auth/start", params={"login_hint": STAFF}, allow_redirects=False, timeout=10)
    q = parse_qs(urlsplit(resp.headers["Location"]).query)
    assert resp.headers["Location"].startswith(addon.sandbox.url + "/o/oauth2/auth?")
    assert q["redirect_uri"] == [addon.url + "/auth/callback"]
    assert q["code_challenge_method"] == ["S256"] and len(q["code_challenge"][0]) == 43
    assert q["access_type"] == ["offline"] and q["prompt"] == ["consent"] and q["state"][0]
    assert set(registry.scopes_for_step("search")) <= set(q["scope"][0].split())
    assert "https://www.googleapis.com/auth/gmail.modify" not in q["scope"][0]  # read scopes only


def test_sign_in_stores_an_encrypted_offline_grant(addon):
    browser = requests.Session()
    done = sign_in(addon, browser, login_hint=STAFF)
    assert done.status_code == 200 and f"Signed in as {STAFF}" in done.text
    record = TokenStore(addon.services.settings).get(staff_key(STAFF))
    assert record["email"] == STAFF and record["refresh_token"]
    assert set(registry.scopes_for_step("search")) <= set(record["scopes"])
    raw = (addon.services.settings.home / "secrets.json").read_text()
    assert record["refresh_token"] not in raw  # encrypted at rest
    exchanges = [r for r in addon.services.trail.records() if r["api_method"] == "oauth2.token"]
    assert exchanges and exchanges[-1]["outcome"] == "ok"


def test_auditor_sign_in_asks_for_identity_only(addon):
    resp = requests.get(addon.url + "/auth/start", params={"for": "audit", "next": "/audit"},
                        allow_redirects=False, timeout=10)
    scopes = parse_qs(urlsplit(resp.headers["Location"]).query)["scope"][0].split()
    assert set(scopes) == {"openid", "https://www.googleapis.com/auth/userinfo.email"}


def test_state_must_match_the_browser_and_is_single_use(addon):
    browser = requests.Session()
    resp = browser.get(addon.url + "/auth/start", allow_redirects=False, timeout=10)
    page = browser.get(resp.headers["Location"], timeout=10)
    form = BeautifulSoup(page.text, "html.parser").find("form")
    back = browser.post(urljoin(resp.headers["Location"], form["action"]), allow_redirects=False, timeout=10,
                        data={"request_id": form.find("input", {"name": "request_id"})["value"], "login": STAFF,
                              "action": "allow"})
    callback = back.headers["Location"]
    stranger = requests.get(callback, timeout=10)  # another browser (no session cookie) cannot finish it
    assert stranger.status_code == 400 and "not started in this browser" in stranger.text
    forged = browser.get(callback.replace("state=", "state=x"), timeout=10)
    assert forged.status_code == 400
    assert TokenStore(addon.services.settings).get(staff_key(STAFF)) is None


def test_cancel_stores_nothing(addon):
    browser = requests.Session()
    resp = browser.get(addon.url + "/auth/start", allow_redirects=False, timeout=10)
    page = browser.get(resp.headers["Location"], timeout=10)
    form = BeautifulSoup(page.text, "html.parser").find("form")
    back = browser.post(urljoin(resp.headers["Location"], form["action"]), allow_redirects=True, timeout=10,
                        data={"request_id": form.find("input", {"name": "request_id"})["value"], "login": STAFF,
                              "action": "deny"})
    assert back.status_code == 400 and "access_denied" in back.text


def test_redirect_uri_must_be_allow_listed(addon, monkeypatch, tmp_path):
    monkeypatch.setenv("DSAR_WEB_REDIRECT_URIS", "https://dsar.example.org/auth/callback")
    resp = requests.get(addon.url + "/auth/start", allow_redirects=False, timeout=10)
    assert resp.status_code == 500 and "not an allowed redirect URI" in resp.text
    monkeypatch.setenv("DSAR_WEB_REDIRECT_URIS", addon.url + "/auth/callback")
    assert requests.get(addon.url + "/auth/start", allow_redirects=False, timeout=10).status_code == 302


def test_next_cannot_leave_the_site(addon):
    done = sign_in(addon, requests.Session(), next="//evil.example/")
    assert urlsplit(done.url).path == "/auth/done"


@pytest.fixture
def user_mode(sandbox_server, tmp_path, monkeypatch):
    """The add-on in user mode: searches run on each staff member's own web sign-in grant."""
    monkeypatch.setenv("DSAR_SECRET_KEY", "Q1JHbnN0dXZ3eHl6QUJDREVGR0hJSktMTU5PUFFSU1Q=")
    services = Services(settings_for(tmp_path / "home", sandbox_server, search_mode="user"))
    live = LiveServer(create_app(services))
    yield Addon(live, sandbox_server, services)
    live.app.extensions["dsar"].runner.shutdown(wait=True)
    live.stop()


def test_user_mode_search_needs_then_uses_the_web_grant(user_mode):
    addon = user_mode
    case = open_case(addon.services, "access", ["Jane Doe"], ["jane.doe@example.com"], [], [], dt.date.today(), STAFF)
    first = cards_in(addon.post("/addon/search/start", params={"ref": case.ref}).json())[0]
    assert first["name"] == "sign_in"
    link = first["sections"][0]["widgets"][1]["buttonList"]["buttons"][0]["onClick"]["openLink"]
    assert link["url"].startswith(addon.url + "/auth/start?login_hint=") and link["onClose"] == "RELOAD"
    assert sign_in(addon, requests.Session(), login_hint=STAFF).status_code == 200
    card = cards_in(addon.post("/addon/search/start", params={"ref": case.ref}).json())[0]
    assert card["name"] == "job"
    job_id = addon.web.runner.latest("addon-search", case.ref)["id"]
    job = wait_for(lambda: (s := addon.web.runner.status(job_id))["status"] in ("done", "failed") and s, timeout=90)
    assert job["status"] == "done", job.get("error")
    calls = [r for r in addon.services.trail.records(case=case.ref) if r["api_method"].startswith(("gmail.", "drive."))]
    principals = {r["detail"].rsplit("principal=", 1)[-1] for r in calls}
    assert calls and principals == {STAFF}  # only the signed-in staff member's own mailbox and Drive
    assert all(r["actor"] == STAFF for r in calls)


CAL_READ = "https://www.googleapis.com/auth/calendar.events.owned.readonly"
CONTACTS_READ = "https://www.googleapis.com/auth/contacts.readonly"
CHAT_READ = "https://www.googleapis.com/auth/chat.messages.readonly"


def _asked(addon) -> set[str]:
    resp = requests.get(addon.url + "/auth/start", params={"login_hint": STAFF}, allow_redirects=False, timeout=10)
    return set(parse_qs(urlsplit(resp.headers["Location"]).query)["scope"][0].split())


def test_sign_in_asks_for_an_optional_source_only_when_the_organisation_enables_it(addon, monkeypatch):
    monkeypatch.delenv("DSAR_SOURCES", raising=False)
    assert not _asked(addon) & {CAL_READ, CONTACTS_READ, CHAT_READ}
    monkeypatch.setenv("DSAR_SOURCES", "calendar,contacts")
    asked = _asked(addon)
    assert set(registry.scopes_for_step("search", sources=("calendar", "contacts"))) <= asked
    assert {CAL_READ, CONTACTS_READ} <= asked and CHAT_READ not in asked  # Chat stays off


def test_user_mode_search_asks_for_an_enabled_sources_scope_not_granted(user_mode, monkeypatch):
    addon = user_mode
    monkeypatch.delenv("DSAR_SOURCES", raising=False)
    assert sign_in(addon, requests.Session(), login_hint=STAFF).status_code == 200  # before Calendar was on
    monkeypatch.setenv("DSAR_SOURCES", "calendar")
    case = open_case(addon.services, "access", ["Jane Doe"], ["jane.doe@example.com"], [], [], dt.date.today(), STAFF)
    body = addon.post("/addon/search/start", params={"ref": case.ref}).json()
    card = cards_in(body)[0]
    assert card["name"] == "sign_in" and "calendar.events.owned.readonly" in str(card)
    assert sign_in(addon, requests.Session(), login_hint=STAFF).status_code == 200  # incremental: now asked for it
    assert CAL_READ in TokenStore(addon.services.settings).get(staff_key(STAFF))["scopes"]
    assert cards_in(addon.post("/addon/search/start", params={"ref": case.ref}).json())[0]["name"] == "job"
    job_id = addon.web.runner.latest("addon-search", case.ref)["id"]
    job = wait_for(lambda: (s := addon.web.runner.status(job_id))["status"] in ("done", "failed") and s, timeout=90)
    assert job["status"] == "done", job.get("error")
    cal = [r for r in addon.services.trail.records(case=case.ref) if r["api_method"].startswith("calendar.")]
    assert cal and {r["detail"].rsplit("principal=", 1)[-1] for r in cal} == {STAFF}
