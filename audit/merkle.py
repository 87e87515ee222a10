"""RFC 6962 Merkle tree hashing and proof generation (no I/O).

``leaf = SHA-256(0x00 || data)``, ``node = SHA-256(0x01 || left || right)``, ``MTH({}) = SHA-256("")``, and
``MTH(D[n]) = node(MTH(D[0:k]), MTH(D[k:n]))`` with k the largest power of two strictly below n.

:class:`Frontier` is the compact state that makes appends O(log n): the roots of the perfect subtrees the
tree decomposes into (one per set bit of its size). Proofs are built from a ``perfect(start, size)``
callable that returns the hash of an aligned perfect subtree, so a store can answer from a cache of
subtree roots instead of rehashing every leaf.
"""
from __future__ import annotations

import hashlib
from typing import Callable, Iterable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
_sha256 = hashlib.sha256

PerfectHash = Callable[[int, int], bytes]  # (start, size) of an aligned power-of-two range -> its MTH


def leaf_hash(data: bytes) -> bytes:
    return _sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return _sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two strictly less than ``n`` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


class Frontier:
    """Roots of the perfect subtrees of a tree of ``size`` leaves, left to right (largest first)."""

    __slots__ = ("size", "nodes")

    def __init__(self, size: int = 0, nodes: Sequence[bytes] = ()) -> None:
        if len(nodes) != bin(size).count("1"):
            raise ValueError(f"frontier of size {size} needs {bin(size).count('1')} nodes, got {len(nodes)}")
        self.size = size
        self.nodes = list(nodes)

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        """Add a leaf hash; returns the perfect subtrees completed by it as (height, index, hash), height >= 1."""
        nodes = self.nodes
        nodes.append(leaf)
        size = self.size
        done: list[tuple[int, int, bytes]] = []
        height = 0
        while size & 1:
            right = nodes.pop()
            h = _sha256(b"\x01" + nodes.pop() + right).digest()
            nodes.append(h)
            height += 1
            size >>= 1
            done.append((height, (self.size + 1 >> height) - 1, h))
        self.size += 1
        return done

    def push(self, leaf: bytes) -> None:
        """Append a leaf hash without reporting completed subtrees (the verifier's hot path)."""
        nodes = self.nodes
        nodes.append(leaf)
        s = self.size
        while s & 1:
            right = nodes.pop()
            nodes.append(_sha256(b"\x01" + nodes.pop() + right).digest())
            s >>= 1
        self.size += 1

    def extend(self, leaves: Iterable[bytes]) -> None:
        """Append many leaves quickly (no completed-subtree bookkeeping)."""
        nodes = self.nodes
        size = self.size
        for leaf in leaves:
            nodes.append(leaf)
            s = size
            while s & 1:
                right = nodes.pop()
                nodes.append(_sha256(b"\x01" + nodes.pop() + right).digest())
                s >>= 1
            size += 1
        self.size = size

    def root(self) -> bytes:
        if not self.nodes:
            return EMPTY_ROOT
        it = reversed(self.nodes)
        acc = next(it)
        for left in it:
            acc = _sha256(b"\x01" + left + acc).digest()
        return acc

    def pack(self) -> bytes:
        return b"".join(self.nodes)

    @classmethod
    def unpack(cls, size: int, blob: bytes) -> "Frontier":
        return cls(size, [blob[i:i + HASH_SIZE] for i in range(0, len(blob), HASH_SIZE)])

    def copy(self) -> "Frontier":
        return Frontier(self.size, list(self.nodes))


def root_of(leaves: Iterable[bytes]) -> bytes:
    """MTH of a sequence of leaf hashes, streaming in O(log n) memory."""
    f = Frontier()
    f.extend(leaves)
    return f.root()


def leaves_perfect(leaves: Sequence[bytes]) -> PerfectHash:
    """A ``perfect`` callable over an in-memory list of leaf hashes (for tests and small trees)."""
    return lambda start, size: root_of(leaves[start:start + size])


def range_hash(start: int, end: int, perfect: PerfectHash) -> bytes:
    """MTH of leaves [start, end) where ``start`` is aligned as the RFC 6962 recursion leaves it."""
    n = end - start
    if n & (n - 1) == 0:
        return perfect(start, n)
    k = split_point(n)
    return node_hash(perfect(start, k), range_hash(start + k, end, perfect))


def inclusion_proof(index: int, size: int, perfect: PerfectHash) -> list[bytes]:
    """RFC 6962 PATH(index, D[size]), leaf to root."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of size {size}")
    proof: list[bytes] = []
    start, end, m = 0, size, index
    while end - start > 1:
        k = split_point(end - start)
        if m < k:
            proof.append(range_hash(start + k, end, perfect))
            end = start + k
        else:
            proof.append(range_hash(start, start + k, perfect))
            start, m = start + k, m - k
    proof.reverse()
    return proof


def consistency_proof(size1: int, size2: int, perfect: PerfectHash) -> list[bytes]:
    """RFC 6962 PROOF(size1, D[size2]) for 0 < size1 <= size2 (empty when the sizes are equal)."""
    if not 0 < size1 <= size2:
        raise ValueError(f"no consistency proof from size {size1} to size {size2}")
    proof: list[bytes] = []
    start, end, m, whole = 0, size2, size1, True
    while m != end - start:
        k = split_point(end - start)
        if m <= k:
            proof.append(range_hash(start + k, end, perfect))
            end = start + k
        else:
            proof.append(range_hash(start, start + k, perfect))
            start, m, whole = start + k, m - k, False
    if not whole:
        proof.append(range_hash(start, end, perfect))
    proof.reverse()
    return proof
