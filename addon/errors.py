"""The product's exception root. Every error a user can cause or meet is a :class:`DsarError` whose
message names the field, file or setting at fault; the CLI prints it without a traceback."""
from __future__ import annotations


class DsarError(Exception):
    """Root of the product's errors; ``str(e)`` is a complete sentence for the user."""

    exit_code = 2


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


class Busy(DsarError):
    """Someone else is doing this very thing right now (another process or host); try again once it ends."""

    exit_code = 5
