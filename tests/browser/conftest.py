"""Real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright) against the add-on and the
sandbox on loopback. Skipped, with the reason, where either is missing."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from sandbox.democompany import write_fixture
from tests.web.conftest import addon, sandbox_server  # noqa: F401 - shared fixtures

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
DOCS = ROOT / "docs" / "screenshots"


@pytest.fixture(scope="session")
def demo_fixture(tmp_path_factory) -> Path:
    """The demo company as ``dsar demo`` ships it (full scale), for the browser tests' sandbox."""
    root = tmp_path_factory.mktemp("demo-full") / "fixture"
    write_fixture(root)
    return root


def screenshot(page, name: str, docs_name: str | None = None) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    docs = DOCS / docs_name if docs_name else None
    # The README's pictures (what fits a screen) are refreshed on request only, so a test run leaves the tree clean.
    if docs is not None and (not docs.exists() or os.environ.get("DSAR_DOCS_SCREENSHOTS") == "1"):
        DOCS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(docs), full_page=False)
    return path
