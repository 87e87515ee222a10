"""The audit package's exception root. (Shared by the trail and the transport: extend, don't replace.)"""
from __future__ import annotations

from dsar_base.errors import DsarError, ExitCode, GoogleError, NotFound, Refused


class AuditError(DsarError):
    """Root of every audit-trail and audited-transport error."""


class AuditWriteError(AuditError):
    """A record could not be made durable; the Google call it describes is refused."""


class CallRefused(AuditError, Refused):
    """The seam refused a Google call (guard, egress allow-list or audit failure); the refusal is recorded."""


class EgressRefused(CallRefused):
    """A request to a host outside the allow-list."""


class TransportError(AuditError, GoogleError, ConnectionError):
    """The call failed after every retry (network or Google errors); the message says which and how often."""


# -- the trail (records, proofs, checkpoints, keys) ------------------------------------------------
class AuditInputError(AuditError, ValueError):
    """A record field, a proof file or a command argument is malformed; the message names it."""


class ProofError(AuditError, ValueError):
    """A Merkle inclusion or consistency proof does not verify (or is malformed)."""

    exit_code = ExitCode.CHECK_FAILED


class CheckpointError(AuditError, ValueError):
    """A signed checkpoint is malformed or its signature does not verify."""


class KeyFileError(AuditError):
    """A key file in the data folder (master key, signing key) is missing, unreadable or too open."""


class CaseKeyError(AuditError, NotFound):
    """No key exists for the case (it was never opened in this data folder)."""


class CaseKeyShredded(CaseKeyError):
    """The case key was destroyed (crypto-shredding): its ciphertexts can never be read again."""

    exit_code = ExitCode.CONFLICT  # the case is in a state (shredded) where this cannot be done


class StoreError(AuditError):
    """The audit store cannot be opened or read (wrong file, newer schema, locked for too long)."""
