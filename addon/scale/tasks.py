"""Celery tasks: one per mailbox and one per Drive of a case's search, a chord callback that closes the
job, and the minute checkpoint.

A unit task is safe to run any number of times: it takes a lease on its unit (a Redis key renewed while
it runs), resumes from the unit's checkpoint in the job store, stores results idempotently by item key,
and marks the unit done last. A worker killed mid-task loses at most the page or batch since the last
checkpoint; its message is delivered again (late acks) and the next worker continues. A copy delivered
while the unit is still leased waits and retries, so one unit never runs twice at once.
"""
from __future__ import annotations

import os
import secrets
import threading
from typing import Any

from celery.exceptions import Retry

from audit.context import acting
from audit.errors import CallRefused, CaseKeyError

from ..errors import ConfigError, NotFound
from ..search.job_ids import UNIT_KIND, job_id, unit_job_id  # the in-process engine's names: either resumes the other
from . import broker_url, redis_prefix
from .celery_app import app

MAX_FAILURES = 5  # attempts of one unit after errors (each resumes from its checkpoint)
PERMANENT = (CallRefused, ConfigError, NotFound, CaseKeyError)

_services = None
_services_lock = threading.Lock()


def services():
    """This worker process's services (opened lazily, after the pool forks)."""
    global _services
    with _services_lock:
        if _services is None:
            from ..services import open_services

            _services = open_services()
        return _services


def unit_task_id(job: str, key: str) -> str:
    return f"dsar:{job}/{key}"


# -- leases ------------------------------------------------------------------------------------------
_clients: dict[str, Any] = {}


def _redis():
    """One Redis client (and connection pool) per broker URL in this process."""
    import redis

    url = broker_url()
    if url not in _clients:
        _clients[url] = redis.Redis.from_url(url)
    return _clients[url]


_RENEW = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0"
_RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"


class Lease:
    """A Redis lease on one unit, renewed by a thread while held; lapses ``ttl`` seconds after a kill."""

    def __init__(self, name: str, ttl: float | None = None, client=None) -> None:
        self.client = client or _redis()
        self.key = f"{redis_prefix()}lease:{name}"
        self.ttl = ttl or float(os.environ.get("DSAR_LEASE_SECONDS", "60"))
        self.token = secrets.token_hex(8)
        self.held = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> "Lease":
        ms = int(self.ttl * 1000)
        self.held = bool(self.client.set(self.key, self.token, nx=True, px=ms))
        if self.held:
            self._thread = threading.Thread(target=self._renew, args=(ms,), daemon=True, name="dsar-lease")
            self._thread.start()
        return self

    def _renew(self, ms: int) -> None:
        while not self._stop.wait(self.ttl / 3):
            try:
                self.client.eval(_RENEW, 1, self.key, self.token, ms)
            except Exception:  # Redis away for a moment: the next renewal tries again
                pass

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        if self.held:
            try:
                self.client.eval(_RELEASE, 1, self.key, self.token)
            except Exception:  # it lapses by itself after ttl
                pass


# -- building a unit -----------------------------------------------------------------------------
def build_unit(svc, case, key: str, state: dict, save, emit, shared_drives: dict | None = None,
               accounts: list[str] | None = None):
    """The GmailUnit or DriveUnit for ``key`` ("gmail:<account>" / "drive:<account>" / "shared:<drive id>",
    the last searched by the account the parent job chose for it) of ``case``."""
    from scopes import registry

    from ..queries import drive as drive_queries
    from ..queries import gmail as gmail_queries
    from ..search.drive import DriveUnit
    from ..search.engine import DRIVE_OPS, GMAIL_OPS, SHEETS_OPS
    from ..search.gmail import GmailUnit
    from ..subjects.matching import Matcher

    from ..search.sources import build_unit as source_unit, is_source_key

    if is_source_key(key):  # Calendar, Contacts, Chat, Forms (addon/search/sources.py)
        return source_unit(svc.clients, svc.settings, case.subject, Matcher(case.subject), key, list(accounts or []),
                           state, save, emit)
    kind, account = key.split(":", 1)
    shared = None
    if kind == "shared":
        d = (shared_drives or {}).get(account)
        if d is None:
            raise ConfigError(f"search unit {key!r}: the job does not list that shared drive")
        kind, shared, account = "drive", {"id": account, "name": d["name"]}, d["account"]
    matcher = Matcher(case.subject)
    clients = svc.clients
    if kind == "gmail":
        gmail = clients.gmail(account, registry.scopes_for_operations(GMAIL_OPS))
        return GmailUnit(account, gmail, gmail_queries.queries_for(case.subject), matcher, state, save, emit)
    if kind == "drive":
        drive = clients.drive(account, registry.scopes_for_operations(DRIVE_OPS))
        sheets = clients.sheets(account, registry.scopes_for_operations(SHEETS_OPS))
        from ..search.reuse import Reuse

        return DriveUnit(account, drive, sheets, drive_queries.queries_for(case.subject), matcher, state, save, emit,
                         shared_drive=shared, pacer=getattr(getattr(clients, "seam", None), "pacer", None),
                         reuse=Reuse.from_state(state.get("carry")))  # seeded by dispatch on a re-search
    raise ConfigError(f"search unit {key!r}: the kind must be gmail, drive or shared")


