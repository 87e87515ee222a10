"""The product's exception root and its exit codes. Every error a user can cause or meet is a
:class:`DsarError` whose message names the field, file or setting at fault; the CLI prints it without a
traceback and exits with the code of its class, from the one table below (also in the README).

It lives below ``addon``, ``audit`` and ``scopes`` so the seam and the registry share the root without
knowing the workflow; ``addon.errors`` re-exports every name."""
from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """One table for every command, so scripts can tell what went wrong without parsing text."""

    OK = 0
    CHECK_FAILED = 1  # a verification ran and found problems (audit verify, export verify, erase verify...)
    USAGE = 2  # the command line itself is wrong (unknown option, missing argument): click's own code
    INPUT = 3  # a value, file or setting given is not acceptable (names the field)
    ROLE_REFUSED = 4  # the actor's role, the granted scopes or the sharing does not allow it
    NOT_FOUND = 5  # a case, job, item or file named does not exist
    CONFLICT = 6  # the thing is busy, in the wrong state, or changed since it was read
    GOOGLE = 7  # Google (or the sandbox) refused or failed: sign-in, API error after retries, unreachable
    INTERRUPTED = 130  # Ctrl-C: the job is saved; run the same command to resume


class DsarError(Exception):
    """Root of the product's errors; ``str(e)`` is a complete sentence for the user."""

    exit_code: int = ExitCode.INPUT


class ConfigError(DsarError):
    """A setting is missing or wrong."""


class InputError(DsarError, ValueError):
    """A value given by a user (a CLI option, a form field, a file) is not acceptable."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.detail = message


class NotFound(DsarError, LookupError):
    """A case, job or item named by the user does not exist."""

    exit_code = ExitCode.NOT_FOUND


class Conflict(DsarError):
    """The request does not fit the current state (wrong status, a plan changed since it was read)."""

    exit_code = ExitCode.CONFLICT


class Busy(Conflict):
    """Someone else is doing this very thing right now (another process or host); try again once it ends."""


class Refused(DsarError, PermissionError):
    """The actor's role, the token's scopes or a sheet's sharing does not allow this."""

    exit_code = ExitCode.ROLE_REFUSED


class GoogleError(DsarError):
    """Google (or the sandbox) refused or failed after the retries the seam allows."""

    exit_code = ExitCode.GOOGLE


class Interrupted(DsarError):
    """Stopped by the user (Ctrl-C); the job's checkpoints are kept."""

    exit_code = ExitCode.INTERRUPTED
