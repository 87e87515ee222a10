"""A product environment on a sandbox seeded with the demo company, shared by the tracker, export, review and
redaction tests: the product's own services (audited seam, real clients), plus test-side Google clients acting
as a person (the DPO sorting the sheet, someone changing its sharing) with tokens minted in the sandbox."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build_from_document

from addon.clients import discovery_document
from addon.config import Settings
from addon.services import open_services
from tests.conftest import data_folder, mint_token

SHEETS = "https://www.googleapis.com/auth/spreadsheets"
DRIVE = "https://www.googleapis.com/auth/drive"
GMAIL = "https://www.googleapis.com/auth/gmail.readonly"
SHEET_WRITES = ("batchUpdate", "values.update", "values.batchUpdate", "values.append", "values.clear",
                "values.batchClear", "create")


@dataclass
class Env:
    server: Any
    fixture: Path
    home: Path
    expected: dict
    domain: str
    dpo: str
    admin: str
    users: list[str]
    _clients: dict = field(default_factory=dict)

    @property
    def settings(self) -> Settings:
        return Settings(home=self.home, sandbox_url=self.server.url, actor=self.dpo, domain=self.domain,
                        admin=self.admin, extra={"dpo": self.dpo, "region": "ENG"})

    def services(self):
        return open_services(self.settings)

    def cli_env(self) -> dict[str, str]:
        return {"DSAR_HOME": str(self.home), "DSAR_SANDBOX_URL": self.server.url, "DSAR_ACTOR": self.dpo,
                "DSAR_DPO": self.dpo, "DSAR_ADMIN": self.admin, "DSAR_DOMAIN": self.domain}

    def google(self, api: str, email: str | None = None, scopes: tuple[str, ...] = (SHEETS, DRIVE)):
        """A plain (unaudited) client acting as a person: what the DPO does by hand in Google Sheets."""
        key = (api, email or self.dpo, scopes)
        if key not in self._clients:
            creds = Credentials(token=mint_token(self.server, email or self.dpo, scopes))
            self._clients[key] = build_from_document(discovery_document(api, self.server.url), credentials=creds)
        return self._clients[key]

    def log(self, since: int = 0) -> list[dict]:
        resp = requests.get(self.server.url + "/_sandbox/requests", params={"since": since}, timeout=10)
        resp.raise_for_status()
        return resp.json()

    def last_seq(self) -> int:
        entries = self.log()
        return entries[-1]["seq"] if entries else 0

    def sheet_writes(self, since: int = 0, user: str | None = None) -> list[dict]:
        user = (user or self.dpo).lower()
        return [e for e in self.log(since)
                if (e.get("api_method") or "").startswith("sheets.spreadsheets.")
                and e["api_method"].removeprefix("sheets.spreadsheets.") in SHEET_WRITES
                and (e.get("user") or "").lower() == user and e.get("status", 0) < 400]

    def subject(self, i: int = 0) -> dict:
        return self.expected["subjects"][i]

    def open_case(self, services, subject: dict | None = None, *, names: tuple[str, ...] | None = None,
                  received: dt.date | None = None, case_type: str = "access"):
        from addon.cli.case_cmd import open_case

        s = subject or {"names": list(names or ("Jane Doe",)), "emails": [], "phones": [], "identifiers": []}
        return open_case(services, case_type, s["names"][:1], s.get("emails", []), s.get("phones", []),
                         s.get("identifiers", []), received or dt.date.today(), self.dpo)


def make_env(sandbox_factory, fixture: Path, home: Path) -> Env:
    server = sandbox_factory(fixture)
    meta = json.loads((fixture / "workspace.json").read_text(encoding="utf-8"))
    users = [u["email"] for u in meta["users"]]
    admin = next((u["email"] for u in meta["users"] if u.get("admin")), users[0])
    dpo = next((e for e in users if e.startswith("dpo@")), admin)
    expected = json.loads((fixture / "expected.json").read_text(encoding="utf-8"))
    return Env(server, fixture, data_folder(home), expected, meta["domain"], dpo, admin, users)



@dataclass
class Searched:
    """A case opened for one of the demo subjects and searched: what the export, review and redaction tests
    start from."""
    env: Env
    services: Any
    case: Any
    items: list[dict]

    @property
    def ref(self) -> str:
        return self.case.ref


def searched_case(sandbox_factory, fixture: Path, home: Path, subject: int = 0) -> Searched:
    """A sandbox on ``fixture``, a data folder at ``home``, and an access case for demo subject ``subject``
    searched by the DPO."""
    from addon.search.service import run_search

    env = make_env(sandbox_factory, fixture, home)
    services = env.services()
    case = env.open_case(services, env.subject(subject))
    items = run_search(services, case.ref, env.dpo)
    return Searched(env, services, services.store.get(case.ref), items)
