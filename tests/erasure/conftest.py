"""A demo company in a sandbox for erasure tests: real HTTP, real Google client libraries, real audit trail."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from addon.config import Settings
from addon.erasure.exemptions import Policy, parse_policy
from addon.services import Services, open_services
from addon.subjects.identifiers import normalise_email
from sandbox.democompany import write_fixture
from tests.conftest import data_folder
from tests.user_clients import UserClients

SCALE = 0.2  # filler volume: planted items do not move with it, searches get faster


@pytest.fixture(scope="session")
def demo_fixture(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("erasure-demo")
    write_fixture(root, scale=SCALE)
    return root


@dataclass
class World(UserClients):
    server: Any
    fixture: Path
    home: Path
    expected: dict
    meta: dict

    @property
    def domain(self) -> str:
        return self.meta["domain"]

    @property
    def admin(self) -> str:
        return next(u["email"] for u in self.meta["users"] if u.get("admin"))

    @property
    def dpo(self) -> str:
        return f"dpo@{self.domain}"

    @property
    def staff(self) -> str:
        return f"aisha.khan@{self.domain}"

    def services(self, **extra: str) -> Services:
        return open_services(Settings(home=self.home, sandbox_url=self.server.url, actor=self.staff,
                                      domain=self.domain, admin=self.admin, extra={"dpo": self.dpo, **extra}))

    def subject(self, key: str) -> dict:
        return next(s for s in self.expected["subjects"] if s["key"] == key)

    def open_case(self, services: Services, key: str) -> str:
        from addon.cli.case_cmd import open_case

        s = self.subject(key)
        c = open_case(services, "erasure", s["names"][:1], usable_emails(s["emails"]), s["phones"], s["identifiers"],
                      dt.date.today(), self.staff)
        return c.ref


def usable_emails(emails: list[str]) -> list[str]:
    """The case form refuses addresses on reserved domains (.test); the subject's others still find their data."""
    out = []
    for e in emails:
        try:
            normalise_email(e)
            out.append(e)
        except Exception:
            pass
    return out


@pytest.fixture
def world(sandbox_factory, demo_fixture, tmp_path) -> World:
    server = sandbox_factory(demo_fixture)
    return World(server, demo_fixture, data_folder(tmp_path / "home"),
                 json.loads((demo_fixture / "expected.json").read_text(encoding="utf-8")),
                 json.loads((demo_fixture / "workspace.json").read_text(encoding="utf-8")))


def policy(text: str = "") -> Policy:
    return parse_policy(text, "test-policy.toml")
