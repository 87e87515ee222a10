"""Fanning a case's search out to the workers and gathering it back.

:func:`dispatch` does what ``run_search`` does before searching (role, case status, accounts in scope),
records the job, and sends one task per mailbox and per Drive as a chord whose callback is
:func:`finish`. The job store is the single source of truth: each unit has its own job row
(``search:REF:RUN/gmail:ACCOUNT``) holding its checkpoint, so workers never write the same row, and
:func:`progress` reads those rows. The parent row keeps the in-process engine's shape
(``{"units": {key: unit state}}``), so ``dsar search REF`` without ``--queue`` can resume a queued job
and the other way round.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from ..errors import NotFound
from ..search.engine import Progress, SearchFailed
from .tasks import UNIT_KIND, job_id, unit_job_id, unit_task_id

KINDS = ("gmail", "drive")
TERMINAL = ("done", "failed")


def unit_keys(state: dict) -> list[str]:
    """Every unit of a queued job: a mailbox and a Drive per account, then one per shared drive (listed
    once at dispatch and kept in the parent row, as the in-process engine does)."""
    from ..search.sources import unit_keys as source_keys  # Calendar, Contacts, Chat per user; Forms once

    return ([f"{kind}:{acct}" for acct in state.get("accounts", []) for kind in KINDS]
            + [f"shared:{drive_id}" for drive_id in state.get("shared_drives", {})]
            + source_keys(state.get("sources", ()), state.get("accounts", [])))


@dataclass
class Dispatched:
    ref: str
    run_no: int
    job_id: str
    units: list[str]
    queued: list[str]
    group_id: str | None = None
    result: dict | None = field(default=None)  # set when nothing was left to run


def dispatch(services, ref: str, actor: str, *, accounts: list[str] | None = None, run_no: int = 0,
             app=None) -> Dispatched:
    from celery import chord

    from ..search.reuse import now_iso, previous_by_unit
    from ..search.service import accounts_in_scope, begin_search, search_purpose

    if app is None:
        from .celery_app import current_app_for_env

        app = current_app_for_env()

    store = services.store
    ref = ref.strip().upper()
    case, role = begin_search(services, ref, actor)
    jid = job_id(ref, run_no)
    saved = store.job(jid)
    if saved and saved["status"] == "running" and saved["state"].get("mode") == "queue" and _active(store, ref):
        # workers are on it: follow it rather than send every unit twice
        return Dispatched(ref, run_no, jid, [], [])
    fresh = saved is None or saved["status"] == "done"
    carry = previous_by_unit(store, jid, ref, run_no, saved)  # this case's own unchanged spreadsheets
    if saved and saved["status"] == "done":
        store.clear_results(ref, run_no)  # a fresh run of a finished search, as the engine does
    if accounts is None:
        accounts = (saved or {}).get("state", {}).get("accounts") if not fresh else None
        accounts = accounts or accounts_in_scope(services, search_purpose(case, actor, case.status))
    shared = (saved or {}).get("state", {}).get("shared_drives") if not fresh else None
    if shared is None:
        shared = _list_shared_drives(services, case, actor, accounts)
    from ..search.coverage import enabled_sources

    sources = list(enabled_sources(services.settings))
    units = unit_keys({"accounts": accounts, "shared_drives": shared, "sources": sources})
    parent_units = {} if fresh else dict((saved or {}).get("state", {}).get("units", {}))
    queued: list[str] = []
    for key in units:
        uid = unit_job_id(jid, key)
        row = store.job(uid)
        if fresh or row is None:
            seed = {} if fresh else dict(parent_units.get(key, {}))  # an in-process run's checkpoint
            if fresh and key in carry:
                seed["carry"] = carry[key].as_state()
            status = "done" if seed.get("finished") else "queued"
            store.save_job(uid, ref, UNIT_KIND, status, seed)
            row = {"status": status}
        if row["status"] != "done":
            if row["status"] == "failed":
                store.save_job(uid, ref, UNIT_KIND, "queued", store.job(uid)["state"])
            queued.append(key)
    started = (not fresh and saved["state"].get("started_at")) or now_iso()  # a resumed run keeps its start
    store.save_job(jid, ref, "search", "running",
                   {"units": parent_units, "accounts": accounts, "shared_drives": shared, "mode": "queue",
                    "actor": actor, "sources": sources, "started_at": started})
    out = Dispatched(ref, run_no, jid, units, queued)
    if not queued:
        out.result = finish(services, ref, run_no, actor)
        return out
    header = [app.signature("dsar.search_unit", args=(ref, run_no, key, actor), task_id=unit_task_id(jid, key))
              for key in queued]
    res = chord(header)(app.signature("dsar.finish_search", args=(ref, run_no, actor)))
    out.group_id = getattr(res.parent, "id", None)
    consumer = getattr(res.backend, "result_consumer", None)
    for r in [res, *(getattr(res.parent, "results", None) or [])]:
        try:  # progress comes from the job rows: stop listening for the tasks' results
            consumer.cancel_for(r.id)
        except Exception:  # a backend without result subscriptions
            pass
    return out


def _list_shared_drives(services, case, actor: str, accounts: list[str]) -> dict[str, dict]:
    from audit.context import acting
    from scopes import registry

    from ..search.drive import list_shared_drives
    from ..search.engine import SHARED_DRIVES_OPS
    from ..search.service import search_purpose

    scopes = registry.scopes_for_operations(SHARED_DRIVES_OPS)
    with acting(search_purpose(case, actor, case.status)):
        return list_shared_drives(lambda a: services.clients.drive(a, scopes), accounts)


def _active(store, ref: str) -> bool:
    """Did any of the case's job rows change within the visibility timeout? (Else its tasks were lost:
    the broker was emptied, or every worker died and redelivery is off; then it is sent again.)"""
    import datetime as dt

    from .celery_app import visibility_timeout

    latest = max((j["updated_at"] for j in store.jobs(ref)), default=None)
    if latest is None:
        return False
    age = dt.datetime.now(dt.timezone.utc) - dt.datetime.fromisoformat(latest)
    return age.total_seconds() < visibility_timeout()


def unit_rows(store, ref: str, run_no: int, units: list[str]) -> dict[str, dict]:
    jid = job_id(ref, run_no)
    return {key: store.job(unit_job_id(jid, key)) or {"status": "missing", "state": {}} for key in units}


def finish(services, ref: str, run_no: int, actor: str) -> dict:
    """Close the job if every unit is terminal: merge the unit checkpoints into the parent row, mark it
    done (or failed, naming the units), move the case to review, sign a checkpoint. Idempotent."""
    store = services.store
    jid = job_id(ref, run_no)
    parent = store.job(jid)
    if parent is None:
        raise NotFound(f"job {jid}: no such search job")
    if parent["status"] in TERMINAL:
        return {"ref": ref, "status": parent["status"], "error": parent.get("error")}
    state = parent["state"]
    units = unit_keys(state)
    rows = unit_rows(store, ref, run_no, units)
    if any(r["status"] not in TERMINAL for r in rows.values()):
        return {"ref": ref, "status": "running"}
    state["units"] = {key: r["state"] for key, r in rows.items()}
    failed = {key: r.get("error") or "failed" for key, r in rows.items() if r["status"] == "failed"}
    if failed:
        error = "; ".join(f"{k}: {v}" for k, v in list(failed.items())[:5])
        store.save_job(jid, ref, "search", "failed", state, error=error)
        return {"ref": ref, "status": "failed", "error": error}
    store.save_job(jid, ref, "search", "done", state)
    store.transition(ref, "review", actor, "system", only_from="searching")  # a second closer changes nothing
    checkpoint = getattr(services.trail, "checkpoint", None)
    if checkpoint:
        checkpoint()
    return {"ref": ref, "status": "done", "error": None}


class ProgressReader:
    """Progress of a queued job from the job rows; finished units are read once and remembered."""

    def __init__(self, store, ref: str, run_no: int = 0) -> None:
        self.store, self.ref, self.run_no = store, ref, run_no
        self._final: dict[str, dict] = {}

    def read(self) -> tuple[str, Progress, str | None]:
        parent = self.store.job(job_id(self.ref, self.run_no))
        if parent is None:
            raise NotFound(f"case {self.ref}: no search job (run 'dsar search {self.ref} --queue')")
        state = parent["state"]
        units = unit_keys(state)
        p = Progress(units_total=len(units))
        jid = job_id(self.ref, self.run_no)
        for key in units:
            row = self._final.get(key) or self.store.job(unit_job_id(jid, key)) or {"status": "missing", "state": {}}
            if row["status"] == "done":
                self._final[key] = row
            st = row["state"]
            p.units_done += row["status"] in TERMINAL
            p.items += st.get("_items", 0)
            if key.startswith("gmail:"):
                p.candidates += len(st.get("candidates", []))
                p.fetched += len(st.get("done", []))
            else:
                listed = {f["id"] for name, e in st.get("lists", {}).items() if name != "folders" for f in e.get("files", [])}
                p.candidates += len(listed)
                p.fetched += len(st.get("done", []))
        return parent["status"], p, parent.get("error")


def follow(services, ref: str, run_no: int = 0, *, on_progress: Callable[[Progress], None] = lambda p: None,
           poll: float = 1.0, timeout: float | None = None) -> list[dict]:
    """Wait for a queued job, reporting progress; the results, or :class:`SearchFailed` naming the units."""
    reader = ProgressReader(services.store, ref, run_no)
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        status, p, error = reader.read()
        if status == "running" and p.units_total and p.units_done == p.units_total:
            actor = services.store.job(job_id(ref, run_no))["state"].get("actor", "system:search")
            finish(services, ref, run_no, actor)  # the chord's callback may be lost; closing is idempotent
            status, p, error = reader.read()
        on_progress(p)
        if status == "done":
            return services.store.results(ref, run_no)
        if status == "failed":
            raise SearchFailed(f"search of {ref} did not finish ({error}); run 'dsar search {ref} --queue' "
                               "again to resume the failed parts")
        if deadline is not None and time.monotonic() > deadline:
            raise SearchFailed(f"search of {ref} is still running after {timeout:.0f}s; "
                               f"'dsar search {ref} --queue' shows its progress again")
        time.sleep(poll)
