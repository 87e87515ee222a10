"""Audit overhead per Google call, and what the write-ahead intent adds to it: the same calls against the
sandbox (quota off) through a plain googleapiclient, through the seam as before issue 16 (``seam``:
``Seam.write_ahead = False``, one durable record after the answer), and through the seam with write-ahead
intents (``seam+intent``: a durable intent commit before the request leaves, the answer's commit riding on
the next fsync), single calls and batches of 50. Modes alternate call by call to share the machine's noise; medians are printed with the overhead in ms and
as a % of a 100 ms Google call (the goal: intents add < 2 %).
Run: python bench/bench_seam.py [--calls N] [--batches N] [--rounds N] [--appends N]"""
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import requests  # noqa: E402
from google.oauth2 import service_account  # noqa: E402
from googleapiclient.discovery import build_from_document  # noqa: E402

from addon.cli.case_cmd import open_case  # noqa: E402
from addon.clients import discovery_document  # noqa: E402
from addon.config import Settings  # noqa: E402
from addon.search.service import search_purpose  # noqa: E402
from addon.services import open_services  # noqa: E402
from audit.context import acting  # noqa: E402
from sandbox.democompany import write_fixture  # noqa: E402
from sandbox.server import SandboxServer  # noqa: E402
from tests.audit.commits import counted_commits  # noqa: E402

READ = "https://www.googleapis.com/auth/gmail.readonly"
GOOGLE_CALL_MS = 100.0
BATCH = 50


def timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


CALL = {"actor": "staff@example.test", "case": "DSAR-2026-0001", "purpose": "Art. 15 subject access search",
        "legal_basis": "UK GDPR Art. 6(1)(c); Art. 15", "operation": "gmail.search",
        "api_method": "gmail.users.messages.get", "http_method": "GET",
        "path_template": "/gmail/v1/users/{userId}/messages/{id}", "scopes": [READ], "quota_units": 5,
        "attempt": 1, "batch": None, "detail": "principal=user@example.test"}


