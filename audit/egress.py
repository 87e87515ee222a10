"""The egress allow-list: Google's API and OAuth hosts, or (in sandbox mode) only the sandbox. Google
hosts are rewritten to the sandbox there, so unmodified clients (gspread's fixed URLs included) land on it."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

GOOGLE_HOSTS = frozenset(
    {
        "gmail.googleapis.com", "www.googleapis.com", "sheets.googleapis.com", "drive.googleapis.com",
        "admin.googleapis.com", "oauth2.googleapis.com", "accounts.google.com", "openidconnect.googleapis.com",
    }
)


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
            if parts.hostname in GOOGLE_HOSTS and parts.scheme == "https":
                return urlunsplit((sb.scheme, sb.netloc, parts.path, parts.query, ""))
            return None
        if parts.scheme == "https" and parts.hostname in GOOGLE_HOSTS:
            return url
        return None
