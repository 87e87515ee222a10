"""A two-person workspace (an admin and a member of staff) for the OAuth and delegation tests."""
from __future__ import annotations

import pytest

from sandbox.server import SandboxServer
from sandbox.state import User, Workspace

ADMIN, STAFF = "root@acme.test", "sam@acme.test"


@pytest.fixture
def server(sandbox_factory) -> SandboxServer:
    ws = Workspace(domain="acme.test")
    ws.users[ADMIN] = User(ADMIN, "Rosa Root", admin=True)
    ws.users[STAFF] = User(STAFF, "Sam Staff")
    return sandbox_factory(workspace=ws)
