"""The authorization-code flow over real HTTP: google-auth-oauthlib's flows against the sandbox's consent
page (driven by a requests+BeautifulSoup "browser"), token endpoint, refresh, revoke and ID tokens."""
from __future__ import annotations

import json
import logging
import re
import threading
import time
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pytest
import requests
from bs4 import BeautifulSoup
from google.auth.exceptions import RefreshError
from google.auth.transport.requests import Request
from google.oauth2 import id_token as google_id_token
from google.oauth2.credentials import Credentials
from google_auth_oauthlib.flow import InstalledAppFlow
from googleapiclient.discovery import build_from_document
from googleapiclient.discovery_cache import get_static_doc
from googleapiclient.errors import HttpError

from sandbox.oauth.grants import oauth_state, pkce_ok
from sandbox.state import User, Workspace

DIRECTORY_RO = "https://www.googleapis.com/auth/admin.directory.user.readonly"
GMAIL_RO = "https://www.googleapis.com/auth/gmail.readonly"
DRIVE_RO = "https://www.googleapis.com/auth/drive.readonly"
EMAIL = "https://www.googleapis.com/auth/userinfo.email"
ALICE, BOB = "alice@acme.test", "bob@acme.test"


def make_workspace() -> Workspace:
    ws = Workspace(domain="acme.test")
    ws.users[ALICE] = User(ALICE, "Alice Archer", admin=True)
    ws.users[BOB] = User(BOB, "Bob Baker")
    return ws


@pytest.fixture
def server(sandbox_factory, monkeypatch):
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the sandbox's token URI is plain http
    return sandbox_factory(workspace=make_workspace())


def client_config(server, client_id: str = "cli-client", secret: str = "cli-secret") -> dict:
    return {"installed": {
        "client_id": client_id, "client_secret": secret, "auth_uri": server.url + "/o/oauth2/auth",
        "token_uri": server.url + "/token", "redirect_uris": ["http://localhost"],
    }}


def new_flow(server, scopes: list[str], redirect: str = "http://localhost:8765/") -> InstalledAppFlow:
    flow = InstalledAppFlow.from_client_config(client_config(server), scopes=scopes)
    flow.redirect_uri = redirect
    return flow


def directory(server, creds):
    doc = json.loads(get_static_doc("admin", "directory_v1"))
    doc["rootUrl"] = server.url + "/"
    doc.pop("mtlsRootUrl", None)
    return build_from_document(doc, credentials=creds)


class Browser:
    """Does what a person in a browser does: open the auth URL, choose the account, untick scopes, press a
    button; stops at the redirect back to the app (or follows it, for the loopback server)."""

    def __init__(self) -> None:
        self.session = requests.Session()

    def open(self, auth_url: str) -> tuple[requests.Response, BeautifulSoup]:
        page = self.session.get(auth_url)
        return page, BeautifulSoup(page.text, "html.parser")

    def consent(self, auth_url: str, *, login: str | None = None, untick: tuple[str, ...] = (),
                action: str = "allow", follow: bool = False) -> requests.Response:
        page, soup = self.open(auth_url)
        assert page.status_code == 200, page.text
        form = soup.find("form")
        data: list[tuple[str, str]] = []
        for inp in form.find_all("input"):
            if inp["type"] == "hidden":
                data.append((inp["name"], inp["value"]))
            elif inp["type"] == "checkbox" and inp.has_attr("checked") and inp["value"] not in untick:
                data.append((inp["name"], inp["value"]))
        select = form.find("select")
        options = [o["value"] for o in select.find_all("option")]
        chosen = login or next((o["value"] for o in select.find_all("option") if o.has_attr("selected")), options[0])
        assert chosen in options
        data.append((select["name"], chosen))
        button = form.find("button", attrs={"value": action})
        data.append((button["name"], button["value"]))
        return self.session.post(urljoin(page.url, form["action"]), data=data, allow_redirects=follow)


def redirect_params(resp: requests.Response) -> dict[str, str]:
    assert resp.status_code == 302, resp.text
    return {k: v[0] for k, v in parse_qs(urlsplit(resp.headers["Location"]).query).items()}


