"""The package's evidence and checks, without Google: manifest verification, the Art. 15 template,
CSV safety and file names."""
from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest
import pyzipper

from addon.config import Settings
from addon.errors import ConfigError
from addon.export.manifest import PackageError, index_csv, manifest_json, verify_package
from addon.export.report import SANDBOX_DEMO, load_art15, render_report
from addon.export.sources import neutralise, safe_path

FILES = {"gmail/a@example.test/m1.eml": b"Message-ID: <1@x>\r\n\r\nhello\r\n", "index.csv": b"path\r\n"}


def _entries(files: dict[str, bytes]) -> list[dict]:
    return [{"path": p, "sha256": hashlib.sha256(d).hexdigest(), "bytes": len(d)} for p, d in files.items()]


def _write(path: Path, files: dict[str, bytes], manifest_files: dict[str, bytes], password: str | None = None) -> Path:
    if password:
        zf = pyzipper.AESZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, encryption=pyzipper.WZ_AES)
        zf.setpassword(password.encode())
    else:
        zf = zipfile.ZipFile(path, "w")
    with zf:
        for name, data in files.items():
            zf.writestr(name, data)
        zf.writestr("manifest.json", manifest_json({"case": "DSAR-2026-0001"}, _entries(manifest_files), []))
    return path


def test_intact_package_verifies(tmp_path):
    manifest, problems = verify_package(_write(tmp_path / "p.zip", FILES, FILES))
    assert problems == [] and manifest["case"] == "DSAR-2026-0001"


def test_modified_missing_and_extra_files_are_reported(tmp_path):
    changed = {**FILES, "gmail/a@example.test/m1.eml": b"Message-ID: <1@x>\r\n\r\nHELLO\r\n", "extra.txt": b"x"}
    del changed["index.csv"]
    _, problems = verify_package(_write(tmp_path / "p.zip", changed, FILES))
    assert any(p.startswith("modified: gmail/a@example.test/m1.eml") for p in problems)
    assert "missing: index.csv" in problems and "not in the manifest: extra.txt" in problems


def test_encrypted_package_needs_its_password(tmp_path):
    path = _write(tmp_path / "p.zip", FILES, FILES, password="s3cret-pw")
    assert verify_package(path, "s3cret-pw")[1] == []
    with pytest.raises(PackageError, match="encrypted"):
        verify_package(path)
    with pytest.raises(PackageError):
        verify_package(path, "wrong")


def test_not_a_zip_is_a_clear_error(tmp_path):
    bad = tmp_path / "x.zip"
    bad.write_text("nope")
    with pytest.raises(PackageError, match="not a ZIP"):
        verify_package(bad)


def test_index_neutralises_formula_cells():
    text = index_csv([{"path": "a", "description": "=cmd|' /C calc'!A0"}]).decode()
    assert "'=cmd" in text and text.splitlines()[0].startswith("path,source,account,item_id,sha256")


def test_csv_cells_and_paths_are_safe():
    assert neutralise("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert neutralise("-12.5") == "-12.5" and neutralise("+44 7700 900123") == "'+44 7700 900123"
    assert neutralise("Jane") == "Jane"
    assert safe_path("../../etc/passwd") == "etc/passwd"
    assert safe_path("Call notes/2025/Jane: Doe?") == "Call notes/2025/Jane_ Doe_"


def test_default_art15_template_has_every_required_item():
    data, where = load_art15(Settings(home=Path("/nonexistent"), sandbox_url="http://127.0.0.1:1"))
    assert where == SANDBOX_DEMO  # the bundled template: only against the sandbox (tests/export/test_template.py)
    assert "ico.org.uk" in data["complaint"]["url"] and data["processing"]["purposes"]


def test_organisation_template_is_validated(tmp_path, monkeypatch):
    bad = tmp_path / "art15.toml"
    bad.write_text('[organisation]\nname = "X"\ncontact = "x@x"\n', encoding="utf-8")
    monkeypatch.setenv("DSAR_ART15_TEMPLATE", str(bad))
    with pytest.raises(ConfigError, match=r"\[processing\] purposes"):
        load_art15(Settings(home=tmp_path))
    monkeypatch.setenv("DSAR_ART15_TEMPLATE", str(tmp_path / "missing.toml"))
    with pytest.raises(ConfigError, match="does not exist"):
        load_art15(Settings(home=tmp_path))


def test_report_escapes_what_people_typed():
    org, _ = load_art15(Settings(home=Path("/nonexistent"), sandbox_url="http://127.0.0.1:1"))
    html = render_report({
        "case": {"ref": "DSAR-2026-0001", "received": "2026-03-02"}, "subject_name": "<script>alert(1)</script>",
        "org": org, "generated_on": "2026-03-10", "searched_for": [("Names", ["<b>x</b>"])],
        "messages": [{"path": "gmail/a/1.eml", "account": "a@x", "date": "d", "sender": "<evil>", "subject": "s"}],
        "files": [], "sheets": [], "sheet_rows": 0, "excluded": [], "file_count": 4, "document_count": 0,
    })
    assert "<script>alert" not in html and "&lt;script&gt;" in html and "&lt;evil&gt;" in html
    assert "Information Commissioner" in html and "Purposes of the processing" in html
