"""A case's search as a resumable job: one unit per mailbox and per Drive, run concurrently across users
(each user's quota paced by the seam), every unit checkpointed in the case store. Re-running a job that
was killed continues each unit where its checkpoint says; results are stored idempotently."""
from __future__ import annotations

import contextvars
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, Callable

from googleapiclient.errors import HttpError

from audit.context import Purpose, acting
from scopes import registry

from ..errors import GoogleError, Interrupted
from .coverage import units_phrase
from .drive import DriveUnit, list_shared_drives
from .gmail import GmailUnit
from .job_ids import UNIT_KIND, job_id, unit_job_id
from .reuse import now_iso, previous_run

GMAIL_OPS = ("gmail.search", "gmail.read_full")
DRIVE_OPS = ("drive.search", "drive.read", "drive.export")
SHEETS_OPS = ("sheets.read",)
SHARED_DRIVES_OPS = ("drives.list",)


class SearchFailed(GoogleError):
    """Some units could not finish; the job is saved and ``dsar search REF`` resumes it."""


class _Stopped(Exception):
    """Raised inside a unit at its next checkpoint (just after it was saved) once the user pressed Ctrl-C."""


#: Job status of a search the user interrupted; ``dsar search REF`` resumes it.
INTERRUPTED = "interrupted"
#: How often a running job's own row is rewritten (each unit checkpoints into a row of its own)
PARENT_EVERY_S = 1.0


@dataclass
class Progress:
    """Counts the CLI and the add-on show while a job runs."""

    units_total: int = 0
    units_done: int = 0
    candidates: int = 0
    fetched: int = 0
    items: int = 0
    last_unit: str = ""  # the unit that finished last ("gmail:a@x"), for plain progress lines
    started: float = field(default_factory=time.time)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, n: int) -> None:
        with self.lock:
            setattr(self, kind, getattr(self, kind) + n)

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("units_total", "units_done", "candidates", "fetched", "items", "started")}


def finished_summary(unit: dict) -> dict:
    """What the job row keeps of a finished unit (its full checkpoint is in ``search:REF:RUN/KEY``)."""
    sheets = len(((unit.get("lists") or {}).get("sheets") or {}).get("files", []))
    return {"finished": True, "spreadsheets": sheets, **({"routes": unit["routes"]} if unit.get("routes") else {})}


def describe_failure(e: Exception) -> str:
    """A failure in words that carry no subject data (an HttpError's URL holds the query)."""
    if isinstance(e, HttpError):
        try:
            reason = e._get_reason()  # Google's message, not the URL
        except Exception:
            reason = ""
        return f"HTTP {e.resp.status} {reason[:120]}".strip()
    return f"{type(e).__name__}: {str(e)[:200]}"


