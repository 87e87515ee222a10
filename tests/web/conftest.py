"""The add-on served over real HTTP on loopback, in front of a sandbox seeded with the demo company (small
scale), and a helper that posts event objects signed as Google signs them (sandbox ID tokens)."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from werkzeug.serving import make_server

from addon.config import Settings
from addon.services import Services
from addon.web.app import create_app
from addon.web.security import SANDBOX_ADDON_CLIENT_ID
from sandbox.democompany import write_fixture
from sandbox.server import SandboxServer
from scopes.catalog import ADDON_BASE_SCOPES
from tests.conftest import mint_token

DOMAIN = "northwind-calls.test"
STAFF = f"aisha.khan@{DOMAIN}"
DPO = f"dpo@{DOMAIN}"
AUDITOR = f"it@{DOMAIN}"  # the workspace admin doubles as the auditor here
ADMIN = f"it@{DOMAIN}"


@pytest.fixture(scope="session")
def demo_fixture(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("demo") / "fixture"
    write_fixture(root, scale=0.1)
    return root


@pytest.fixture(scope="session")
def sandbox_server(demo_fixture):
    server = SandboxServer(demo_fixture, port=0, quota=True).start()
    yield server
    server.stop()


class LiveServer:
    def __init__(self, app) -> None:
        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def id_token(sandbox: SandboxServer, aud: str, email: str | None = None, **claims: Any) -> str:
    body: dict[str, Any] = {"aud": aud, **claims}
    if email:
        body["email"] = email
    resp = requests.post(sandbox.url + "/_sandbox/id-token", json=body, timeout=10)
    resp.raise_for_status()
    return resp.json()["id_token"]


def make_event(host_app: str = "GMAIL", *, user_token: str | None, oauth_token: str | None = None,
               scopes: list[str] | tuple[str, ...] | None = None, params: dict[str, str] | None = None,
               form: dict[str, Any] | None = None, gmail: dict[str, str] | None = None,
               drive: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """An event object of the shape research/addon.md §1.2 shows (Google's own example, plus granular consent)."""
    event: dict[str, Any] = {
        "commonEventObject": {"hostApp": host_app, "platform": "WEB", "userLocale": "en",
                              "timeZone": {"id": "Europe/London", "offset": 0}},
        "authorizationEventObject": {"userOAuthToken": oauth_token or "ya29.unused", "systemIdToken": "eyJhbGc.x.y"},
    }
    if user_token is not None:
        event["authorizationEventObject"]["userIdToken"] = user_token
    if scopes is not None:
        event["authorizationEventObject"]["authorizedScopes"] = list(scopes)
    if params:
        event["commonEventObject"]["parameters"] = params
    if form:
        inputs = {}
        for k, v in form.items():
            if isinstance(v, dict):
                inputs[k] = v
            else:
                inputs[k] = {"stringInputs": {"value": v if isinstance(v, list) else [v]}}
        event["commonEventObject"]["formInputs"] = inputs
    if gmail is not None:
        event["gmail"] = gmail
    if drive is not None:
        event["drive"] = {"selectedItems": drive}
    return event


@dataclass
class Addon:
    """The add-on under test and the sandbox it talks to."""

    live: LiveServer
    sandbox: SandboxServer
    services: Services

    @property
    def url(self) -> str:
        return self.live.url

    @property
    def web(self):
        return self.live.app.extensions["dsar"]

    def user_token(self, email: str = STAFF) -> str:
        return id_token(self.sandbox, SANDBOX_ADDON_CLIENT_ID, email)

    def oauth_token(self, email: str = STAFF, scopes=ADDON_BASE_SCOPES) -> str:
        return mint_token(self.sandbox, email, list(scopes), client_id=SANDBOX_ADDON_CLIENT_ID)

    def post(self, path: str, event: dict[str, Any] | None = None, *, auth: str | None = "google",
             as_user: str = STAFF, **event_kw: Any) -> requests.Response:
        """POST an event to ``path`` signed as Google would (``auth="google"``), or with ``auth`` as the header."""
        url = self.url + path
        if event is None:
            event = make_event(user_token=self.user_token(as_user), **event_kw)
        headers = {}
        if auth == "google":
            headers["Authorization"] = "Bearer " + id_token(self.sandbox, url)
        elif auth is not None:
            headers["Authorization"] = auth
        return requests.post(url, json=event, headers=headers, timeout=30)

    def refusals(self) -> list[dict]:
        return [r.to_dict() for r in self.services.trail.records() if r["api_method"] == "addon.request"]


def settings_for(home: Path, sandbox: SandboxServer, **extra: Any) -> Settings:
    return Settings(home=home, sandbox_url=sandbox.url, domain=DOMAIN, admin=ADMIN,
                    extra={"dpo": DPO, "auditors": AUDITOR, **extra})


@pytest.fixture
def addon(sandbox_server, tmp_path, monkeypatch) -> Addon:
    monkeypatch.setenv("DSAR_SECRET_KEY", "Q1JHbnN0dXZ3eHl6QUJDREVGR0hJSktMTU5PUFFSU1Q=")
    for var in ("DSAR_DPO", "DSAR_AUDITORS", "DSAR_ADDON_SERVICE_ACCOUNT", "DSAR_OAUTH_CLIENT_ID",
                "DSAR_ADDON_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
    services = Services(settings_for(tmp_path / "home", sandbox_server))
    live = LiveServer(create_app(services))
    yield Addon(live, sandbox_server, services)
    live.app.extensions["dsar"].runner.shutdown(wait=True)
    live.stop()


def wait_for(predicate, timeout: float = 60.0, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"condition not met within {timeout}s")
