from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from addon.search.service import run_search
from sandbox.server import SandboxServer
from tests.tracker.env import Env, make_env


@dataclass
class Searched:
    env: Env
    services: Any
    case: Any
    items: list[dict]


@pytest.fixture(scope="module")
def jane(demo_fixture, tmp_path_factory):
    """The demo company in a sandbox, and Jane Doe's access case searched (shared by a module's tests)."""
    servers: list[SandboxServer] = []

    def start(fixture):
        server = SandboxServer(fixture, port=0).start()
        servers.append(server)
        return server

    try:
        env = make_env(start, demo_fixture, tmp_path_factory.mktemp("home") / "home")
        services = env.services()
        case = env.open_case(services, env.subject(0))
        items = run_search(services, case.ref, env.dpo)
        yield Searched(env, services, services.store.get(case.ref), items)
    finally:
        for s in servers:
            s.stop()
