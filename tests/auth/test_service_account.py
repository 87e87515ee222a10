"""Organisation mode's service account: its key imported into the encrypted store (and used from there),
and keyless mode, where the runtime's own identity has IAM sign each delegation assertion."""
from __future__ import annotations

import datetime as dt
import json
import os
import stat
from collections import Counter
from dataclasses import replace

import pytest
import requests
from click.testing import CliRunner
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth.exceptions import RefreshError

from addon.auth.service_account import stored_key
from addon.cli import main
from addon.errors import ExitCode
from addon.cli.case_cmd import open_case
from addon.search.service import accounts_in_scope, run_search
from addon.services import open_services
from addon.setup_check import report
from audit.context import Purpose
from tests.conftest import expected_subject

ADMIN_LOOKUP = Purpose(actor="dpo@example.test", step="admin", purpose="list the users in scope")


@pytest.fixture
def org(sandbox_factory, product, demo_fixture, monkeypatch, tmp_path):
    monkeypatch.setenv("DSAR_SECRET_KEY", Fernet.generate_key().decode())
    server = sandbox_factory(demo_fixture, quota=False)
    services = product(server)
    key = requests.get(server.url + "/_sandbox/service-account.json", timeout=10).json()
    return server, services, key


def _write(path, data) -> str:
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return str(path)


def test_imported_key_is_stored_encrypted_and_used(org, tmp_path):
    server, services, key = org
    plain = _write(tmp_path / "key.json", key)
    out = CliRunner().invoke(main, ["auth", "import-key", "--delete-original", plain])
    assert out.exit_code == 0, out.output
    assert key["client_email"] in out.output and not os.path.exists(plain)
    store = services.settings.home / "secrets.json"
    raw = store.read_bytes()
    assert b"PRIVATE KEY" not in raw and key["private_key_id"].encode() not in raw
    assert stat.S_IMODE(store.stat().st_mode) == 0o600
    assert stored_key(services.settings) == key
    users = accounts_in_scope(open_services(services.settings), ADMIN_LOOKUP)
    assert len(users) == len([u for u in server.ws.users.values() if not getattr(u, "suspended", False)])


def test_the_stored_key_is_the_one_used(org, tmp_path):
    # A key Google does not know for this account: if the stored key is really the one used, the sandbox
    # (like Google) refuses its signature.
    server, services, key = org
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = other.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()).decode()
    forged = {**key, "private_key": pem, "private_key_id": "f" * 40}
    assert CliRunner().invoke(main, ["auth", "import-key", _write(tmp_path / "k.json", forged)]).exit_code == 0
    with pytest.raises(RefreshError, match="Invalid JWT Signature"):
        accounts_in_scope(open_services(services.settings), ADMIN_LOOKUP)


@pytest.mark.parametrize("content, message", [
    ("not json", "is not a JSON key file"),
    ({"type": "authorized_user", "client_id": "x"}, "is not a service-account key"),
    ({"type": "service_account", "client_email": "a@b.test"}, "lacks private_key, private_key_id, token_uri"),
])
def test_bad_key_files_are_refused_by_name_and_nothing_is_stored(org, tmp_path, content, message):
    server, services, key = org
    path = _write(tmp_path / "bad.json", content)
    out = CliRunner().invoke(main, ["auth", "import-key", "--delete-original", path])
    assert out.exit_code == ExitCode.INPUT and message in out.output and "bad.json" in out.output
    assert "Traceback" not in out.output and os.path.exists(path)
    assert not (services.settings.home / "secrets.json").exists()


def test_a_wrong_secret_key_is_a_clear_error_and_the_key_stays(org, tmp_path, monkeypatch):
    server, services, key = org
    assert CliRunner().invoke(main, ["auth", "import-key", _write(tmp_path / "k.json", key)]).exit_code == 0
    before = (services.settings.home / "secrets.json").read_bytes()
    monkeypatch.setenv("DSAR_SECRET_KEY", Fernet.generate_key().decode())
    out = CliRunner().invoke(main, ["config", "check", "--json"])
    check = {c["name"]: c for c in json.loads(out.output)["checks"]}["service account"]
    assert not check["ok"] and "cannot decrypt" in check["message"]
    assert (services.settings.home / "secrets.json").read_bytes() == before


def test_config_check_names_each_organisation_variant(org, tmp_path, monkeypatch):
    server, services, key = org
    settings = replace(services.settings, sandbox_url=None)
    plain = _write(tmp_path / "k.json", key)
    with_file = report(replace(settings, service_account_file=plain))
    sa = {c["name"]: c for c in with_file["checks"]}["service account"]
    assert with_file["mode"] == "organisation" and "plain-text key file" in sa["message"] and "import-key" in sa["message"]
    keyless = report(replace(settings, signer_service_account=key["client_email"]))
    checks = {c["name"]: c for c in keyless["checks"]}
    assert "keyless" in checks["service account"]["message"] and "secret key" not in checks
    missing = report(replace(settings, service_account_file=str(tmp_path / "nope.json")))
    sa = {c["name"]: c for c in missing["checks"]}["service account"]
    assert not sa["ok"] and "does not exist" in sa["message"]


def _keyless(services, key):
    return open_services(replace(services.settings, signer_service_account=key["client_email"]))


def _open_case(services, fixture):
    s = expected_subject(fixture, "jane")
    return open_case(services, "access", s["names"], s["emails"], s["phones"], s["identifiers"],
                     dt.date(2026, 11, 2), services.settings.actor)


def test_keyless_mode_searches_with_iam_signing_every_call_audited(org, demo_fixture):
    server, services, key = org
    keyless = _keyless(services, key)
    case = _open_case(keyless, demo_fixture)
    items = run_search(keyless, case.ref, keyless.settings.actor)
    assert items, "the planted subject is found"
    records = [r.fields for r in keyless.trail.records() if r.fields.get("outcome") not in ("checkpoint", "shred")]
    served = requests.get(server.url + "/_sandbox/requests", timeout=10).json()
    as_product = Counter("oauth2.metadata" if e["api_method"].startswith("metadata.") else e["api_method"] for e in served)
    assert as_product == Counter(r["api_method"] for r in records)  # every call, metadata and IAM included
    signs = [r for r in records if r["api_method"] == "iamcredentials.projects.serviceAccounts.signBlob"]
    assert signs and all(r["operation"] == "admin.sign_delegation" and r["outcome"] == "ok" for r in signs)
    assert all(r["scopes"] == ["https://www.googleapis.com/auth/cloud-platform"] for r in signs)
    assert any(r["api_method"] == "oauth2.metadata" and r["operation"] == "auth.token" for r in records)
    # one signature per delegated token: as many as JWT-bearer exchanges
    assert len(signs) == sum(1 for e in served if e["api_method"] == "oauth2.token")


def test_keyless_mode_refused_by_iam_is_a_clear_error(org, demo_fixture, monkeypatch):
    server, services, key = org
    requests.put(server.url + "/_sandbox/token-creators", json={"members": []}, timeout=10).raise_for_status()
    case = _open_case(services, demo_fixture)
    monkeypatch.setenv("DSAR_SIGNER_SERVICE_ACCOUNT", key["client_email"])
    out = CliRunner().invoke(main, ["search", case.ref])
    assert out.exit_code == ExitCode.GOOGLE, out.output
    assert "Traceback" not in out.output and "signBlob" in out.output and "DSAR_SIGNER_SERVICE_ACCOUNT" in out.output
