from __future__ import annotations

import pytest

from tests.tracker.env import Searched, searched_case


@pytest.fixture
def searched(sandbox_factory, demo_fixture, tmp_path) -> Searched:
    """Jane Doe's access case, searched, in a data folder of the test's own (decisions change it)."""
    return searched_case(sandbox_factory, demo_fixture, tmp_path / "home")
