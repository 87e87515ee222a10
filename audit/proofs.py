"""Verifying RFC 6962 inclusion and consistency proofs (RFC 9162 §2.1.3.2 / §2.1.4.2).

Edge cases follow transparency-dev/merkle, whose test vectors gate this module: every hash must be 32
bytes, a consistency proof from size 0 always fails (even 0 -> 0), equal sizes need an empty proof.
"""
from __future__ import annotations

import hmac

from .errors import ProofError
from .merkle import HASH_SIZE, node_hash


def _check_hash(h: bytes, what: str) -> None:
    if not isinstance(h, (bytes, bytearray)) or len(h) != HASH_SIZE:
        raise ProofError(f"{what} is {len(h) if isinstance(h, (bytes, bytearray)) else '?'} bytes, not {HASH_SIZE}")


def _decompose(index: int, size: int) -> tuple[int, int]:
    """Split an inclusion proof into its inner part (below the fork with the right border) and border part."""
    inner = (index ^ (size - 1)).bit_length()
    border = bin(index >> inner).count("1")
    return inner, border


def _chain_inner(seed: bytes, proof: list[bytes], index: int) -> bytes:
    for i, h in enumerate(proof):
        seed = node_hash(seed, h) if (index >> i) & 1 == 0 else node_hash(h, seed)
    return seed


def _chain_inner_right(seed: bytes, proof: list[bytes], index: int) -> bytes:
    for i, h in enumerate(proof):
        if (index >> i) & 1:
            seed = node_hash(h, seed)
    return seed


def _chain_border_right(seed: bytes, proof: list[bytes]) -> bytes:
    for h in proof:
        seed = node_hash(h, seed)
    return seed


def _match(calculated: bytes, expected: bytes, what: str) -> None:
    if not hmac.compare_digest(calculated, expected):
        raise ProofError(f"{what}: calculated root {calculated.hex()} does not match {bytes(expected).hex()}")


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: list[bytes]) -> bytes:
    if index < 0 or index >= size:
        raise ProofError(f"inclusion proof: index {index} is beyond tree size {size}")
    _check_hash(leaf, "leaf hash")
    for i, h in enumerate(proof):
        _check_hash(h, f"proof[{i}]")
    inner, border = _decompose(index, size)
    if len(proof) != inner + border:
        raise ProofError(f"inclusion proof: {len(proof)} hashes, a tree of size {size} needs {inner + border}")
    return _chain_border_right(_chain_inner(leaf, proof[:inner], index), proof[inner:])


def verify_inclusion(index: int, size: int, leaf: bytes, proof: list[bytes], root: bytes) -> None:
    """Raise :class:`ProofError` unless ``leaf`` is at ``index`` in the tree of ``size`` with ``root``."""
    _check_hash(root, "root")
    _match(root_from_inclusion(index, size, leaf, proof), root, "inclusion proof")


def verify_consistency(size1: int, size2: int, proof: list[bytes], root1: bytes, root2: bytes) -> None:
    """Raise :class:`ProofError` unless the tree (size2, root2) extends the tree (size1, root1)."""
    if size1 < 0 or size2 < size1:
        raise ProofError(f"consistency proof: size2 ({size2}) < size1 ({size1})")
    if size1 == 0:
        raise ProofError("consistency proof: from size 0 is never valid")
    if size1 == size2:  # as transparency-dev: the roots are compared as given
        if proof:
            raise ProofError("consistency proof: sizes are equal but the proof is not empty")
        _match(bytes(root1), bytes(root2), "consistency proof")
        return
    _check_hash(root1, "root1")
    _check_hash(root2, "root2")
    for i, h in enumerate(proof):
        _check_hash(h, f"proof[{i}]")
    if not proof:
        raise ProofError("consistency proof: empty proof for different sizes")
    inner, border = _decompose(size1 - 1, size2)
    shift = (size1 & -size1).bit_length() - 1  # trailing zeros of size1
    inner -= shift
    if size1 == 1 << shift:  # size1 is a perfect subtree of size2: its root is the seed
        seed, rest = root1, proof
    else:
        seed, rest = proof[0], proof[1:]
    if len(rest) != inner + border:
        raise ProofError(f"consistency proof: {len(proof)} hashes, wrong length for sizes {size1} -> {size2}")
    mask = (size1 - 1) >> shift
    hash1 = _chain_border_right(_chain_inner_right(seed, rest[:inner], mask), rest[inner:])
    _match(hash1, root1, "consistency proof (old root)")
    hash2 = _chain_border_right(_chain_inner(seed, rest[:inner], mask), rest[inner:])
    _match(hash2, root2, "consistency proof (new root)")


# -- offline proof bundles (``dsar audit prove`` / ``check-proof``) -----------------------------------
def check_bundle(bundle: dict, verifier) -> tuple[int, int]:
    """Check a proof bundle with nothing but the trail's public key: recompute the record's leaf from its
    fields, check the checkpoint signature, and the inclusion proof against the signed root.
    Returns (seq, tree size); raises :class:`ProofError` / ``CheckpointError`` naming what failed."""
    import base64
    import binascii

    from .checkpoints import verify_checkpoint
    from .records import leaf_of_export

    try:
        record = bundle["record"]
        index, size = int(bundle["leaf_index"]), int(bundle["tree_size"])
        proof = [base64.b64decode(p, validate=True) for p in bundle["proof"]]
        note = bundle["checkpoint"]
        claimed_leaf = bytes.fromhex(record["leaf"])
    except (KeyError, TypeError, ValueError, binascii.Error) as e:
        raise ProofError(f"proof file: missing or malformed field ({e})") from None
    leaf = leaf_of_export(record)
    if leaf != claimed_leaf:
        raise ProofError(f"record {record.get('seq')}: its fields do not hash to its leaf {claimed_leaf.hex()}")
    if record.get("seq") != index:
        raise ProofError(f"record seq {record.get('seq')} is not the proven leaf index {index}")
    cp = verify_checkpoint(note, verifier)
    if cp.size != size:
        raise ProofError(f"the proof is for a tree of {size} records, the checkpoint covers {cp.size}")
    verify_inclusion(index, size, leaf, proof, cp.root)
    return index, size
