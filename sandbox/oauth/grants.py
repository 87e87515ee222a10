"""What the OAuth server remembers: clients, authorization requests awaiting consent, authorization codes,
each user's consent per client, and the tokens it issues (access tokens in ``ws.tokens``, refresh tokens
in ``ws.refresh_tokens``, both holding a :class:`sandbox.state.Grant`)."""
from __future__ import annotations

import base64
import hashlib
import math
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from ..state import Grant, Workspace
from .clients import Client
from .identity import split_name, subject_id

CODE_LIFETIME = 600  # seconds; Google's authorization codes live about ten minutes
PENDING_LIFETIME = 3600
IDENTITY_SCOPES = {
    "openid": "openid",
    "email": "https://www.googleapis.com/auth/userinfo.email",
    "profile": "https://www.googleapis.com/auth/userinfo.profile",
    "https://www.googleapis.com/auth/userinfo.email": "https://www.googleapis.com/auth/userinfo.email",
    "https://www.googleapis.com/auth/userinfo.profile": "https://www.googleapis.com/auth/userinfo.profile",
}


@dataclass
class PendingRequest:
    """A validated authorization request, shown on the consent page and awaiting Allow or Cancel."""

    id: str
    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    state: str | None
    code_challenge: str | None
    code_challenge_method: str
    offline: bool
    include_granted_scopes: bool
    nonce: str | None
    login_hint: str | None
    created: float = field(default_factory=time.time)


@dataclass
class AuthCode:
    client_id: str
    redirect_uri: str
    email: str
    scopes: frozenset[str]
    code_challenge: str | None
    code_challenge_method: str
    offline: bool
    nonce: str | None
    expires_at: float
    used: bool = False


@dataclass
class OAuthState:
    clients: dict[str, Client] = field(default_factory=dict)
    pending: dict[str, PendingRequest] = field(default_factory=dict)
    codes: dict[str, AuthCode] = field(default_factory=dict)
    #: (email, client_id) -> scopes the user has granted that client so far
    consents: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    token_lifetime: int = 3600
    #: scopes the service account may use with domain-wide delegation; None means every scope
    delegated_scopes: frozenset[str] | None = None
    #: who holds Service Account Token Creator on the service account (may signBlob as it); None means the
    #: default, the runtime account only. A plain default, so snapshots from before the field still load.
    token_creators: frozenset[str] | None = None

    def client(self, client_id: str) -> Client:
        """The registered client, or an installed-app client created on first sight."""
        found = self.clients.get(client_id)
        if found is None:
            found = self.clients[client_id] = Client(client_id)
        return found


def oauth_state(ws: Workspace) -> OAuthState:
    """The OAuth server's memory, kept on the workspace so an admin reset (which swaps the workspace's
    contents but keeps tokens) keeps it too. Attached on first use: ``Workspace`` has no field for it."""
    with ws.lock:
        found = ws.__dict__.get("oauth")
        if found is None:
            found = ws.__dict__["oauth"] = OAuthState()
        return found


