from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import sandboxes
from tests.tracker.env import Searched, searched_case


def _searched(server_factory, fixture: Path, home: Path, subject: int = 0) -> Searched:
    found = searched_case(server_factory, fixture, home, subject)
    reviewed(found.services, found.ref, found.env.dpo)
    return replace(found, case=found.services.store.get(found.ref))


def reviewed(services, ref: str, actor: str) -> None:
    """Every item included (addon/review): the export follows the review and refuses undecided items."""
    from addon.review.service import decide_matching

    decide_matching(services, ref, {"status": "undecided"}, "include", actor)


@pytest.fixture(scope="module")
def searched(demo_fixture, tmp_path_factory):
    """One demo-company sandbox and one searched access case (Jane Doe), shared by a module's read-only tests."""
    with sandboxes() as start:
        yield _searched(start, demo_fixture, tmp_path_factory.mktemp("home") / "home")


@pytest.fixture
def fresh_search(sandbox_factory, demo_fixture, tmp_path):
    """A sandbox and a searched case of the test's own (for tests that change the workspace)."""
    return lambda subject=0: _searched(sandbox_factory, demo_fixture, tmp_path / "home", subject)
