from __future__ import annotations

import json

import pytest

from addon.tracker import writer
from tests.tracker.env import make_env


@pytest.fixture(scope="session")
def small_org(tmp_path_factory):
    """An organisation with three people and no mail or files: the tracker needs nothing more."""
    root = tmp_path_factory.mktemp("smallorg")
    (root / "workspace.json").write_text(json.dumps({"domain": "example.test", "users": [
        {"email": "it@example.test", "name": "IT Admin", "admin": True},
        {"email": "dpo@example.test", "name": "Dee Pio"},
        {"email": "staff@example.test", "name": "Sam Staff"}]}), encoding="utf-8")
    (root / "expected.json").write_text(json.dumps({"subjects": []}), encoding="utf-8")
    return root


@pytest.fixture
def env(sandbox_factory, small_org, tmp_path):
    return make_env(sandbox_factory, small_org, tmp_path / "home")


@pytest.fixture(autouse=True)
def fresh_pacer(monkeypatch):
    """Each test paces its own writes: one test's writes must not make the next wait a minute."""
    pacer = writer.WritePacer()
    monkeypatch.setattr(writer, "PACER", pacer)
    return pacer