@dataclass
class SearchJob:
    ref: str
    store: Any  # CaseStore
    clients: Any  # addon.clients.Clients
    matcher: Any
    gmail_queries: list[str]
    drive_queries: list[str]
    accounts: list[str]
    purpose: Purpose
    run_no: int = 0
    workers: int = 4
    on_progress: Callable[[Progress], None] = lambda p: None
    progress: Progress = field(default_factory=Progress)
    #: Drive file ids left out: the DSAR tracker is the organisation's record of requests (UK GDPR Art. 5(2)),
    #: kept under its own retention, not part of the data searched for or erased.
    exclude_files: frozenset[str] = frozenset()
    #: Drops items staff marked "not a match" for this case (addon/review/service.py ``suppression``), so the
    #: same false hit does not come back in a re-search.
    suppress: Callable[[list[dict]], list[dict]] = lambda items: items
    #: Sources searched (addon/search/coverage.py): Gmail, Drive and Sheets always; Calendar, Contacts, Chat
    #: and Forms only when the organisation enabled them (addon/search/sources.py builds their units).
    sources: tuple[str, ...] = ("gmail", "drive", "sheets")
    subject: Any = None  # the case's subject (the Calendar queries are built from it)
    settings: Any = None

    @property
    def job_id(self) -> str:
        return job_id(self.ref, self.run_no)

    def run(self) -> list[dict]:
        saved = self.store.job(self.job_id)
        resuming = bool(saved and saved["status"] != "done")
        state = saved["state"] if resuming else {"units": {}, "started_at": now_iso()}
        state.setdefault("started_at", now_iso())
        self.reuse = previous_run(self.store, self.job_id, self.ref, self.run_no, saved)  # this case's own only
        if saved and saved["status"] == "done":
            self.store.clear_results(self.ref, self.run_no)  # a fresh run of a finished search
        lock = threading.Lock()
        stop = threading.Event()
        live: dict[str, dict] = {}  # each running unit's checkpoint: saved in its own row, not the job's
        parent_saved = 0.0

        def save_parent(status: str, force: bool = False) -> None:
            """The job row: small (finished units' summaries), and at most once a second while running,
            since a resume reads each unit's own row."""
            nonlocal parent_saved
            if force or time.monotonic() - parent_saved >= PARENT_EVERY_S:
                self.store.save_job(self.job_id, self.ref, "search", status, state)
                parent_saved = time.monotonic()

        def save(key: str) -> Callable[[dict], None]:
            def _save(unit_state: dict) -> None:
                with lock:
                    live[key] = unit_state
                    self.store.save_job(unit_job_id(self.job_id, key), self.ref, UNIT_KIND,
                                        INTERRUPTED if stop.is_set() else "running",
                                        {**unit_state, "run": state["started_at"]})
                if stop.is_set():  # saved: the unit stops here and resumes from this checkpoint
                    raise _Stopped()
            return _save

        def emit(items: list[dict]) -> None:
            items = self.suppress(items)
            self.progress.add("items", self.store.add_results(self.ref, items, self.run_no))
            self.on_progress(self.progress)

        def prog(kind: str, n: int) -> None:
            self.progress.add(kind, n)
            self.on_progress(self.progress)

        def pending(key: str) -> dict | None:
            """The unit's checkpoint to go on from, or None when it is finished."""
            ust = self._resume_point(state, key) if resuming else {}
            state["units"][key] = finished_summary(ust) if ust.get("finished") else {}
            if ust.get("finished"):
                return None
            live[key] = ust
            return ust

        from .sources import build_unit as source_unit, unit_keys as source_keys

        shared = self._shared_drives(state)
        keys = [f"{kind}:{acct}" for acct in self.accounts for kind in ("gmail", "drive")]
        keys += [f"shared:{drive_id}" for drive_id in shared] + source_keys(self.sources, self.accounts)
        units = [key for key in keys if pending(key) is not None]  # keys only: each unit is built when submitted

        def build(key: str) -> Callable[[], None]:
            ust, (kind, rest) = live[key], key.split(":", 1)
            if kind in ("gmail", "drive"):
                return self._unit(kind, rest, ust, save(key), emit, prog)
            if kind == "shared":
                return self._unit("drive", shared[rest]["account"], ust, save(key), emit, prog,
                                  shared={"id": rest, "name": shared[rest]["name"]})
            return lambda: source_unit(self.clients, self.settings, self.subject, self.matcher, key, self.accounts,
                                       ust, save(key), emit, prog).run()

        self.progress.units_total = len(units)
        save_parent("running", force=True)
        failures: list[str] = []

        def settle(fut, key: str) -> None:
            try:
                fut.result()
            except _Stopped:
                return
            except Exception as e:  # reported together; the job stays resumable
                failures.append(f"{key}: {describe_failure(e)}")
                return
            with lock:  # the unit's own row says it is done; the job row keeps a summary
                unit = live.pop(key, {})
                self.store.save_job(unit_job_id(self.job_id, key), self.ref, UNIT_KIND, "done",
                                    {**unit, "finished": True, "run": state["started_at"]})
                state["units"][key] = finished_summary(unit)
                save_parent(INTERRUPTED if stop.is_set() else "running")
            self.progress.add("units_done", 1)
            self.progress.last_unit = key
            self.on_progress(self.progress)

        pool = ThreadPoolExecutor(max_workers=self.workers)
        try:
            with acting(self.purpose):
                queue, futures = iter(units), {}

                def top_up() -> None:
                    """Build and submit units as others finish, a few ahead of the pool: at 10,000 units, a
                    future and closures each made at once would be memory that grows with the organisation."""
                    while len(futures) < self.workers * 2 and (key := next(queue, None)) is not None:
                        futures[pool.submit(contextvars.copy_context().run, build(key))] = key

                try:
                    top_up()
                    while futures:
                        done, _ = wait(futures, return_when=FIRST_COMPLETED)
                        for fut in done:
                            settle(fut, futures.pop(fut))
                        top_up()
                except KeyboardInterrupt:
                    stop.set()
                    self._interrupted(pool, futures, settle, state, lock)
        finally:
            pool.shutdown(wait=True)
        if failures:
            self.store.save_job(self.job_id, self.ref, "search", "failed", state, error="; ".join(failures))
            raise SearchFailed(
                f"search of {self.ref} did not finish ({len(failures)} of {len(units)} parts failed; "
                f"run 'dsar search {self.ref}' again to resume): " + "; ".join(failures[:3])
            )
        self.store.save_job(self.job_id, self.ref, "search", "done", state)
        return self.store.results(self.ref, self.run_no)

    def _resume_point(self, state: dict, key: str) -> dict:
        """A resumed unit's last checkpoint: its own row when this run wrote one, else what the job row
        held (checkpoints written before units had rows of their own)."""
        row = self.store.job(unit_job_id(self.job_id, key))
        if row and (row.get("state") or {}).get("run") == state["started_at"]:
            ust = dict(row["state"])
            ust.pop("run", None)
            return {**ust, "finished": True} if row["status"] == "done" else ust
        return dict(state["units"].get(key) or {})

    def _shared_drives(self, state: dict) -> dict[str, dict]:
        """The shared drives any account in scope belongs to, listed once per job and kept in its state, so
        a resumed job searches the same ones."""
        if "shared_drives" not in state:
            scopes = registry.scopes_for_operations(SHARED_DRIVES_OPS)
            with acting(self.purpose):
                state["shared_drives"] = list_shared_drives(lambda a: self.clients.drive(a, scopes), self.accounts,
                                                             self.workers)
        return state["shared_drives"]

    def _interrupted(self, pool, futures: dict, settle, state: dict, lock) -> None:
        """Ctrl-C: cancel the units not started, let the running ones stop at their next checkpoint (a
        second Ctrl-C stops waiting), save the job as interrupted and say how to resume."""
        pool.shutdown(wait=False, cancel_futures=True)
        pending = {f for f in futures if not f.cancelled()}
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    if not fut.cancelled():
                        settle(fut, futures[fut])
        except KeyboardInterrupt:
            pass
        with lock:
            self.store.save_job(self.job_id, self.ref, "search", INTERRUPTED, state,
                                error="interrupted by the user (Ctrl-C)")
        left = sum(1 for u in state["units"].values() if not u.get("finished"))
        raise Interrupted(f"interrupted: run the same command to resume ('dsar search {self.ref}'); "
                          f"{len(state['units']) - left} of {len(state['units'])} {units_phrase(state['units'])} are "
                          "finished, the others continue where they stopped") from None

    def _unit(self, kind, acct, ust, save, emit, prog, shared: dict | None = None) -> Callable[[], None]:
        clients = self.clients
        if kind == "gmail":
            def run() -> None:
                svc = clients.gmail(acct, registry.scopes_for_operations(GMAIL_OPS))
                GmailUnit(acct, svc, self.gmail_queries, self.matcher, ust, save, emit, prog).run()
        else:
            def run() -> None:
                drive = clients.drive(acct, registry.scopes_for_operations(DRIVE_OPS))
                sheets = clients.sheets(acct, registry.scopes_for_operations(SHEETS_OPS))
                DriveUnit(acct, drive, sheets, self.drive_queries, self.matcher, ust, save, emit, prog,
                          exclude=self.exclude_files, shared_drive=shared, reuse=getattr(self, "reuse", None),
                          pacer=getattr(getattr(clients, "seam", None), "pacer", None)).run()
        return run
