"""Rotating the master key (the key-encryption key over every per-case key), crash-safe at every step.

With the key file: (1) the file becomes "new, then current" (one atomic replace), so both unwrap;
(2) one write transaction re-wraps every case key under the new key and appends the audit record that
says so; (3) the file becomes "new" only. A crash before (2) commits leaves the old wrapping, readable;
a crash after leaves the new wrapping, readable; running it again finishes. With ``DSAR_MASTER_KEY`` the
operator puts the new key first themselves (``new,old``), runs this, then drops the old one.
Afterwards the store is cleaned of the old wrapped bytes, as after crypto-shredding."""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

from .errors import AuditError, AuditInputError, AuditWriteError
from .keys import MASTER_ENV, MASTER_FILE, encode_master, kek_id_of, load_master_keys, write_secret
from .records import normalise
from .trail import AuditTrail


@dataclass(frozen=True)
class RekeyResult:
    kek_id: str
    rewrapped: int
    record_seq: int
    retired: list[str]  # ids of the master keys no longer needed
    residue: list[str]  # store files still holding an old wrapped key (should be empty)
    from_env: bool


def rotate_master_key(trail: AuditTrail, actor: str) -> RekeyResult:
    if trail.home is None:
        raise AuditInputError("this trail was not opened from a data folder; there is no key file to rotate")
    from_env = bool(os.environ.get(MASTER_ENV))
    path = trail.home / MASTER_FILE
    keys = load_master_keys(trail.home, create=False)
    if from_env and len(keys) < 2:
        raise AuditInputError(f"{MASTER_ENV}: put a new key first, a comma, then the current one "
                              "('dsar audit new-master-key' prints one), run this again, then drop the old key")
    if not from_env:
        keys = [secrets.token_bytes(32), *keys]
        write_secret(path, "\n".join(map(encode_master, keys)), replace=True)  # (1): both keys unwrap from here on
    trail.keys.use(keys)
    kek = trail.keys.kek_id
    retired = [kek_id_of(k) for k in keys[1:]]
    try:
        with trail.store.writer() as tx:  # (2)
            old = trail.keys.rewrap_all(tx)
            base = normalise({"actor": actor, "outcome": "rekey", "operation": "audit.rotate_master_key",
                              "detail": f"{len(old)} case keys re-wrapped under master key {kek}; retired "
                                        f"{', '.join(retired) or 'none'}"})
            record, _ = trail._append_in(tx, base, None)
    except AuditError:
        raise
    except Exception as e:
        raise AuditWriteError(f"the master key was not rotated ({e}); every case key is still readable") from e
    if not from_env:
        write_secret(path, encode_master(keys[0]), replace=True)  # (3): the old key is gone
    trail.keys.use(keys[:1])
    try:
        residue = trail.store.purge_residue(old) if old else []
    except Exception as e:  # rotated; only the clean-up of old pages failed
        residue = [f"{trail.store.location} (clean-up failed: {e})"]
    return RekeyResult(kek, len(old), record.seq, retired, residue, from_env)