def authorize(server, scopes, *, login=ALICE, untick=(), **auth_kw):
    flow = new_flow(server, scopes)
    url, state = flow.authorization_url(access_type="offline", login_hint=login, **auth_kw)
    params = redirect_params(Browser().consent(url, untick=untick))
    assert params["state"] == state
    flow.fetch_token(code=params["code"])
    return flow


def list_users_raw(server, token: str) -> requests.Response:
    """A bare API call with a bearer token (googleapiclient would try to refresh on 401 instead)."""
    return requests.get(server.url + "/admin/directory/v1/users", params={"customer": "my_customer"},
                        headers={"Authorization": "Bearer " + token})


def tokeninfo(server, token: str) -> requests.Response:
    return requests.get(server.url + "/tokeninfo", params={"access_token": token})


def test_installed_app_flow_code_exchange_refresh_and_api_call(server):
    scopes = ["openid", EMAIL, DIRECTORY_RO]
    creds = authorize(server, scopes).credentials
    assert creds.token.startswith("ya29.") and creds.refresh_token.startswith("1//")
    assert set(creds.granted_scopes) == set(scopes)

    info = tokeninfo(server, creds.token).json()
    assert info["email"] == ALICE and info["aud"] == "cli-client" and info["access_type"] == "offline"
    assert set(info["scope"].split()) == set(scopes) and 3500 < int(info["expires_in"]) <= 3599

    claims = google_id_token.verify_token(creds.id_token, Request(), audience="cli-client",
                                          certs_url=server.url + "/oauth2/v1/certs")
    assert claims["iss"] == "https://accounts.google.com" and claims["email"] == ALICE
    assert claims["email_verified"] is True and claims["hd"] == "acme.test"

    first = creds.token
    creds.refresh(Request())
    assert creds.token != first and creds.refresh_token.startswith("1//")
    users = directory(server, creds).users().list(customer="my_customer").execute()["users"]
    assert [u["primaryEmail"] for u in users] == [ALICE, BOB]


def test_pkce_verifier_is_checked_and_code_is_single_use(server):
    flow = new_flow(server, [GMAIL_RO])
    url, _ = flow.authorization_url()
    code = redirect_params(Browser().consent(url))["code"]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": flow.redirect_uri,
            "client_id": "cli-client", "client_secret": "cli-secret"}
    wrong = requests.post(server.url + "/token", data={**form, "code_verifier": "x" * 50})
    assert wrong.status_code == 400
    assert wrong.json() == {"error": "invalid_grant", "error_description": "Invalid code verifier."}
    missing = requests.post(server.url + "/token", data=form)
    assert missing.json()["error"] == "invalid_grant"
    other_redirect = requests.post(server.url + "/token", data={
        **form, "redirect_uri": "http://localhost:1/", "code_verifier": flow.code_verifier})
    assert other_redirect.json()["error"] == "redirect_uri_mismatch"

    flow.fetch_token(code=code)  # the right verifier still works: failed attempts do not burn the code
    assert flow.credentials.token.startswith("ya29.")
    again = requests.post(server.url + "/token", data={**form, "code_verifier": flow.code_verifier})
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_plain_pkce_and_authorization_code_expires(server):
    verifier = "v" * 43
    url = server.url + "/o/oauth2/auth?" + urlencode({
        "client_id": "raw", "redirect_uri": "http://127.0.0.1:9/cb", "response_type": "code", "scope": GMAIL_RO,
        "code_challenge": verifier, "code_challenge_method": "plain", "state": "st"})
    code = redirect_params(Browser().consent(url))["code"]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": "http://127.0.0.1:9/cb",
            "client_id": "raw", "code_verifier": verifier}
    ok = requests.post(server.url + "/token", data=form)
    assert ok.status_code == 200 and "refresh_token" not in ok.json()  # access_type defaults to online
    assert "id_token" not in ok.json()  # no openid/email scope asked

    code2 = redirect_params(Browser().consent(url))["code"]
    oauth_state(server.ws).codes[code2].expires_at = time.time() - 1  # ten minutes have passed
    late = requests.post(server.url + "/token", data={**form, "code": code2})
    assert late.status_code == 400 and late.json()["error"] == "invalid_grant"
    assert pkce_ok(verifier, verifier, "plain") and not pkce_ok(verifier, verifier, "S256")


