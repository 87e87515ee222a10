"""Staff sign-in for the CLI: google-auth-oauthlib's installed-app flow (loopback redirect, PKCE), only
the scopes the first step needs, more asked for later with ``include_granted_scopes``. The token exchange,
refreshes and revocation all pass the audited seam."""
from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Callable

from google.oauth2.credentials import Credentials
from google_auth_oauthlib.flow import InstalledAppFlow

from audit.context import Purpose, acting
from audit.transport import AuditedAdapter
from scopes import registry

from ..errors import GoogleError
from .oauth_client import client_config
from .tokenstore import TokenStore

IDENTITY_SCOPES = ("openid", "https://www.googleapis.com/auth/userinfo.email")
CURRENT_USER = "staff:current"


class SignInRequired(GoogleError):
    """Nobody is signed in, or Google gave no identity: sign-in is Google's side of the table (exit 7)."""


def _email_from_id_token(id_token: str | None) -> str | None:
    if not id_token:
        return None
    payload = id_token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return claims.get("email")


def login(services, step: str = "search", open_browser: bool = True,
          on_url: Callable[[str], None] | None = None, port: int = 0) -> dict:
    """Run the installed-app flow; store the refresh token encrypted; return what ``status`` shows."""
    store = TokenStore(services.settings)
    from ..search.coverage import optional_enabled  # Calendar, Contacts, Chat, Forms: only when enabled

    scopes = list(IDENTITY_SCOPES) + list(registry.scopes_for_step(step, sources=optional_enabled(services.settings)))
    flow = InstalledAppFlow.from_client_config(client_config(services.settings), scopes=scopes)
    adapter = AuditedAdapter(services.seam, "-", lambda: frozenset())
    flow.oauth2session.mount("https://", adapter)
    flow.oauth2session.mount("http://", adapter)
    message = "Sign in to Google in your browser: {url}"
    with acting(Purpose(actor="unknown", step="auth", purpose="staff sign-in")):
        if on_url is not None:  # tests and headless use: hand the URL to someone who follows it
            import threading

            orig = flow.authorization_url

            def announce(**kw):
                url, state = orig(**kw)
                threading.Thread(target=on_url, args=(url,), daemon=True).start()
                return url, state

            flow.authorization_url = announce  # type: ignore[method-assign]
        creds = flow.run_local_server(port=port, open_browser=open_browser, authorization_prompt_message=message,
                                      access_type="offline", include_granted_scopes="true", prompt="consent")
    email = _email_from_id_token(getattr(creds, "id_token", None))
    if not email:
        raise SignInRequired("sign-in: Google returned no identity (the 'email' scope was not granted)")
    record = json.loads(creds.to_json())
    record["email"] = email
    store.put(CURRENT_USER, record)
    return status(services.settings)


def load_credentials(settings) -> Credentials:
    record = TokenStore(settings).get(CURRENT_USER)
    if record is None:
        raise SignInRequired("sign-in: nobody is signed in; run 'dsar auth login'")
    return Credentials.from_authorized_user_info(record, scopes=record.get("scopes"))


def status(settings) -> dict:
    record = TokenStore(settings).get(CURRENT_USER)
    if record is None:
        return {"signed_in": False}
    expiry = record.get("expiry")
    return {"signed_in": True, "email": record.get("email"), "scopes": record.get("scopes", []),
            "access_token_expiry": expiry, "has_refresh_token": bool(record.get("refresh_token")),
            "checked_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}


def refresh(services) -> dict:
    """Use the stored refresh token now (through the seam): proves the sign-in still works."""
    from google.auth.transport.requests import Request

    store = TokenStore(services.settings)
    record = store.get(CURRENT_USER)
    if record is None:
        raise SignInRequired("sign-in: nobody is signed in; run 'dsar auth login'")
    creds = Credentials.from_authorized_user_info(record, scopes=record.get("scopes"))
    with acting(Purpose(actor=record.get("email") or "unknown", step="auth", purpose="staff token refresh")):
        creds.refresh(Request(session=services.seam.plain_session(record.get("email") or "-")))
    record.update(json.loads(creds.to_json()))
    store.put(CURRENT_USER, record)
    return status(services.settings)


def logout(services) -> dict:
    """Revoke at Google (through the seam), then delete locally; local deletion happens even if revoking fails."""
    store = TokenStore(services.settings)
    record = store.get(CURRENT_USER)
    if record is None:
        return {"signed_in": False, "revoked": False}
    revoked = False
    token = record.get("refresh_token") or record.get("token")
    base = services.settings.sandbox_url or "https://oauth2.googleapis.com"
    try:
        with acting(Purpose(actor=record.get("email") or "unknown", step="auth", purpose="staff sign-out")):
            resp = services.seam.plain_session(record.get("email") or "-").post(
                base + "/revoke", data={"token": token}, timeout=10)
        revoked = resp.status_code == 200
    except Exception:  # revocation is best effort; the local copy goes regardless
        revoked = False
    store.delete(CURRENT_USER)
    return {"signed_in": False, "revoked": revoked, "email": record.get("email")}
