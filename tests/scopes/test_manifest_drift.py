"""The committed manifests equal what the registry generates, byte for byte; and generation is right."""
from __future__ import annotations

import json
import shutil

import pytest

from scopes import manifest
from scopes.catalog import ADDON_BASE_SCOPES
from scopes.errors import ManifestDrift, ManifestError
from scopes.model import DIRECTORY_USER_READONLY, DRIVE, GMAIL_MODIFY, GMAIL_READONLY, MAIL_FULL, OPENID, SPREADSHEETS
from scopes.registry import scopes_for_step

DIR = manifest.APPSSCRIPT_DIR


def test_committed_files_match_the_registry_byte_for_byte():
    generated = manifest.generated_files()
    assert set(p.name for p in generated) == {"deployment.json", "appsscript.json", "Tracker.gs"}
    for path, text in generated.items():
        assert path.read_bytes() == text.encode("utf-8"), f"{path.name} drifted: run 'dsar scopes manifest'"
    manifest.check()


def test_drift_is_detected_and_regeneration_fixes_it(tmp_path):
    shutil.copytree(DIR, tmp_path / "appsscript")
    root = tmp_path / "appsscript"
    manifest.check(root)
    dep = json.loads((root / "deployment.json").read_text())
    dep["oauthScopes"].append(MAIL_FULL)
    (root / "deployment.json").write_text(json.dumps(dep, indent=2) + "\n")
    (root / "Tracker.gs").write_text((root / "Tracker.gs").read_text() + "\nfunction ping() { UrlFetchApp.fetch('x'); }\n")
    with pytest.raises(ManifestDrift) as e:
        manifest.check(root)
    assert {p.rsplit("/", 1)[-1] for p in e.value.files} == {"deployment.json", "appsscript.json"}
    assert {p.name for p in manifest.write(root)} == {"deployment.json", "appsscript.json"}
    manifest.check(root)
    scopes = json.loads((root / "appsscript.json").read_text())["oauthScopes"]
    assert "https://www.googleapis.com/auth/script.external_request" in scopes


def test_deployment_declares_all_and_nothing_more():
    dep = manifest.render_deployment()
    scopes = dep["oauthScopes"]
    assert len(scopes) == len(set(scopes))
    assert scopes[: len(ADDON_BASE_SCOPES)] == list(ADDON_BASE_SCOPES)
    # declared up front (Google refuses to prompt for undeclared scopes), requested per step at run time
    for s in (*scopes_for_step("search"), *scopes_for_step("erase"), *scopes_for_step("track")):
        assert s in scopes
    assert GMAIL_MODIFY in scopes and DRIVE in scopes and SPREADSHEETS in scopes
    assert MAIL_FULL not in scopes  # permanent deletion is not configured by default
    assert MAIL_FULL in manifest.render_deployment(permanent_delete=True)["oauthScopes"]
    assert DIRECTORY_USER_READONLY not in scopes and OPENID not in scopes  # delegation / CLI only
    assert GMAIL_READONLY in scopes


def test_deployment_triggers_for_a_base_url():
    dep = manifest.render_deployment("https://dsar.acme.test/")["addOns"]
    assert dep["common"]["homepageTrigger"]["runFunction"] == "https://dsar.acme.test/addon/homepage"
    assert dep["common"]["name"] == "DSAR" and dep["common"]["useLocaleFromApp"] is True
    assert dep["gmail"]["contextualTriggers"] == [{"unconditional": {}, "onTriggerFunction": "https://dsar.acme.test/addon/gmail"}]
    assert dep["drive"]["onItemsSelectedTrigger"]["runFunction"] == "https://dsar.acme.test/addon/drive"
    assert dep["sheets"]["homepageTrigger"]["runFunction"] == "https://dsar.acme.test/addon/homepage"
    assert dep["httpOptions"]["granularOauthPermissionSupport"] == "OPT_IN"
    assert "https://www.googleapis.com/auth/script.locale" in manifest.render_deployment()["oauthScopes"]


@pytest.mark.parametrize("bad", ["http://dsar.acme.test", "ftp://x", "https://x.test/?a=1", "dsar.acme.test",
                                 "https://x.test/a'b"])
def test_bad_base_urls_are_refused_with_a_clear_message(bad):
    with pytest.raises(ManifestError, match="base URL"):
        manifest.render_deployment(bad)


def test_apps_script_manifest_scopes_come_from_the_services_used():
    app = json.loads((DIR / "appsscript.json").read_text())
    assert app["timeZone"] == "Europe/London" and app["runtimeVersion"] == "V8"
    assert app["oauthScopes"] == ["https://www.googleapis.com/auth/script.container.ui",
                                  "https://www.googleapis.com/auth/spreadsheets.currentonly"]
    # comments never add scopes, code does
    assert manifest.script_scopes("// UrlFetchApp.fetch(x)\n/* DriveApp */ var s = 'GmailApp';") == ()
    assert manifest.script_scopes("var f = UrlFetchApp.fetch('https://x'); // ok") == (
        "https://www.googleapis.com/auth/script.external_request",)
    assert manifest.script_scopes("SpreadsheetApp.openById('x')") == ("https://www.googleapis.com/auth/spreadsheets",)


def test_tracker_script_renders_for_a_base_url():
    src = manifest.tracker_source()
    out = manifest.render_tracker_script(src, "https://dsar.acme.test")
    assert "const DSAR_BASE_URL = 'https://dsar.acme.test';" in out
    assert out.replace("https://dsar.acme.test", manifest.PLACEHOLDER_BASE_URL) == src
    with pytest.raises(ManifestError, match="DSAR_BASE_URL"):
        manifest.render_tracker_script("function onOpen() {}", "https://dsar.acme.test")
