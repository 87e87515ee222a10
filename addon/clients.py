"""The one place Google clients are built. Every client it returns sends through the audited seam; in
sandbox mode (``DSAR_SANDBOX_URL``) the bundled discovery documents get the sandbox as ``rootUrl`` and
``build_from_document`` is used, so normal calls, batches and media uploads all land there."""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import gspread
import requests
from google.oauth2 import service_account
from googleapiclient.discovery import build_from_document
from googleapiclient.discovery_cache import get_static_doc

from audit.httpshim import AuditedHttp
from audit.transport import Seam

from .auth.service_account import (acts_as_service_account, keyless_credentials, read_key_file,
                                   refuse_unaudited_lookups, stored_key)
from .config import Settings
from .errors import ConfigError

_APIS = {"gmail": ("gmail", "v1"), "drive": ("drive", "v3"), "sheets": ("sheets", "v4"),
         "directory": ("admin", "directory_v1"), "calendar": ("calendar", "v3"), "people": ("people", "v1"),
         "chat": ("chat", "v1"), "forms": ("forms", "v1"), "reports": ("admin", "reports_v1")}


def discovery_document(api: str, root_url: str | None) -> dict:
    """A fresh copy each time (googleapiclient adds to the methods it builds, so a shared one would be
    written by several threads), parsed from a lean text made once per API."""
    return json.loads(_lean_text(api, root_url))


@lru_cache(maxsize=None)
def _lean_text(api: str, root_url: str | None) -> str:
    name, version = _APIS[api]
    doc = _lean(json.loads(get_static_doc(name, version)))
    if root_url:
        doc["rootUrl"] = root_url.rstrip("/") + "/"
        doc.pop("mtlsRootUrl", None)
    return json.dumps(doc)


def _lean(doc: dict) -> dict:
    """The document with each schema cut to its property names and types.

    googleapiclient reads schemas only to write docstrings and to spot ``nextPageToken`` for ``*_next``
    methods, but it writes those docstrings again for every ``service.spreadsheets()`` call, expanding
    nested ``$ref`` schemas as it goes: about 38 ms of CPU per Sheets call on this machine, more than the
    sandbox takes to answer. Requests, URLs, parameters and media uploads come from the methods, which are
    left whole, so calls are the same bytes on the wire."""
    doc["schemas"] = {
        name: {"id": schema.get("id", name), "type": schema.get("type", "object"),
               "properties": {k: {"type": _leaf(v)} for k, v in schema.get("properties", {}).items()}}
        for name, schema in doc.get("schemas", {}).items()
    }
    return doc


def _leaf(prop: dict) -> str:
    kind = prop.get("type")
    return kind if kind in ("string", "integer", "number", "boolean") else "any"


@dataclass
class Clients:
    """Builds audited clients acting as ``principal`` (a mailbox / Drive owner) with ``scopes``."""

    settings: Settings
    seam: Seam
    credential_source: Any = None  # callable (principal, scopes) -> google.auth credentials
    _creds: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def credentials(self, principal: str, scopes: tuple[str, ...]):
        key = (principal, tuple(sorted(scopes)))
        with self._lock:
            creds = self._creds.get(key)
            if creds is None:
                source = self.credential_source or self._default_source()
                creds = self._creds[key] = source(principal, tuple(sorted(scopes)))
            return creds

    def _default_source(self):
        s = self.settings
        if s.signer_service_account:
            base = keyless_credentials(self.seam, s.signer_service_account)
        elif acts_as_service_account(s):
            # parse the private key once (~0.1 s each time); per user and scopes only the signer is shared
            refuse_unaudited_lookups()
            base = service_account.Credentials.from_service_account_info(service_account_info(s))
        else:
            return self._staff_source()
        self.credential_source = lambda principal, scopes: base.with_scopes(list(scopes)).with_subject(principal)
        return self.credential_source

    def _staff_source(self):
        """User mode: the signed-in staff member's own data only, never anyone else's."""
        from .auth.staff import load_credentials

        creds = load_credentials(self.settings)

        def source(principal: str, scopes: tuple[str, ...]):
            record_email = getattr(self, "_staff_email", None)
            if record_email and principal.lower() != record_email:
                raise ConfigError(f"user mode: {principal} is not the signed-in user; organisation-wide searches need "
                                  "a service account with domain-wide delegation ('dsar auth import-key' or "
                                  "DSAR_SIGNER_SERVICE_ACCOUNT)")
            return creds

        from .auth.staff import status

        self._staff_email = (status(self.settings).get("email") or "").lower()
        self.credential_source = source
        return source

    def session(self, principal: str, scopes: tuple[str, ...]) -> requests.Session:
        return self.seam.session(self.credentials(principal, scopes), principal)

    def api(self, api: str, principal: str, scopes: tuple[str, ...]):
        http = AuditedHttp(self.session(principal, scopes))
        return build_from_document(discovery_document(api, self.settings.sandbox_url), http=http)

    def gmail(self, principal: str, scopes: tuple[str, ...]):
        return self.api("gmail", principal, scopes)

    def drive(self, principal: str, scopes: tuple[str, ...]):
        return self.api("drive", principal, scopes)

    def sheets(self, principal: str, scopes: tuple[str, ...]):
        return self.api("sheets", principal, scopes)

    def directory(self, principal: str, scopes: tuple[str, ...]):
        return self.api("directory", principal, scopes)

    def gspread(self, principal: str, scopes: tuple[str, ...]) -> gspread.Client:
        # gspread's URLs are fixed to Google's hosts; the seam's egress rewrites them to the sandbox.
        return gspread.Client(auth=None, session=self.session(principal, scopes))


def service_account_info(settings: Settings) -> dict:
    """The key imported into the encrypted token store; else, in sandbox mode, the sandbox's own; else
    the configured (plain-text) key file. An imported key wins in sandbox mode too, so it is tried there."""
    stored = stored_key(settings)
    if stored is not None:
        return stored
    if settings.sandbox_url:
        return sandbox_key(settings.sandbox_url)
    if not settings.service_account_file:
        raise ConfigError(
            "No Google credentials configured: import a service-account key with 'dsar auth import-key' or set "
            "DSAR_SIGNER_SERVICE_ACCOUNT (organisation mode), sign in with 'dsar auth login', or set "
            "DSAR_SANDBOX_URL to use a local sandbox. 'dsar config check' explains more."
        )
    return read_key_file(settings.service_account_file)


def sandbox_key(sandbox_url: str) -> dict:
    """The sandbox's own service-account key (the sandbox plays Google for the add-on's ID tokens too)."""
    try:
        resp = requests.get(sandbox_url + "/_sandbox/service-account.json", timeout=10)
        resp.raise_for_status()
        return resp.json()
    except (requests.RequestException, ValueError) as e:
        raise ConfigError(
            f"DSAR_SANDBOX_URL: no sandbox answers at {sandbox_url} ({type(e).__name__}); "
            "start one with 'dsar sandbox serve --fixture DIR'"
        ) from None
