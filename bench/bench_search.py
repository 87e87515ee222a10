"""Search speed against Google's quota bound, beside the by-hand baseline, in one run.

One mailbox of 20,000 messages with 300 hits, sandbox quotas ON (Gmail 250 units/s/user). The bound is the
least time Google's quota allows: (ceil(K/500)*5 + K*5) units at 250 units/s for K hits. The baseline is what
Google's quickstart does: list, then get each message with execute(num_retries=5). Then precision and recall
over the demo company's five subjects. Run: python bench/bench_search.py [--messages N --hits K]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
import tempfile
import time
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from google.oauth2 import service_account  # noqa: E402
from googleapiclient.discovery import build_from_document  # noqa: E402

from addon.cli.case_cmd import open_case  # noqa: E402
from addon.clients import discovery_document  # noqa: E402
from addon.config import Settings  # noqa: E402
from addon.search.service import run_search  # noqa: E402
from addon.services import open_services  # noqa: E402
from sandbox.gmail.synthetic import write_mbox  # noqa: E402
from sandbox.server import SandboxServer  # noqa: E402

USER = "bench@bench.test"
READ = "https://www.googleapis.com/auth/gmail.readonly"


def write_fixture(root: Path, messages: int, hits: int) -> None:
    (root / USER / "Mail").mkdir(parents=True)
    (root / "workspace.json").write_text(json.dumps(
        {"domain": "bench.test", "users": [{"email": USER, "name": "Bench User", "admin": True}]}))
    write_mbox(root / USER / "Mail" / "filler.mbox", messages - hits, USER, "bench.test", seed=7)
    with open(root / USER / "Mail" / "hits.mbox", "wb") as fh:
        for i in range(hits):
            m = EmailMessage()
            m["From"] = "Support <support@bench.test>"
            m["To"] = USER
            m["Subject"] = f"Callback {i}"
            m["Date"] = format_datetime(dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(hours=i))
            m["Message-ID"] = f"<hit{i}@bench.test>"
            m.set_content(f"Customer Jane Doe rang again about order {i}.\n")
            fh.write(b"From support@bench.test Thu Jan  1 00:00:00 2026\n" + m.as_bytes().replace(b"\nFrom ", b"\n>From ") + b"\n")


#: Every identifier kind, so the wider queries of issue 13 (name units with diacritics, every phone grouping,
#: identifier separators) are all paid for: the filler must not turn them into extra candidates.
FULL = (["Jane Doe"], ["jane.doe@example.com"], ["+447700900461"], ["CUST-004512"])


def ours(fixture: Path, home: Path, subject=(["Jane Doe"], [], [], [])) -> tuple[float, int, int, int]:
    with SandboxServer(fixture, port=0) as sb:
        services = open_services(Settings(home=home, sandbox_url=sb.url, actor=USER, domain="bench.test",
                                          admin=USER, extra={"dpo": USER}))
        case = open_case(services, "access", *subject, dt.date(2026, 11, 2), USER)
        t0 = time.perf_counter()
        items = run_search(services, case.ref, USER, accounts=[USER])
        wall = time.perf_counter() - t0
        q = sb.context.quotas.snapshot()
        failed = sum(1 for r in services.trail.records() if r.get("outcome") in ("retry", "error"))
        return wall, q["units"].get(USER, {}).get("gmail", 0), failed, len([i for i in items if i["source"] == "gmail"])


def baseline(fixture: Path) -> tuple[float, int, int, int]:
    """Google's quickstart pattern: list with q, then messages.get one by one, execute(num_retries=5)."""
    with SandboxServer(fixture, port=0) as sb:
        import requests

        info = requests.get(sb.url + "/_sandbox/service-account.json", timeout=5).json()
        creds = service_account.Credentials.from_service_account_info(info, scopes=[READ], subject=USER)
        svc = build_from_document(discovery_document("gmail", sb.url), credentials=creds)
        t0 = time.perf_counter()
        ids, token = [], None
        while True:
            resp = svc.users().messages().list(userId="me", q='"Jane Doe"', pageToken=token,
                                               includeSpamTrash=True).execute(num_retries=5)
            ids += [m["id"] for m in resp.get("messages", [])]
            token = resp.get("nextPageToken")
            if not token:
                break
        for mid in ids:
            svc.users().messages().get(userId="me", id=mid, format="full").execute(num_retries=5)
        wall = time.perf_counter() - t0
        q = sb.context.quotas.snapshot()
        return wall, q["units"].get(USER, {}).get("gmail", 0), sum(q["rejections"].values()), len(ids)


def precision_recall(home: Path) -> tuple[float, float, int, int]:
    from sandbox.democompany import write_fixture as demo

    root = home / "demo"
    demo(root)
    expected = json.loads((root / "expected.json").read_text())
    tp = fp = fn = 0
    with SandboxServer(root, port=0) as sb:
        users = list(sb.ws.users.values())
        admin = next(u.email for u in users if u.admin)
        services = open_services(Settings(home=home / "demo-home", sandbox_url=sb.url, actor=admin,
                                          domain=sb.ws.domain, admin=admin, extra={"dpo": admin}))
        for s in expected["subjects"]:
            case = open_case(services, "access", s["names"], s["emails"], s["phones"], s["identifiers"],
                             dt.date(2026, 11, 2), admin)
            key = lambda i: (i["source"], i["account"], i.get("rfc822_message_id") or i.get("path"), i.get("sheet"), i.get("row"))  # noqa: E731
            got = {key(i) for i in run_search(services, case.ref, admin)}
            want = {key({**e, "source": src}) for src, lst in s["expected"].items() for e in lst}
            tp, fp, fn = tp + len(got & want), fp + len(got - want), fn + len(want - got)
    return tp / max(1, tp + fp), tp / max(1, tp + fn), tp, fp + fn


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--messages", type=int, default=20_000)
    ap.add_argument("--hits", type=int, default=300)
    ap.add_argument("--skip-baseline", action="store_true")
    args = ap.parse_args()
    k = args.hits
    min_units = math.ceil(k / 500) * 5 + k * 5
    bound = min_units / 250.0
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "fixture"
        t0 = time.perf_counter()
        write_fixture(root, args.messages, k)
        print(f"fixture: {args.messages} messages, {k} hits, written in {time.perf_counter() - t0:.1f}s")
        w, units, failed, found = ours(root, Path(tmp) / "home")
        print(f"quota bound: {min_units} units at 250 units/s = {bound:.2f}s")
        print(f"dsar search : {w:6.2f}s  = {w / bound:.2f}x bound  units {units} = {units / min_units:.2f}x min"
              f"  failed calls {failed}  found {found}/{k}")
        w, units, failed, found = ours(root, Path(tmp) / "home-full", FULL)
        print(f"  + email, phone, identifier: units {units} = {units / min_units:.2f}x min (limit 1.10x)"
              f"  failed calls {failed}  found {found}/{k}")
        if not args.skip_baseline:
            bw, bunits, b429, bfound = baseline(root)
            print(f"baseline    : {bw:6.2f}s  = {bw / bound:.2f}x bound  units {bunits} = {bunits / min_units:.2f}x min"
                  f"  429s {b429}  found {bfound}/{k}  (ours is {bw / w:.1f}x faster)")
        p, r, tp, wrong = precision_recall(Path(tmp))
        print(f"demo company: precision {p:.3f}  recall {r:.3f}  ({tp} items right, {wrong} wrong or missed)")


if __name__ == "__main__":
    main()
