"""Sandbox Gmail benchmarks on a generated 20,000-message Takeout mailbox, each figure beside a baseline:

* load: messages/s through ``load_mail`` (MIME reading, threads, labels and the search index) vs only
  splitting the same mbox file, and vs only parsing each message with the stdlib ``email`` package;
* messages.get in batches of 50 through google-api-python-client over HTTP (quota off), vs Gmail's own
  per-user bound (250 units/s at 5 units a get = 50 gets/s);
* messages.list (maxResults=500) requests/s for a bare word, a phrase and an address operator over HTTP,
  vs a naive in-process scan that tokenises every message per query (what the inverted index avoids).

Run: ``.venv/bin/python bench/bench_sandbox_gmail.py`` (about half a minute; ``--messages N`` to resize).
"""
from __future__ import annotations

import argparse
import email
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from google.oauth2.credentials import Credentials  # noqa: E402
from googleapiclient.discovery import build_from_document  # noqa: E402
from googleapiclient.discovery_cache import get_static_doc  # noqa: E402

from sandbox.gmail import mbox  # noqa: E402
from sandbox.gmail.loader import load_mail  # noqa: E402
from sandbox.gmail.mime import analyse  # noqa: E402
from sandbox.gmail.synthetic import write_mbox  # noqa: E402
from sandbox.gmail.text import tokens  # noqa: E402
from sandbox.server import SandboxServer  # noqa: E402
from sandbox.state import Grant, User, Workspace  # noqa: E402
from scopes.quotas import GMAIL_UNITS_PER_SECOND, gmail_cost  # noqa: E402

USER = "owner@bench.test"
QUERIES = {"bare word": "invoice", "phrase": '"quarter agenda"', "from: operator": "from:amelia"}


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:,.0f}/s"


def naive_scan(raws: list[bytes], phrase: list[str]) -> int:
    """What a sandbox without an index would do per query: read and tokenise every message."""
    hits = 0
    for raw in raws:
        a = analyse(raw)
        text = " ".join([a.subject, *a.bodies, *a.filenames] + [f"{x.name} {x.address}" for v in a.addresses.values() for x in v])
        toks = tokens(text)
        n = len(phrase)
        if any(toks[i:i + n] == phrase for i in range(len(toks) - n + 1)):
            hits += 1
    return hits


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=20_000)
    ap.add_argument("--batches", type=int, default=40)
    ap.add_argument("--lists", type=int, default=60)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        mail = Path(tmp) / "Mail"
        mail.mkdir()
        t = time.perf_counter()
        write_mbox(mail / "all.mbox", args.messages, USER)
        size_mb = (mail / "all.mbox").stat().st_size / 1e6
        print(f"generated {args.messages:,} messages ({size_mb:.0f} MB) in {time.perf_counter() - t:.1f}s")

        t = time.perf_counter()
        raws = [m for _, m in mbox.split(mbox.read(mail / "all.mbox"))]
        split_s = time.perf_counter() - t
        sample = raws[:2000]
        t = time.perf_counter()
        for raw in sample:
            email.message_from_bytes(raw)
        stdlib_s = (time.perf_counter() - t) * len(raws) / len(sample)

        ws = Workspace(domain="bench.test")
        ws.users[USER] = User(USER, "Owner")
        t = time.perf_counter()
        load_mail(ws, USER, mail)
        load_s = time.perf_counter() - t
        box = ws.mailboxes[USER]
        assert len(box.messages) == args.messages and not ws.load_problems, ws.load_problems[:3]
        print("\nload (index build included)")
        print(f"  load_mail                  {load_s:6.2f}s  {rate(args.messages, load_s):>10}")
        print(f"  baseline: split mbox only  {split_s:6.2f}s  {rate(args.messages, split_s):>10}")
        print(f"  baseline: stdlib parse     {stdlib_s:6.2f}s  {rate(args.messages, stdlib_s):>10}  (estimated from "
              f"{len(sample):,}; parse only, no decoding, no index)")
        print(f"  peak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")

    server = SandboxServer(workspace=ws, quota=False).start()
    try:
        token = "bench-token"
        ws.tokens[token] = Grant(USER, frozenset({"https://www.googleapis.com/auth/gmail.readonly"}), "bench",
                                 time.time() + 3600)
        doc = json.loads(get_static_doc("gmail", "v1"))
        doc["rootUrl"] = server.url + "/"
        doc.pop("mtlsRootUrl", None)
        svc = build_from_document(doc, credentials=Credentials(token=token))
        ids = list(box.messages)

        got = 0

        def cb(_rid, resp, exc):
            nonlocal got
            assert exc is None, exc
            got += 1

        t = time.perf_counter()
        for b in range(args.batches):
            batch = svc.new_batch_http_request(callback=cb)
            for mid in ids[b * 50:(b + 1) * 50]:
                batch.add(svc.users().messages().get(userId="me", id=mid))
            batch.execute()
        get_s = time.perf_counter() - t
        bound = GMAIL_UNITS_PER_SECOND / gmail_cost("gmail.users.messages.get")
        print(f"\nmessages.get, format=full, batches of 50 over HTTP ({got:,} messages)")
        print(f"  sandbox                    {rate(got, get_s):>10}  = {got / get_s / bound:,.0f}x Gmail's "
              f"per-user bound ({bound:.0f} gets/s)")

        print(f"\nmessages.list, maxResults=500, over HTTP ({args.lists} requests each)")
        for label, q in QUERIES.items():
            total = svc.users().messages().list(userId="me", q=q, maxResults=500).execute()["resultSizeEstimate"]
            t = time.perf_counter()
            for _ in range(args.lists):
                svc.users().messages().list(userId="me", q=q, maxResults=500).execute()
            s = time.perf_counter() - t
            print(f"  {label:<16} {q:<18} {rate(args.lists, s):>8}  ({total:,} matches)")
        pages, token_ = 0, None
        t = time.perf_counter()
        while True:
            resp = svc.users().messages().list(userId="me", q="", maxResults=500, pageToken=token_,
                                               includeSpamTrash=True).execute()
            pages += 1
            token_ = resp.get("nextPageToken")
            if not token_:
                break
        s = time.perf_counter() - t
        print(f"  paging through all {args.messages:,} ids: {pages} pages in {s:.2f}s")
        sample = list(b.raw for b in box.messages.values())[:2000]
        t = time.perf_counter()
        naive_scan(sample, ["quarter", "agenda"])
        naive_s = (time.perf_counter() - t) * args.messages / len(sample)
        print(f"  baseline: naive scan per query (no index), in-process: {1 / naive_s:,.2f}/s "
              f"({naive_s:.1f}s per query, estimated from {len(sample):,})")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
