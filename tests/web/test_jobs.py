"""The add-on's background job runner, on a real case store (SQLite, sealed under real case keys)."""
from __future__ import annotations

import threading

import pytest

from addon.cases.store import CaseStore
from addon.web.jobs import JobRunner
from audit.trail import open_trail

from .conftest import wait_for


@pytest.fixture
def store(tmp_path):
    from addon.config import Settings

    trail = open_trail(Settings(home=tmp_path))
    yield CaseStore(tmp_path / "cases.db", trail.keys)
    trail.close()


def test_job_runs_after_submit_returns_and_keeps_progress(store):
    runner = JobRunner(store, min_interval=0.0)
    release = threading.Event()

    def work(report):
        report({"progress": {"units_done": 1, "units_total": 2}})
        release.wait(5)
        report({"progress": {"units_done": 2, "units_total": 2}})
        return {"items": 7}

    job_id = runner.submit("addon-search", "DSAR-2025-0001", work)
    seen = wait_for(lambda: (runner.status(job_id) or {}).get("state", {}).get("progress"))
    assert seen == {"units_done": 1, "units_total": 2}
    assert runner.status(job_id)["status"] == "running"
    release.set()
    done = runner.wait(job_id, timeout=5)
    assert done["status"] == "done" and done["state"]["result"] == {"items": 7}
    assert done["state"]["progress"]["units_done"] == 2
    assert runner.latest("addon-search", "DSAR-2025-0001")["id"] == job_id
    runner.shutdown(wait=True)


def test_failure_is_recorded_with_its_message(store):
    runner = JobRunner(store)

    def work(report):
        raise RuntimeError("quota exhausted for gmail")

    job_id = runner.submit("addon-search", "DSAR-2025-0002", work)
    job = runner.wait(job_id, timeout=5)
    assert job["status"] == "failed" and job["error"] == "quota exhausted for gmail"
    runner.shutdown(wait=True)


def test_one_live_job_per_case_and_kind(store):
    runner = JobRunner(store)
    release = threading.Event()
    first = runner.submit("addon-search", "DSAR-2025-0003", lambda report: release.wait(5) and {})
    again = runner.submit("addon-search", "DSAR-2025-0003", lambda report: {})
    other = runner.submit("addon-search", "DSAR-2025-0004", lambda report: {})
    assert again == first and other != first
    release.set()
    runner.wait(first, timeout=5)
    assert runner.submit("addon-search", "DSAR-2025-0003", lambda report: {}) != first  # finished: a new run
    runner.shutdown(wait=True)


def test_a_job_cut_off_by_a_restart_shows_as_interrupted(store):
    store.save_job("addon-search-DSAR-2025-0005-00", "DSAR-2025-0005", "addon-search", "running", {"progress": {}})
    restarted = JobRunner(store)
    assert restarted.status("addon-search-DSAR-2025-0005-00")["status"] == "interrupted"
    assert restarted.status("no-such-job") is None
    restarted.shutdown()


def test_progress_writes_are_throttled(store, monkeypatch):
    writes = []
    real = store.save_job
    monkeypatch.setattr(store, "save_job", lambda *a, **kw: (writes.append(a[3]), real(*a, **kw)))
    runner = JobRunner(store, min_interval=60)

    def work(report):
        for i in range(500):
            report({"progress": {"fetched": i}})
        return {}

    job = runner.wait(runner.submit("addon-search", "DSAR-2025-0006", work), timeout=5)
    assert job["state"]["progress"] == {"fetched": 499}  # the last value is kept in the final record
    assert writes.count("running") <= 2 and writes[-1] == "done"
    runner.shutdown(wait=True)
