"""What can stop an erasure step. All are :class:`~addon.errors.DsarError`, so the CLI prints one line."""
from __future__ import annotations

from ..errors import ConfigError, Conflict, ExitCode, GoogleError


class ErasureError(Conflict):
    """An erasure step cannot go ahead; the message says why and what to do next."""


class PolicyError(ErasureError, ConfigError):
    """The organisation's erasure policy file is missing, malformed or contradicts itself."""

    exit_code = ExitCode.INPUT


class NotApproved(ErasureError, PermissionError):
    """The plan about to run is not the one the DPO approved (or none was approved): a conflict with the case's state."""


class RunFailed(ErasureError, GoogleError):
    """Some items could not be erased; the job is saved and ``dsar erase run`` resumes it."""

    exit_code = ExitCode.GOOGLE


class CertificateInvalid(ErasureError):
    """A certificate's signature, content hash or audit checkpoint does not verify."""

    exit_code = ExitCode.CHECK_FAILED
