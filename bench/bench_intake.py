"""Intake benchmark: ``dsar intake scan`` over a privacy mailbox of N messages (a few real requests among
ordinary mail), through the product's audited seam with the sandbox's quotas on, each figure beside a bound:

* first scan: messages read per second vs Gmail's per-user bound (250 units/s; messages.get costs 5 units,
  so at most 50 messages/s), and how many were proposed (the requests planted) vs how many were not;
* the classifier alone (pure): messages/s, so the Google reads, not the matching, are what a scan costs;
* a second scan (nothing new): seconds and quota units vs the first, i.e. what resuming costs (lists only).

Run: ``.venv/bin/python bench/bench_intake.py`` (``--messages N`` to resize; default 2,000).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from addon.config import Settings  # noqa: E402
from addon.intake.classify import classify  # noqa: E402
from addon.intake.mailbox import Intake, parse  # noqa: E402
from addon.services import open_services  # noqa: E402
from sandbox.gmail.synthetic import write_mbox  # noqa: E402
from sandbox.server import SandboxServer  # noqa: E402
from scopes.quotas import GMAIL_UNITS_PER_SECOND, gmail_cost  # noqa: E402

BOX = "privacy@bench.test"
DPO = "dpo@bench.test"
REQUESTS = ("Re: offers - unsubscribe", "Subject access request", "Please delete my account",
            "Your record of my address is wrong")


def fixture(root: Path, messages: int, requests: int) -> None:
    root.mkdir(parents=True)
    (root / "workspace.json").write_text(json.dumps({"domain": "bench.test", "users": [
        {"email": DPO, "name": "Dee Pio", "admin": True}, {"email": BOX, "name": "Privacy"}]}))
    mail = root / BOX / "Mail"
    mail.mkdir(parents=True)
    write_mbox(mail / "filler.mbox", messages - requests, BOX, "bench.test", seed=11)
    with open(mail / "requests.mbox", "wb") as fh:
        for i in range(requests):
            m = EmailMessage()
            m["From"] = f"Customer {i} <customer{i}@example.com>"
            m["To"] = BOX
            m["Subject"] = REQUESTS[i % len(REQUESTS)]
            m["Date"] = format_datetime(dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc) + dt.timedelta(hours=i))
            m["Message-ID"] = f"<req{i}@example.com>"
            m["X-Gmail-Labels"] = "Inbox"
            m.set_content("Please send me a copy of my data." if i % 4 == 1 else "Thank you.")
            fh.write(b"From c@example.com Sun Nov  1 00:00:00 2026\n" + m.as_bytes().replace(b"\nFrom ", b"\n>From ")
                     + b"\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=2000)
    ap.add_argument("--requests", type=int, default=40)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "fx"
        fixture(root, args.messages, args.requests)
        with SandboxServer(root, port=0, quota=True) as sb:
            services = open_services(Settings(home=Path(tmp) / "home", sandbox_url=sb.url, actor=DPO,
                                              domain="bench.test", admin=DPO, extra={"dpo": DPO}))
            intake = Intake(services, BOX)
            kept: list[dict] = []
            t0 = time.perf_counter()
            proposed: list[str] = []
            first = intake.scan(DPO, on_message=lambda m, p: proposed.append(m.sender))
            wall1 = time.perf_counter() - t0
            units1 = sb.context.quotas.snapshot()["units"].get(BOX, {}).get("gmail", 0)
            t0 = time.perf_counter()
            second = intake.scan(DPO)
            wall2 = time.perf_counter() - t0
            units2 = sb.context.quotas.snapshot()["units"].get(BOX, {}).get("gmail", 0) - units1
            # the classifier alone, on the same messages as the scan read them
            gmail = services.clients.gmail(BOX, ("https://www.googleapis.com/auth/gmail.readonly",))
            from audit.context import Purpose, acting

            with acting(Purpose(actor=DPO, step="intake", purpose="bench: read the messages once more")):
                ids = [r["message_id"] for r in intake._rows()][:300]
                kept = [parse(gmail.users().messages().get(userId="me", id=i, format="full").execute()) for i in ids]
            t0 = time.perf_counter()
            for _ in range(10):
                for m in kept:
                    classify(m.sender, m.subject, m.text, m.headers)
            pure = 10 * len(kept) / (time.perf_counter() - t0)
    bound = GMAIL_UNITS_PER_SECOND / gmail_cost("gmail.users.messages.get")
    rate = first["read"] / wall1
    print(f"first scan: {first['read']} messages in {wall1:.1f}s = {rate:,.1f} messages/s "
          f"({rate / bound:.2f}x Gmail's per-user bound of {bound:.0f}/s); {units1} quota units")
    planted = sum(1 for a in proposed if a.startswith("customer"))
    print(f"  proposed {first['proposed']}: {planted} of {args.requests} planted requests, "
          f"{len(proposed) - planted} ordinary messages (false proposals); {first['ignored']} not proposed")
    print(f"classifier alone: {pure:,.0f} messages/s ({pure / rate:,.0f}x the scan's read rate)")
    print(f"second scan (nothing new): {second['read']} read, {second['already_seen']} already seen, {wall2:.2f}s "
          f"({wall2 / wall1:.3f}x the first), {units2} quota units ({units2 / max(units1, 1):.3f}x)")


if __name__ == "__main__":
    main()
