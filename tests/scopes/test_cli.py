"""``dsar scopes list`` and ``dsar scopes manifest`` through click's runner."""
from __future__ import annotations

import json

from click.testing import CliRunner

from addon.cli import main
from addon.errors import ExitCode
from scopes import registry


def test_scopes_list_table_names_every_operation():
    r = CliRunner().invoke(main, ["scopes", "list"], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    for name in ("gmail.search", "gmail.delete_permanently", "tracker.write", "auth.token"):
        assert name in r.output
    assert "restricted" in r.output and "sensitive" in r.output and "Limited Use" in r.output


def test_scopes_list_json_matches_the_registry():
    r = CliRunner().invoke(main, ["scopes", "list", "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert [o["name"] for o in data["operations"]] == list(registry.OPERATIONS)
    search = next(o for o in data["operations"] if o["name"] == "gmail.search")
    assert search["scopes"] == ["https://www.googleapis.com/auth/gmail.readonly"]
    assert search["sensitivity"] == "restricted" and "searching" in search["allowed_statuses"]
    assert data["steps"]["search"] == list(registry.scopes_for_step("search"))


def test_scopes_list_one_step():
    r = CliRunner().invoke(main, ["scopes", "list", "--step", "erase", "--json"])
    assert {o["step"] for o in json.loads(r.output)["operations"]} == {"erase"}
    r = CliRunner().invoke(main, ["scopes", "list", "--step", "nuke"])
    assert r.exit_code == ExitCode.USAGE and "nuke" in r.output


def test_manifest_check_passes_on_the_committed_files():
    r = CliRunner().invoke(main, ["scopes", "manifest", "--check"])
    assert r.exit_code == 0, r.output
    assert "matches" in r.output


def test_manifest_for_a_base_url(tmp_path):
    out, tracker = tmp_path / "deployment.json", tmp_path / "Tracker.gs"
    r = CliRunner().invoke(main, ["scopes", "manifest", "--base-url", "https://dsar.acme.test", "--out", str(out),
                                  "--tracker-out", str(tracker), "--permanent-delete"])
    assert r.exit_code == 0, r.output
    dep = json.loads(out.read_text())
    assert dep["addOns"]["gmail"]["contextualTriggers"][0]["onTriggerFunction"] == "https://dsar.acme.test/addon/gmail"
    assert "https://mail.google.com/" in dep["oauthScopes"]
    assert "const DSAR_BASE_URL = 'https://dsar.acme.test';" in tracker.read_text()


def test_manifest_bad_input_is_one_clear_line():
    r = CliRunner().invoke(main, ["scopes", "manifest", "--base-url", "http://dsar.acme.test"])
    assert r.exit_code == ExitCode.INPUT and "base URL" in r.output and "Traceback" not in r.output
    r = CliRunner().invoke(main, ["scopes", "manifest", "--out", "x.json"])
    assert r.exit_code == ExitCode.USAGE and "--base-url" in r.output
