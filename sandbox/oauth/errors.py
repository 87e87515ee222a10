"""OAuth endpoint errors, answered in RFC 6749 shape (``{"error", "error_description"}``) as Google's
token, revoke and tokeninfo endpoints do, rather than the APIs' ``{"error": {...}}`` envelope."""
from __future__ import annotations

from ..errors import SandboxError


class OAuthError(SandboxError):
    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}")
        self.status = status
        self.error = error
        self.description = description

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}
