"""Is this request from Google, and who is the user? (research/addon.md §1.4)

Every add-on request carries ``Authorization: Bearer <ID token>`` signed by Google for the add-on's service
account, with the endpoint URL as audience; the staff member is named by the event's ``userIdToken``,
signed for the add-on's OAuth client ID. Both are checked with google-auth's ``verify_token`` (signature
against Google's certificates, expiry, audience) plus what it leaves to the caller: the issuer, the
email and ``email_verified``. Certificates are fetched through the audited seam and kept for as long as
Google's ``Cache-Control`` allows, so a sidebar request does not wait on a certificate fetch.

Configuration: ``DSAR_ADDON_SERVICE_ACCOUNT`` (the add-on's service-account email, from ``gcloud
workspace-add-ons get-authorization``) and ``DSAR_OAUTH_CLIENT_ID`` (its ``oauthClientId``). Against the
sandbox the service account is the sandbox's own (``client_email`` of ``/_sandbox/service-account.json``)
and the client ID defaults to :data:`SANDBOX_ADDON_CLIENT_ID`, which the preview signs user tokens for.
"""
from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from google.auth import exceptions as gexc
from google.auth import transport
from google.auth.transport.requests import Request
from google.oauth2 import id_token

from audit.context import Purpose, acting

from ..config import Settings
from ..errors import ConfigError, Refused

ISSUERS = ("accounts.google.com", "https://accounts.google.com")
GOOGLE_CERTS_URL = "https://www.googleapis.com/oauth2/v1/certs"
SANDBOX_ADDON_CLIENT_ID = "dsar-addon.apps.sandbox"
CLOCK_SKEW = 10  # seconds; Google's and our clocks may differ a little
_MAX_AGE = re.compile(r"max-age=(\d+)")


class RequestRejected(Refused):
    """A request whose credentials do not hold; ``reason`` is recorded on the audit trail (never the token)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"request refused: {reason}")
        self.reason = reason


class CachingRequest(transport.Request):
    """google-auth's transport, keeping GET responses (the certificates) while ``max-age`` says they are fresh."""

    def __init__(self, inner: transport.Request, clock: Callable[[], float] = time.monotonic) -> None:
        self.inner = inner
        self.clock = clock
        self._cache: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def __call__(self, url, method="GET", body=None, headers=None, timeout=None, **kwargs):
        if method == "GET":
            with self._lock:
                hit = self._cache.get(url)
            if hit and hit[0] > self.clock():
                return hit[1]
        resp = self.inner(url, method=method, body=body, headers=headers, timeout=timeout, **kwargs)
        m = _MAX_AGE.search(resp.headers.get("cache-control", "") or "")
        if method == "GET" and resp.status == 200 and m:
            with self._lock:
                self._cache[url] = (self.clock() + int(m.group(1)), resp)
        return resp


@dataclass
class Verifier:
    settings: Settings
    session_factory: Callable[[], Any]  # an audited plain requests session (services.seam.plain_session)
    _request: CachingRequest | None = field(default=None, init=False)
    _service_account: str | None = field(default=None, init=False)

    # -- configuration ---------------------------------------------------------------------------------
    @property
    def certs_url(self) -> str:
        return self.settings.sandbox_url + "/oauth2/v1/certs" if self.settings.sandbox_url else GOOGLE_CERTS_URL

    @property
    def service_account(self) -> str:
        if self._service_account is None:
            configured = os.environ.get("DSAR_ADDON_SERVICE_ACCOUNT") or self.settings.extra.get("addon_service_account")
            if configured:
                self._service_account = configured.strip().lower()
            elif self.settings.sandbox_url:
                from ..clients import sandbox_key

                self._service_account = sandbox_key(self.settings.sandbox_url)["client_email"].lower()
            else:
                raise ConfigError("DSAR_ADDON_SERVICE_ACCOUNT: set it to the add-on's service account email "
                                  "(gcloud workspace-add-ons get-authorization shows it)")
        return self._service_account

    @property
    def client_id(self) -> str:
        configured = os.environ.get("DSAR_OAUTH_CLIENT_ID") or self.settings.extra.get("oauth_client_id")
        if configured:
            return configured.strip()
        if self.settings.sandbox_url:
            return SANDBOX_ADDON_CLIENT_ID
        raise ConfigError("DSAR_OAUTH_CLIENT_ID: set it to the add-on's OAuth client ID "
                          "(oauthClientId in gcloud workspace-add-ons get-authorization)")

    def check_configuration(self) -> None:
        """Fail at start-up, not at the first request, when a setting is missing."""
        self.service_account  # noqa: B018
        self.client_id  # noqa: B018

    # -- verification -----------------------------------------------------------------------------------
    def _transport(self) -> CachingRequest:
        if self._request is None:
            self._request = CachingRequest(Request(session=self.session_factory()))
        return self._request

    def _verify(self, token: str, audience: str, what: str) -> dict[str, Any]:
        if not token or token.count(".") != 2:
            raise RequestRejected(f"{what}: not a signed JWT")
        try:
            with acting(Purpose(actor="system:addon", step="auth", purpose="verify a Google-signed ID token")):
                claims = dict(id_token.verify_token(token, self._transport(), audience=audience,
                                                    certs_url=self.certs_url, clock_skew_in_seconds=CLOCK_SKEW))
        except (ValueError, gexc.GoogleAuthError) as e:
            raise RequestRejected(f"{what}: {_reason(e)}") from None
        if claims.get("iss") not in ISSUERS:
            raise RequestRejected(f"{what}: wrong issuer {claims.get('iss')!r}")
        if claims.get("email_verified") is not True:
            raise RequestRejected(f"{what}: email not verified")
        if not isinstance(claims.get("email"), str):
            raise RequestRejected(f"{what}: no email claim")
        return claims

    def verify_request(self, authorization: str | None, audience: str) -> dict[str, Any]:
        """The system ID token on the Authorization header: Google, for this endpoint, as our service account."""
        if not authorization:
            raise RequestRejected("no Authorization header")
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer":
            raise RequestRejected("Authorization is not a Bearer token")
        claims = self._verify(token.strip(), audience, "request token")
        if claims["email"].lower() != self.service_account:
            raise RequestRejected(f"request token: signed for {claims['email']}, not the add-on's service account")
        return claims

    def verify_user(self, user_id_token: str | None, domain: str | None = None) -> str:
        """The staff member's email from the event's ``userIdToken`` (audience: the add-on's OAuth client)."""
        if not user_id_token:
            raise RequestRejected("no userIdToken in the event (the manifest needs the userinfo.email scope)")
        email = self._verify(user_id_token, self.client_id, "user token")["email"].lower()
        if domain and email.rsplit("@", 1)[-1] != domain.lower():
            raise RequestRejected(f"user token: {email} is outside the organisation's domain {domain}")
        return email

    def verify_sign_in(self, token: str, client_id: str) -> str:
        """The email in the ID token the web sign-in's token response carried."""
        return self._verify(token, client_id, "sign-in token")["email"].lower()


def _reason(e: Exception) -> str:
    text = str(e).split("\n")[0]
    low = text.lower()
    if "expired" in low:
        return "expired"
    if "audience" in low:
        return "wrong audience"
    if "signature" in low or "certificate" in low:
        return "signature does not verify"
    if "segment" in low or "parse" in low or "json" in low or "padding" in low:
        return "malformed token"
    printable = "".join(c for c in text if c.isprintable())
    return printable[:200] or type(e).__name__
