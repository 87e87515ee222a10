"""Crypto-shredding: after ``shred`` no byte of the case key is left in the database or its WAL, the
case's sealed values are unreadable for good, and the trail (chain, tree, checkpoints, proofs) still verifies."""
from __future__ import annotations

import base64
import sqlite3
from pathlib import Path

import pytest

from audit.errors import AuditWriteError, CaseKeyError, CaseKeyShredded
from audit.proofs import check_bundle
from audit.trail import AuditTrail

from .conftest import CASE, call_fields, fill

OTHER = "DSAR-2026-0002"


def _files(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*") if p.is_file())


def _forms(secret: bytes) -> list[bytes]:
    return [secret, secret.hex().encode(), base64.b64encode(secret)]


def test_shred_leaves_no_key_bytes_and_trail_still_verifies(trail: AuditTrail) -> None:
    fill(trail, 30)
    trail.append(call_fields(0, OTHER), sealed={"q": "other subject"})
    trail.checkpoint()
    db = trail.store.path
    row = trail.store.get_case_key(CASE)
    key, mac_key = trail.keys._unwrap(row)
    needles = _forms(row.wrapped) + _forms(key) + _forms(mac_key)
    assert row.wrapped in _files(db)  # the control: the wrapped key is there before
    before = trail.record(3)
    proof_before = trail.prove(3)

    result = trail.shred(CASE, "dpo@example.test")

    assert result.residue == []
    data = _files(db)
    assert not [n for n in needles if n in data]
    assert result.record["outcome"] == "shred" and result.record["case"] == CASE
    with pytest.raises(CaseKeyShredded, match="case key shredded"):
        trail.unseal(trail.record(3), "q")
    with pytest.raises(CaseKeyShredded, match="case key shredded"):
        trail.find(CASE, "from:jane3@example.org")
    assert trail.record(3).to_dict() == before.to_dict()  # ciphertext kept, just unreadable
    assert trail.unseal(trail.record(30), "q") == "other subject"  # other cases untouched
    verdict = trail.verify()
    assert verdict.ok and verdict.latest_checkpoint == 32, verdict.problems
    assert check_bundle(proof_before, trail.verifier) == (3, 32)
    trail.checkpoint()
    assert trail.verify().latest_checkpoint == 34
    # a fresh process sees the same
    again = AuditTrail.open(db)
    with pytest.raises(CaseKeyShredded):
        again.keys.unseal(CASE, "q", before["sealed"]["q"], context="3")


def test_shredded_case_refuses_new_sealed_records_and_new_keys(trail: AuditTrail) -> None:
    fill(trail, 2)
    trail.shred(CASE, "dpo@example.test")
    with pytest.raises(AuditWriteError, match="case key shredded"):
        trail.append(call_fields(9), sealed={"q": "again"})
    with pytest.raises(CaseKeyShredded):
        trail.keys.create(CASE)
    with pytest.raises(CaseKeyShredded, match="already"):
        trail.shred(CASE, "dpo@example.test")
    with pytest.raises(CaseKeyError, match="nothing to shred"):
        trail.shred("DSAR-2026-0404", "dpo@example.test")
    trail.append(call_fields(9))  # records without sealed values are still written for the case
    assert trail.verify().ok


def test_without_secure_delete_the_bytes_would_remain(tmp_path: Path) -> None:
    """The control for the grep above: SQLite's default leaves deleted key bytes in the file."""
    path = tmp_path / "plain.db"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA secure_delete=OFF")
    db.execute("CREATE TABLE k (ref TEXT PRIMARY KEY, wrapped BLOB)")
    secret = b"\x8f" * 4 + bytes(range(40, 84))
    db.execute("INSERT INTO k VALUES ('x', ?)", (secret,))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("DELETE FROM k")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    assert secret in _files(path)
