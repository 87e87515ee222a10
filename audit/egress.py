"""The egress allow-list: Google's API and OAuth hosts, or (in sandbox mode) only the sandbox. Google
hosts are rewritten to the sandbox there, so unmodified clients (gspread's fixed URLs included) land on it.
The metadata server is plain HTTP on a link-local name by design (Cloud Run, GCE); it is allowed only
for the paths :mod:`audit.calls` classifies, because the guard refuses anything it cannot name."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

GOOGLE_HOSTS = frozenset(
    {
        "gmail.googleapis.com", "www.googleapis.com", "sheets.googleapis.com", "drive.googleapis.com",
        "admin.googleapis.com", "oauth2.googleapis.com", "accounts.google.com", "openidconnect.googleapis.com",
        "iamcredentials.googleapis.com",
    }
)
METADATA_HOSTS = frozenset({"metadata.google.internal", "169.254.169.254"})


def _allowed(scheme: str, host: str | None) -> bool:
    return (scheme == "https" and host in GOOGLE_HOSTS) or (scheme == "http" and host in METADATA_HOSTS)


@dataclass(frozen=True)
class Egress:
    sandbox_url: str | None = None

    def route(self, url: str) -> str | None:
        """The URL to actually send to, or None when the host is not allowed."""
        parts = urlsplit(url)
        if self.sandbox_url:
            sb = urlsplit(self.sandbox_url)
            if parts.netloc == sb.netloc and parts.scheme == sb.scheme:
                return url
            if _allowed(parts.scheme, parts.hostname):
                return urlunsplit((sb.scheme, sb.netloc, parts.path, parts.query, ""))
            return None
        if _allowed(parts.scheme, parts.hostname):
            return url
        return None
