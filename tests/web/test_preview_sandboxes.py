"""The card preview's user picker against two sandboxes in one process (the browser tests start a sandbox
per module): a token minted by the first sandbox must not be reused against the second, which never issued
it (it answered 401, so the picker showed no users and the rights browser test waited for the DPO)."""
from __future__ import annotations

import requests

from addon.services import Services
from addon.web.app import create_app
from sandbox.server import SandboxServer

from .conftest import DPO, LiveServer, settings_for


def _users(url: str) -> list[str]:
    resp = requests.get(url + "/preview/api/users", timeout=30)
    assert resp.status_code == 200, resp.text
    return [u["email"] for u in resp.json()["users"]]


def test_user_picker_works_against_a_second_sandbox(addon, demo_fixture, tmp_path, monkeypatch):
    assert DPO in _users(addon.url)  # the first sandbox: its admin token is now cached
    other = SandboxServer(demo_fixture, port=0, quota=True).start()
    live = None
    try:
        services = Services(settings_for(tmp_path / "other-home", other))
        live = LiveServer(create_app(services))
        assert DPO in _users(live.url)
        assert DPO in _users(addon.url)  # and back: each sandbox its own tokens
    finally:
        if live is not None:
            live.app.extensions["dsar"].runner.shutdown(wait=True)
            live.stop()
        other.stop()
