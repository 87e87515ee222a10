"""What can stop a rights step. All are :class:`~addon.errors.DsarError`, so the CLI prints one line."""
from __future__ import annotations

from ..errors import ConfigError, Conflict, ExitCode, GoogleError


class RightsError(Conflict):
    """A rectification, restriction or suppression step cannot go ahead; the message says what to do next."""


class NotApproved(RightsError, PermissionError):
    """The plan about to run is not the one the DPO approved (or none was approved)."""


class PolicyError(RightsError, ConfigError):
    """DSAR_HOME/marketing.toml is malformed or names a list that cannot be read."""

    exit_code = ExitCode.INPUT


class RunFailed(RightsError, GoogleError):
    """Some Google calls kept failing; the job is saved and running the same command resumes it."""

    exit_code = ExitCode.GOOGLE
