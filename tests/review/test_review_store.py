"""The review store on both back ends of the case store (SQLite; PostgreSQL where the local service runs):
the same decisions, history and suppressions; notes sealed; nothing decided once the case key is shredded."""
from __future__ import annotations

import datetime as dt

import pytest

from addon.cases.pg_store import PgCaseStore
from addon.cases.store import CaseStore
from addon.errors import Conflict, InputError
from addon.review.store import ReviewStore
from addon.subjects.identifiers import make_subject
from audit.trail import AuditTrail
from tests.scale.conftest import pg_admin, pg_url  # noqa: F401 - shared fixtures

CODES = ["negotiations", "third_party"]


def _script(cases) -> list:
    d = dt.date(2026, 3, 2)
    subject = make_subject(["Jane Doe"], ["jane.doe@example.com"], [], [])
    ref = cases.create("access", subject, d, d, dt.date(2026, 4, 2), dt.date(2026, 6, 2), "s@x.test", "staff").ref
    rs = ReviewStore(cases)
    out = []
    rs.decide(ref, ["gmail:a:m1", "gmail:b:m2"], "exclude", by="dpo@x.test", code="negotiations", note="offer open",
              codes=CODES, fold="msg:1@x", at="2026-03-03T10:00:00+00:00")
    rs.decide(ref, "gmail:a:m1", "include", by="s@x.test", at="2026-03-03T11:00:00+00:00")
    rs.decide(ref, "drive:a:F", "not_a_match", by="s@x.test", fold="file:F", note="other caller",
              at="2026-03-03T12:00:00+00:00")
    rs.set_redactions(ref, "gmail:a:m1", by="s@x.test", added=[{"kind": "name", "text": "Bob"}], removed=["r1"])
    out.append({k: {**d.public(), "at": d.at[:10]} for k, d in sorted(rs.load(ref).items())})
    out.append([{**h, "at": h["at"][:13]} for h in rs.history(ref)])
    out.append(sorted(rs.suppressed(ref)))
    with pytest.raises(InputError):
        rs.decide(ref, "gmail:a:m1", "exclude", by="s@x.test", code="negotiations", codes=CODES)  # no note
    return out


def test_decisions_history_and_suppression_on_sqlite(tmp_path):
    trail = AuditTrail.open(tmp_path / "audit.db", home=tmp_path)
    out = _script(CaseStore(tmp_path / "cases.db", trail.keys))
    decided = out[0]
    assert decided["gmail:a:m1"]["status"] == "include" and decided["gmail:a:m1"]["redactions_removed"] == ["r1"]
    assert decided["gmail:b:m2"] == {**decided["gmail:b:m2"], "status": "exclude", "code": "negotiations",
                                     "note": "offer open", "by": "dpo@x.test"}
    assert [h["status"] for h in out[1] if h["item_key"] == "gmail:a:m1"] == ["exclude", "include", "include"]
    assert out[2] == ["drive:a:F", "file:F"]
    raw = (tmp_path / "cases.db").read_bytes()
    assert b"offer open" not in raw and b"other caller" not in raw


def test_same_calls_same_values_on_postgres(pg_url, tmp_path):  # noqa: F811
    s = AuditTrail.open(tmp_path / "s" / "audit.db", home=tmp_path / "s")
    p = AuditTrail.open(tmp_path / "p" / "audit.db", home=tmp_path / "p")
    assert _script(PgCaseStore(pg_url, p.keys)) == _script(CaseStore(tmp_path / "s" / "cases.db", s.keys))


def test_nothing_is_decided_once_the_case_key_is_shredded(tmp_path):
    trail = AuditTrail.open(tmp_path / "audit.db", home=tmp_path)
    cases = CaseStore(tmp_path / "cases.db", trail.keys)
    d = dt.date(2026, 3, 2)
    ref = cases.create("access", make_subject(["Jane Doe"], ["jane.doe@example.com"], [], []), d, d,
                       dt.date(2026, 4, 2), dt.date(2026, 6, 2), "s@x.test", "staff").ref
    rs = ReviewStore(cases)
    rs.decide(ref, "gmail:a:m1", "include", by="s@x.test", note="fine")
    trail.shred(ref, actor="dpo@x.test")
    with pytest.raises(Conflict, match="shredded"):
        rs.decide(ref, "gmail:a:m1", "not_a_match", by="s@x.test")
    assert rs.load(ref)["gmail:a:m1"].note is None  # unreadable; who and when stay
    assert rs.load(ref)["gmail:a:m1"].by == "s@x.test"


