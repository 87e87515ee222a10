"""Staff sign-in for the CLI against the sandbox's OAuth server, the encrypted token store, and retention."""
from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import stat

import pytest
import requests
from bs4 import BeautifulSoup
from click.testing import CliRunner
from cryptography.fernet import Fernet

from addon.auth import staff
from addon.cli import main
from addon.errors import ExitCode
from addon.cli.case_cmd import open_case
from addon.retention import run_retention


def browser_follows(url: str, account: str) -> None:
    """What a person does in the browser: pick the account, keep every scope ticked, press Allow."""
    s = requests.Session()
    page = s.get(url, timeout=10)
    form = BeautifulSoup(page.text, "html.parser").find("form")
    data = {}
    for inp in form.find_all(["input", "select"]):
        name = inp.get("name")
        if not name:
            continue
        if inp.name == "select":
            data[name] = account
        elif inp.get("type") == "checkbox":
            data.setdefault(name, [])
            data[name].append(inp.get("value"))
        elif inp.get("type") != "submit":
            data[name] = inp.get("value", "")
    button = form.find("button", string=lambda t: t and "Allow" in t)
    if button is not None and button.get("name"):
        data[button["name"]] = button.get("value", "")
    s.post(requests.compat.urljoin(url, form.get("action")), data=data, timeout=10, allow_redirects=True)


@pytest.fixture
def signed_in(sandbox_factory, product, demo_fixture, monkeypatch):
    monkeypatch.setenv("DSAR_SECRET_KEY", Fernet.generate_key().decode())
    server = sandbox_factory(demo_fixture, quota=False)
    services = product(server)
    who = "ellie.marsh@northwind-calls.test"
    info = staff.login(services, open_browser=False, on_url=lambda u: browser_follows(u, who))
    return services, server, info, who


def test_login_status_refresh_logout(signed_in):
    services, server, info, who = signed_in
    assert info["signed_in"] and info["email"] == who and info["has_refresh_token"]
    assert "https://www.googleapis.com/auth/gmail.readonly" in info["scopes"]
    assert not any("gmail.modify" in s or s.endswith("/auth/drive") for s in info["scopes"]), "search scopes only"
    store_file = services.settings.home / "secrets.json"
    assert stat.S_IMODE(store_file.stat().st_mode) == 0o600
    assert b"1//" not in store_file.read_bytes(), "refresh tokens are encrypted at rest"
    r = CliRunner().invoke(main, ["auth", "status", "--refresh", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["email"] == who
    served = requests.get(server.url + "/_sandbox/requests", timeout=5).json()
    audited = [rec for rec in services.trail.records() if rec.get("api_method") == "oauth2.token"]
    assert sum(e["api_method"] == "oauth2.token" for e in served) == len(audited) >= 2
    r = CliRunner().invoke(main, ["auth", "logout"])
    assert r.exit_code == 0 and "revoked at Google" in r.output
    assert staff.status(services.settings) == {"signed_in": False}


def test_revoked_or_expired_refresh_token_says_sign_in_again(signed_in):
    services, server, _, _ = signed_in
    record = staff.TokenStore(services.settings).get(staff.CURRENT_USER)
    requests.post(server.url + "/revoke", data={"token": record["refresh_token"]}, timeout=5)
    r = CliRunner().invoke(main, ["auth", "status", "--refresh"])
    assert r.exit_code == ExitCode.GOOGLE and "Sign in again with 'dsar auth login'" in r.output and "Traceback" not in r.output
    record["refresh_token"] = "1//expired-long-ago"
    staff.TokenStore(services.settings).put(staff.CURRENT_USER, record)
    r = CliRunner().invoke(main, ["auth", "status", "--refresh"])
    assert r.exit_code == ExitCode.GOOGLE and "Sign in again" in r.output


def test_wrong_or_missing_key_is_a_clear_error_and_changes_nothing(signed_in, monkeypatch):
    services, _, _, _ = signed_in
    store_file = services.settings.home / "secrets.json"
    before = store_file.read_bytes()
    monkeypatch.setenv("DSAR_SECRET_KEY", Fernet.generate_key().decode())
    r = CliRunner().invoke(main, ["auth", "status"])
    assert r.exit_code == ExitCode.INPUT and "cannot decrypt" in r.output and "Traceback" not in r.output
    monkeypatch.delenv("DSAR_SECRET_KEY")
    r = CliRunner().invoke(main, ["auth", "status"])
    assert r.exit_code == ExitCode.INPUT and "DSAR_SECRET_KEY" in r.output
    assert store_file.read_bytes() == before


def test_key_rotation(signed_in, monkeypatch):
    services, _, info, _ = signed_in
    old = os.environ["DSAR_SECRET_KEY"]
    new = Fernet.generate_key().decode()
    monkeypatch.setenv("DSAR_SECRET_KEY", f"{new},{old}")
    r = CliRunner().invoke(main, ["keys", "rotate"])
    assert r.exit_code == 0 and "1 secret" in r.output
    monkeypatch.setenv("DSAR_SECRET_KEY", new)
    assert staff.status(services.settings)["email"] == info["email"]


def test_retention_shreds_exactly_the_cases_past_their_date(sandbox_factory, product, demo_fixture):
    services = product(sandbox_factory(demo_fixture, quota=False))
    dpo = services.settings.actor
    refs = [open_case(services, "access", [n], [], [], [], dt.date(2026, 1, 5), dpo).ref
            for n in ("Old Closed", "Recent Closed", "Still Open")]
    for ref in refs[:2]:
        services.store.transition(ref, "withdrawn", dpo, "dpo", reason="subject withdrew")
    db = sqlite3.connect(services.settings.home / "cases.db")
    db.execute("UPDATE cases SET closed_at=? WHERE ref=?", ("2024-01-10T09:00:00+00:00", refs[0]))
    db.commit()
    report = run_retention(services, dpo, today=dt.date(2026, 11, 29))
    assert report.shredded == [refs[0]]
    assert services.store.get(refs[0]).subject is None
    assert services.store.get(refs[1]).subject.names == ("Recent Closed",)
    assert services.store.get(refs[2]).subject is not None
    shreds = [r for r in services.trail.records() if r.get("outcome") == "shred"]
    assert [r["case"] for r in shreds] == [refs[0]]
    assert services.trail.verify().ok
    again = run_retention(services, dpo, today=dt.date(2026, 11, 29))
    assert again.shredded == []
