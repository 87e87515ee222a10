"""Calendar, Contacts, Chat and Forms search of one mailbox's worth of data: quota units and wall time per
source against the quota bound, in one run.

One user holds SIZE["events"] events on two calendars, SIZE["contacts"] contacts and SIZE["other"] other
contacts, SIZE["spaces"] Chat spaces of SIZE["messages"] messages each and SIZE["forms"] forms of
SIZE["responses"] responses each; the subject is planted a few times in each. Each source's unit runs alone
through the product's seam (audit trail, guard, pacers) against the sandbox, quotas on.

The quota bound of a source is the time Google's published per-minute limits allow for the calls it made
(``calls / limit * 60 s`` for the tightest limit); Google's limits are per minute, so a unit making fewer
calls than a minute's limit is bounded by its round trips, not by quota, and the ratio says so.

``429s`` counts the quota errors the sandbox answered while the source ran (goal 0: the seam paces
Calendar, People and Forms per user and per project, Chat per space and per project). ``--project-scale 0.05``
scales the per-project limits down in the sandbox and in the product alike (``DSAR_PROJECT_QUOTA_<BUCKET>``),
so the pacers, not round trips, set the pace.

    python bench/bench_sources.py [--scale 1.0] [--project-scale 1.0] [--sources calendar,contacts,chat,forms]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.sources.conftest import (  # noqa: E402  (the tests' small company, scaled up here)
    AGENT, DOMAIN, FORM, ICS, LEAD, SUBJECT, VCF_MINE, VCF_OTHER, write_fixture,
)

from scopes.quotas import (  # noqa: E402  Google's published per-minute limits, shared with the sandbox
    CALENDAR_PER_MINUTE_USER, CHAT_PER_MINUTE_PROJECT, CHAT_SPACE_READS_PER_MINUTE, FORMS_LIMITS,
    PEOPLE_CRITICAL_READS_PER_MINUTE_USER, SOURCE_PROJECT_PER_MINUTE,
)

LIMITS = {
    "calendar": [("queries per user", CALENDAR_PER_MINUTE_USER)],
    "contacts": [("critical read requests per user", PEOPLE_CRITICAL_READS_PER_MINUTE_USER)],
    "chat": [("reads per space", CHAT_SPACE_READS_PER_MINUTE),
             ("message reads per project", CHAT_PER_MINUTE_PROJECT["chat_message_read"])],
    "forms": [("expensive reads (responses.list) per user", FORMS_LIMITS["forms_expensive_read"][0]),
              ("reads per user", FORMS_LIMITS["forms_read"][0])],
}
SIZE = {"events": 3000, "contacts": 2000, "other": 500, "spaces": 8, "messages": 1500, "forms": 5, "responses": 1200}
APIS = {"calendar": "calendar", "contacts": "people", "chat": "chat", "forms": "forms"}


def _grow(root: Path, scale: float) -> dict[str, int]:
    """The tests' fixture plus filler for AGENT, and the planted counts."""
    n = {k: max(1, int(v * scale)) for k, v in SIZE.items()}
    home = root / AGENT
    cal = (home / "Calendar" / f"{AGENT}.ics").read_text(encoding="utf-8")
    filler = []
    day = dt.datetime(2026, 1, 5, 9, 0)
    for i in range(n["events"]):
        start = day + dt.timedelta(hours=i * 3)
        filler.append(f"BEGIN:VEVENT\r\nUID:fill-{i}@google.com\r\nDTSTART:{start:%Y%m%dT%H%M%SZ}\r\n"
                      f"DTEND:{start + dt.timedelta(minutes=30):%Y%m%dT%H%M%SZ}\r\nSUMMARY:Callback {i:05d} for "
                      f"customer CUST-{100000 + i}\r\nDESCRIPTION:Ring back on 0161 496 {i % 10000:04d}.\r\n"
                      f"ORGANIZER:mailto:{AGENT}\r\nEND:VEVENT\r\n")
    (home / "Calendar" / f"{AGENT}.ics").write_text(cal.replace("END:VCALENDAR", "".join(filler) + "END:VCALENDAR"),
                                                    encoding="utf-8")
    for label, count, text in (("My Contacts", n["contacts"], VCF_MINE), ("Other Contacts", n["other"], VCF_OTHER)):
        cards = "".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Customer {i:05d}\r\nN:{i:05d};Customer;;;\r\n"
                        f"EMAIL;TYPE=INTERNET:customer{i}@example.org\r\nTEL:0161 496 {i % 10000:04d}\r\nEND:VCARD\r\n"
                        for i in range(count))
        (home / "Contacts" / label / f"{label}.vcf").write_text(text.replace("\n", "\r\n") + cards, encoding="utf-8")
    groups = home / "Google Chat" / "Groups"
    for s in range(n["spaces"]):
        folder = groups / f"Space BENCH{s:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        members = [{"name": "Sam Agent", "email": AGENT, "user_type": "Human"},
                   {"name": "Pat Lead", "email": LEAD, "user_type": "Human"}]
        (folder / "group_info.json").write_text(json.dumps({"name": f"Queue {s}", "members": members}), encoding="utf-8")
        msgs = [{"creator": members[i % 2], "created_date": (day + dt.timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                 "text": f"Queue {s}: caller {i} on CUST-{200000 + i} sorted"} for i in range(n["messages"])]
        msgs[len(msgs) // 2]["text"] = f"Caller {SUBJECT['name']} on {SUBJECT['phone']} wants a call back"
        (folder / "messages.json").write_text(json.dumps({"messages": msgs}), encoding="utf-8")
    for f in range(n["forms"]):
        form = json.loads(json.dumps(FORM))
        form["title"] = f"Enquiries {f}"
        form["responses"] = [{"id": f"f{i}", "email": f"r{i}@example.org",
                              "submitted": (day + dt.timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                              "answers": {"q1": f"Caller {i:05d}", "q2": f"CUST-{300000 + i}", "q3": "Call me"}}
                             for i in range(n["responses"])] + FORM["responses"][:1]
        (home / "Drive" / f"Enquiries {f}.form.json").write_text(json.dumps(form), encoding="utf-8")
    return n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--sources", default="calendar,contacts,chat,forms")
    ap.add_argument("--project-scale", type=float, default=1.0,
                    help="scale the new sources' per-project limits (sandbox and product) by this factor")
    args = ap.parse_args()
    scaled = {b: max(1, round(v * args.project_scale)) for b, v in SOURCE_PROJECT_PER_MINUTE.items()}
    if args.project_scale != 1.0:
        os.environ.update({f"DSAR_PROJECT_QUOTA_{b.upper()}": str(v) for b, v in scaled.items()})
        LIMITS["calendar"].append(("queries per project (scaled)", scaled["calendar"]))
        LIMITS["forms"] += [("expensive reads per project (scaled)", scaled["forms_expensive_read"]),
                            ("reads per project (scaled)", scaled["forms_read"])]
        LIMITS["chat"][1] = ("message reads per project (scaled)", scaled["chat_message_read"])

    from addon.config import Settings
    from addon.data_folder import init_home
    from addon.search.engine import SearchJob
    from addon.services import open_services
    from addon.cli.case_cmd import open_case
    from addon.search.service import search_purpose
    from addon.subjects.matching import Matcher
    from sandbox.server import SandboxServer

    with tempfile.TemporaryDirectory() as tmp:
        root = write_fixture(Path(tmp) / "fixture")
        n = _grow(root, args.scale)
        server = SandboxServer(root, port=0).start()
        import requests

        requests.put(f"{server.url}/_sandbox/quota", json={"enabled": True, "project": scaled}, timeout=30)

        def rejected() -> int:
            return sum(requests.get(f"{server.url}/_sandbox/quota", timeout=30).json()["rejected_by_bucket"].values())

        try:
            home = init_home(Settings(home=Path(tmp) / "home"))[0]
            settings = Settings(home=home, sandbox_url=server.url, actor=AGENT, domain=DOMAIN, admin=f"it@{DOMAIN}",
                                extra={"dpo": f"dpo@{DOMAIN}"})
            services = open_services(settings)
            case = open_case(services, "access", [SUBJECT["name"]], [SUBJECT["email"]], [SUBJECT["phone"]],
                             [SUBJECT["id"]], dt.date.today(), AGENT)
            case = services.store.transition(case.ref, "searching", AGENT, "staff")
            print(f"one mailbox: {n['events']} events, {n['contacts']} contacts + {n['other']} other contacts, "
                  f"{n['spaces']} spaces x {n['messages']} messages, {n['forms']} forms x {n['responses']} responses")
            print(f"{'source':9} {'calls':>6} {'items':>6} {'wall s':>8} {'bound s':>8} {'ratio':>6} {'429s':>5}"
                  "  bound from")
            for run, source in enumerate(args.sources.split(","), start=1):
                before = services.trail.size()
                job = SearchJob(ref=case.ref, store=services.store, clients=services.clients,
                                matcher=Matcher(case.subject), gmail_queries=[], drive_queries=[], accounts=[AGENT],
                                purpose=search_purpose(case, AGENT, "searching"), run_no=100 + run,
                                sources=(source,), subject=case.subject, settings=settings)
                t0, met = time.perf_counter(), rejected()
                items = [i for i in _run_only(job, source) if i["source"] == source]
                wall, met = time.perf_counter() - t0, rejected() - met
                recs = [r for r in services.trail.records(before) if r["api_method"].startswith(APIS[source] + ".")]
                calls = Counter(r["api_method"] for r in recs)
                failed = sum(1 for r in recs if r["outcome"] != "ok")
                bound, why = _bound(source, calls, n)
                print(f"{source:9} {sum(calls.values()):>6} {len(items):>6} {wall:>8.2f} {bound:>8.2f} "
                      f"{(wall / bound if bound else float('nan')):>6.2f} {met:>5}  {why}; {failed} failed calls; "
                      + ", ".join(f"{m.split('.', 1)[1]} {c}" for m, c in sorted(calls.items())))
            print("calls = quota units (1 per call for these APIs). bound = the calls at Google's tightest per-minute "
                  "limit; a ratio above 1 means the unit is bound by round trips and page sizes, not by quota. "
                  "429s = quota errors met (goal 0).")
        finally:
            server.stop()
    return 0


def _run_only(job, source: str) -> list[dict]:
    """Run the job with only ``source``'s units: its Gmail and Drive units are marked finished up front and no
    shared drive is listed, so the time measured is the new source's alone."""
    state = {"units": {f"{k}:{a}": {"finished": True} for a in job.accounts for k in ("gmail", "drive")},
             "shared_drives": {}}
    job.store.save_job(job.job_id, job.ref, "search", "running", state)
    return job.run()


def _bound(source: str, calls: Counter, n: dict[str, int]) -> tuple[float, str]:
    """Seconds Google's tightest per-minute limit allows for these calls."""
    best, why = 0.0, ""
    for name, per_min in LIMITS[source]:
        if source == "chat" and name.endswith("space"):
            count = max(1, sum(c for m, c in calls.items() if m.endswith("messages.list")) / max(1, n["spaces"]))
        elif source == "forms" and name.startswith("expensive"):
            count = calls.get("forms.forms.responses.list", 0)
        elif source == "forms" and name.startswith("reads"):  # forms_read: forms.get
            count = sum(c for m, c in calls.items() if m != "forms.forms.responses.list")
        elif source == "chat" and name.startswith("message reads"):
            count = sum(c for m, c in calls.items() if ".messages." in m)
        else:
            count = sum(calls.values())
        secs = count / per_min * 60.0
        if secs > best:
            best, why = secs, f"{per_min}/min {name}"
    return best, why


if __name__ == "__main__":
    raise SystemExit(main())