def summary(key: str, status: str, state: dict, error: str | None = None) -> dict:
    return {"unit": key, "status": status, "items": state.get("_items", 0), "error": error}


@app.task(bind=True, name="dsar.search_unit", acks_late=True, reject_on_worker_lost=True, max_retries=None)
def search_unit(self, ref: str, run_no: int, key: str, actor: str) -> dict:
    from ..search.service import search_purpose

    svc = services()
    store = svc.store
    uid = unit_job_id(job_id(ref, run_no), key)
    with Lease(uid) as lease:
        if not lease.held:  # another worker holds it (a redelivered copy): wait for it to finish or lapse
            raise self.retry(countdown=max(1.0, lease.ttl / 2))
        saved = store.job(uid)
        if saved and saved["status"] == "done":
            return summary(key, "done", saved["state"])
        state = saved["state"] if saved else {}
        store.save_job(uid, ref, UNIT_KIND, "running", state)

        def save(st: dict) -> None:
            store.save_job(uid, ref, UNIT_KIND, "running", st)

        from ..review.service import suppression

        suppress = suppression(store, ref)  # not-a-match decisions of this case

        def emit(items: list[dict]) -> None:
            state["_items"] = state.get("_items", 0) + store.add_results(ref, suppress(items), run_no)

        try:
            case = store.get(ref)
            if case.subject is None:
                raise ConfigError(f"case: {ref}'s identifiers were shredded; it cannot be searched again")
            parent = store.job(job_id(ref, run_no)) or {"state": {}}
            unit = build_unit(svc, case, key, state, save, emit, parent["state"].get("shared_drives"),
                              accounts=parent["state"].get("accounts"))
            with acting(search_purpose(case, actor, case.status)):
                unit.run()
        except Retry:
            raise
        except Exception as e:
            failures = state.get("_failures", 0) + 1
            state["_failures"] = failures
            message = f"{type(e).__name__}: {e}"
            if isinstance(e, PERMANENT) or failures >= MAX_FAILURES:
                store.save_job(uid, ref, UNIT_KIND, "failed", state, error=message)
                return summary(key, "failed", state, message)
            store.save_job(uid, ref, UNIT_KIND, "retrying", state, error=message)
            raise self.retry(countdown=min(60, 2 ** failures))
        state.pop("_failures", None)
        state.pop("carry", None)  # the last run's rows were emitted again or read afresh; the ledger stays
        state["finished"] = True
        store.save_job(uid, ref, UNIT_KIND, "done", state)
        return summary(key, "done", state)


@app.task(bind=True, name="dsar.finish_search", acks_late=True, max_retries=None)
def finish_search(self, _results: list | None, ref: str, run_no: int, actor: str) -> dict:
    """Chord callback: close the job once every unit is done or failed (the store decides, not the
    chord's counter, so a task delivered twice can never close a job early)."""
    from .fanout import finish

    out = finish(services(), ref, run_no, actor)
    if out["status"] == "running":
        raise self.retry(countdown=2)
    return out


@app.task(name="dsar.checkpoint")
def checkpoint() -> dict | None:
    cp = services().trail.checkpoint()
    return {"size": cp.size, "time": cp.time} if cp else None
