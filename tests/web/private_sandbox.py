"""A sandbox of the test's own, for the reconciliation tests (web and browser): import ``sandbox_server``
from here into a test module to override the session's shared one there."""
from __future__ import annotations

import pytest

from sandbox.server import SandboxServer


@pytest.fixture
def sandbox_server(demo_fixture):
    """A sandbox of this test's own: Google's token log is per workspace, and the session's sandbox also
    serves other tests' product instances, whose calls (same client id, other trails) would be alarms here."""
    server = SandboxServer(demo_fixture, port=0, quota=False).start()
    yield server
    server.stop()
