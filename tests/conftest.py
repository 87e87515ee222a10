"""Shared fixtures: sandboxes on loopback that the real Google client libraries talk to over HTTP."""
from __future__ import annotations

import secrets
import time
from pathlib import Path

import pytest

from sandbox.server import SandboxServer
from sandbox.state import Grant


def mint_token(server: SandboxServer, email: str, scopes: list[str] | tuple[str, ...], ttl: int = 3600,
               client_id: str = "test-client") -> str:
    """Issue an access token inside the sandbox (server-side set-up, as an OAuth grant would)."""
    token = "ya29.test-" + secrets.token_urlsafe(24)
    with server.ws.lock:
        server.ws.tokens[token] = Grant(email.lower(), frozenset(scopes), client_id, time.time() + ttl)
    return token


@pytest.fixture
def sandbox_factory():
    """Start sandboxes on free ports; all are stopped when the test ends."""
    started: list[SandboxServer] = []

    def start(fixture: str | Path | None = None, **kw) -> SandboxServer:
        server = SandboxServer(fixture, port=0, **kw).start()
        started.append(server)
        return server

    yield start
    for s in started:
        s.stop()
