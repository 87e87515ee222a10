"""The product's exception root and its exit codes, re-exported from :mod:`dsar_base.errors` (the layer
below ``addon``, ``audit`` and ``scopes``), so ``addon.errors.DsarError`` is the very same class the seam
and the registry raise. See that module for the table."""
from __future__ import annotations

from dsar_base.errors import (
    Busy,
    ConfigError,
    Conflict,
    DsarError,
    ExitCode,
    GoogleError,
    InputError,
    Interrupted,
    NotFound,
    Refused,
)

__all__ = ["Busy", "ConfigError", "Conflict", "DsarError", "ExitCode", "GoogleError", "InputError",
           "Interrupted", "NotFound", "Refused"]
