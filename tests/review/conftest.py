from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from addon.search.service import run_search
from tests.tracker.env import Env, make_env, write_demo_fixture


@pytest.fixture(scope="session")
def demo_fixture(tmp_path_factory):
    return write_demo_fixture(tmp_path_factory.mktemp("democompany-review"))


@dataclass
class Case:
    env: Env
    services: Any
    ref: str


@pytest.fixture
def searched(sandbox_factory, demo_fixture, tmp_path) -> Case:
    """Jane Doe's access case, searched, in a data folder of the test's own (decisions change it)."""
    env = make_env(sandbox_factory, demo_fixture, tmp_path / "home")
    services = env.services()
    case = env.open_case(services, env.subject(0))
    run_search(services, case.ref, env.dpo)
    return Case(env, services, case.ref)
