"""Signed notes and checkpoints: the note.go vector byte for byte, and every way a checkpoint can be wrong."""
from __future__ import annotations

import pytest

from audit.checkpoints import Checkpoint, Signer, Verifier, open_note, sign_checkpoint, verify_checkpoint
from audit.errors import CheckpointError

NEUMANN_KEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
NEUMANN_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
NEUMANN_SIG = "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"


def test_note_vector_byte_for_byte() -> None:
    signer = Signer.parse(NEUMANN_KEY)
    assert signer.verifier.key_id.hex() == "c74f20a3"
    note = signer.sign_note(NEUMANN_TEXT)
    assert note == NEUMANN_TEXT + "\n" + NEUMANN_SIG
    assert open_note(note, signer.verifier) == NEUMANN_TEXT
    assert Signer.parse(signer.private_text()).private_text() == NEUMANN_KEY
    assert Verifier.parse(str(signer.verifier)) == signer.verifier


def test_checkpoint_round_trip_and_tampering() -> None:
    signer = Signer.generate("example.org/audit/1")
    cp = Checkpoint("example.org/audit/1", 42, bytes(range(32)))
    note = sign_checkpoint(signer, cp)
    assert note.splitlines()[:3] == ["example.org/audit/1", "42", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="]
    assert verify_checkpoint(note, signer.verifier) == cp
    with pytest.raises(CheckpointError, match="does not verify"):
        verify_checkpoint(note.replace("\n42\n", "\n43\n"), signer.verifier)
    other = Signer.generate("example.org/audit/1")
    with pytest.raises(CheckpointError, match="no signature by"):
        verify_checkpoint(note, other.verifier)
    with pytest.raises(CheckpointError, match="no signature block"):
        verify_checkpoint(cp.body(), signer.verifier)
    foreign = Signer.generate("elsewhere")
    with pytest.raises(CheckpointError, match="origin"):
        verify_checkpoint(sign_checkpoint(foreign, cp), foreign.verifier)


def test_unknown_witness_signatures_are_ignored() -> None:
    signer, witness = Signer.generate("log"), Signer.generate("witness")
    note = sign_checkpoint(signer, Checkpoint("log", 1, bytes(32)))
    cosigned = note + witness.sign_note(Checkpoint("log", 1, bytes(32)).body()).split("\n\n")[1]
    assert verify_checkpoint(cosigned, signer.verifier).size == 1


@pytest.mark.parametrize("bad", ["", "a+b", "name+zz+AAAA", "name+00000000+" + "A" * 44])
def test_bad_public_keys_are_named(bad: str) -> None:
    with pytest.raises(CheckpointError, match="public key"):
        Verifier.parse(bad)


@pytest.mark.parametrize("body", ["o\n1\n", "o\n01\nAAAA\n", "o\nx\nAAAA\n", "o\n1\nnot base64!\n"])
def test_malformed_checkpoint_bodies(body: str) -> None:
    with pytest.raises(CheckpointError):
        Checkpoint.parse_body(body)
