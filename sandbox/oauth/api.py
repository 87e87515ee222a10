"""OAuth 2.0 / OpenID endpoints of the sandbox, at Google's paths: the consent page, token (code + PKCE,
refresh, service-account JWT bearer), revoke, tokeninfo, userinfo, certs and discovery. The token-side
endpoints are API calls (logged under ``oauth2.*``); the consent pages and ``/_sandbox/`` admin are not."""
from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, Response, g, request

from ..routing import json_response, sandbox
from . import admin, consent
from .errors import OAuthError
from .grants import IDENTITY_SCOPES, id_token_claims, lookup_access, revoke
from .identity import service_account_client_id, subject_id
from .jwt_bearer import GRANT_TYPE as JWT_BEARER
from .jwt_bearer import jwt_bearer
from .keys import JwtError, read_jwt, verify_jwt
from .token import authorization_code, refresh_token

bp = Blueprint("oauth", __name__)
ISSUER = "https://accounts.google.com"
TOKEN_PATHS = ("/token", "/oauth2/v4/token", "/o/oauth2/token")
_NO_STORE = {"Cache-Control": "no-cache, no-store, max-age=0, must-revalidate", "Pragma": "no-cache"}
_CERTS_CACHE = {"Cache-Control": "public, max-age=19800, must-revalidate, no-transform"}

bp.add_url_rule("/o/oauth2/auth", "authorize", consent.authorize, methods=["GET"])
bp.add_url_rule("/o/oauth2/approve", "approve", consent.approve, methods=["POST"])
admin.register(bp)


def base_url() -> str:
    return request.host_url.rstrip("/")


def params() -> dict[str, str]:
    """Form, JSON or query parameters, as Google's OAuth endpoints accept all three."""
    out: dict[str, str] = dict(request.args.items())
    body = request.get_json(silent=True) if request.is_json else None
    if isinstance(body, dict):
        out.update({k: str(v) for k, v in body.items()})
    else:
        out.update(request.form.items())
    return out


def oauth_error(e: OAuthError) -> Response:
    return json_response(e.body(), e.status, _NO_STORE)


#: Google's own token URIs: google-auth puts the first in every service-account assertion whatever the
#: key file's token_uri says, so the sandbox accepts them as well as its own.
GOOGLE_TOKEN_URIS = ("https://oauth2.googleapis.com/token", "https://www.googleapis.com/oauth2/v4/token",
                     "https://accounts.google.com/o/oauth2/token")


def token_audiences() -> tuple[str, ...]:
    bases = {base_url(), sandbox().base_url or base_url()}
    own = tuple(b + p for b in sorted(bases, key=lambda b: b != base_url()) for p in TOKEN_PATHS)
    return own + GOOGLE_TOKEN_URIS


@bp.post("/token")
@bp.post("/oauth2/v4/token")
@bp.post("/o/oauth2/token")
def token() -> Response:
    g.sandbox_method = "oauth2.token"
    ctx = sandbox()
    form = params()
    grant_type = form.get("grant_type", "")
    auth = request.headers.get("Authorization", "")
    try:
        if grant_type == "authorization_code":
            body, email = authorization_code(ctx.ws, ctx.keys, form, auth)
        elif grant_type == "refresh_token":
            body, email = refresh_token(ctx.ws, ctx.keys, form, auth)
        elif grant_type == JWT_BEARER:
            body, email = jwt_bearer(ctx.ws, ctx.keys, form, token_audiences())
        elif not grant_type:
            raise OAuthError(400, "invalid_request", "Missing required parameter: grant_type")
        else:
            raise OAuthError(400, "unsupported_grant_type", f"Invalid grant_type: {grant_type}")
    except OAuthError as e:
        return oauth_error(e)
    g.sandbox_user = email
    return json_response(body, 200, _NO_STORE)


@bp.route("/revoke", methods=["POST", "GET"])
@bp.route("/o/oauth2/revoke", methods=["POST", "GET"])
def revoke_token() -> Response:
    g.sandbox_method = "oauth2.revoke"
    ws = sandbox().ws
    token = params().get("token", "")
    with ws.lock:
        grant = ws.tokens.get(token) or ws.refresh_tokens.get(token)
    if grant is not None:
        g.sandbox_user = grant.email
    if not token or not revoke(ws, token):
        return oauth_error(OAuthError(400, "invalid_token", "Token expired or revoked"))
    return json_response({}, 200)


def _id_token_info(id_token: str) -> dict[str, Any]:
    """An ID token's claims as Google's tokeninfo tells them: all strings, plus the header's alg/kid/typ."""
    claims = verify_jwt(id_token, sandbox().keys.google.public_key)
    if not isinstance(claims.get("exp"), (int, float)) or claims["exp"] <= time.time():
        raise JwtError("expired")
    header = read_jwt(id_token)[0]
    out = {k: (str(v).lower() if isinstance(v, bool) else str(v)) for k, v in claims.items()}
    out.update({k: str(v) for k, v in header.items() if k in ("alg", "kid", "typ")})
    return out


