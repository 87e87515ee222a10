"""Generating the add-on's manifests from the scope registry, so that what Google shows users at consent
always equals what the product can do.

``appsscript/deployment.json`` is the HTTP add-on's deployment descriptor
(``gcloud workspace-add-ons deployments create dsar --deployment-file=appsscript/deployment.json``).
Its ``oauthScopes`` list every scope the add-on may ever ask for: Google refuses a
``requesting_google_scopes`` prompt for a scope that is not in the manifest (research/addon.md §7.1). So
we *declare all and request incrementally*: the add-on opts in to granular consent, a search asks for the
read scopes only, and erase scopes are asked for when an approved erasure runs. The one exception is
``https://mail.google.com/``: it is declared only when the deployment enables permanent deletion
(``--permanent-delete``), because otherwise nothing will ever request it. Organisation-wide (``admin``
step) scopes belong to the service account's domain-wide delegation, not to the staff member's consent.

``appsscript/appsscript.json`` is the manifest of ``Tracker.gs``, the tracker sheet's bound script; its
scopes are derived from the Apps Script services the script uses, so a new call needs a new scope here.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

from .errors import ManifestDrift, ManifestError
from .registry import ADDON_BASE_SCOPES, OPTIONAL_SOURCES, scopes_for_step

APPSSCRIPT_DIR = Path(__file__).resolve().parent.parent / "appsscript"
PLACEHOLDER_BASE_URL = "https://dsar.example.com"
#: Steps whose scopes the staff member grants to the add-on (in this order in the manifest).
ADDON_STEPS = ("context", "search", "export", "erase", "track")
ADDON_NAME = "DSAR"

_APPS_SCRIPT = "https://www.googleapis.com/auth/"
#: Apps Script services -> the scope each needs (as Apps Script's own scope detection would add them).
SCRIPT_SERVICE_SCOPES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), s) for p, s in (
        (r"\bSpreadsheetApp\.(getActiveSpreadsheet|getActive|getActiveSheet|getActiveRange|getCurrentCell)\b",
         _APPS_SCRIPT + "spreadsheets.currentonly"),
        (r"\bSpreadsheetApp\.(open|openById|openByUrl|create)\b", _APPS_SCRIPT + "spreadsheets"),
        (r"\b(SpreadsheetApp|DocumentApp|SlidesApp|FormApp)\.getUi\b", _APPS_SCRIPT + "script.container.ui"),
        (r"\bUrlFetchApp\b", _APPS_SCRIPT + "script.external_request"),
        (r"\bScriptApp\.newTrigger\b", _APPS_SCRIPT + "script.scriptapp"),
        (r"\bSession\.getActiveUser\b", _APPS_SCRIPT + "userinfo.email"),
        (r"\bMailApp\b", _APPS_SCRIPT + "script.send_mail"),
        (r"\bGmailApp\b", "https://mail.google.com/"),
        (r"\bDriveApp\b", _APPS_SCRIPT + "drive"),
    )
)
_JS_TOKENS = re.compile(r"(\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`)|/\*.*?\*/|//[^\n]*", re.S)
_BASE_URL_LINE = re.compile(r"^const DSAR_BASE_URL = '[^'\n]*';$", re.M)


def base_url_checked(base_url: str) -> str:
    """The base URL without a trailing slash; Google calls add-on endpoints over HTTPS only."""
    parts = urlsplit(base_url.strip())
    local = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        raise ManifestError(f"base URL: {base_url!r} must be an https:// URL (Google calls add-ons over HTTPS)")
    if not parts.hostname or parts.query or parts.fragment or "'" in base_url:
        raise ManifestError(f"base URL: {base_url!r} must be a plain scheme://host[/path] without query or fragment")
    return base_url.strip().rstrip("/")


def deployment_scopes(*, permanent_delete: bool = False) -> tuple[str, ...]:
    """The add-on's base scopes, then every scope its steps may request (see the module docstring)."""
    scopes = list(ADDON_BASE_SCOPES)
    for step in ADDON_STEPS:
        # every optional source too: the manifest declares what any organisation may enable (granular consent
        # and incremental authorization still ask only for the enabled sources' scopes at run time)
        scopes += scopes_for_step(step, permanent_delete=permanent_delete, sources=OPTIONAL_SOURCES)
    return tuple(dict.fromkeys(scopes))


