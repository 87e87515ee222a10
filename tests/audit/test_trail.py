"""Appending: what a record holds, how it is sealed and hashed, checkpoints, proofs, failures."""
from __future__ import annotations

import base64
import hashlib
import json
import os
import stat

import pytest

from audit.canonical import canonical_json
from audit.checkpoints import verify_checkpoint
from audit.errors import AuditInputError, AuditWriteError, CaseKeyError, ProofError
from audit.merkle import leaf_hash, root_of
from audit.proofs import check_bundle, verify_consistency, verify_inclusion
from audit.records import GENESIS, leaf_of_export
from audit.trail import AuditTrail

from .conftest import CASE, GMAIL_READONLY, call_fields, fill


def test_record_fields_chain_and_leaf(trail: AuditTrail) -> None:
    r0 = trail.append(call_fields(0), sealed={"q": "from:jane@example.org", "subject": "Jane Doe"})
    r1 = trail.append(call_fields(1, case=None))
    d = r0.to_dict()
    assert d["seq"] == 0 and r1.seq == 1
    assert d["prev"] == GENESIS.hex() and r1["prev"] == r0.leaf.hex()
    assert d["time"].endswith("Z") and len(d["time"]) == len("2026-01-01T00:00:00.000000Z")
    assert d["api_method"] == "gmail.users.messages.get" and d["scopes"] == [GMAIL_READONLY]
    # the leaf covers the canonical JSON of every field but the leaf itself
    body = canonical_json({k: v for k, v in d.items() if k != "leaf"})
    assert r0.leaf == hashlib.sha256(b"\x00" + body).digest() == leaf_of_export(d)
    assert body.startswith(b'{"actor":"staff@example.test","api_method":') and b" " not in body.split(b'"detail"')[0]
    # identifiers only as ciphertext and MAC
    raw = json.dumps(d)
    assert "jane@example.org" not in raw and "Jane Doe" not in raw
    assert set(d["sealed"]) == set(d["lookup"]) == {"q", "subject"}
    assert trail.unseal(r0, "q") == "from:jane@example.org"
    assert [r.seq for r in trail.find(CASE, "FROM:Jane@example.org ")] == [0]
    assert trail.find(CASE, "someone else") == []


def test_sealed_value_is_bound_to_case_seq_and_name(trail: AuditTrail) -> None:
    r = trail.append(call_fields(0), sealed={"q": "secret"})
    token = r["sealed"]["q"]
    assert trail.keys.unseal(CASE, "q", token, context="0") == "secret"
    for case, name, ctx in ((CASE, "q", "1"), (CASE, "other", "0")):
        with pytest.raises(AuditInputError, match="does not decrypt"):
            trail.keys.unseal(case, name, token, context=ctx)
    trail.keys.create("DSAR-2026-0002")
    with pytest.raises(AuditInputError, match="does not decrypt"):
        trail.keys.unseal("DSAR-2026-0002", "q", token, context="0")


@pytest.mark.parametrize("fields, sealed, message", [
    ({"case": CASE, "outcome": "ok"}, None, "actor is required"),
    (call_fields(0, surprise=1), None, "unknown field"),
    (call_fields(0, status="200"), None, "status must be"),
    (call_fields(0, latency_ms=float("nan")), None, "latency_ms"),
    (call_fields(0, scopes="a b"), None, "scopes"),
    (call_fields(0, outcome="OK!"), None, "outcome"),
    (call_fields(0, case=None), {"q": "x"}, "sealed values need a case"),
    (call_fields(0), {"bad name": "x"}, "sealed field name"),
])
def test_bad_fields_raise_audit_write_error(trail: AuditTrail, fields, sealed, message) -> None:
    with pytest.raises(AuditWriteError, match=message):
        trail.append(fields, sealed=sealed)
    assert trail.size() == 0


def test_store_failure_raises_audit_write_error(tmp_path) -> None:
    t = AuditTrail.open(tmp_path / "audit.db")
    t.append(call_fields(0))
    os.chmod(tmp_path / "audit.db", 0o400)
    t.close()
    t2 = AuditTrail.open(tmp_path / "audit.db") if os.geteuid() != 0 else None
    if t2 is None:  # root ignores file modes: make the store fail another way
        t2 = AuditTrail.open(tmp_path / "audit.db")
        t2.store._db().execute("PRAGMA query_only=ON")
    with pytest.raises(AuditWriteError, match="not written"):
        t2.append(call_fields(1))


