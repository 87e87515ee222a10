"""The audit package's exception root. (Shared by the trail and the transport: extend, don't replace.)"""
from __future__ import annotations

from addon.errors import DsarError


class AuditError(DsarError):
    """Root of every audit-trail and audited-transport error."""


class AuditWriteError(AuditError):
    """A record could not be made durable; the Google call it describes is refused."""


class CallRefused(AuditError, PermissionError):
    """The seam refused a Google call (guard, egress allow-list or audit failure); the refusal is recorded."""

    exit_code = 3


class EgressRefused(CallRefused):
    """A request to a host outside the allow-list."""


class TransportError(AuditError, ConnectionError):
    """The call failed after every retry (network or Google errors); the message says which and how often."""