@bp.route("/tokeninfo", methods=["GET", "POST"])
@bp.route("/oauth2/v3/tokeninfo", methods=["GET", "POST"])
@bp.route("/oauth2/v1/tokeninfo", methods=["GET", "POST"])
def tokeninfo() -> Response:
    """Access-token (or ID-token) introspection. v3 answers strings, as Google's does; v1 its older shape.
    ``email`` is only told for tokens carrying the email scope (or the service account's own tokens)."""
    g.sandbox_method = "oauth2.tokeninfo"
    ctx = sandbox()
    p = params()
    invalid = OAuthError(400, "invalid_token", "Invalid Value")
    if "id_token" in p and "access_token" not in p:
        try:
            info = _id_token_info(p["id_token"])
        except JwtError:
            return oauth_error(invalid)
        g.sandbox_user = info.get("email")
        return json_response(info, 200, _NO_STORE)
    grant = lookup_access(ctx.ws, p.get("access_token", ""))
    if grant is None:
        return oauth_error(invalid)
    g.sandbox_user = grant.email
    sa_email = ctx.keys.service_account_email
    sub = service_account_client_id(sa_email) if grant.email == sa_email else subject_id(grant.email)
    expires_in = max(0, int(grant.expires_at - time.time()))
    show_email = IDENTITY_SCOPES["email"] in grant.scopes or grant.email == sa_email
    scope = " ".join(sorted(grant.scopes))
    access_type = "offline" if grant.refresh_token else "online"
    if request.path.startswith("/oauth2/v1/"):
        v1: dict[str, Any] = {"issued_to": grant.client_id, "audience": grant.client_id, "user_id": sub,
                              "scope": scope, "expires_in": expires_in}
        if show_email:
            v1.update(email=grant.email, verified_email=True)
        v1["access_type"] = access_type
        return json_response(v1, 200, _NO_STORE)
    v3: dict[str, Any] = {"azp": grant.client_id, "aud": grant.client_id, "sub": sub, "scope": scope,
                          "exp": str(int(grant.expires_at)), "expires_in": str(expires_in)}
    if show_email:
        v3.update(email=grant.email, email_verified="true")
    v3["access_type"] = access_type
    return json_response(v3, 200, _NO_STORE)


@bp.get("/oauth2/v3/userinfo")
def userinfo() -> Response:
    g.sandbox_method = "oauth2.userinfo"
    ws = sandbox().ws
    header = request.headers.get("Authorization", "")
    grant = lookup_access(ws, header[7:].strip()) if header.startswith("Bearer ") else None
    if grant is None or not grant.scopes & {"openid", *IDENTITY_SCOPES.values()}:
        err = OAuthError(401, "invalid_request", "Invalid Credentials")
        return json_response(err.body(), 401, {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'})
    g.sandbox_user = grant.email
    claims = id_token_claims(ws, grant.email, grant.client_id, grant.scopes, None, None)
    info = {k: v for k, v in claims.items() if k not in ("azp", "aud", "at_hash", "nonce")}
    return json_response(info)


@bp.get("/oauth2/v1/certs")
def certs_pem() -> Response:
    """``{kid: PEM certificate}``: the shape google.oauth2.id_token.verify_token reads."""
    g.sandbox_method = "oauth2.certs"
    k = sandbox().keys.google
    return json_response({k.kid: k.cert_pem}, 200, _CERTS_CACHE)


@bp.get("/oauth2/v3/certs")
def certs_jwks() -> Response:
    g.sandbox_method = "oauth2.certs"
    return json_response({"keys": [sandbox().keys.google.jwk()]}, 200, _CERTS_CACHE)


@bp.get("/service_accounts/v1/metadata/x509/<path:email>")
def service_account_certs(email: str) -> Response:
    """The service account's public certificates, as ``client_x509_cert_url`` in its key file points to."""
    g.sandbox_method = "oauth2.certs"
    keys = sandbox().keys
    if email.lower() != keys.service_account_email.lower():
        return json_response({"error": {"code": 404, "message": "Not Found", "status": "NOT_FOUND"}}, 404)
    return json_response({keys.service_account.kid: keys.service_account.cert_pem}, 200, _CERTS_CACHE)


@bp.get("/.well-known/openid-configuration")
def openid_configuration() -> Response:
    """Discovery for OIDC clients. The issuer stays Google's (ID tokens carry it); every endpoint is ours."""
    g.sandbox_method = "oauth2.discovery"
    base = base_url()
    return json_response({
        "issuer": ISSUER,
        "authorization_endpoint": base + "/o/oauth2/auth",
        "token_endpoint": base + "/token",
        "userinfo_endpoint": base + "/oauth2/v3/userinfo",
        "revocation_endpoint": base + "/revoke",
        "jwks_uri": base + "/oauth2/v3/certs",
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "profile"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "claims_supported": ["aud", "email", "email_verified", "exp", "family_name", "given_name", "iat", "iss",
                             "name", "sub", "hd", "at_hash", "azp", "nonce"],
        "code_challenge_methods_supported": ["plain", "S256"],
        "grant_types_supported": ["authorization_code", "refresh_token",
                                  "urn:ietf:params:oauth:grant-type:jwt-bearer"],
    })
