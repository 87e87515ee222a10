"""RFC 6962 hashing, proof generation and verification, gated by the transparency-dev/merkle vectors."""
from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.errors import ProofError
from audit.merkle import (EMPTY_ROOT, Frontier, consistency_proof, inclusion_proof, leaf_hash, leaves_perfect,
                          node_hash, root_of)
from audit.proofs import verify_consistency, verify_inclusion

VECTORS = Path(__file__).resolve().parent / "rfc6962"  # transparency-dev/merkle testdata (Apache-2.0)

REF_LEAVES = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                         "606162636465666768696a6b6c6d6e6f")]
REF_ROOTS = """6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d
fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125
aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77
d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7
4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4
76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef
ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c
5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328""".split()


def _files(kind: str) -> list[Path]:
    files = sorted((VECTORS / kind).rglob("*.json"))
    return files


def _b64(v) -> bytes:
    return base64.b64decode(v) if v is not None else b""


def test_vector_counts() -> None:
    assert len(_files("inclusion")) == 98
    assert len(_files("consistency")) == 98


@pytest.mark.parametrize("path", _files("inclusion"), ids=lambda p: str(p.relative_to(VECTORS)))
def test_inclusion_vector(path: Path) -> None:
    v = json.loads(path.read_text())
    args = (v["leafIdx"], v["treeSize"], _b64(v["leafHash"]), [_b64(p) for p in v["proof"] or []], _b64(v["root"]))
    if v["wantErr"]:
        with pytest.raises(ProofError):
            verify_inclusion(*args)
    else:
        verify_inclusion(*args)


@pytest.mark.parametrize("path", _files("consistency"), ids=lambda p: str(p.relative_to(VECTORS)))
def test_consistency_vector(path: Path) -> None:
    v = json.loads(path.read_text())
    args = (v["size1"], v["size2"], [_b64(p) for p in v["proof"] or []], _b64(v["root1"]), _b64(v["root2"]))
    if v["wantErr"]:
        with pytest.raises(ProofError):
            verify_consistency(*args)
    else:
        verify_consistency(*args)


def test_unit_hashes() -> None:
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert leaf_hash(b"").hex() == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    assert leaf_hash(b"L123456").hex() == "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"
    assert node_hash(b"N123", b"N456").hex() == "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb"


def test_reference_roots_and_frontier() -> None:
    hashes = [leaf_hash(d) for d in REF_LEAVES]
    f = Frontier()
    for n, h in enumerate(hashes, 1):
        f.append(h)
        assert f.root().hex() == REF_ROOTS[n - 1]
        assert root_of(hashes[:n]).hex() == REF_ROOTS[n - 1]
        assert Frontier.unpack(f.size, f.pack()).root() == f.root()
    assert root_of([]) == EMPTY_ROOT


def test_generated_proofs_match_the_vectors() -> None:
    """Our PATH/PROOF generators produce exactly the vectors' happy-path proofs for the reference tree."""
    hashes = [leaf_hash(d) for d in REF_LEAVES]
    perfect = leaves_perfect(hashes)
    checked = 0
    for path in _files("inclusion"):
        v = json.loads(path.read_text())
        if v["wantErr"] or v["treeSize"] > 8 or _b64(v["root"]).hex() != REF_ROOTS[v["treeSize"] - 1]:
            continue
        assert inclusion_proof(v["leafIdx"], v["treeSize"], perfect) == [_b64(p) for p in v["proof"] or []]
        checked += 1
    for path in _files("consistency"):
        v = json.loads(path.read_text())
        if v["wantErr"] or v["size2"] > 8 or v["size1"] == 0 or _b64(v["root2"]).hex() != REF_ROOTS[v["size2"] - 1]:
            continue
        assert consistency_proof(v["size1"], v["size2"], perfect) == [_b64(p) for p in v["proof"] or []]
        checked += 1
    assert checked >= 5


def test_round_trip_all_small_trees() -> None:
    hashes = [leaf_hash(i.to_bytes(2, "big")) for i in range(40)]
    perfect = leaves_perfect(hashes)
    roots = [root_of(hashes[:n]) for n in range(41)]
    for n in range(1, 41):
        for m in range(n):
            verify_inclusion(m, n, hashes[m], inclusion_proof(m, n, perfect), roots[n])
        for m in range(1, n + 1):
            verify_consistency(m, n, consistency_proof(m, n, perfect), roots[m], roots[n])
    with pytest.raises(ProofError):  # a proof for another leaf fails
        verify_inclusion(3, 10, hashes[4], inclusion_proof(3, 10, perfect), roots[10])
    with pytest.raises(ProofError):  # an inconsistent old root fails
        verify_consistency(5, 10, consistency_proof(5, 10, perfect), roots[6], roots[10])


def test_frontier_reports_completed_subtrees() -> None:
    hashes = [leaf_hash(i.to_bytes(2, "big")) for i in range(64)]
    f = Frontier()
    seen = {}
    for h in hashes:
        for height, idx, sub in f.append(h):
            seen[(height, idx)] = sub
    assert len(seen) == 32 + 16 + 8 + 4 + 2 + 1
    for (height, idx), sub in seen.items():
        size = 1 << height
        assert sub == root_of(hashes[idx * size:(idx + 1) * size])


def _naive_mth(leaves: list[bytes]) -> bytes:
    """MTH straight from the RFC 6962 definition, as the reference."""
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node_hash(_naive_mth(leaves[:k]), _naive_mth(leaves[k:]))


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 2100), data=st.data())
def test_frontier_and_proofs_match_the_definition(n: int, data) -> None:
    hashes = [leaf_hash(i.to_bytes(4, "big")) for i in range(n)]
    root = _naive_mth(hashes)
    assert root_of(hashes) == root
    m = data.draw(st.integers(0, n - 1))
    verify_inclusion(m, n, hashes[m], inclusion_proof(m, n, leaves_perfect(hashes)), root)
    size1 = data.draw(st.integers(1, n))
    verify_consistency(size1, n, consistency_proof(size1, n, leaves_perfect(hashes)), _naive_mth(hashes[:size1]), root)
