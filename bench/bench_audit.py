"""Audit trail benchmarks, each beside its baseline in the same run.

* appends/s with full durability (hash chain + Merkle frontier + AES-GCM sealing + fsync per record)
  vs a plain SQLite insert of a record of the same size with the same durability (WAL, synchronous=FULL,
  one transaction per record);
* group commit (append_many, 100 records per transaction);
* 8 processes appending to one chain;
* verify: records/s over a trail of ``--verify-records`` records (full recompute of leaves, links, roots);
* RFC 6962 root of 1M leaves (from leaf hashes, and from record bodies including leaf hashing);
* inclusion proof generation and check against the latest checkpoint.

Run: ``.venv/bin/python bench/bench_audit.py`` (about a minute; ``--quick`` for a smoke run).
"""
from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from audit.canonical import canonical_json  # noqa: E402
from audit.merkle import Frontier, leaf_hash  # noqa: E402
from audit.proofs import check_bundle  # noqa: E402
from audit.trail import AuditTrail  # noqa: E402


def fields(i: int, case: str = "DSAR-2026-0001") -> dict:
    return {"actor": "staff@example.test", "case": case, "purpose": "Art. 15 subject access search",
            "legal_basis": "UK GDPR Art. 6(1)(c); Art. 15", "operation": "gmail.read_metadata",
            "api_method": "gmail.users.messages.get", "http_method": "GET",
            "path_template": "/gmail/v1/users/{userId}/messages/{id}",
            "scopes": ["https://www.googleapis.com/auth/gmail.readonly"], "quota_units": 5, "status": 200,
            "item_count": 1, "bytes": 5210 + i % 100, "latency_ms": 38.25, "outcome": "ok", "attempt": 1,
            "batch": None, "detail": "principal=alice@example.test"}


