"""Eight processes appending at once form one unbroken chain: no gaps, no forks, no lost records."""
from __future__ import annotations

import multiprocessing
import threading
import time
from collections import Counter
from pathlib import Path

from audit.trail import AuditTrail

from .conftest import call_fields

PROCESSES, APPENDS = 8, 500


def _writer(path: str, worker: int, n: int) -> None:
    trail = AuditTrail.open(path)
    for i in range(n):
        case = f"DSAR-2026-{(worker + i) % 4:04d}"
        trail.append(call_fields(i, case, actor=f"worker{worker}@example.test"), sealed={"q": f"w{worker}-{i}"})
    trail.close()


def test_eight_processes_one_chain(tmp_path: Path) -> None:
    path = str(tmp_path / "audit.db")  # nothing exists yet: schema, keys and origin are created in the race too
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(path, w, APPENDS)) for w in range(PROCESSES)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0] * PROCESSES
    trail = AuditTrail.open(path)
    records = list(trail.records())
    assert [r.seq for r in records] == list(range(PROCESSES * APPENDS))
    assert Counter(r["actor"] for r in records) == {f"worker{w}@example.test": APPENDS for w in range(PROCESSES)}
    for a, b in zip(records, records[1:]):
        assert b["prev"] == a.leaf.hex()
    assert len({r["time"] for r in records}) > 1 and [r["time"] for r in records] == sorted(r["time"] for r in records)
    cp = trail.checkpoint()
    verdict = trail.verify()
    assert verdict.ok and verdict.records == PROCESSES * APPENDS + 1 and verdict.latest_checkpoint == cp.size
    assert trail.unseal(records[1234], "q").startswith("w")


def test_threads_share_one_trail(trail: AuditTrail) -> None:
    def work(t: int) -> None:
        for i in range(50):
            trail.append(call_fields(i, actor=f"thread{t}@example.test"))

    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert trail.size() == 200 and trail.verify().ok


def _inherited(trail: AuditTrail, worker: int) -> None:
    for i in range(20):
        trail.append(call_fields(i, actor=f"child{worker}@example.test"))


def test_forked_children_reuse_an_open_trail(trail: AuditTrail) -> None:
    """A prefork worker pool forks after the trail is open: each child must open its own handles."""
    trail.append(call_fields(0))
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_inherited, args=(trail, w)) for w in range(3)]
    for p in procs:
        p.start()
    trail.append(call_fields(1))
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    trail.append(call_fields(2))
    assert trail.size() == 63 and trail.verify().ok


def verify_while_appending(trail: AuditTrail, rounds: int = 25) -> list:
    """Verify over and over while another thread appends and checkpoints; return every verdict's problems."""
    stop = threading.Event()

    def work() -> None:
        i = 0
        while not stop.is_set():
            trail.append(call_fields(i))
            if i % 7 == 0:
                trail.checkpoint()
            i += 1

    writer = threading.Thread(target=work)
    writer.start()
    try:
        found = []
        for r in range(rounds):
            while trail.size() < 4 * r and writer.is_alive():  # the writer keeps going between verifications
                time.sleep(0.001)
            found.append([str(p) for p in trail.verify().problems])
    finally:
        stop.set()
        writer.join()
    return found


def test_verify_during_appends_sees_a_consistent_trail(trail: AuditTrail) -> None:
    # A live trail grows while it is verified (workers, the web app): records appended after the tree head
    # was read are the next verification's business, not a "truncated" trail.
    assert verify_while_appending(trail) == [[]] * 25
    assert trail.verify().ok and trail.size() >= 4 * 24