def test_granular_consent_grants_only_ticked_scopes(server, monkeypatch):
    monkeypatch.setenv("OAUTHLIB_RELAX_TOKEN_SCOPE", "1")  # as with Google, the granted set may be smaller
    flow = authorize(server, [GMAIL_RO, DRIVE_RO, DIRECTORY_RO], untick=(DRIVE_RO,))
    creds = flow.credentials
    assert set(creds.granted_scopes) == {GMAIL_RO, DIRECTORY_RO}
    assert DRIVE_RO not in tokeninfo(server, creds.token).json()["scope"].split()

    creds.refresh(Request())  # google-auth asks for all three; the sandbox answers what was granted
    assert set(creds.granted_scopes) == {GMAIL_RO, DIRECTORY_RO}
    assert set(tokeninfo(server, creds.token).json()["scope"].split()) == {GMAIL_RO, DIRECTORY_RO}


def test_include_granted_scopes_merges_earlier_consent(server, monkeypatch):
    monkeypatch.setenv("OAUTHLIB_RELAX_TOKEN_SCOPE", "1")
    authorize(server, [GMAIL_RO])
    merged = authorize(server, [DRIVE_RO], include_granted_scopes="true").credentials
    assert set(merged.granted_scopes) == {GMAIL_RO, DRIVE_RO}
    alone = authorize(server, [DRIVE_RO]).credentials
    assert set(alone.granted_scopes) == {DRIVE_RO}


def test_refresh_scope_parameter_narrows(server):
    creds = authorize(server, [GMAIL_RO, DRIVE_RO]).credentials
    r = requests.post(server.url + "/token", data={
        "grant_type": "refresh_token", "refresh_token": creds.refresh_token, "client_id": "cli-client",
        "client_secret": "cli-secret", "scope": DRIVE_RO})
    assert r.status_code == 200 and r.json()["scope"] == DRIVE_RO
    foreign = requests.post(server.url + "/token", data={
        "grant_type": "refresh_token", "refresh_token": creds.refresh_token, "client_id": "other-client"})
    assert foreign.status_code == 401 and foreign.json()["error"] == "unauthorized_client"


def test_cancel_redirects_with_access_denied(server):
    flow = new_flow(server, [GMAIL_RO])
    url, state = flow.authorization_url()
    params = redirect_params(Browser().consent(url, action="deny"))
    assert params == {"error": "access_denied", "state": state}


def test_revoke_ends_refresh_and_access_tokens(server):
    creds = authorize(server, [DIRECTORY_RO]).credentials
    assert list_users_raw(server, creds.token).status_code == 200
    r = requests.post(server.url + "/revoke", params={"token": creds.refresh_token})
    assert r.status_code == 200
    with pytest.raises(RefreshError, match="invalid_grant"):
        creds.refresh(Request())
    gone = list_users_raw(server, creds.token)
    assert gone.status_code == 401 and gone.json()["error"]["errors"][0]["reason"] == "authError"
    again = requests.post(server.url + "/o/oauth2/revoke", data={"token": creds.refresh_token})
    assert again.status_code == 400 and again.json()["error"] == "invalid_token"


def test_expired_access_token_is_refused_then_refreshed(server):
    assert requests.put(server.url + "/_sandbox/token-lifetime", json={"seconds": 1}).json() == {"seconds": 1}
    creds = authorize(server, [DIRECTORY_RO]).credentials
    time.sleep(1.1)
    expired = list_users_raw(server, creds.token)
    assert expired.status_code == 401 and 'error="invalid_token"' in expired.headers["WWW-Authenticate"]
    with pytest.raises(RefreshError):  # a client holding only the token cannot recover
        directory(server, Credentials(token=creds.token)).users().list(customer="my_customer").execute()
    assert tokeninfo(server, creds.token).status_code == 400

    requests.put(server.url + "/_sandbox/token-lifetime", json={"seconds": 3600})
    # google-auth sees the expiry and refreshes by itself before the call
    assert directory(server, creds).users().list(customer="my_customer").execute()["users"]
    bad = requests.put(server.url + "/_sandbox/token-lifetime", json={"seconds": "soon"})
    assert bad.status_code == 400 and "seconds" in bad.json()["error"]


