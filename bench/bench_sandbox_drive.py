"""Sandbox Drive benchmarks: loading a 1,000-file Takeout-style folder, and files.list throughput with a
``fullText contains`` phrase over those files, each beside its baseline in the same run:

* load: files/s through ``load_drive`` vs only reading the same files from disk;
* search: files.list requests/s over HTTP (keep-alive, quota off) with a fullText phrase, vs a files.get
  round trip (HTTP and JSON alone), vs files.list with a q the index cannot answer (every file checked),
  vs a naive in-process scan that tokenises every file's text per query (what the inverted index avoids);
* the Drive per-user quota bound (12,000 queries/min = 200/s) for scale.

Run: ``.venv/bin/python bench/bench_sandbox_drive.py`` (a few seconds; ``--files N`` to change the size).
"""
from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sandbox.drive.loader import load_drive  # noqa: E402
from sandbox.drive.store import DriveStore  # noqa: E402
from sandbox.server import SandboxServer  # noqa: E402
from sandbox.state import Grant, User, Workspace  # noqa: E402
from scopes.quotas import DRIVE_PER_MINUTE_USER  # noqa: E402

USER = "bench@example.test"
WORDS = ("boiler invoice callback customer account repair engineer appointment meeting rota holiday complaint "
         "refund address postcode landline mobile arrears tariff survey warranty").split()
NAMES = ["Jane Doe", "Mary O'Brien", "Zoë Ashworth-Brown", "Priya Patel", "Bobby Tables", "Siobhán O'Connor"]


def write_files(root: Path, n: int, rng: random.Random) -> None:
    for i in range(n):
        folder = root / f"Folder {i % 25:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 400)))
        if i % 10 == 0:
            body += f"\nCaller: {rng.choice(NAMES)}\n"
        (folder / f"note {i:04d}.txt").write_text(body, encoding="utf-8")


def naive_scan(store: DriveStore, phrase: list[str]) -> int:
    hits = 0
    for f in store.files.values():
        toks = [t.lower() for t in re.findall(r"[^\W_]+", f.name + "\n" + (f.text or ""))]
        if any(toks[i:i + len(phrase)] == phrase for i in range(len(toks))):
            hits += 1
    return hits


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--requests", type=int, default=300)
    args = ap.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "Drive"
        write_files(root, args.files, rng)
        t0 = time.perf_counter()
        for p in root.rglob("*.txt"):
            p.read_bytes()
        read_s = time.perf_counter() - t0
        ws = Workspace(domain="example.test")
        ws.users[USER] = User(USER, "Bench")
        t0 = time.perf_counter()
        load_drive(ws, USER, root)
        load_s = time.perf_counter() - t0
    print(f"load: {args.files} files in {load_s * 1000:.0f} ms ({args.files / load_s:,.0f} files/s); "
          f"baseline read-only {read_s * 1000:.0f} ms; problems={len(ws.load_problems)}")

    server = SandboxServer(workspace=ws, quota=False).start()
    try:
        token = "bench-token"
        ws.tokens[token] = Grant(USER, frozenset({"https://www.googleapis.com/auth/drive"}), "bench", time.time() + 3600)
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {token}"
        url = server.url + "/drive/v3/files"

        def run(q: str | None, count: int = args.requests) -> tuple[float, int]:
            hits = 0
            t = time.perf_counter()
            for i in range(count):
                params = {"pageSize": 1000, "fields": "files(id,name)"}
                if q:
                    params["q"] = q.format(name=NAMES[i % len(NAMES)].replace("'", "\\'"))
                r = http.get(url, params=params, timeout=30)
                r.raise_for_status()
                hits += len(r.json().get("files", []))
            return count / (time.perf_counter() - t), hits

        run(None, 5)  # warm up
        q = "fullText contains '\"{name}\"' and trashed = false"
        rate, hits = run(q)
        scan, _ = run("name = 'nothing' and trashed = false")
        one = next(iter(ws.drive.files))
        t = time.perf_counter()
        for _ in range(args.requests):
            http.get(f"{url}/{one}", params={"fields": "id,name"}, timeout=30).raise_for_status()
        base = args.requests / (time.perf_counter() - t)
        print(f"files.list fullText phrase over {args.files} files: {rate:,.0f} req/s "
              f"({hits / args.requests:.1f} hits per query)")
        print(f"  baselines: files.get round trip {base:,.0f} req/s; files.list with a non-indexed q "
              f"(checks every file, 0 hits) {scan:,.0f} req/s")
        t = time.perf_counter()
        n = 10
        for i in range(n):
            naive_scan(ws.drive, [w.lower() for w in re.findall(r"[^\W_]+", NAMES[i % len(NAMES)])])
        naive = n / (time.perf_counter() - t)
        print(f"naive per-query scan of all text (in-process, no HTTP): {naive:,.0f} queries/s vs index: see above")
        print(f"quota bound: Drive allows {DRIVE_PER_MINUTE_USER:,}/min/user = {DRIVE_PER_MINUTE_USER / 60:,.0f} req/s; "
              f"sandbox serves {rate / (DRIVE_PER_MINUTE_USER / 60):.1f}x that")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