def _purge_script(cases, trail) -> dict:
    """Decide with a note and staff redactions, purge the case as retention does, and read back what the
    review tables still hold for it."""
    d = dt.date(2026, 3, 2)
    subject = make_subject(["Jane Doe"], ["jane.doe@example.com"], [], [])
    ref = cases.create("access", subject, d, d, dt.date(2026, 4, 2), dt.date(2026, 6, 2), "s@x.test", "staff").ref
    other = cases.create("access", subject, d, d, dt.date(2026, 4, 2), dt.date(2026, 6, 2), "s@x.test", "staff").ref
    rs = ReviewStore(cases)
    rs.decide(ref, ["gmail:a:m1", "gmail:b:m2"], "exclude", by="dpo@x.test", code="negotiations", note="offer open",
              codes=CODES, fold="msg:1@x")
    rs.decide(ref, "drive:a:F", "not_a_match", by="s@x.test", fold="file:F")
    rs.set_redactions(ref, "gmail:a:m1", by="s@x.test", added=[{"kind": "name", "text": "Bob"}], removed=["r1"])
    rs.decide(other, "gmail:a:m1", "include", by="s@x.test", note="kept")
    sealed_before = {r["sealed"] for r in cases._rows("SELECT sealed FROM review_log WHERE ref=?", (ref,))}
    trail.shred(ref, actor="dpo@x.test")
    cases.purge_sealed(ref)
    dec = cases._rows("SELECT item_key, fold, sealed FROM review_decisions WHERE ref=?", (ref,))
    log = cases._rows("SELECT item_key, status, code, by_actor, sealed FROM review_log WHERE ref=? ORDER BY by_actor, "
                      "status", (ref,))
    left = {r["sealed"] for r in cases._rows("SELECT sealed FROM review_log")} | \
           {r["sealed"] for r in cases._rows("SELECT sealed FROM review_decisions")}
    return {"decisions": dec, "log": [{**r, "item_key": r["item_key"].split(":")[0]} for r in log],
            "distinct_keys": len({r["item_key"] for r in log}), "sealed_left": bool(sealed_before & left),
            "suppressed": sorted(rs.suppressed(ref)), "other": rs.load(other)["gmail:a:m1"].note}


def _check_purged(out: dict) -> None:
    assert out["decisions"] == [] and out["suppressed"] == []
    assert out["sealed_left"] is False
    # who decided what and when stays, the item keys (where the subject's data was) do not
    assert [(r["item_key"], r["status"], r["code"], r["by_actor"], r["sealed"]) for r in out["log"]] == [
        ("purged", "exclude", "negotiations", "dpo@x.test", None),
        ("purged", "exclude", "negotiations", "dpo@x.test", None),
        ("purged", "exclude", "negotiations", "s@x.test", None),  # the redaction change re-records m1's decision
        ("purged", "not_a_match", None, "s@x.test", None)]
    assert out["distinct_keys"] == 3
    assert out["other"] == "kept"  # another case's review is untouched


def test_purge_sealed_clears_the_review_on_sqlite(tmp_path):
    trail = AuditTrail.open(tmp_path / "audit.db", home=tmp_path)
    _check_purged(_purge_script(CaseStore(tmp_path / "cases.db", trail.keys), trail))


def test_purge_sealed_clears_the_review_on_postgres(pg_url, tmp_path):  # noqa: F811
    trail = AuditTrail.open(tmp_path / "audit.db", home=tmp_path)
    _check_purged(_purge_script(PgCaseStore(pg_url, trail.keys), trail))


def test_purge_sealed_without_any_review_yet(tmp_path):
    """A case shredded before anything was reviewed (the review tables may not exist yet)."""
    trail = AuditTrail.open(tmp_path / "audit.db", home=tmp_path)
    cases = CaseStore(tmp_path / "cases.db", trail.keys)
    d = dt.date(2026, 3, 2)
    ref = cases.create("access", make_subject(["Jane Doe"], ["jane.doe@example.com"], [], []), d, d,
                       dt.date(2026, 4, 2), dt.date(2026, 6, 2), "s@x.test", "staff").ref
    cases.purge_sealed(ref)
    assert ReviewStore(cases).load(ref) == {}
