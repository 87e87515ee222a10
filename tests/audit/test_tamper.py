"""Tampering with the store as someone with write access to the file would: every change is found and
named with its seq and kind."""
from __future__ import annotations

import json

import pytest

from audit.canonical import canonical_json
from audit.checkpoints import Checkpoint, Signer, sign_checkpoint
from audit.merkle import leaf_hash
from audit.trail import AuditTrail

from .conftest import fill, raw_db


def _problems(trail: AuditTrail) -> list[tuple[int, str]]:
    return [(p.seq, p.kind) for p in trail.verify().problems]


def _set_body(db, seq: int, rec: dict, update_leaf: bool) -> bytes:
    body = canonical_json(rec)
    leaf = leaf_hash(body)
    if update_leaf:
        db.execute("UPDATE records SET body=?, leaf=? WHERE seq=?", (body, leaf, seq))
    else:
        db.execute("UPDATE records SET body=? WHERE seq=?", (body, seq))
    return leaf


def _body(db, seq: int) -> dict:
    return json.loads(db.execute("SELECT body FROM records WHERE seq=?", (seq,)).fetchone()[0])


@pytest.fixture
def filled(trail: AuditTrail) -> AuditTrail:
    fill(trail, 20)
    trail.checkpoint()  # seq 20, covers 21 records
    fill(trail, 5)  # seq 21..25, not yet covered
    assert trail.verify().ok
    return trail


def test_intact_trail_verifies(filled: AuditTrail) -> None:
    v = filled.verify()
    assert v.ok and v.records == 26 and v.latest_checkpoint == 21
    assert str(v) == "OK: 26 records, chain intact, checkpoint 21 verified (1 of 1 signed checkpoints)"


@pytest.mark.parametrize("seq", [0, 5, 20, 25])
def test_modified_field(filled: AuditTrail, seq: int) -> None:
    db = raw_db(filled)
    rec = _body(db, seq)
    rec["item_count"] = 0 if rec["item_count"] else 7
    _set_body(db, seq, rec, update_leaf=False)
    assert _problems(filled) == [(seq, "modified")]


def test_modified_with_leaf_column_recomputed(filled: AuditTrail) -> None:
    db = raw_db(filled)
    rec = _body(db, 5)
    rec["actor"] = "someone.else@example.test"
    _set_body(db, 5, rec, update_leaf=True)
    assert _problems(filled) == [(5, "modified")]


def test_rewritten_chain_is_caught_by_the_checkpoint(filled: AuditTrail) -> None:
    """Change seq 5 and re-link every later record and the tree head: only the signed checkpoint knows."""
    db = raw_db(filled)
    rec = _body(db, 5)
    rec["api_method"] = "gmail.users.messages.list"
    leaf = _set_body(db, 5, rec, update_leaf=True)
    for seq in range(6, 26):
        rec = _body(db, seq)
        rec["prev"] = leaf.hex()
        leaf = _set_body(db, seq, rec, update_leaf=True)
    db.execute("UPDATE records SET prev=prev||x'00'")  # keep the unique constraint out of the way
    from audit.merkle import Frontier

    f = Frontier()
    f.extend(bytes(r[0]) for r in db.execute("SELECT leaf FROM records ORDER BY seq"))
    db.execute("UPDATE tree SET frontier=?, last_leaf=?", (f.pack(), leaf))
    problems = filled.verify().problems
    assert [(p.seq, p.kind) for p in problems] == [(0, "modified")]
    assert "do not match the signed checkpoint of 21 records" in problems[0].message


@pytest.mark.parametrize("seq", [0, 7, 24])
def test_deleted_row(filled: AuditTrail, seq: int) -> None:
    raw_db(filled).execute("DELETE FROM records WHERE seq=?", (seq,))
    assert _problems(filled) == [(seq, "missing")]


def test_deleted_row_and_renumbered(filled: AuditTrail) -> None:
    db = raw_db(filled)
    db.execute("DELETE FROM records WHERE seq=7")
    for seq in range(8, 26):
        db.execute("UPDATE records SET seq=? WHERE seq=?", (seq - 1, seq))
    assert _problems(filled) == [(7, "missing")]


