"""Audit overhead per Google call: the same calls through the audited seam and through a plain
googleapiclient, against the sandbox (quota off), in one run. Prints ms per call and the overhead as a % of a
sandbox call (loopback, ~ms) — an upper bound: a real Google call takes far longer, the overhead does not.
Run: python bench/bench_seam.py [--calls N]"""
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

READ = "https://www.googleapis.com/auth/gmail.readonly"


def timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=400)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        fx = Path(tmp) / "fixture"
        write_fixture(fx, scale=0.3)
        with SandboxServer(fx, port=0, quota=False) as sb:
            user = next(u.email for u in sb.ws.users.values() if u.admin)
            services = open_services(Settings(home=Path(tmp) / "home", sandbox_url=sb.url, actor=user,
                                              domain=sb.ws.domain, admin=user, extra={"dpo": user}))
            services.seam.pacer.enabled = False  # measure the seam, not Gmail's 250 units/s pacing
            case = open_case(services, "access", ["Jane Doe"], [], [], [], dt.date(2026, 11, 2), user)
            audited = services.clients.gmail(user, (READ,))
            info = requests.get(sb.url + "/_sandbox/service-account.json", timeout=5).json()
            creds = service_account.Credentials.from_service_account_info(info, scopes=[READ], subject=user)
            plain = build_from_document(discovery_document("gmail", sb.url), credentials=creds)
            mid = plain.users().messages().list(userId="me", maxResults=1).execute()["messages"][0]["id"]
            with acting(search_purpose(case, user, "searching")):
                audited.users().messages().get(userId="me", id=mid).execute()  # token exchange, connections
                for _ in range(3):  # interleave to share machine noise
                    p = timed(lambda: plain.users().messages().get(userId="me", id=mid, format="metadata").execute(), args.calls)
                    a = timed(lambda: audited.users().messages().get(userId="me", id=mid, format="metadata").execute(), args.calls)
            pm, am = statistics.median(p), statistics.median(a)
            n = services.trail.size()
            print(f"plain googleapiclient : {pm:.3f} ms/call (median of {args.calls})")
            print(f"through the seam      : {am:.3f} ms/call  (+{am - pm:.3f} ms: classify, guard, durable append)")
            print(f"audit overhead        : {100 * (am - pm) / pm:.1f}% of a loopback sandbox call; "
                  f"{100 * (am - pm) / 100:.2f}% of a 100 ms Google call")
            print(f"trail now holds {n} records; verify: {services.trail.verify().ok}")


if __name__ == "__main__":
    main()
