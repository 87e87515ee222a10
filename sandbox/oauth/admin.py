"""Sandbox-only OAuth administration under ``/_sandbox/`` (not logged, not authenticated): the service
account's key file, ID tokens on demand (the add-on's incoming requests in tests), client registration,
token lifetime, the service account's domain-wide-delegation scopes, and for keyless delegation the
runtime account and who may sign as the service account (Token Creators)."""
from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, jsonify, request

from ..routing import sandbox
from .clients import Client
from .grants import oauth_state
from .iam import token_creators
from .identity import project_id, service_account_client_id, subject_id
from .metadata import runtime_service_account

MAX_TOKEN_LIFETIME = 86400


class AdminInputError(ValueError):
    """Bad JSON sent to an admin endpoint; its message names the field."""


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise AdminInputError("the request body must be a JSON object")
    return body


def _int_field(body: dict[str, Any], name: str) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise AdminInputError(f"'{name}' must be a number of seconds since the epoch")
    return int(value)


def service_account_info(keys: Any, base: str) -> dict[str, str]:
    """A standard Google service-account key file whose endpoints are the sandbox's."""
    email = keys.service_account_email
    return {
        "type": "service_account",
        "project_id": project_id(email),
        "private_key_id": keys.service_account.kid,
        "private_key": keys.service_account.private_pem,
        "client_email": email,
        "client_id": service_account_client_id(email),
        "auth_uri": base + "/o/oauth2/auth",
        "token_uri": base + "/token",
        "auth_provider_x509_cert_url": base + "/oauth2/v1/certs",
        "client_x509_cert_url": base + "/service_accounts/v1/metadata/x509/" + quote(email),
        "universe_domain": "googleapis.com",
    }


def requested_id_token_claims(body: dict[str, Any], keys: Any, now: int) -> dict[str, Any]:
    """Claims for ``POST /_sandbox/id-token``: a Google-signed token as an add-on request carries."""
    aud = body.get("aud")
    if not isinstance(aud, str) or not aud:
        raise AdminInputError("'aud' is required: the audience, e.g. the add-on endpoint URL or OAuth client id")
    email = body.get("email", keys.service_account_email)
    if not isinstance(email, str) or "@" not in email:
        raise AdminInputError("'email' must be an email address")
    sa = email.lower() == keys.service_account_email.lower()
    iat = _int_field(body, "iat")
    iat = now if iat is None else iat
    exp = _int_field(body, "exp")
    claims: dict[str, Any] = {
        "iss": body.get("iss", "https://accounts.google.com"),
        "aud": aud,
        "azp": service_account_client_id(email) if sa else aud,
        "sub": service_account_client_id(email) if sa else subject_id(email),
        "email": email,
        "email_verified": bool(body.get("email_verified", True)),
        "iat": iat,
        "exp": iat + 3600 if exp is None else exp,
    }
    if isinstance(body.get("nonce"), str):
        claims["nonce"] = body["nonce"]
    return claims


