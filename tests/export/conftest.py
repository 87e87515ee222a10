from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from addon.search.service import run_search
from sandbox.server import SandboxServer
from tests.tracker.env import Env, make_env, write_demo_fixture


@pytest.fixture(scope="session")
def demo_fixture(tmp_path_factory):
    return write_demo_fixture(tmp_path_factory.mktemp("democompany"))


@dataclass
class Searched:
    env: Env
    services: Any
    case: Any
    items: list[dict]


def _searched(server_factory, fixture: Path, home: Path, subject: int = 0) -> Searched:
    env = make_env(server_factory, fixture, home)
    services = env.services()
    case = env.open_case(services, env.subject(subject))
    items = run_search(services, case.ref, env.dpo)
    reviewed(services, case.ref, env.dpo)
    return Searched(env, services, services.store.get(case.ref), items)


def reviewed(services, ref: str, actor: str) -> None:
    """Every item included (addon/review): the export follows the review and refuses undecided items."""
    from addon.review.service import decide_matching

    decide_matching(services, ref, {"status": "undecided"}, "include", actor)


@pytest.fixture(scope="module")
def searched(demo_fixture, tmp_path_factory):
    """One demo-company sandbox and one searched access case (Jane Doe), shared by a module's read-only tests."""
    servers: list[SandboxServer] = []

    def start(fixture):
        server = SandboxServer(fixture, port=0).start()
        servers.append(server)
        return server

    try:
        yield _searched(start, demo_fixture, tmp_path_factory.mktemp("home") / "home")
    finally:
        for s in servers:
            s.stop()


@pytest.fixture
def fresh_search(sandbox_factory, demo_fixture, tmp_path):
    """A sandbox and a searched case of the test's own (for tests that change the workspace)."""
    return lambda subject=0: _searched(sandbox_factory, demo_fixture, tmp_path / "home", subject)
