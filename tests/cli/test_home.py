"""A missing, mistyped or wrong DSAR_HOME is refused, never silently started as a new product (issue 12 item 7);
``dsar init`` is the one command that creates a data folder."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from addon.cli import main
from addon.data_folder import MARKER


@pytest.fixture
def env(monkeypatch, tmp_path):
    """No DSAR_* settings from the outer environment; HOME is a temporary folder (so ~/.dsar is too)."""
    for var in ("DSAR_HOME", "DSAR_CONFIG", "DSAR_DATABASE_URL", "DSAR_MASTER_KEY", "DSAR_SANDBOX_URL",
                "DSAR_ART15_TEMPLATE", "DSAR_ACTOR", "DSAR_DPO"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    (tmp_path / "user").mkdir()
    return tmp_path


def run(*args: str, home: Path | None = None):
    r = CliRunner().invoke(main, list(args), env={"DSAR_HOME": str(home)} if home else None)
    assert "Traceback" not in r.output
    return r


def test_mistyped_home_is_refused_and_not_created(env):
    typo = env / "dsar-hmoe"
    r = run("case", "list", home=typo)
    assert r.exit_code == 3
    assert f"no data folder at {typo} (from DSAR_HOME)" in r.output and "dsar init" in r.output
    assert not typo.exists()


def test_unset_home_names_the_default_and_creates_no_keys(env):
    r = run("case", "open", "--type", "access", "--name", "Jane Doe", "--email", "jane@example.org")
    default = env / "user" / ".dsar"
    assert r.exit_code == 3 and f"no data folder at {default} (the default: DSAR_HOME is not set)" in r.output
    assert not default.exists()


def test_home_that_is_a_file_is_one_clear_line(env):
    f = env / "notes.txt"
    f.write_text("mine")
    r = run("case", "list", home=f)
    assert r.exit_code == 3 and r.output.strip() == (
        f"Error: DSAR_HOME: {f} (from DSAR_HOME) is a file, not a folder; set DSAR_HOME to the data folder")
    assert f.read_text() == "mine"


def test_parent_of_the_data_folder_is_refused_with_a_hint(env):
    parent = env / "dsar-demo"
    (parent / "home").mkdir(parents=True)
    (parent / "home" / MARKER).write_text("x")
    (parent / "fixture").mkdir()
    r = run("case", "list", home=parent)
    assert r.exit_code == 3 and "is not a dsar data folder" in r.output and f"did you mean {parent / 'home'}" in r.output
    assert sorted(p.name for p in parent.iterdir()) == ["fixture", "home"]  # no keys, no stores written


def test_init_creates_the_folder_keys_and_starters_then_commands_work(env):
    home = env / "data"
    r = run("init", home=home)
    assert r.exit_code == 0, r.output
    assert (home / MARKER).is_file() and (home / "master.key").is_file() and (home / "audit-signing.key").is_file()
    assert (home / "art15.toml").is_file() and (home / "erasure-policy.toml").is_file()
    key = (home / "master.key").read_text()
    (home / "art15.toml").write_text("# filled in\n")
    again = run("init", home=home)
    assert again.exit_code == 0 and "already there" in again.output
    assert (home / "master.key").read_text() == key and (home / "art15.toml").read_text() == "# filled in\n"
    assert run("case", "list", home=home).exit_code == 0


def test_an_existing_folder_from_before_the_marker_is_accepted_and_marked(env):
    home = env / "old"
    home.mkdir()
    run("init", home=home)
    (home / MARKER).unlink()
    assert run("case", "list", home=home).exit_code == 0
    assert (home / MARKER).is_file()


def test_config_check_reports_the_missing_folder_without_creating_it(env):
    home = env / "nowhere"
    r = run("config", "check", "--json", home=home)
    assert r.exit_code == 1 and not home.exists()
    import json

    checks = {c["name"]: c for c in json.loads(r.output)["checks"]}
    assert not checks["data folder"]["ok"] and str(home) in checks["data folder"]["message"]
    assert "dsar init" in checks["data folder"]["fix"]


def test_db_upgrade_does_not_start_a_data_folder(env):
    home = env / "typo"
    r = run("db", "upgrade", home=home)
    assert r.exit_code == 3 and "no data folder" in r.output and not home.exists()


def test_init_against_the_sandbox_writes_no_art15_starter(env):
    home = env / "sb"
    r = CliRunner().invoke(main, ["init"], env={"DSAR_HOME": str(home), "DSAR_SANDBOX_URL": "http://127.0.0.1:1"})
    assert r.exit_code == 0, r.output
    assert not (home / "art15.toml").exists() and "demo template" in " ".join(r.output.split())
