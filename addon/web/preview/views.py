"""``/preview``: the add-on's cards in a browser page, with the page playing Google's part against the
sandbox. It signs each request as Google would (an ID token for the endpoint URL from
``POST /_sandbox/id-token``), mints the user's ID token and OAuth token (the service account's
domain-wide delegation, for the scopes the developer ticks, so granular consent can be tried), builds
the event object, and posts it to the real endpoints; the page renders what comes back.

Registered only when ``DSAR_SANDBOX_URL`` is set. Its own calls to the sandbox stand for Google's host
app (the Gmail or Drive UI, the token service), not for the add-on, so they do not pass the add-on's
audited seam; everything the add-on then does with these tokens does."""
from __future__ import annotations

import secrets
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from flask import Blueprint, Response, current_app, jsonify, render_template, request
from google.auth.transport.requests import Request
from google.oauth2 import service_account

from scopes import registry
from scopes.manifest import deployment_scopes
from scopes.model import SCOPE_CLASS, short

from ...clients import sandbox_key
from ..cards.links import PATHS
from ..cards.schema import card_problems

_HERE = Path(__file__).parent
bp = Blueprint("preview", __name__, template_folder=str(_HERE / "templates"), static_folder=str(_HERE / "static"),
               static_url_path="/preview/static")
TIMEOUT = 15
#: (sandbox URL, user, scopes) -> (token, expiry): a token is good only at the sandbox that minted it (one
#: process may talk to several, as the browser tests do, one sandbox per module)
_tokens: dict[tuple[str, str, tuple[str, ...]], tuple[str, float]] = {}
_tokens_lock = threading.Lock()


class PreviewError(Exception):
    """Something the page asked for is not possible; the message goes back to the page."""


def _web() -> Any:
    return current_app.extensions["dsar"]


def _sandbox() -> str:
    return _web().services.settings.sandbox_url


def _post(path: str, body: dict[str, Any]) -> dict[str, Any]:
    resp = requests.post(_sandbox() + path, json=body, timeout=TIMEOUT)
    if resp.status_code != 200:
        raise PreviewError(f"sandbox {path} answered {resp.status_code}: {resp.text[:200]}")
    return resp.json()


def user_token(user: str, scopes: tuple[str, ...]) -> str:
    """An access token for ``user`` with exactly ``scopes`` (as Google gives an add-on after consent)."""
    key = (_sandbox(), user, tuple(sorted(scopes)))
    with _tokens_lock:
        hit = _tokens.get(key)
    if hit and hit[1] > time.time() + 60:
        return hit[0]
    info = sandbox_key(_sandbox())
    creds = service_account.Credentials.from_service_account_info(info, scopes=list(key[2]), subject=user)
    creds.refresh(Request())
    expiry = creds.expiry.timestamp() if creds.expiry else time.time() + 3000
    with _tokens_lock:
        _tokens[key] = (creds.token, expiry)
    return creds.token


def _google_get(user: str, scopes: tuple[str, ...], path: str, params: dict[str, Any]) -> dict[str, Any]:
    resp = requests.get(_sandbox() + path, params=params, timeout=TIMEOUT,
                        headers={"Authorization": "Bearer " + user_token(user, scopes)})
    if resp.status_code != 200:
        raise PreviewError(f"sandbox {path} answered {resp.status_code}")
    return resp.json()


@bp.errorhandler(PreviewError)
def _preview_error(e: PreviewError) -> tuple[Response, int]:
    return jsonify(error=str(e)), 502


@bp.errorhandler(requests.RequestException)
def _network_error(e: requests.RequestException) -> tuple[Response, int]:
    return jsonify(error=f"the sandbox at {_sandbox()} did not answer ({type(e).__name__})"), 502


@bp.get("/preview")
def page() -> str:
    web = _web()
    scopes = [{"scope": s, "short": short(s), "class": SCOPE_CLASS.get(s, "?"),
               "base": s in registry.ADDON_BASE_SCOPES} for s in deployment_scopes()]
    return render_template("preview.html", scopes=scopes, paths=PATHS, base=web.public_url(""),
                           sandbox=_sandbox(), client_id=web.verifier.client_id,
                           admin=web.services.settings.admin or "")


@bp.get("/preview/api/users")
def users() -> Response:
    settings = _web().services.settings
    admin = settings.admin or settings.actor
    if not admin:
        return jsonify(users=[], note="set DSAR_ADMIN to list the workspace's users here")
    data = _google_get(admin, registry.scopes_for_operations(["directory.list_users"]),
                       "/admin/directory/v1/users", {"customer": "my_customer", "maxResults": 500, "orderBy": "email"})
    return jsonify(users=[{"email": u["primaryEmail"], "name": u.get("name", {}).get("fullName", "")}
                          for u in data.get("users", [])])


@bp.get("/preview/api/messages")
def messages() -> Response:
    """The user's latest messages, as the Gmail UI would list them to open one."""
    user = request.args.get("user", "")
    scopes = registry.scopes_for_operations(["gmail.search"])
    listed = _google_get(user, scopes, f"/gmail/v1/users/{user}/messages", {"maxResults": 15})
    out = []
    for m in listed.get("messages", []):
        msg = _google_get(user, scopes, f"/gmail/v1/users/{user}/messages/{m['id']}",
                          {"format": "metadata", "metadataHeaders": ["From", "Subject"]})
        headers = {h["name"].lower(): h["value"] for h in msg.get("payload", {}).get("headers", [])}
        out.append({"id": m["id"], "threadId": m.get("threadId", ""), "from": headers.get("from", ""),
                    "subject": headers.get("subject", "")})
    return jsonify(messages=out)


@bp.get("/preview/api/files")
def files() -> Response:
    """The user's Drive files, as the Drive UI would show them to select some."""
    user = request.args.get("user", "")
    data = _google_get(user, registry.scopes_for_operations(["drive.search"]), "/drive/v3/files",
                       {"q": "trashed = false and mimeType != 'application/vnd.google-apps.folder'",
                        "pageSize": 40, "fields": "files(id, name, mimeType, iconLink)", "orderBy": "name"})
    return jsonify(files=data.get("files", []))


@bp.post("/preview/api/tokens")
def tokens() -> Response:
    """What Google puts on one request: the system ID token (Authorization header) for the endpoint URL,
    and the event's userIdToken, userOAuthToken and, for an open message, the per-message token."""
    body = request.get_json(silent=True) or {}
    web = _web()
    url, user = str(body.get("url", "")), str(body.get("user", "")).lower()
    base = web.public_url("")
    if not url.startswith(base + "/addon/") or urlsplit(url).query:
        raise PreviewError(f"url: only this add-on's endpoints ({base}/addon/...) are signed here")
    if "@" not in user:
        raise PreviewError("user: pick the staff member to act as")
    scopes = tuple(s for s in body.get("scopes", []) if isinstance(s, str))
    out = {"systemIdToken": _post("/_sandbox/id-token", {"aud": url})["id_token"],
           "userIdToken": _post("/_sandbox/id-token", {"aud": web.verifier.client_id, "email": user})["id_token"],
           "userOAuthToken": user_token(user, scopes) if scopes else "",
           "gmailAccessToken": "preview-msg-" + secrets.token_urlsafe(12)}
    return jsonify(out)


@bp.post("/preview/api/validate")
def validate() -> Response:
    """Problems of each card a response carried, against Google's card schema."""
    cards = (request.get_json(silent=True) or {}).get("cards", [])
    return jsonify(problems=[card_problems(c) if isinstance(c, dict) else ["not an object"] for c in cards])