def register(bp: Blueprint) -> None:
    def guarded(fn):
        def view() -> Response | tuple[Response, int]:
            try:
                return fn()
            except AdminInputError as e:
                return jsonify(error=str(e)), 400

        view.__name__ = fn.__name__
        return view

    @guarded
    def service_account_json() -> Response:
        return jsonify(service_account_info(sandbox().keys, request.host_url.rstrip("/")))

    @guarded
    def id_token() -> Response:
        keys = sandbox().keys
        return jsonify(id_token=keys.google.sign_jwt(requested_id_token_claims(_body(), keys, int(time.time()))))

    @guarded
    def register_client() -> tuple[Response, int]:
        body = _body()
        cid = body.get("client_id")
        if not isinstance(cid, str) or not cid:
            raise AdminInputError("'client_id' is required")
        uris = body.get("redirect_uris", [])
        if not isinstance(uris, list) or not all(isinstance(u, str) and u for u in uris):
            raise AdminInputError("'redirect_uris' must be a list of URIs")
        kind = body.get("type", "web")
        if kind not in ("web", "installed"):
            raise AdminInputError("'type' must be 'web' or 'installed'")
        secret = body.get("client_secret")
        if secret is not None and not isinstance(secret, str):
            raise AdminInputError("'client_secret' must be a string")
        client = Client(cid, secret, tuple(uris), str(body.get("name", "")), kind, registered=True)
        ws = sandbox().ws
        with ws.lock:
            oauth_state(ws).clients[cid] = client
        return jsonify(_client_json(client)), 201

    def list_clients() -> Response:
        ws = sandbox().ws
        with ws.lock:
            return jsonify([_client_json(c) for c in oauth_state(ws).clients.values()])

    @guarded
    def token_lifetime() -> Response:
        st = oauth_state(sandbox().ws)
        if request.method == "PUT":
            seconds = _body().get("seconds")
            if isinstance(seconds, bool) or not isinstance(seconds, int) or not 1 <= seconds <= MAX_TOKEN_LIFETIME:
                raise AdminInputError(f"'seconds' must be a whole number from 1 to {MAX_TOKEN_LIFETIME}")
            st.token_lifetime = seconds
        return jsonify(seconds=st.token_lifetime)

    @guarded
    def delegation() -> Response:
        st = oauth_state(sandbox().ws)
        if request.method == "PUT":
            scopes = _body().get("scopes")
            if scopes is not None and (not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes)):
                raise AdminInputError("'scopes' must be a list of scope URLs, or null for every scope")
            st.delegated_scopes = None if scopes is None else frozenset(scopes)
        return jsonify(scopes=None if st.delegated_scopes is None else sorted(st.delegated_scopes))

    @guarded
    def token_creators_view() -> Response:
        ws, dwd = sandbox().ws, sandbox().keys.service_account_email
        if request.method == "PUT":
            members = _body().get("members")
            if members is not None and (not isinstance(members, list) or not all(isinstance(m, str) for m in members)):
                raise AdminInputError("'members' must be a list of email addresses, or null for the default")
            oauth_state(ws).token_creators = None if members is None else frozenset(_member(m) for m in members)
        return jsonify(members=sorted(token_creators(ws, dwd)))

    def runtime() -> Response:
        dwd = sandbox().keys.service_account_email
        return jsonify(service_account=runtime_service_account(dwd), project_id=project_id(dwd),
                       delegated_service_account=dwd)

    bp.add_url_rule("/_sandbox/service-account.json", "service_account_json", service_account_json, methods=["GET"])
    bp.add_url_rule("/_sandbox/id-token", "id_token", id_token, methods=["POST"])
    bp.add_url_rule("/_sandbox/clients", "register_client", register_client, methods=["POST"])
    bp.add_url_rule("/_sandbox/clients", "list_clients", list_clients, methods=["GET"])
    bp.add_url_rule("/_sandbox/token-lifetime", "token_lifetime", token_lifetime, methods=["GET", "PUT"])
    bp.add_url_rule("/_sandbox/delegation", "delegation", delegation, methods=["GET", "PUT"])
    bp.add_url_rule("/_sandbox/token-creators", "token_creators", token_creators_view, methods=["GET", "PUT"])
    bp.add_url_rule("/_sandbox/runtime", "runtime", runtime, methods=["GET"])


def _member(text: str) -> str:
    """An email, or an IAM member (``serviceAccount:x``, ``user:x``) reduced to its email."""
    email = text.split(":", 1)[1] if text.startswith(("serviceAccount:", "user:")) else text
    if "@" not in email:
        raise AdminInputError(f"'members' entries must be email addresses, not {text!r}")
    return email.strip().lower()


def _client_json(c: Client) -> dict[str, Any]:
    return {"client_id": c.client_id, "type": c.kind, "name": c.name, "redirect_uris": list(c.redirect_uris),
            "has_secret": c.secret is not None, "registered": c.registered}