def bench_appends(tmp: Path, n: int, rounds: int = 6) -> tuple[float, float, float, float, int]:
    """Interleaved rounds (the disk is shared and noisy): returns best-round and overall rates of both."""
    trail = AuditTrail.open(tmp / "append" / "audit.db")
    trail.append(fields(0), sealed={"q": "warm-up"})
    body_len = len(next(iter(trail.store.records(0, 1))).body)
    db = sqlite3.connect(tmp / "plain.db", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE records (seq INTEGER PRIMARY KEY, body BLOB NOT NULL)")
    payload = b"x" * body_len
    per = max(1, n // rounds)
    best = [0.0, 0.0]
    total = [0.0, 0.0]
    seq = 0
    for _ in range(rounds):
        t0 = time.perf_counter()
        for i in range(per):
            trail.append(fields(i), sealed={"q": f"from:jane.doe{i}@example.org OR \"Jane Doe\""})
        dt_chain = time.perf_counter() - t0
        t0 = time.perf_counter()
        for _ in range(per):
            db.execute("INSERT INTO records (seq, body) VALUES (?, ?)", (seq, payload))
            seq += 1
        dt_plain = time.perf_counter() - t0
        for k, dt in enumerate((dt_chain, dt_plain)):
            best[k] = max(best[k], per / dt)
            total[k] += dt
    trail.close()
    db.close()
    return best[0], best[1], per * rounds / total[0], per * rounds / total[1], body_len


def bench_group(tmp: Path, n: int, group: int = 100) -> float:
    trail = AuditTrail.open(tmp / "group" / "audit.db")
    t0 = time.perf_counter()
    for start in range(0, n, group):
        trail.append_many([(fields(i), {"q": f"term {i}"}) for i in range(start, min(n, start + group))])
    rate = n / (time.perf_counter() - t0)
    trail.close()
    return rate


def _writer(path: str, worker: int, n: int) -> None:
    trail = AuditTrail.open(path)
    for i in range(n):
        trail.append(fields(i, f"DSAR-2026-{worker:04d}"), sealed={"q": f"w{worker} {i}"})
    trail.close()


def bench_processes(tmp: Path, procs: int, n: int) -> tuple[float, bool]:
    path = str(tmp / "mp" / "audit.db")
    AuditTrail.open(path).close()
    ctx = multiprocessing.get_context("fork")
    workers = [ctx.Process(target=_writer, args=(path, w, n)) for w in range(procs)]
    t0 = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    rate = procs * n / (time.perf_counter() - t0)
    trail = AuditTrail.open(path)
    ok = trail.verify().ok and trail.size() == procs * n
    trail.close()
    return rate, ok


def bench_verify(tmp: Path, n: int) -> tuple[float, int, float, float]:
    trail = AuditTrail.open(tmp / "verify" / "audit.db")
    trail.store._db().execute("PRAGMA synchronous=OFF")  # set-up only: fill fast
    batch = 1000
    for start in range(0, n, batch):
        trail.append_many([(fields(i), {"q": f"term {i}"}) for i in range(start, min(n, start + batch))])
        if start % (n // 4 or 1) == 0 and start:
            trail.checkpoint()
    cp = trail.checkpoint()
    list(trail.store.records())  # warm the page cache: measure hashing, not the first disk read
    t0, c0 = time.perf_counter(), time.process_time()
    verdict = trail.verify()
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    assert verdict.ok, verdict.problems[:3]
    t0 = time.perf_counter()
    reps = 200
    for k in range(reps):
        bundle = trail.prove((k * 7919) % cp.size)
        check_bundle(bundle, trail.verifier)
    proofs = reps / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    root = trail.root(cp.size - 1)  # not the head: served from the subtree cache + leaves
    root_from_cache = time.perf_counter() - t0
    assert root != cp.root
    trail.close()
    return verdict.records / elapsed, verdict.records / cpu, verdict.records, proofs, root_from_cache


def bench_root(n: int) -> tuple[float, float, float]:
    leaves = [hashlib.sha256(i.to_bytes(8, "big")).digest() for i in range(n)]
    t0, c0 = time.perf_counter(), time.process_time()
    f = Frontier()
    f.extend(leaves)
    f.root()
    from_leaves, from_leaves_cpu = time.perf_counter() - t0, time.process_time() - c0
    del leaves
    template = dict(fields(0), seq=0, time="2026-03-01T09:30:12.123456Z", prev="00" * 32, v=1, sealed={}, lookup={})
    bodies_t = 0.0
    f = Frontier()
    chunk = 10_000
    for start in range(0, n, chunk):
        bodies = [canonical_json({**template, "seq": i}) for i in range(start, min(n, start + chunk))]
        t0 = time.process_time()
        f.extend([leaf_hash(b) for b in bodies])
        bodies_t += time.process_time() - t0
    f.root()
    return from_leaves, from_leaves_cpu, bodies_t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--appends", type=int, default=3000)
    ap.add_argument("--verify-records", type=int, default=200_000)
    ap.add_argument("--root-leaves", type=int, default=1_000_000)
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    if a.quick:
        a.appends, a.verify_records, a.root_leaves = 300, 10_000, 100_000
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        chained, plain, chained_all, plain_all, size = bench_appends(tmp, a.appends)
        print(f"append, full durability (fsync each): {chained:8.0f} records/s  (best round; plain SQLite insert of "
              f"a {size}-byte row, same durability: {plain:.0f}/s; ratio {chained / plain:.2f})")
        print(f"   same, all rounds:                  {chained_all:8.0f} records/s  (plain {plain_all:.0f}/s; "
              f"ratio {chained_all / plain_all:.2f})")
        print(f"append_many, 100 per commit:          {bench_group(tmp, a.appends * 3):8.0f} records/s")
        rate, ok = bench_processes(tmp, 8, max(50, a.appends // 8))
        print(f"8 processes, one chain:               {rate:8.0f} records/s  (chain intact: {ok})")
        vrate, vcpu, vn, proofs, cache_root = bench_verify(tmp, a.verify_records)
        print(f"verify (recompute all):               {vrate:8.0f} records/s  ({vn} records; "
              f"{vcpu:.0f}/s per CPU-second)")
        print(f"prove + offline check:                {proofs:8.0f} proofs/s   (root of {vn - 1} stored leaves "
              f"from the subtree cache: {cache_root * 1000:.1f} ms)")
    from_leaves, from_leaves_cpu, from_bodies = bench_root(a.root_leaves)
    print(f"RFC 6962 root of {a.root_leaves} leaf hashes:     {from_leaves:6.2f} s  ({from_leaves_cpu:.2f} CPU-s)")
    print(f"leaf hashing + root of {a.root_leaves} records:  {from_bodies:6.2f} CPU-s")
    print(f"(load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
