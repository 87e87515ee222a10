"""The Art. 15 report never speaks for the demo company outside the sandbox (issue 12 item 1), and an encrypted
package says which tools open it (item 13)."""
from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from dataclasses import replace

import pytest
from click.testing import CliRunner

from addon.cli import main
from addon.config import Settings
from addon.errors import ConfigError
from addon.export import build_package
from addon.export.package import PASSWORD_ALPHABET, package_password
from addon.export.report import SANDBOX_DEMO, load_art15, starter_text
from addon.services import Services


@pytest.fixture(autouse=True)
def _no_template(monkeypatch):
    monkeypatch.delenv("DSAR_ART15_TEMPLATE", raising=False)
    monkeypatch.delenv("DSAR_CONFIG", raising=False)


def _filled(text: str) -> str:
    """The starter with every placeholder replaced, as an organisation would."""
    import re

    return re.sub(r"<[A-Z][A-Z0-9 ,.'/&()-]*>", "Acme Widgets Ltd text", text)


def test_outside_the_sandbox_no_template_means_no_package(searched, tmp_path):
    real = Services(replace(searched.services.settings, sandbox_url=None))
    with pytest.raises(ConfigError, match=r"DSAR_ART15_TEMPLATE: no Art\. 15 template is set.*dsar init"):
        build_package(real, searched.case.ref, searched.env.dpo, out_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists()  # refused before anything was fetched or written


def test_sandbox_report_says_it_uses_the_demo_template(searched, tmp_path):
    result = build_package(searched.services, searched.case.ref, searched.env.dpo, out_dir=tmp_path)
    with zipfile.ZipFile(result.path) as zf:
        html = zf.read("report.html").decode("utf-8")
        manifest = json.loads(zf.read("manifest.json"))
    assert "SANDBOX DEMO" in html and "not for a real request" in html and "dsar init" in html
    assert manifest["art15_template"] == SANDBOX_DEMO


def test_starter_placeholders_are_refused_by_name_until_replaced(tmp_path, monkeypatch):
    starter = tmp_path / "art15.toml"
    starter.write_text(starter_text(), encoding="utf-8")
    settings = Settings(home=tmp_path)  # not the sandbox; <home>/art15.toml is found without DSAR_ART15_TEMPLATE
    with pytest.raises(ConfigError, match=r"\[organisation\] name still says <YOUR ORGANISATION>"):
        load_art15(settings)
    starter.write_text(_filled(starter_text()).replace('how = "Acme', 'how = "<WHO TO WRITE TO> Acme'), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[rights\] how still says <WHO TO WRITE TO>"):
        load_art15(settings)
    starter.write_text(_filled(starter_text()), encoding="utf-8")
    data, where = load_art15(settings)
    assert where == str(starter) and data["organisation"]["name"] == "Acme Widgets Ltd text"


def test_config_check_names_the_unfilled_field(tmp_path, monkeypatch):
    monkeypatch.delenv("DSAR_SANDBOX_URL", raising=False)
    home = tmp_path / "data"
    assert CliRunner().invoke(main, ["init"], env={"DSAR_HOME": str(home)}).exit_code == 0
    r = CliRunner().invoke(main, ["config", "check", "--json"], env={"DSAR_HOME": str(home)})
    check = {c["name"]: c for c in json.loads(r.output)["checks"]}["art15 template"]
    assert not check["ok"] and "[organisation] name still says <YOUR ORGANISATION>" in check["message"]


def test_the_organisations_own_template_is_used_without_the_banner(searched, tmp_path, monkeypatch):
    own = tmp_path / "ours.toml"
    own.write_text(_filled(starter_text()), encoding="utf-8")
    monkeypatch.setenv("DSAR_ART15_TEMPLATE", str(own))
    result = build_package(searched.services, searched.case.ref, searched.env.dpo, out_dir=tmp_path)
    html = zipfile.ZipFile(result.path).read("report.html").decode("utf-8")
    assert "Acme Widgets Ltd text" in html and "SANDBOX DEMO" not in html and "Northwind" not in html


def test_encrypted_package_says_which_tools_open_it(searched, tmp_path):
    result = build_package(searched.services, searched.case.ref, searched.env.dpo, out_dir=tmp_path, encrypt=True)
    note = result.how_to_open
    assert note is not None and note.parent == tmp_path and "7-Zip" in note.read_text()
    assert '"unzip" command found on Linux does NOT open it' in note.read_text()
    assert result.public()["how_to_open"] == str(note)
    seven = shutil.which("7zz") or shutil.which("7z")
    if seven:  # what the note claims, checked with the real tools when they are installed
        ok = subprocess.run([seven, "t", f"-p{result.password}", str(result.path)], capture_output=True)
        assert ok.returncode == 0, ok.stdout.decode()[-500:]
    if shutil.which("unzip"):
        bad = subprocess.run(["unzip", "-t", "-P", result.password, str(result.path)], capture_output=True, text=True)
        assert bad.returncode != 0 and "unsupported compression method 99" in bad.stdout
    if shutil.which("bsdtar"):
        out = tmp_path / "x"
        out.mkdir()
        got = subprocess.run(["bsdtar", "-x", "--passphrase", result.password, "-C", str(out), "-f", str(result.path)],
                             capture_output=True)
        assert got.returncode == 0 and (out / "report.html").is_file()
        assert "7-Zip" in (out / "report.html").read_text(encoding="utf-8")


def test_package_passwords_can_be_typed_after_an_option():
    """A password starting with "-" was read by ``unzip -P`` as an option (a test failed so, 1 run in
    64): passwords are letters and digits, none easily misread, ~145 bits."""
    drawn = [package_password() for _ in range(2000)]
    assert all(p[0].isalnum() and set(p) <= set(PASSWORD_ALPHABET) for p in drawn)
    assert len(set(drawn)) == len(drawn) and len(PASSWORD_ALPHABET) == 57 and len(drawn[0]) == 25
    assert not set(PASSWORD_ALPHABET) & set("-_0O1lI")
