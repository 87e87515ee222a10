"""Background jobs for the add-on: a sidebar request must answer in seconds, a case's search takes
minutes. :class:`JobRunner` runs the work on a small thread pool after the card has returned and keeps
each job's status in the case store (``CaseStore.save_job``/``job``), so a Refresh, another worker
thread or a restarted server all read the same record.

A job this process did not start and that still says "running" was cut off by a restart; it is shown as
"interrupted" (the search itself is resumable: starting it again continues from its checkpoints).
"""
from __future__ import annotations

import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from ..cases.store import CaseStore

Report = Callable[[dict[str, Any]], None]
JobFn = Callable[[Report], dict[str, Any]]
LIVE = ("queued", "running")


class JobRunner:
    """``submit(kind, ref, fn)``: ``fn(report)`` runs on a worker; ``report(state)`` publishes progress
    (saved at most every ``min_interval`` seconds); its return value is the finished job's ``result``."""

    def __init__(self, store: CaseStore, workers: int = 2, min_interval: float = 0.5) -> None:
        self.store = store
        self.min_interval = min_interval
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="dsar-job")
        self._mine: dict[str, str] = {}  # job id -> status, for jobs this process started
        self._by_key: dict[tuple[str, str], str] = {}  # (kind, ref) -> job id of a live job
        self._lock = threading.Lock()

    def submit(self, kind: str, ref: str, fn: JobFn) -> str:
        """Start a job, or return the live one already running ``kind`` for ``ref`` (one search per case)."""
        with self._lock:
            live = self._by_key.get((kind, ref))
            if live and self._mine.get(live) in LIVE:
                return live
            job_id = f"{kind}-{ref}-{secrets.token_hex(4)}"
            self._mine[job_id] = "queued"
            self._by_key[(kind, ref)] = job_id
        state: dict[str, Any] = {"submitted": time.time()}
        self.store.save_job(job_id, ref, kind, "queued", state)
        self._pool.submit(self._run, job_id, kind, ref, fn, state)
        return job_id

    def _run(self, job_id: str, kind: str, ref: str, fn: JobFn, state: dict[str, Any]) -> None:
        last = 0.0
        lock = threading.Lock()

        def report(update: dict[str, Any]) -> None:
            nonlocal last
            with lock:
                state.update(update)
                now = time.monotonic()
                if now - last < self.min_interval:
                    return
                last = now
                self.store.save_job(job_id, ref, kind, "running", state)

        self._set(job_id, "running")
        state["started"] = time.time()
        self.store.save_job(job_id, ref, kind, "running", state)
        try:
            result = fn(report)
        except Exception as e:  # shown on the job card; the search's own checkpoints stay for a resume
            with lock:
                state["finished"] = time.time()
                self.store.save_job(job_id, ref, kind, "failed", state, error=str(e) or type(e).__name__)
            self._set(job_id, "failed")
            return
        with lock:
            state["finished"] = time.time()
            state["result"] = result
            self.store.save_job(job_id, ref, kind, "done", state)
        self._set(job_id, "done")

    def _set(self, job_id: str, status: str) -> None:
        with self._lock:
            self._mine[job_id] = status

    def status(self, job_id: str) -> dict[str, Any] | None:
        """The stored job, with "interrupted" for a live-looking job no worker of this process runs."""
        job = self.store.job(job_id)
        if job is None:
            return None
        with self._lock:
            mine = job_id in self._mine
        if job["status"] in LIVE and not mine:
            job["status"] = "interrupted"
        return job

    def latest(self, kind: str, ref: str) -> dict[str, Any] | None:
        """The most recent job of ``kind`` for a case (what the case card links to)."""
        ids = [j["id"] for j in self.store.jobs(ref) if j["kind"] == kind]
        return self.status(ids[-1]) if ids else None

    def wait(self, job_id: str, timeout: float) -> dict[str, Any] | None:
        """Block until the job has finished (for the CLI and tests); returns its status."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self._mine.get(job_id) not in LIVE:
                    break
            time.sleep(0.05)
        return self.status(job_id)

    def shutdown(self, wait: bool = False) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=not wait)
