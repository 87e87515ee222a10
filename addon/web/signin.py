"""Staff web sign-in (OAuth web-server flow with google-auth-oauthlib): an offline grant per staff member, so
a search started from the sidebar can go on after the request has returned, and a signed-in session for
the auditor view. ``state`` is checked against the browser's session and a server-side record that also
holds the PKCE verifier; the redirect URI must be on the configured allow-list (never taken on trust from
the Host header). The code exchange passes the audited seam; the ID token is verified like any other."""
from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, redirect, render_template, request, session
from google_auth_oauthlib.flow import Flow
from oauthlib.oauth2.rfc6749.errors import OAuth2Error

from audit.context import Purpose, acting
from audit.transport import AuditedAdapter
from scopes import registry

from ..auth.oauth_client import client_config
from ..auth.staff import IDENTITY_SCOPES
from ..auth.tokenstore import TokenStore
from ..errors import ConfigError, DsarError
from .searches import staff_key
from .security import RequestRejected

bp = Blueprint("signin", __name__)
PENDING_TTL = 600  # seconds a sign-in may take
CALLBACK = "/auth/callback"
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass
class Pending:
    verifier: str
    next: str
    purpose: str
    created: float


class PendingSignIns:
    """state -> what the callback needs; one use each, expiring."""

    def __init__(self) -> None:
        self._items: dict[str, Pending] = {}
        self._lock = threading.Lock()

    def put(self, state: str, item: Pending) -> None:
        with self._lock:
            now = time.time()
            for k in [k for k, v in self._items.items() if v.created < now - PENDING_TTL]:
                del self._items[k]
            self._items[state] = item

    def pop(self, state: str) -> Pending | None:
        with self._lock:
            item = self._items.pop(state, None)
        return item if item and item.created >= time.time() - PENDING_TTL else None


def allowed_redirects(settings, cfg: dict) -> tuple[str, ...]:
    raw = os.environ.get("DSAR_WEB_REDIRECT_URIS") or settings.extra.get("web_redirect_uris") or ""
    if isinstance(raw, list):
        raw = ",".join(raw)
    listed = tuple(u.strip() for u in raw.split(",") if u.strip())
    return listed or tuple(u for u in cfg.get("web", {}).get("redirect_uris", []) if u.endswith(CALLBACK))


def redirect_allowed(uri: str, allowed: tuple[str, ...], sandbox: bool) -> bool:
    """On the allow-list; against the sandbox with no list configured, this server's loopback callback."""
    if allowed:
        return uri in allowed
    parts = urlsplit(uri)
    return sandbox and parts.scheme == "http" and parts.hostname in _LOOPBACK and parts.path == CALLBACK


def _scopes(purpose: str, settings: Any = None) -> list[str]:
    """Least privilege: the auditor view needs only who you are; background searches need the search step,
    with the read scopes of the optional sources (Calendar, Contacts, Chat, Forms) the organisation enabled."""
    if purpose == "audit":
        return list(IDENTITY_SCOPES)
    from ..search.coverage import optional_enabled

    on = optional_enabled(settings) if settings is not None else ()
    return list(IDENTITY_SCOPES) + list(registry.scopes_for_step("search", sources=on))


def _safe_next(target: str | None) -> str:
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/auth/done"
    return target


def _flow(web, scopes: list[str] | None, **kw) -> tuple[Flow, str]:
    settings = web.services.settings
    cfg = client_config(settings, kind="web")
    uri = web.public_url(CALLBACK)
    if not redirect_allowed(uri, allowed_redirects(settings, cfg), settings.sandbox):
        raise ConfigError(f"DSAR_WEB_REDIRECT_URIS: {uri} is not an allowed redirect URI for the web sign-in; "
                          "add it there and to the OAuth client in the Google Cloud console")
    os.environ.setdefault("OAUTHLIB_RELAX_TOKEN_SCOPE", "1")  # granular consent: fewer scopes may come back
    flow = Flow.from_client_config(cfg, scopes=scopes, redirect_uri=uri, **kw)
    adapter = AuditedAdapter(web.services.seam, "-", lambda: frozenset())
    flow.oauth2session.mount("https://", adapter)
    flow.oauth2session.mount("http://", adapter)
    return flow, next(iter(cfg.values()))["client_id"]


def _page(title: str, message: str, status: int = 200) -> tuple[str, int]:
    return render_template("signin.html", title=title, message=message), status


@bp.get("/auth/start")
def start() -> Response | tuple[str, int]:
    web = current_app.extensions["dsar"]
    purpose = "audit" if request.args.get("for") == "audit" else "search"
    try:
        flow, _ = _flow(web, _scopes(purpose, web.services.settings))
    except DsarError as e:
        return _page("Sign-in is not configured", str(e), 500)
    extra = {"login_hint": request.args["login_hint"]} if request.args.get("login_hint") else {}
    offline = {"access_type": "offline", "prompt": "consent"} if purpose == "search" else {"access_type": "online"}
    url, state = flow.authorization_url(include_granted_scopes="true", **offline, **extra)
    web.pending.put(state, Pending(flow.code_verifier, _safe_next(request.args.get("next")), purpose, time.time()))
    session["auth_state"] = state
    return redirect(url, code=302)


@bp.get(CALLBACK)
def callback() -> Response | tuple[str, int]:
    web = current_app.extensions["dsar"]
    state = request.args.get("state", "")
    expected = session.pop("auth_state", None)
    pending = web.pending.pop(state) if state else None
    if not state or state != expected or pending is None:
        return _page("Sign-in failed", "This sign-in link is stale or was not started in this browser. "
                                       "Start again from the add-on.", 400)
    if request.args.get("error"):
        return _page("Sign-in cancelled", f"Google answered: {request.args['error']}. Nothing was stored.", 400)
    try:
        flow, client_id = _flow(web, None, state=state, code_verifier=pending.verifier)
        with acting(Purpose(actor="unknown", step="auth", purpose="staff web sign-in")):
            flow.fetch_token(code=request.args.get("code", ""))
        creds = flow.credentials
        email = web.verifier.verify_sign_in(getattr(creds, "id_token", None) or "", client_id)
    except (OAuth2Error, RequestRejected, DsarError) as e:
        return _page("Sign-in failed", str(e), 400)
    domain = web.services.settings.domain
    if domain and email.rsplit("@", 1)[-1] != domain.lower():
        return _page("Sign-in refused", f"{email} is not an account of {domain}.", 403)
    if pending.purpose == "search":
        record = json.loads(creds.to_json())
        record["email"] = email
        record["scopes"] = sorted(creds.granted_scopes or creds.scopes or [])
        try:
            TokenStore(web.services.settings).put(staff_key(email), record)
        except DsarError as e:
            return _page("Sign-in not stored", str(e), 500)
    session["email"] = email
    session["signed_in_at"] = int(time.time())
    return redirect(pending.next, code=302)


@bp.get("/auth/done")
def done() -> tuple[str, int]:
    email = session.get("email")
    if not email:
        return _page("Not signed in", "Start the sign-in from the add-on.", 401)
    return _page("Signed in", f"Signed in as {email}. You can close this window and go back to the add-on.")


@bp.post("/auth/signout")
def signout() -> Response:
    session.clear()
    return redirect("/auth/done", code=303)