def canonical_scopes(scopes: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Google's spelling of each scope (``email`` -> ``…/userinfo.email``), duplicates removed, order kept."""
    out: list[str] = []
    for s in scopes:
        s = IDENTITY_SCOPES.get(s, s)
        if s not in out:
            out.append(s)
    return tuple(out)


def is_identity_scope(scope: str) -> bool:
    return scope in IDENTITY_SCOPES


def pkce_ok(verifier: str, challenge: str, method: str) -> bool:
    if method == "S256":
        digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
        computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    else:
        computed = verifier
    return secrets.compare_digest(computed, challenge)


def new_code(st: OAuthState, req: PendingRequest, email: str, scopes: frozenset[str]) -> str:
    now = time.time()
    for c in [c for c, v in st.codes.items() if v.expires_at < now - CODE_LIFETIME]:
        del st.codes[c]
    code = "4/0" + secrets.token_urlsafe(40)
    st.codes[code] = AuthCode(
        req.client_id, req.redirect_uri, email, scopes, req.code_challenge, req.code_challenge_method,
        req.offline, req.nonce, now + CODE_LIFETIME,
    )
    return code


def issue_tokens(
    ws: Workspace, email: str, scopes: frozenset[str], client_id: str, *, offline: bool = False,
    refresh_token: str | None = None,
) -> tuple[str, Grant]:
    """A new access token (and, when ``offline``, a new refresh token recorded in the grant)."""
    st = oauth_state(ws)
    with ws.lock:
        if offline and refresh_token is None:
            refresh_token = "1//0" + secrets.token_urlsafe(64)
            ws.refresh_tokens[refresh_token] = Grant(email, scopes, client_id, math.inf, refresh_token)
        access = "ya29.a0" + secrets.token_urlsafe(96)
        grant = Grant(email, scopes, client_id, time.time() + st.token_lifetime, refresh_token)
        ws.tokens[access] = grant
    return access, grant


def revoke(ws: Workspace, token: str) -> bool:
    """Revoke an access or refresh token. Like Google, revoking either ends the whole grant: the refresh
    token, every access token minted from it, and the user's consent for that client."""
    st = oauth_state(ws)
    with ws.lock:
        if token in ws.refresh_tokens:
            grant = ws.refresh_tokens[token]
        elif token in ws.tokens:
            grant = ws.tokens.pop(token)
        else:
            return False
        rt = grant.refresh_token
        if rt:
            ws.refresh_tokens.pop(rt, None)
            for t in [t for t, g in ws.tokens.items() if g.refresh_token == rt]:
                del ws.tokens[t]
            st.consents.pop((grant.email, grant.client_id), None)
        return True


def lookup_access(ws: Workspace, token: str) -> Grant | None:
    with ws.lock:
        grant = ws.tokens.get(token)
    return None if grant is None or grant.expired else grant


def wants_id_token(scopes: frozenset[str] | set[str]) -> bool:
    return bool(scopes & {"openid", IDENTITY_SCOPES["email"], IDENTITY_SCOPES["profile"]})


def id_token_claims(
    ws: Workspace, email: str, client_id: str, scopes: frozenset[str], access_token: str | None, nonce: str | None,
) -> dict[str, Any]:
    """The claims Google puts in an ID token from the token endpoint."""
    claims: dict[str, Any] = {"azp": client_id, "aud": client_id, "sub": subject_id(email)}
    if ws.in_domain(email):
        claims["hd"] = ws.domain
    if IDENTITY_SCOPES["email"] in scopes:
        claims.update(email=email, email_verified=True)
    if access_token:
        digest = hashlib.sha256(access_token.encode()).digest()
        claims["at_hash"] = base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()
    if IDENTITY_SCOPES["profile"] in scopes:
        user = ws.user(email)
        name = user.name if user else email.split("@")[0]
        given, family = split_name(name)
        claims.update(name=name, given_name=given, family_name=family)
    if nonce:
        claims["nonce"] = nonce
    return claims


def token_body(
    ws: Workspace, keys: Any, access: str, grant: Grant, *, refresh_token: str | None = None,
    nonce: str | None = None, with_scope: bool = True,
) -> dict[str, Any]:
    """The token endpoint's JSON answer for a freshly issued access token."""
    body: dict[str, Any] = {"access_token": access, "expires_in": max(1, round(grant.expires_at - time.time()) - 1)}
    if refresh_token:
        body["refresh_token"] = refresh_token
    if with_scope:
        body["scope"] = " ".join(sorted(grant.scopes))
    body["token_type"] = "Bearer"
    if wants_id_token(grant.scopes):
        lifetime = oauth_state(ws).token_lifetime
        body["id_token"] = keys.id_token(
            id_token_claims(ws, grant.email, grant.client_id, grant.scopes, access, nonce), lifetime=lifetime,
        )
    return body
