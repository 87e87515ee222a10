"""Certificate signatures (pure): signed with the audit key as a signed note; any change, another key, or a
forged checkpoint is reported."""
from __future__ import annotations

import base64
import hashlib

from audit.checkpoints import Checkpoint, Signer, sign_checkpoint
from addon.erasure.certificate import FORMAT, render_html, sign, verify_certificate


def _doc(signer: Signer, size: int = 12) -> dict:
    root = hashlib.sha256(b"root").digest()
    note = sign_checkpoint(signer, Checkpoint(signer.name, size, root))
    return {
        "format": FORMAT, "case": "DSAR-2026-0001", "issued_at": "2026-01-01T00:00:00+00:00", "issued_by": "dpo@x",
        "request": {"type": "erasure", "received": "2025-12-20"},
        "plan": {"sha256": "ab" * 32, "planned_by": "s@x", "planned_at": "t", "approved_by": "dpo@x", "approved_at": "t",
                 "policy": {"permanent_delete": False}, "counts": {}},
        "run": {"by": "s@x", "started_at": "t", "finished_at": "t",
                "counts": {"erased": 1, "already_gone": 0, "exempt": 1}, "problems": []},
        "erased": [{"source": "gmail", "account": "a@x", "id": "m1", "action": "trash", "outcome": "trashed",
                    "sha256": "cd" * 32, "hash_of": "message raw bytes", "at": "t"}],
        "already_gone": [], "redacted_by_hand": [],
        "exempt": [{"source": "gmail", "account": "a@x", "id": "m2", "reason": "legal_claims", "basis": "Art. 17(3)(e)",
                    "detail": "<b>ACAS</b>", "rule": "gmail label 'Legal hold'"}],
        "persists": [{"source": "gmail", "account": "a@x", "id": "m1", "where": "Gmail Trash", "until": "2026-01-31",
                      "note": "n"}],
        "persistence_notes": ["Trash 30 days"],
        "verification": {"at": "t", "by": "s@x", "found": 2, "exempt": 1, "in_trash": 1, "outside_exemptions": 0},
        "audit": {"origin": signer.name, "public_key": str(signer.verifier), "run_records": [3, 11],
                  "checkpoint": {"size": size, "root": base64.b64encode(root).decode(), "time": "t", "note": note}},
    }


def test_signed_certificate_verifies_with_the_trail_key():
    signer = Signer.generate("acme.test/audit/1")
    doc = sign(_doc(signer), signer)
    assert verify_certificate(doc, signer.verifier) == []
    assert verify_certificate(doc) == []  # with the embedded key: integrity only


def test_any_change_is_caught():
    signer = Signer.generate("acme.test/audit/1")
    doc = sign(_doc(signer), signer)
    doc["erased"][0]["sha256"] = "00" * 32
    assert any("changed after it was signed" in p for p in verify_certificate(doc, signer.verifier))


def test_another_key_and_a_forged_checkpoint_are_caught():
    signer, other = Signer.generate("acme.test/audit/1"), Signer.generate("acme.test/audit/1")
    forged = sign(_doc(signer), other)  # re-signed by someone else's key
    problems = verify_certificate(forged, signer.verifier)
    assert any("another key" in p for p in problems) and any(p.startswith("signature") for p in problems)
    doc = _doc(signer)
    doc["audit"]["checkpoint"]["size"] = 99  # claims more than the signed checkpoint
    assert any("size or root" in p for p in verify_certificate(sign(doc, signer), signer.verifier))
    short = sign(_doc(signer, size=5), signer)  # run_records end at 11: not covered
    assert any("does not cover" in p for p in verify_certificate(short, signer.verifier))


def test_garbage_is_not_a_certificate():
    assert verify_certificate({"format": "x"}) and verify_certificate([1, 2])


def test_html_escapes_and_lists_every_section():
    signer = Signer.generate("acme.test/audit/1")
    html = render_html(sign(_doc(signer), signer))
    assert "&lt;b&gt;ACAS&lt;/b&gt;" in html and "<b>ACAS</b>" not in html
    for text in ("Erased (1)", "Kept under an exemption (1)", "What persists", "2026-01-31", "cd" * 32, "Signature"):
        assert text in html
