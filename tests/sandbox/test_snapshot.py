"""The sandbox's state survives a restart through its on-disk snapshot."""
from __future__ import annotations

import requests

from sandbox.server import SandboxServer
from tests.conftest import mint_token


def test_snapshot_round_trip(demo_fixture, tmp_path):
    snap = tmp_path / "ws.pickle"
    with SandboxServer(demo_fixture, port=0, quota=False, snapshot=snap) as sb:
        user = next(iter(sb.ws.users))
        token = mint_token(sb, user, ["https://www.googleapis.com/auth/gmail.modify"])
        h = {"Authorization": f"Bearer {token}"}
        first = requests.get(sb.url + "/gmail/v1/users/me/messages", headers=h, timeout=5).json()["messages"][0]["id"]
        r = requests.post(sb.url + f"/gmail/v1/users/me/messages/{first}/trash", headers=h, timeout=5)
        assert r.status_code == 200
    assert snap.exists()
    with SandboxServer(None, port=0, quota=False, snapshot=snap) as sb2:
        r = requests.get(sb2.url + f"/gmail/v1/users/me/messages/{first}", params={"format": "minimal"},
                         headers={"Authorization": f"Bearer {token}"}, timeout=5)
        assert r.status_code == 200 and "TRASH" in r.json()["labelIds"]
