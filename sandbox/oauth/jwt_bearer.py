"""The JWT-bearer grant (RFC 7523) for the service account: verify its RS256 assertion, then issue a token
for the account itself or, with ``sub``, for a user it impersonates through domain-wide delegation.
With ``target_audience`` instead of ``scope`` it answers an ID token (google-auth's IDTokenCredentials)."""
from __future__ import annotations

import time
from typing import Any

from ..state import Workspace
from .errors import OAuthError
from .grants import canonical_scopes, issue_tokens, oauth_state
from .identity import service_account_client_id
from .keys import JwtError, read_jwt, verify_jwt

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
MAX_LIFETIME = 3600
CLOCK_SKEW = 300
_UNAUTHORIZED = (
    "Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of "
    "the scopes requested."
)


def check_assertion(claims: dict[str, Any], audiences: tuple[str, ...], now: float) -> None:
    """Google's checks on the assertion's audience and its short, current life."""
    if claims.get("aud") not in audiences:
        raise OAuthError(
            400, "invalid_grant", f"Invalid JWT: Failed audience check. The expected audience is {audiences[0]}."
        )
    iat, exp = claims.get("iat"), claims.get("exp")
    if (
        not isinstance(iat, (int, float)) or not isinstance(exp, (int, float))
        or iat > now + CLOCK_SKEW or exp <= now - CLOCK_SKEW or exp - iat > MAX_LIFETIME or exp <= iat
    ):
        raise OAuthError(
            400, "invalid_grant",
            "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your "
            "iat and exp values in the JWT claim.",
        )


def jwt_bearer(ws: Workspace, keys: Any, form: dict[str, str], audiences: tuple[str, ...]) -> tuple[dict[str, Any], str]:
    """(token response, email the token acts for)."""
    assertion = form.get("assertion", "")
    if not assertion:
        raise OAuthError(400, "invalid_request", "Missing required parameter: assertion")
    try:
        _header, unverified, _, _ = read_jwt(assertion)
    except JwtError:
        raise OAuthError(400, "invalid_grant", "Invalid JWT: the assertion is not a well-formed JWT.") from None
    sa_email = keys.service_account_email
    if str(unverified.get("iss", "")).lower() != sa_email.lower():
        raise OAuthError(400, "invalid_grant", "Invalid grant: account not found")
    try:
        claims = verify_jwt(assertion, keys.service_account.public_key)
    except JwtError:
        raise OAuthError(400, "invalid_grant", "Invalid JWT Signature.") from None
    check_assertion(claims, audiences, time.time())
    sa_client_id = service_account_client_id(sa_email)

    target = claims.get("target_audience")
    if target and not claims.get("scope"):
        id_token = keys.id_token(
            {"aud": target, "azp": sa_client_id, "sub": sa_client_id, "email": sa_email, "email_verified": True}
        )
        return {"id_token": id_token}, sa_email

    scopes = canonical_scopes(str(claims.get("scope", "")).split())
    if not scopes:
        raise OAuthError(400, "invalid_scope", "Invalid OAuth scope or ID token audience provided.")
    email = sa_email
    sub = str(claims.get("sub") or "").lower()
    if sub and sub != sa_email.lower():
        allowed = oauth_state(ws).delegated_scopes
        if not ws.in_domain(sub) or (allowed is not None and not set(scopes) <= allowed):
            raise OAuthError(401, "unauthorized_client", _UNAUTHORIZED)
        if ws.user(sub) is None:
            raise OAuthError(400, "invalid_grant", "Invalid email or User ID")
        email = sub
    access, grant = issue_tokens(ws, email, frozenset(scopes), sa_client_id)
    body = {"access_token": access, "expires_in": max(1, round(grant.expires_at - time.time()) - 1), "token_type": "Bearer"}
    return body, email