class LocalServerFlow:
    """``flow.run_local_server`` on a thread, as the CLI runs it; ``url`` is the authorization URL it prints."""

    def __init__(self, flow: InstalledAppFlow, **kw) -> None:
        self.urls: list[str] = []
        self.result: dict = {}
        self._log = logging.getLogger("google_auth_oauthlib.flow")
        self._handler = logging.Handler()
        self._handler.emit = lambda record: self.urls.extend(re.findall(r"https?://\S+", record.getMessage()))
        self._old_level = self._log.level
        self._log.addHandler(self._handler)
        self._log.setLevel(logging.INFO)
        self._thread = threading.Thread(target=self._run, args=(flow, kw), daemon=True)
        self._thread.start()

    def _run(self, flow: InstalledAppFlow, kw: dict) -> None:
        try:
            self.result["creds"] = flow.run_local_server(
                host="localhost", bind_addr="127.0.0.1", port=0, open_browser=False, timeout_seconds=20,
                authorization_prompt_message="Visit {url}", **kw)
        except Exception as e:  # handed to the test by credentials()
            self.result["error"] = e

    @property
    def url(self) -> str:
        deadline = time.time() + 10
        while not self.urls and time.time() < deadline:
            time.sleep(0.02)
        assert self.urls, "run_local_server printed no authorization URL"
        return self.urls[0]

    def credentials(self) -> Credentials:
        self._thread.join(20)
        self._log.removeHandler(self._handler)
        self._log.setLevel(self._old_level)
        assert "error" not in self.result, self.result.get("error")
        return self.result["creds"]


def test_run_local_server_loopback_flow_end_to_end(server):
    flow = InstalledAppFlow.from_client_config(client_config(server), scopes=[EMAIL, DIRECTORY_RO])
    running = LocalServerFlow(flow, login_hint=BOB)
    landed = Browser().consent(running.url, follow=True)  # follows the 302 to the app's loopback server
    creds = running.credentials()
    assert landed.status_code == 200 and "authentication flow has completed" in landed.text
    assert tokeninfo(server, creds.token).json()["email"] == BOB
    with pytest.raises(HttpError) as err:  # Bob is not an administrator
        directory(server, creds).users().list(customer="my_customer").execute()
    assert err.value.resp.status == 403


@pytest.mark.browser
def test_consent_page_in_headless_chromium(server, monkeypatch, page):
    """A real browser: pick the account, untick a scope, press Allow, land on the CLI's loopback server."""
    monkeypatch.setenv("OAUTHLIB_RELAX_TOKEN_SCOPE", "1")
    flow = InstalledAppFlow.from_client_config(client_config(server), scopes=[EMAIL, GMAIL_RO, DRIVE_RO])
    running = LocalServerFlow(flow)
    page.goto(running.url)
    page.get_by_label("Account").select_option(BOB)
    page.get_by_label("See and download all your Google Drive files").uncheck()
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url("http://localhost:*/**")
    assert "authentication flow has completed" in page.content()
    creds = running.credentials()
    assert set(creds.granted_scopes) == {EMAIL, GMAIL_RO}
    assert tokeninfo(server, creds.token).json()["email"] == BOB


def test_redirect_uris_of_registered_web_client_are_enforced(server):
    reg = requests.post(server.url + "/_sandbox/clients", json={
        "client_id": "web-1", "client_secret": "s3cret", "redirect_uris": ["https://app.example/cb"]})
    assert reg.status_code == 201
    base = {"client_id": "web-1", "response_type": "code", "scope": GMAIL_RO}

    def page(redirect: str, client: str = "web-1") -> requests.Response:
        return requests.get(server.url + "/o/oauth2/auth", params={**base, "client_id": client, "redirect_uri": redirect})

    for bad in ("https://evil.example/cb", "http://localhost:8080/"):
        r = page(bad)
        assert r.status_code == 400 and "redirect_uri_mismatch" in r.text and "Location" not in r.headers
    assert page("https://evil.example/cb", client="installed-x").status_code == 400  # unknown client: loopback only
    assert page("http://127.0.0.1:5000/cb", client="installed-x").status_code == 200
    assert page("https://app.example/cb").status_code == 200

    url = server.url + "/o/oauth2/auth?" + urlencode({**base, "redirect_uri": "https://app.example/cb"})
    code = redirect_params(Browser().consent(url))["code"]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": "https://app.example/cb"}
    wrong = requests.post(server.url + "/token", data=form, auth=("web-1", "guess"))
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    ok = requests.post(server.url + "/token", data=form, auth=("web-1", "s3cret"))
    assert ok.status_code == 200 and ok.json()["scope"] == GMAIL_RO


