"""A search survives faults and kills: a killed job resumes to the same result set as a clean run,
and a 10% fault rate (429/500/503/drops) changes nothing in what is found."""
from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time

import requests

from addon.cli.case_cmd import open_case
from addon.search.service import run_search
from tests.conftest import expected_subject, fetched_so_far


def _keys(items):
    return sorted((i["source"], i["account"], i.get("rfc822_message_id") or i.get("path"), i.get("sheet") or "",
                   i.get("row") or 0) for i in items)


def _case(services, fixture, key="jane"):
    s = expected_subject(fixture, key)
    return open_case(services, "access", s["names"], s["emails"], s["phones"], s["identifiers"],
                     dt.date(2026, 11, 2), services.settings.actor)


def test_ten_percent_faults_give_the_clean_result(sandbox_factory, product, demo_fixture, tmp_path):
    clean = sandbox_factory(demo_fixture, quota=False)
    clean_items = run_search(s := product(clean), _case(s, demo_fixture).ref, s.settings.actor)
    faulty = sandbox_factory(demo_fixture, quota=False,
                             faults="429=0.03,500=0.02,503=0.03,403=0.01,drop=0.01,seed=5")
    services = product(faulty)
    items = run_search(services, _case(services, demo_fixture).ref, services.settings.actor)
    injected = requests.get(faulty.url + "/_sandbox/faults", timeout=5).json()["injected"]
    assert sum(injected.values()) >= 5, injected
    assert _keys(items) == _keys(clean_items)


def test_killed_search_resumes_without_gaps_or_duplicates(sandbox_factory, product, demo_fixture):
    clean = sandbox_factory(demo_fixture, quota=False)
    s0 = product(clean)
    want = _keys(run_search(s0, _case(s0, demo_fixture).ref, s0.settings.actor))

    server = sandbox_factory(demo_fixture, quota=False, faults="latency@gmail.users.messages.get=120")
    services = product(server)
    ref = _case(services, demo_fixture).ref
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "addon.cli", "search", ref, "--workers", "1", "--json"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 60
    try:
        while time.time() < deadline:  # kill it once some, but not all, messages were fetched
            if fetched_so_far(services.store, ref) >= 1:
                break
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    job = services.store.job(f"search:{ref}:0")
    assert job["status"] == "running", "the kill left an unfinished job"
    before = len(services.store.results(ref))
    items = run_search(services, ref, services.settings.actor)
    assert _keys(items) == want
    assert len(items) == len({json.dumps(k) for k in _keys(items)})
    assert len(items) >= before
