"""Write-ahead intents through the real seam: an intent is durable before each request leaves (one group
commit per batch), every answer points to its intent, and a process killed between Google's answer and
the commit of its record leaves the call accounted for: 'unresolved' in verify, 'unknown' after recovery.
On SQLite and on PostgreSQL (skipped, saying why, when 5432 is away)."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from collections import Counter

import pytest
import requests
from click.testing import CliRunner

from addon.cli import main
from addon.cli.case_cmd import open_case
from addon.errors import ExitCode
from addon.search.service import run_search, search_purpose
from audit.context import acting
from tests.conftest import expected_subject
from tests.scale.conftest import pg_admin, pg_url  # noqa: F401 (fixtures)

READ = "https://www.googleapis.com/auth/gmail.readonly"


def _served(server):
    return requests.get(server.url + "/_sandbox/requests", timeout=10).json()


def _case(services, fixture):
    s = expected_subject(fixture, "jane")
    return open_case(services, "access", s["names"], s["emails"], s["phones"], s["identifiers"],
                     dt.date(2026, 11, 2), services.settings.actor)


def test_every_served_call_has_an_earlier_intent(sandbox_factory, product, demo_fixture):
    server = sandbox_factory(demo_fixture, quota=False, faults="429@gmail.*=0.05,drop@gmail.users.messages.list=0.05,seed=5")
    services = product(server)
    case = _case(services, demo_fixture)
    run_search(services, case.ref, services.settings.actor)
    chain = [r for r in services.trail.records(intents=True)]
    intents = {r.seq: r for r in chain if r["outcome"] == "intent"}
    answers = [r for r in chain if "intent" in r.fields]
    served = _served(server)
    assert len(intents) == len(served) == len(answers)  # one intent per attempt that left, each answered
    assert Counter(r["api_method"] for r in intents.values()) == Counter(e["api_method"] for e in served)
    for a in answers:
        i = intents[a["intent"]]
        assert i.seq < a.seq and (i["api_method"], i["attempt"], i["case"]) == (a["api_method"], a["attempt"], a["case"])
    for i in intents.values():  # no content: no answer, no sealed subject value
        assert i["status"] is None and i["item_count"] == 0 and i["bytes"] == 0 and i["sealed"] == {}
    refused = [r for r in chain if r["outcome"] == "refused"]
    assert all("intent" not in r.fields for r in refused)  # a refused call never left: no intent
    verdict = services.trail.verify(grace_s=0)
    assert verdict.ok and verdict.complete and verdict.unresolved == []


def test_a_batch_is_one_commit_of_intents_and_one_of_answers(sandbox_factory, product, demo_fixture):
    server = sandbox_factory(demo_fixture, quota=False)
    services = product(server)
    case = _case(services, demo_fixture)
    user = services.settings.admin
    gmail = services.clients.gmail(user, (READ,))
    with acting(search_purpose(case, services.settings.actor, "searching")):
        ids = [m["id"] for m in gmail.users().messages().list(userId="me", maxResults=7).execute()["messages"]]
        trail = services.trail
        commits: list[tuple[int, bool]] = []
        real = trail.append_many

        def counting(items, **kw):  # the trail's own method, counted: how many commits, of how many records
            commits.append((len(items), kw.get("durable", True)))
            return real(items, **kw)

        trail.append_many = counting
        batch = gmail.new_batch_http_request()
        for mid in ids:
            batch.add(gmail.users().messages().get(userId="me", id=mid, format="metadata"))
        batch.execute()
        del trail.append_many
    # envelope + parts: the intents with an fsync, then the answers riding on the next fsync
    assert commits == [(len(ids) + 1, True), (len(ids) + 1, False)]
    chain = list(services.trail.records(intents=True))[-2 * (len(ids) + 1):]
    intents, answers = chain[:len(ids) + 1], chain[len(ids) + 1:]
    assert [r["outcome"] for r in intents] == ["intent"] * (len(ids) + 1)
    assert [a["intent"] for a in answers] == [i.seq for i in intents]


_CHILD = textwrap.dedent("""
    import os, signal, sys
    from addon.config import load
    from addon.services import open_services
    from audit.context import Purpose, acting

    services = open_services(load())
    user = os.environ["DSAR_ADMIN"]
    gmail = services.clients.gmail(user, ("https://www.googleapis.com/auth/gmail.readonly",))
    purpose = Purpose(actor=user, step="search", case="DSAR-2026-0042", case_status="searching",
                      purpose="Access request DSAR-2026-0042: find the subject's data",
                      legal_basis="UK GDPR Art. 6(1)(c); Art. 15")
    with acting(purpose):
        gmail.users().labels().list(userId="me").execute()  # answered and recorded
        def die(point):
            if point == "answered":
                print("answered", flush=True)
                os.kill(os.getpid(), signal.SIGKILL)
        services.seam.fault = die
        gmail.users().messages().list(userId="me", maxResults=3).execute()
    print("not killed", flush=True)
