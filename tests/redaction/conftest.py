from __future__ import annotations

import pytest

from tests.conftest import sandboxes
from tests.tracker.env import searched_case


@pytest.fixture(scope="module")
def jane(demo_fixture, tmp_path_factory):
    """The demo company in a sandbox, and Jane Doe's access case searched (shared by a module's tests)."""
    with sandboxes() as start:
        yield searched_case(start, demo_fixture, tmp_path_factory.mktemp("home") / "home")
