"""The sandbox's exception root and Google-shaped error responses.

Gmail and Drive answer errors in the classic shape (an ``errors`` array whose ``reason`` the client
libraries read to decide on retries); Sheets answers in the gRPC-transcoded shape with ``status``.
Handlers raise :class:`ApiError`; :mod:`sandbox.routing` turns it into the right body.
"""
from __future__ import annotations

from typing import Any

_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    412: "FAILED_PRECONDITION",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


class SandboxError(Exception):
    """Root of every error the sandbox raises on purpose."""


class FixtureError(SandboxError, ValueError):
    """A fixture file could not be read; carries the path so the loader can report and skip it."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class ApiError(SandboxError):
    """An error answered to an API client with Google's status code and body."""

    def __init__(
        self,
        code: int,
        message: str,
        reason: str | None = None,
        *,
        domain: str = "global",
        location: str | None = None,
        headers: dict[str, str] | None = None,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.reason = reason
        self.domain = domain
        self.location = location
        self.headers = headers or {}
        self.details = details

    def body(self, style: str = "classic") -> dict[str, Any]:
        """The JSON body: ``classic`` (Gmail, Drive, OAuth APIs) or ``rpc`` (Sheets)."""
        err: dict[str, Any] = {"code": self.code, "message": self.message}
        status = _STATUS.get(self.code)
        if style == "classic":
            item: dict[str, Any] = {
                "message": self.message,
                "domain": self.domain,
                "reason": self.reason or (status or "error").lower(),
            }
            if self.location:
                item["location"] = self.location
                item["locationType"] = "parameter" if self.location != "Authorization" else "header"
            err["errors"] = [item]
        if status:
            err["status"] = status
        if self.details:
            err["details"] = self.details
        return {"error": err}


def bad_request(message: str, location: str | None = None) -> ApiError:
    return ApiError(400, message, "invalidArgument" if location is None else "invalid", location=location)


def not_found(what: str) -> ApiError:
    return ApiError(404, f"Requested entity was not found. ({what})", "notFound")


def forbidden(message: str = "The caller does not have permission", reason: str = "forbidden") -> ApiError:
    return ApiError(403, message, reason)
