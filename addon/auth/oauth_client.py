"""The OAuth client configuration: the organisation's own (``DSAR_OAUTH_CLIENT_FILE``, the JSON Google's
console gives), or, against the sandbox, one pointing at the sandbox's authorization and token endpoints."""
from __future__ import annotations

import json
import os
from urllib.parse import urlsplit

from ..config import Settings
from ..errors import ConfigError

SANDBOX_CLIENT_ID = "dsar-cli.apps.sandbox"


def client_config(settings: Settings, kind: str = "installed") -> dict:
    path = os.environ.get("DSAR_OAUTH_CLIENT_FILE") or settings.extra.get("oauth_client_file")
    if path:
        try:
            with open(path, encoding="utf-8") as fh:
                cfg = json.load(fh)
        except FileNotFoundError:
            raise ConfigError(f"DSAR_OAUTH_CLIENT_FILE: {path} does not exist") from None
        except ValueError as e:
            raise ConfigError(f"DSAR_OAUTH_CLIENT_FILE: {path} is not JSON ({e})") from None
        if not ({"installed", "web"} & set(cfg)):
            raise ConfigError(f"DSAR_OAUTH_CLIENT_FILE: {path} has neither an 'installed' nor a 'web' client")
        return cfg
    if settings.sandbox_url:
        base = settings.sandbox_url
        if urlsplit(base).hostname in ("127.0.0.1", "localhost", "::1"):
            os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")  # plain HTTP to a loopback sandbox only
        return {kind: {
            "client_id": SANDBOX_CLIENT_ID, "client_secret": "sandbox-secret", "project_id": "dsar-sandbox",
            "auth_uri": base + "/o/oauth2/auth", "token_uri": base + "/token",
            "redirect_uris": ["http://localhost", "http://127.0.0.1"],
        }}
    raise ConfigError(
        "DSAR_OAUTH_CLIENT_FILE: no OAuth client configured. Create a 'Desktop app' OAuth client in the Google Cloud "
        "console, download its JSON and set DSAR_OAUTH_CLIENT_FILE to its path (see README, 'Connecting to your "
        "Google Workspace')"
    )