def render_deployment(base_url: str = PLACEHOLDER_BASE_URL, *, permanent_delete: bool = False) -> dict:
    """The deployment descriptor for an add-on served at ``base_url`` (research/addon.md §3)."""
    base = base_url_checked(base_url)
    home = {"runFunction": f"{base}/addon/homepage", "enabled": True}
    return {
        "oauthScopes": list(deployment_scopes(permanent_delete=permanent_delete)),
        "addOns": {
            "common": {
                "name": ADDON_NAME,
                "logoUrl": f"{base}/addon/logo.png",
                "useLocaleFromApp": True,
                "homepageTrigger": home,
                "openLinkUrlPrefixes": [f"{base}/"],
            },
            "gmail": {"contextualTriggers": [{"unconditional": {}, "onTriggerFunction": f"{base}/addon/gmail"}]},
            "drive": {"onItemsSelectedTrigger": {"runFunction": f"{base}/addon/drive"}},
            "sheets": {"homepageTrigger": home},
            "httpOptions": {"authorizationHeader": "SYSTEM_ID_TOKEN", "granularOauthPermissionSupport": "OPT_IN"},
        },
    }


def script_code(source: str) -> str:
    """Apps Script source with comments and string contents removed: only code can need a scope."""
    return _JS_TOKENS.sub(lambda m: m.group(1)[0] * 2 if m.group(1) else " ", source)


def script_scopes(source: str) -> tuple[str, ...]:
    """The scopes the services used by an Apps Script source need, in a stable order."""
    code = script_code(source)
    return tuple(dict.fromkeys(scope for rx, scope in SCRIPT_SERVICE_SCOPES if rx.search(code)))


def render_apps_script_manifest(script_source: str) -> dict:
    return {
        "timeZone": "Europe/London",
        "dependencies": {},
        "exceptionLogging": "STACKDRIVER",
        "runtimeVersion": "V8",
        "oauthScopes": sorted(script_scopes(script_source)),
    }


def render_tracker_script(source: str, base_url: str) -> str:
    """Tracker.gs with ``DSAR_BASE_URL`` set to ``base_url``."""
    if not _BASE_URL_LINE.search(source):
        raise ManifestError("Tracker.gs: the line \"const DSAR_BASE_URL = '...';\" is missing")
    return _BASE_URL_LINE.sub(f"const DSAR_BASE_URL = '{base_url_checked(base_url)}';", source, count=1)


def to_json(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as e:
        raise ManifestError(f"{path}: cannot be read ({e.strerror or e})") from e


def tracker_source(root: Path = APPSSCRIPT_DIR) -> str:
    return _read(root / "Tracker.gs")


def generated_files(root: Path = APPSSCRIPT_DIR) -> dict[Path, str]:
    """The committed files as the registry generates them (placeholder base URL)."""
    tracker = tracker_source(root)
    return {
        root / "deployment.json": to_json(render_deployment()),
        root / "appsscript.json": to_json(render_apps_script_manifest(tracker)),
        root / "Tracker.gs": render_tracker_script(tracker, PLACEHOLDER_BASE_URL),
    }


def drifted(root: Path = APPSSCRIPT_DIR) -> list[Path]:
    """Committed files that differ (byte for byte) from what the registry generates."""
    out = []
    for path, text in generated_files(root).items():
        try:
            current = path.read_bytes()
        except OSError:
            current = None
        if current != text.encode("utf-8"):
            out.append(path)
    return out


def check(root: Path = APPSSCRIPT_DIR) -> None:
    stale = drifted(root)
    if stale:
        raise ManifestDrift([str(p) for p in stale])


def write(root: Path = APPSSCRIPT_DIR) -> list[Path]:
    """Regenerate the committed files; returns the ones that changed."""
    changed = drifted(root)
    for path, text in generated_files(root).items():
        if path in changed:
            write_text(path, text)
    return changed


def write_text(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as e:
        raise ManifestError(f"{path}: cannot be written ({e.strerror or e})") from e
