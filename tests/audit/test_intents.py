"""Write-ahead intents at the trail level: an intent with no answer is listed as unresolved (stale only
after the grace period), recovery closes it once with an ``outcome: unknown`` record that points to it,
and the byte tests that find intents agree with a full parse, tampering included."""
from __future__ import annotations

import time

import pytest

from audit.errors import AuditWriteError
from audit.intents import open_intents
from audit.records import Record

from .commits import counted_commits
from .conftest import call_fields, raw_db


def _intent(i: int, **over) -> dict:
    return call_fields(i, outcome="intent", status=None, item_count=0, bytes=0, latency_ms=0, **over)


def _clocked(trail, t: float):
    trail.clock = lambda: t


def test_answered_intents_are_resolved_and_the_rest_listed(trail):
    a = trail.append(_intent(0))
    trail.append(call_fields(0, intent=a.seq))
    b = trail.append(_intent(1))
    verdict = trail.verify(grace_s=900)
    assert verdict.ok and verdict.complete
    assert [i.seq for i in verdict.unresolved] == [b.seq] and verdict.stale == []
    late = trail.verify(grace_s=900, now=time.time() + 901)
    assert not late.complete and [i.seq for i in late.stale] == [b.seq]
    assert f"seq {b.seq}: unresolved" in late.unresolved_lines()[0]
    assert late.to_dict()["unresolved"] == [{"seq": b.seq, "time": late.unresolved[0].time, "stale": True}]


def test_recover_closes_stale_intents_once_with_unknown(trail):
    first = trail.append(_intent(0))
    trail.append(call_fields(5))  # a plain record in between
    _clocked(trail, time.time() + 10)
    young = trail.recover("dpo@example.test", grace_s=900)
    assert young == [] and [i.seq for i in trail.unresolved()] == [first.seq]
    _clocked(trail, time.time() + 1000)
    [closed] = trail.recover("dpo@example.test", grace_s=900)
    assert closed["outcome"] == "unknown" and closed["intent"] == first.seq and closed["status"] is None
    for k in ("api_method", "operation", "case", "purpose", "scopes", "quota_units"):
        assert closed[k] == first[k]
    assert first["time"] in closed["detail"] and closed["time"] > first["time"]
    assert trail.recover("dpo@example.test", grace_s=0) == []  # never twice
    assert trail.unresolved() == []
    v = trail.verify(grace_s=0)
    assert v.ok and v.complete and v.unresolved == []
    # records() shows the call once (as unknown); the chain with intents shows both
    assert [r["outcome"] for r in trail.records()] == ["ok", "unknown"]
    assert [r["outcome"] for r in trail.records(intents=True)] == ["intent", "ok", "unknown"]


def test_recover_watermark_still_sees_later_intents(trail):
    trail.append(_intent(0))
    _clocked(trail, time.time() + 1000)
    assert len(trail.recover(grace_s=900)) == 1
    later = trail.append(_intent(1))
    assert [i.seq for i in trail.unresolved()] == [later.seq]


def test_intent_field_is_validated(trail):
    with pytest.raises(AuditWriteError, match="intent must be"):
        trail.append(call_fields(0, intent=-1))
    with pytest.raises(AuditWriteError, match="an intent cannot point"):
        trail.append(_intent(0, intent=0))


def test_byte_tests_match_a_full_parse(trail):
    seqs = []
    for i in range(30):
        rec = trail.append(_intent(i, detail='"outcome":"intent" "intent":3 tricky'))
        seqs.append(rec.seq)
        if i % 3:
            trail.append(call_fields(i, intent=rec.seq, detail='"intent":999'))
    rows = [(r.seq, r.body) for r in trail.store.records()]
    parsed = [Record.from_body(b) for _, b in rows]
    answered = {r["intent"] for r in parsed if "intent" in r.fields}
    expected = [r.seq for r in parsed if r["outcome"] == "intent" and r.seq not in answered]
    assert [i.seq for i in open_intents(rows)] == expected and len(expected) == 10


def test_deleting_an_unresolved_intent_is_tampering(trail):
    trail.append(call_fields(0))
    hidden = trail.append(_intent(1))
    trail.append(call_fields(2))
    trail.checkpoint()
    raw_db(trail).execute("DELETE FROM records WHERE seq=?", (hidden.seq,))
    v = trail.verify()
    assert not v.ok and any(p.seq == hidden.seq and p.kind == "missing" for p in v.problems)


def test_concurrent_appends_share_commits_and_a_failure_stays_alone(trail):
    import threading

    from audit.errors import CaseKeyShredded

    trail.append(call_fields(0), sealed={"q": "x"})
    trail.shred("DSAR-2026-0001", "dpo@example.test")  # sealing for this case now fails inside the transaction
    errors, go = [], threading.Barrier(8)

    def worker(i: int) -> None:
        go.wait()
        for j in range(40):
            try:
                if i == 0 and j % 10 == 0:
                    trail.append(call_fields(j), sealed={"q": "y"})  # refused: the case key is shredded
                else:
                    trail.append(call_fields(j, case="DSAR-2026-0009"))
            except Exception as e:  # noqa: BLE001 - collected and checked below
                errors.append(e)

    with counted_commits(trail) as commits:
        threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(errors) == 4 and all("shredded" in str(e) for e in errors)
    assert all(isinstance(e.__cause__, CaseKeyShredded) or "shredded" in str(e) for e in errors)
    good = [r for r in trail.records() if r["case"] == "DSAR-2026-0009"]
    assert len(good) == 8 * 40 - 4
    assert len(commits) < 8 * 40  # appends from several threads shared transactions
    assert trail.verify().ok


def test_cli_export_lists_calls_or_the_whole_chain(tmp_path, monkeypatch):
    import json

    from click.testing import CliRunner

    from addon.cli import main
    from audit.records import leaf_of_export
    from audit.trail import AuditTrail

    monkeypatch.setenv("DSAR_HOME", str(tmp_path))
    for var in ("DSAR_CONFIG", "DSAR_DATABASE_URL", "DSAR_MASTER_KEY"):
        monkeypatch.delenv(var, raising=False)
    t = AuditTrail.open(tmp_path / "audit.db")
    i = t.append(_intent(0))
    t.append(call_fields(0, intent=i.seq))
    t.close()
    calls = CliRunner().invoke(main, ["audit", "export", "--format", "jsonl"])
    chain = CliRunner().invoke(main, ["audit", "export", "--format", "jsonl", "--with-intents"])
    assert calls.exit_code == 0 and chain.exit_code == 0
    one = [json.loads(line) for line in calls.output.splitlines()]
    both = [json.loads(line) for line in chain.output.splitlines()]
    assert [r["outcome"] for r in one] == ["ok"] and one[0]["intent"] == 0
    assert [r["outcome"] for r in both] == ["intent", "ok"] and both[1]["prev"] == both[0]["leaf"]
    assert all(bytes.fromhex(r["leaf"]) == leaf_of_export(r) for r in both)
    csv_out = CliRunner().invoke(main, ["audit", "export", "--format", "csv"]).output.splitlines()
    assert csv_out[0].split(",")[18:20] == ["batch", "intent"] and csv_out[1].split(",")[19] == "0"
