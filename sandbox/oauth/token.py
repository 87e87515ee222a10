"""The token endpoint's user grants: authorization code (with PKCE) and refresh token. Service-account
assertions are in :mod:`sandbox.oauth.jwt_bearer`. Errors carry Google's codes and wording."""
from __future__ import annotations

import time
from typing import Any

from ..state import Workspace
from .clients import check_secret, credentials_from_request
from .errors import OAuthError
from .grants import canonical_scopes, issue_tokens, oauth_state, pkce_ok, token_body

_VERIFIER_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def authorization_code(
    ws: Workspace, keys: Any, form: dict[str, str], auth_header: str
) -> tuple[dict[str, Any], str]:
    """(token response, the user's email) for a one-time code, checking client, redirect URI and PKCE."""
    client_id, secret = credentials_from_request(auth_header, form)
    st = oauth_state(ws)
    code_value = form.get("code", "")
    if not code_value:
        raise OAuthError(400, "invalid_request", "Missing required parameter: code")
    with ws.lock:
        client = st.client(client_id)
        check_secret(client, secret)
        code = st.codes.get(code_value)
        if code is None:
            raise OAuthError(400, "invalid_grant", "Malformed auth code.")
        if code.used or code.expires_at < time.time():
            raise OAuthError(400, "invalid_grant", "Bad Request")
        if code.client_id != client_id:
            raise OAuthError(401, "unauthorized_client", "Unauthorized")
        if form.get("redirect_uri", "") != code.redirect_uri:
            raise OAuthError(400, "redirect_uri_mismatch", "Bad Request")
        if code.code_challenge:
            verifier = form.get("code_verifier", "")
            if not verifier:
                raise OAuthError(400, "invalid_grant", "Missing code verifier.")
            if not (43 <= len(verifier) <= 128 and set(verifier) <= _VERIFIER_CHARS) or not pkce_ok(
                verifier, code.code_challenge, code.code_challenge_method
            ):
                raise OAuthError(400, "invalid_grant", "Invalid code verifier.")
        elif form.get("code_verifier"):
            raise OAuthError(400, "invalid_grant", "code_verifier or verifier is not needed.")
        code.used = True
        access, grant = issue_tokens(ws, code.email, code.scopes, client_id, offline=code.offline)
    return token_body(ws, keys, access, grant, refresh_token=grant.refresh_token, nonce=code.nonce), grant.email


def refresh_token(ws: Workspace, keys: Any, form: dict[str, str], auth_header: str) -> tuple[dict[str, Any], str]:
    """A new access token for a refresh token; ``scope`` narrows it to the requested scopes the grant holds
    (scopes the user never granted are left out, not an error, as google-auth expects)."""
    client_id, secret = credentials_from_request(auth_header, form)
    st = oauth_state(ws)
    value = form.get("refresh_token", "")
    if not value:
        raise OAuthError(400, "invalid_request", "Missing required parameter: refresh_token")
    with ws.lock:
        client = st.client(client_id)
        check_secret(client, secret)
        template = ws.refresh_tokens.get(value)
        if template is None:
            raise OAuthError(400, "invalid_grant", "Token has been expired or revoked.")
        if template.client_id != client_id:
            raise OAuthError(401, "unauthorized_client", "Unauthorized")
        scopes = template.scopes
        requested = form.get("scope", "").split()
        if requested:
            scopes = frozenset(canonical_scopes(requested)) & template.scopes
            if not scopes:
                raise OAuthError(400, "invalid_scope", "Bad Request")
        access, grant = issue_tokens(ws, template.email, scopes, client_id, refresh_token=value)
    return token_body(ws, keys, access, grant), grant.email