def test_deleted_run_longer_than_lookahead(trail: AuditTrail) -> None:
    fill(trail, 200, sealed=False)
    raw_db(trail).execute("DELETE FROM records WHERE seq BETWEEN 10 AND 19")
    assert _problems(trail) == [(s, "missing") for s in range(10, 20)]


@pytest.mark.parametrize("a, b", [(5, 6), (0, 1), (3, 9)])
def test_swapped_rows(filled: AuditTrail, a: int, b: int) -> None:
    db = raw_db(filled)
    db.execute("UPDATE records SET seq=-1 WHERE seq=?", (a,))
    db.execute("UPDATE records SET seq=? WHERE seq=?", (a, b))
    db.execute("UPDATE records SET seq=? WHERE seq=-1", (b,))
    problems = _problems(filled)
    assert (a, "reordered") in problems and (b, "reordered") in problems
    assert {k for _, k in problems} == {"reordered"}


def test_one_record_moved_far(filled: AuditTrail) -> None:
    db = raw_db(filled)
    db.execute("UPDATE records SET seq=-1 WHERE seq=3")
    for seq in range(4, 12):
        db.execute("UPDATE records SET seq=? WHERE seq=?", (seq - 1, seq))
    db.execute("UPDATE records SET seq=11 WHERE seq=-1")
    assert _problems(filled) == [(3, "reordered")]


def test_truncated_after_a_checkpoint(filled: AuditTrail) -> None:
    db = raw_db(filled)
    db.execute("DELETE FROM records WHERE seq >= 18")
    db.execute("UPDATE tree SET size=18")  # even with the tree head rewritten, the signed checkpoint knows
    problems = filled.verify().problems
    assert [(p.seq, p.kind) for p in problems] == [(18, "truncated")]
    assert "covers 21 records" in problems[0].message


def test_truncated_tail_against_the_tree_head(filled: AuditTrail) -> None:
    raw_db(filled).execute("DELETE FROM records WHERE seq >= 23")
    assert _problems(filled) == [(23, "truncated")]


def test_forged_checkpoint_signature(filled: AuditTrail) -> None:
    db = raw_db(filled)
    size, root, note = db.execute("SELECT size, root, note FROM checkpoints").fetchone()
    forger = Signer.generate(filled.origin)  # same name, another key
    forged = sign_checkpoint(forger, Checkpoint(filled.origin, size, bytes(root)))
    db.execute("UPDATE checkpoints SET note=?", (forged,))
    assert _problems(filled) == [(20, "bad-signature")]
    lines = note.split("\n")
    lines[1] = "22"  # the signed size altered, signature kept
    db.execute("UPDATE checkpoints SET note=?", ("\n".join(lines),))
    assert _problems(filled) == [(20, "bad-signature")]


def test_several_problems_each_reported(filled: AuditTrail) -> None:
    db = raw_db(filled)
    rec = _body(db, 3)
    rec["outcome"] = "error"
    _set_body(db, 3, rec, update_leaf=False)
    db.execute("DELETE FROM records WHERE seq=12")
    db.execute("UPDATE checkpoints SET note=replace(note, '—', '-')")
    assert _problems(filled) == [(3, "modified"), (12, "missing"), (20, "bad-signature")]


def test_long_missing_run_is_one_line(trail: AuditTrail) -> None:
    fill(trail, 120, sealed=False)
    raw_db(trail).execute("DELETE FROM records WHERE seq BETWEEN 30 AND 99")
    problems = trail.verify().problems
    assert [(p.seq, p.kind) for p in problems] == [(30, "missing")]
    assert "70 records are gone (seq 30..99)" in problems[0].message


def test_swap_next_to_a_deletion(filled: AuditTrail) -> None:
    db = raw_db(filled)
    db.execute("DELETE FROM records WHERE seq=24")
    db.execute("UPDATE records SET seq=-1 WHERE seq=22")
    db.execute("UPDATE records SET seq=22 WHERE seq=23")
    db.execute("UPDATE records SET seq=23 WHERE seq=-1")
    assert _problems(filled) == [(22, "reordered"), (23, "reordered"), (24, "missing")]
