"""Shared fixtures: sandboxes on loopback that the real Google client libraries talk to over HTTP."""
from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


@contextmanager
def sandboxes() -> Iterator[Callable[..., SandboxServer]]:
    """``start(fixture, **kw)`` starts a sandbox on a free port; all are stopped when the block ends (for
    fixtures of a wider scope than a test's, which cannot use ``sandbox_factory``)."""
    started: list[SandboxServer] = []

    def start(fixture: str | Path | None = None, **kw) -> SandboxServer:
        server = SandboxServer(fixture, port=0, **kw).start()
        started.append(server)
        return server

    try:
        yield start
    finally:
        for s in started:
            s.stop()


@pytest.fixture
def sandbox_factory():
    """Start sandboxes on free ports; all are stopped when the test ends."""
    with sandboxes() as start:
        yield start


def data_folder(path: Path) -> Path:
    """A data folder as 'dsar init' makes it: CLI runs refuse a DSAR_HOME that does not exist (issue 12 item 7)."""
    from addon.config import Settings
    from addon.data_folder import init_home

    return init_home(Settings(home=Path(path)))[0]


@pytest.fixture(scope="session")
def demo_fixture(tmp_path_factory) -> Path:
    """The demo company's fixture, written once per test session (0.3 s); ground truth in expected.json."""
    from sandbox.democompany import write_fixture

    root = tmp_path_factory.mktemp("demo") / "fixture"
    write_fixture(root)
    return root


@pytest.fixture
def product(tmp_path, monkeypatch):
    """``product(sandbox)`` -> Services wired to that sandbox with a fresh data folder; env set for CLI runs."""

    from addon.config import Settings
    from addon.services import open_services

    def make(server: SandboxServer, actor: str | None = None, fixture: Path | None = None, **extra):
        users = list(server.ws.users.values())
        admin = next((u.email for u in users if u.admin), users[0].email if users else None)
        dpo = next((u.email for u in users if u.email.startswith("dpo@")), admin)
        actor = actor or dpo
        home = tmp_path / "home"
        for k, v in {"DSAR_HOME": str(home), "DSAR_SANDBOX_URL": server.url, "DSAR_ACTOR": actor,
                     "DSAR_DPO": dpo or "", "DSAR_ADMIN": admin or ""}.items():
            monkeypatch.setenv(k, v)
        settings = Settings(home=home, sandbox_url=server.url, actor=actor, domain=server.ws.domain, admin=admin,
                            extra={"dpo": dpo, "region": "ENG", **extra})
        return open_services(settings)

    return make


def fetched_so_far(store, ref: str, run_no: int = 0) -> int:
    """Messages a running search has fetched, from each unit's own checkpoint row (the job's row keeps
    only finished units' summaries)."""
    prefix = f"search:{ref}:{run_no}/"
    units = [j["id"] for j in store.jobs(ref) if j["id"].startswith(prefix)]
    return sum(len(((store.job(u) or {}).get("state") or {}).get("done", [])) for u in units)


def expected_subject(fixture: Path, key: str) -> dict:
    import json as _json

    data = _json.loads((fixture / "expected.json").read_text(encoding="utf-8"))
    return next(s for s in data["subjects"] if s["key"] == key)


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium) – browser tests need Debian's Chromium")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update"])
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    p = context.new_page()
    p.set_default_timeout(15_000)
    yield p
    context.close()


