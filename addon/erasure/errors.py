"""What can stop an erasure step. All are :class:`~addon.errors.DsarError`, so the CLI prints one line."""
from __future__ import annotations

from ..errors import ConfigError, DsarError


class ErasureError(DsarError):
    """An erasure step cannot go ahead; the message says why and what to do next."""


class PolicyError(ErasureError, ConfigError):
    """The organisation's erasure policy file is missing, malformed or contradicts itself."""


class NotApproved(ErasureError, PermissionError):
    """The plan about to run is not the one the DPO approved."""

    exit_code = 3


class RunFailed(ErasureError):
    """Some items could not be erased; the job is saved and ``dsar erase run`` resumes it."""


class CertificateInvalid(ErasureError):
    """A certificate's signature, content hash or audit checkpoint does not verify."""

    exit_code = 1