def test_bad_authorization_requests_get_error_pages(server):
    base = {"client_id": "c", "redirect_uri": "http://localhost/", "response_type": "code", "scope": GMAIL_RO}
    cases = [({"client_id": ""}, "invalid_request"), ({"scope": ""}, "invalid_request"),
             ({"scope": "gmail.everything"}, "invalid_scope"), ({"response_type": "token"}, "unsupported_response_type"),
             ({"code_challenge": "short", "code_challenge_method": "S256"}, "invalid_request"),
             ({"code_challenge_method": "S512", "code_challenge": "c" * 43}, "invalid_request")]
    for change, error in cases:
        r = requests.get(server.url + "/o/oauth2/auth", params={**base, **change}, allow_redirects=False)
        assert r.status_code == 400 and f"Error 400: {error}" in r.text, (change, r.text)


def test_consent_page_is_accessible_and_preselects_login_hint(server):
    flow = new_flow(server, ["openid", GMAIL_RO, DRIVE_RO])
    url, _ = flow.authorization_url(login_hint=BOB)
    page, soup = Browser().open(url)
    assert soup.html["lang"] == "en" and soup.title.text.strip()
    selected = soup.select("select option[selected]")
    assert [o["value"] for o in selected] == [BOB]
    for control in soup.select("select, input[type=checkbox]"):
        assert soup.find("label", attrs={"for": control["id"]}), control
    assert sorted(cb["value"] for cb in soup.select("input[type=checkbox]")) == [DRIVE_RO, GMAIL_RO]
    assert {b.get_text(strip=True) for b in soup.select("button")} == {"Allow", "Cancel"}


def test_prompt_none_answers_silently_only_after_consent(server):
    authorize(server, [GMAIL_RO])
    q = {"client_id": "cli-client", "redirect_uri": "http://localhost:1/", "response_type": "code",
         "scope": GMAIL_RO, "prompt": "none", "state": "s"}
    silent = requests.get(server.url + "/o/oauth2/auth", params={**q, "login_hint": ALICE}, allow_redirects=False)
    assert "code" in redirect_params(silent)
    refused = requests.get(server.url + "/o/oauth2/auth", params={**q, "login_hint": BOB}, allow_redirects=False)
    assert redirect_params(refused)["error"] == "consent_required"


def test_token_endpoint_errors_have_googles_shape(server):
    cases = [({}, 400, "invalid_request"), ({"grant_type": "password"}, 400, "unsupported_grant_type"),
             ({"grant_type": "authorization_code", "code": "4/nope", "client_id": "c"}, 400, "invalid_grant"),
             ({"grant_type": "refresh_token", "refresh_token": "1//nope", "client_id": "c"}, 400, "invalid_grant")]
    for form, status, error in cases:
        r = requests.post(server.url + "/token", data=form)
        assert r.status_code == status and r.json()["error"] == error and r.json()["error_description"]
        assert r.headers["Cache-Control"].startswith("no-cache")
    assert requests.post(server.url + "/token", data=cases[3][0]).json()["error_description"] == (
        "Token has been expired or revoked.")


def test_request_log_names_token_calls_but_not_consent_pages(server):
    authorize(server, [EMAIL, GMAIL_RO])
    log = requests.get(server.url + "/_sandbox/requests").json()
    assert [(e["api_method"], e["user"], e["status"]) for e in log] == [("oauth2.token", ALICE, 200)]