""")


def _killed_between_answer_and_commit(server, services, env_extra: dict) -> None:
    env = {**os.environ, **env_extra}
    proc = subprocess.run([sys.executable, "-c", _CHILD], env=env, capture_output=True, text=True, timeout=120,
                          cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    assert proc.returncode == -9, proc.stderr[-2000:]
    assert proc.stdout.strip() == "answered"
    served = [e for e in _served(server) if e["api_method"] == "gmail.users.messages.list"]
    assert len(served) == 1 and served[0]["status"] == 200  # Google (the sandbox) did serve it
    trail = services.trail
    assert not any(r["api_method"] == "gmail.users.messages.list" for r in trail.records())  # its answer is lost
    [hole] = trail.unresolved()
    intent = trail.record(hole.seq)
    assert intent["outcome"] == "intent" and intent["api_method"] == "gmail.users.messages.list"
    assert intent["case"] == "DSAR-2026-0042"

    runner = CliRunner()
    r = runner.invoke(main, ["audit", "verify", "--grace", "0"])
    assert r.exit_code == ExitCode.CHECK_FAILED, r.output
    assert f"seq {hole.seq}: unresolved: intent at {hole.time}" in r.output
    assert runner.invoke(main, ["audit", "verify"]).exit_code == 0  # within the grace it may be in flight
    r = runner.invoke(main, ["audit", "recover", "--grace", "0"])
    assert r.exit_code == 0 and f"seq {hole.seq}: closed as unknown" in r.output, r.output
    [unknown] = [x for x in trail.records() if x["api_method"] == "gmail.users.messages.list"]
    assert unknown["outcome"] == "unknown" and unknown["intent"] == hole.seq and unknown["time"] > hole.time
    calls = Counter(x["api_method"] for x in trail.records() if x["outcome"] not in ("checkpoint", "shred"))
    assert calls == Counter(e["api_method"] for e in _served(server))  # every served call is on the trail
    r = runner.invoke(main, ["audit", "verify", "--grace", "0"])
    assert r.exit_code == 0 and "unresolved" not in r.output, r.output


def test_killed_process_cannot_hide_a_served_call_sqlite(sandbox_factory, product, demo_fixture):
    server = sandbox_factory(demo_fixture, quota=False)
    services = product(server)
    services.trail  # create the trail and its keys before the child opens them
    _killed_between_answer_and_commit(server, services, {})


def test_killed_process_cannot_hide_a_served_call_postgres(sandbox_factory, product, demo_fixture, pg_url,
                                                            monkeypatch):
    monkeypatch.setenv("DSAR_DATABASE_URL", pg_url)
    server = sandbox_factory(demo_fixture, quota=False)
    from dataclasses import replace

    from addon.services import Services

    services = Services(replace(product(server).settings, database_url=pg_url))
    assert type(services.trail.store).__name__ == "PostgresStore"
    _killed_between_answer_and_commit(server, services, {"DSAR_DATABASE_URL": pg_url})
