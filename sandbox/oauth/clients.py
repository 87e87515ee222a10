"""OAuth clients as the sandbox knows them. Any client id is accepted and treated as an installed app
(loopback redirects only), as a developer's own Cloud project would be; a *web* client registered through
``POST /_sandbox/clients`` gets its secret and redirect-URI list enforced, like Google's."""
from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .errors import OAuthError

_LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


@dataclass
class Client:
    client_id: str
    secret: str | None = None
    redirect_uris: tuple[str, ...] = ()
    name: str = ""
    #: "web" (exact redirect URIs from the list) or "installed" (any loopback redirect)
    kind: str = "installed"
    #: registered clients enforce their secret; on-demand clients (any unknown id) do not
    registered: bool = False

    @property
    def display_name(self) -> str:
        return self.name or self.client_id


def is_loopback(uri: str) -> bool:
    """``http://localhost[:port][/path]``, ``http://127.0.0.1…`` or ``http://[::1]…`` (installed-app redirects)."""
    try:
        parts = urlsplit(uri)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return False
    return parts.scheme == "http" and host in _LOOPBACK_HOSTS and not parts.fragment


def redirect_allowed(client: Client, uri: str) -> bool:
    """Web clients: exactly one of the registered URIs. Installed apps: any loopback URI, any port."""
    if client.kind == "web":
        return uri in client.redirect_uris
    return is_loopback(uri) or uri in client.redirect_uris


def credentials_from_request(auth_header: str, form: dict[str, str]) -> tuple[str, str | None]:
    """(client_id, client_secret) from HTTP Basic (RFC 6749 §2.3.1, url-encoded parts) or the form body."""
    if auth_header.lower().startswith("basic "):
        try:
            raw = base64.b64decode(auth_header[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise OAuthError(401, "invalid_client", "Invalid client authentication header.") from None
        cid, sep, secret = raw.partition(":")
        if not sep:
            raise OAuthError(401, "invalid_client", "Invalid client authentication header.")
        return unquote(cid), unquote(secret)
    cid = form.get("client_id", "")
    if not cid:
        raise OAuthError(400, "invalid_request", "Could not determine client ID from request.")
    return cid, form.get("client_secret")


def check_secret(client: Client, secret: str | None) -> None:
    """Registered clients must present their secret; on-demand clients may omit it (PKCE public client)."""
    if client.registered and client.secret is not None and secret != client.secret:
        raise OAuthError(401, "invalid_client", "Unauthorized")