def append_figures(home: Path, n: int, threads: int = 8) -> None:
    """The appends themselves, on their own trail: today's answer record (sealed) vs an intent, one
    thread; then ``threads`` threads appending at once, with and without the cross-thread group commit."""
    import threading

    from audit.trail import AuditTrail

    trail = AuditTrail.open(home / "bench-audit.db")
    answer = {**CALL, "status": 200, "item_count": 1, "bytes": 2048, "latency_ms": 91.5, "outcome": "ok"}
    intent = {**CALL, "outcome": "intent"}
    a = timed(lambda: trail.append(answer, sealed={"q": "from:jane@example.org"}), n)
    i = timed(lambda: trail.append(intent), n)
    print(f"trail append, one thread (median of {n}): answer record {statistics.median(a):.3f} ms, "
          f"intent {statistics.median(i):.3f} ms")
    for grouped in (False, True):
        trail.group_commit = grouped
        go = threading.Barrier(threads + 1)

        def work():
            go.wait()
            for _ in range(n // 2):
                trail.append(intent)
                trail.append(answer, sealed={"q": "x"})

        pool = [threading.Thread(target=work) for _ in range(threads)]
        with counted_commits(trail) as commits:
            for t in pool:
                t.start()
            go.wait()
            t0 = time.perf_counter()
            for t in pool:
                t.join()
            dt_s = time.perf_counter() - t0
        total = threads * (n // 2) * 2
        print(f"  {threads} threads, {'group commit' if grouped else 'one commit per append'}: {total / dt_s:,.0f} "
              f"appends/s, {len(commits) / total:.2f} commits per append")
    trail.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=150, help="single calls per mode per round")
    ap.add_argument("--batches", type=int, default=6, help="batches of 50 per mode per round")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--appends", type=int, default=400, help="appends per measure of the trail itself")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        fx = Path(tmp) / "fixture"
        write_fixture(fx, scale=0.3)
        with SandboxServer(fx, port=0, quota=False) as sb:
            user = next(u.email for u in sb.ws.users.values() if u.admin)
            services = open_services(Settings(home=Path(tmp) / "home", sandbox_url=sb.url, actor=user,
                                              domain=sb.ws.domain, admin=user, extra={"dpo": user}))
            seam = services.seam
            seam.pacer.enabled = False  # measure the seam, not Gmail's 250 units/s pacing
            case = open_case(services, "access", ["Jane Doe"], [], [], [], dt.date(2026, 11, 2), user)
            audited = services.clients.gmail(user, (READ,))
            info = requests.get(sb.url + "/_sandbox/service-account.json", timeout=5).json()
            creds = service_account.Credentials.from_service_account_info(info, scopes=[READ], subject=user)
            plain = build_from_document(discovery_document("gmail", sb.url), credentials=creds)
            ids = [m["id"] for m in plain.users().messages().list(userId="me", maxResults=BATCH).execute()["messages"]]
            mid = ids[0]

            def one(client):
                return lambda: client.users().messages().get(userId="me", id=mid, format="metadata").execute()

            def batch(client):
                def run():
                    b = client.new_batch_http_request()
                    for i in ids:
                        b.add(client.users().messages().get(userId="me", id=i, format="metadata"))
                    b.execute()
                return run

            single: dict[str, list[float]] = {"plain": [], "seam": [], "seam+intent": []}
            batched: dict[str, list[float]] = {k: [] for k in single}
            modes = (("plain", plain), ("seam", audited), ("seam+intent", audited))
            with acting(search_purpose(case, user, "searching")):
                one(audited)()  # token exchange, connections
                for _ in range(args.rounds):  # modes alternate call by call: a busy disk hits all alike
                    for _ in range(args.calls):
                        for mode, client in modes:
                            seam.write_ahead = mode == "seam+intent"
                            single[mode] += timed(one(client), 1)
                    for _ in range(args.batches):
                        for mode, client in modes:
                            seam.write_ahead = mode == "seam+intent"
                            batched[mode] += timed(batch(client), 1)
            seam.write_ahead = True
            med = {k: statistics.median(v) for k, v in single.items()}
            bmed = {k: statistics.median(v) for k, v in batched.items()}
            n = services.trail.size()
            verdict = services.trail.verify(grace_s=0)
            print(f"single call (median of {len(single['plain'])} per mode, modes alternating call by call):")
            for k in single:
                print(f"  {k:<12} {med[k]:8.3f} ms/call")
            intent_ms = med["seam+intent"] - med["seam"]
            print(f"  seam (record after the answer) over plain: +{med['seam'] - med['plain']:.3f} ms")
            print(f"  write-ahead intent over today's seam:      +{intent_ms:.3f} ms/call = "
                  f"{100 * intent_ms / GOOGLE_CALL_MS:.2f}% of a {GOOGLE_CALL_MS:.0f} ms Google call (goal < 2%)")
            print(f"batch of {BATCH} (median of {len(batched['plain'])} per mode):")
            for k in batched:
                print(f"  {k:<12} {bmed[k]:8.3f} ms/batch ({bmed[k] / BATCH:.3f} ms/part)")
            b_intent = bmed["seam+intent"] - bmed["seam"]
            print(f"  write-ahead intent over today's seam:      +{b_intent:.3f} ms/batch (one group commit of "
                  f"{BATCH + 1} intents) = {100 * b_intent / GOOGLE_CALL_MS:.2f}% of one {GOOGLE_CALL_MS:.0f} ms "
                  f"batch call, {100 * b_intent / BATCH / GOOGLE_CALL_MS:.3f}% per part")
            print(f"trail now holds {n} records; verify: ok={verdict.ok} complete={verdict.complete} "
                  f"unresolved={len(verdict.unresolved)}")
        append_figures(Path(tmp), args.appends)


if __name__ == "__main__":
    main()