def test_files_are_private(trail: AuditTrail, tmp_path) -> None:
    fill(trail, 1)
    for name in ("audit.db", "master.key", "audit-signing.key"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name
    os.chmod(tmp_path / "master.key", 0o644)
    with pytest.raises(Exception, match="chmod 600"):
        AuditTrail.open(tmp_path / "audit.db")


def test_master_key_from_environment(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DSAR_MASTER_KEY", base64.b64encode(b"k" * 32).decode())
    t = AuditTrail.open(tmp_path / "audit.db")
    t.append(call_fields(0), sealed={"q": "x"})
    assert not (tmp_path / "master.key").exists()
    monkeypatch.setenv("DSAR_MASTER_KEY", (b"j" * 32).hex())
    t2 = AuditTrail.open(tmp_path / "audit.db")
    with pytest.raises(Exception, match="another master key"):
        t2.unseal(t2.record(0), "q")
    monkeypatch.setenv("DSAR_MASTER_KEY", "short")
    with pytest.raises(Exception, match="DSAR_MASTER_KEY: the master key must be 32 bytes"):
        AuditTrail.open(tmp_path / "audit.db")


def test_checkpoint_covers_itself_and_verifies(trail: AuditTrail) -> None:
    fill(trail, 10)
    cp = trail.checkpoint()
    assert cp.size == 11 and trail.record(10)["outcome"] == "checkpoint"
    signed = verify_checkpoint(cp.note, trail.verifier)
    assert signed.size == 11 and signed.root == cp.root == trail.root()
    assert cp.root == root_of([leaf_hash(canonical_json({k: v for k, v in r.to_dict().items() if k != "leaf"}))
                               for r in trail.records()])
    assert trail.checkpoint() == cp  # nothing new: no new checkpoint


def test_maybe_checkpoint_every_minute(tmp_path) -> None:
    now = [1_000_000_000.0]
    t = AuditTrail.open(tmp_path / "audit.db", clock=lambda: now[0])
    assert t.maybe_checkpoint() is None  # empty trail
    fill(t, 3)
    assert t.record(0)["time"] == "2001-09-09T01:46:40.000000Z"  # the trail's clock stamps records
    now[0] += 30
    assert t.maybe_checkpoint() is None
    now[0] += 31
    cp = t.maybe_checkpoint()
    assert cp is not None and cp.size == 4
    fill(t, 2)
    now[0] += 59
    assert t.maybe_checkpoint() is None
    other = AuditTrail.open(tmp_path / "audit.db", clock=lambda: now[0])  # another process: reads the store
    assert other.maybe_checkpoint() is None
    now[0] += 1.5
    assert t.maybe_checkpoint().size == 7
    assert other.maybe_checkpoint() is None  # t just did it


def test_inclusion_and_consistency_proofs_across_cache_boundary(trail: AuditTrail) -> None:
    """Past 256 leaves the store serves subtree roots from its cache; proofs must not change."""
    fill(trail, 300, sealed=False)
    cp1 = trail.checkpoint()
    fill(trail, 250, sealed=False)
    cp2 = trail.checkpoint()
    leaves = [r.leaf for r in trail.records()]
    assert trail.root() == root_of(leaves) == cp2.root and trail.root(cp1.size) == cp1.root
    for seq in (0, 1, 255, 256, 299, 300, 511, 512, cp2.size - 1):
        bundle = trail.prove(seq)
        proof = [base64.b64decode(p) for p in bundle["proof"]]
        verify_inclusion(seq, cp2.size, leaves[seq], proof, cp2.root)
        assert check_bundle(bundle, trail.verifier) == (seq, cp2.size)
    verify_consistency(cp1.size, cp2.size, trail.consistency(cp1.size, cp2.size), cp1.root, cp2.root)


def test_proof_bundle_rejects_any_change(trail: AuditTrail) -> None:
    fill(trail, 20)
    trail.checkpoint()
    bundle = trail.prove(7)
    altered = json.loads(json.dumps(bundle))
    altered["record"]["item_count"] = 99
    with pytest.raises(ProofError, match="do not hash to its leaf"):
        check_bundle(altered, trail.verifier)
    swapped = json.loads(json.dumps(bundle))
    swapped["record"] = trail.record(8).to_dict()
    with pytest.raises(ProofError):
        check_bundle(swapped, trail.verifier)
    forged = json.loads(json.dumps(bundle))
    forged["proof"][0] = base64.b64encode(b"\x00" * 32).decode()
    with pytest.raises(ProofError):
        check_bundle(forged, trail.verifier)


def test_prove_needs_a_checkpoint(trail: AuditTrail) -> None:
    fill(trail, 3)
    with pytest.raises(AuditInputError, match="not covered by a checkpoint"):
        trail.prove(1)


def test_case_keys_api_for_the_case_store(trail: AuditTrail) -> None:
    keys = trail.keys
    with pytest.raises(CaseKeyError, match="no key"):
        keys.seal("DSAR-2026-0009", "subject", "x")
    keys.create("DSAR-2026-0009")
    keys.create("DSAR-2026-0009")  # idempotent
    token = keys.seal("DSAR-2026-0009", "subject", '{"names": ["Zoë"]}')
    assert keys.unseal("DSAR-2026-0009", "subject", token) == '{"names": ["Zoë"]}'
    assert keys.lookup_mac("DSAR-2026-0009", "Zoë") == keys.lookup_mac("DSAR-2026-0009", " ZOË")
    assert keys.lookup_mac("DSAR-2026-0009", "Zoë") != keys.lookup_mac(CASE if keys.exists(CASE) else "DSAR-2026-0009", "Zoe")
