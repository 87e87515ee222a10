"""Re-searching a case: a spreadsheet unchanged since the case's last completed search is not read again;
its rows found then are carried over, in one process (:func:`previous_run`) or by the workers of a
queued search (:func:`previous_by_unit`: each unit's share is seeded into its job row as ``carry``).

Only within one case: the previous run is found by the case's own job id (``search:REF:RUN``), and its
results are the case's own, sealed under the case's key. A spreadsheet is carried over only when the
previous run read it (its id and ``modifiedTime`` are in that run's ledger), its ``modifiedTime`` is the
same now, and that time is before the previous search started (less a margin for clock skew between
Google and this host). Anything else is read again.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from .job_ids import unit_job_id

SKEW = dt.timedelta(minutes=5)


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _when(text: str) -> dt.datetime | None:
    try:
        t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return None
    return t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)


@dataclass
class Reuse:
    since: dt.datetime  # when the previous completed search started, less the skew margin
    seen: dict[str, str]  # file id -> modifiedTime when the previous run read it
    items: dict[str, list[dict]] = field(default_factory=dict)  # file id -> that run's sheet-row items
    used: int = 0

    def take(self, f: dict, path: str) -> list[dict] | None:
        """The previous items of an unchanged spreadsheet (renamed to its current path), or None."""
        mod = f.get("modifiedTime")
        when = _when(mod) if mod else None
        if when is None or self.seen.get(f["id"]) != mod or when >= self.since:
            return None
        self.used += 1
        return [{**it, "name": f["name"], "path": path} for it in self.items.get(f["id"], [])]

    def as_state(self) -> dict:
        """JSON for a queued unit's job row (sealed under the case key like every checkpoint)."""
        return {"since": self.since.isoformat(), "seen": self.seen, "items": self.items}

    @classmethod
    def from_state(cls, carry: dict | None) -> "Reuse | None":
        since = _when((carry or {}).get("since") or "")
        return None if since is None else cls(since, dict(carry.get("seen") or {}), dict(carry.get("items") or {}))


def _ledgers(store, job_id: str, saved: dict | None) -> tuple[dt.datetime, dict[str, dict[str, str]]] | None:
    """(when the finished run started, less the skew; each Drive unit's file id -> modifiedTime read)."""
    if not saved or saved.get("status") != "done":
        return None
    state = saved.get("state") or {}
    since = _when(state.get("started_at") or "")
    if since is None:
        return None
    ledgers: dict[str, dict[str, str]] = {}
    for key, unit in (state.get("units") or {}).items():
        if not key.startswith(("drive:", "shared:")):
            continue
        ledger = unit.get("sheets_seen")
        if ledger is None:  # kept in the unit's own row once the unit finished
            row = store.job(unit_job_id(job_id, key))
            ledger = ((row or {}).get("state") or {}).get("sheets_seen") or {}
        if ledger:
            ledgers[key] = dict(ledger)
    return since - SKEW, ledgers


def _sheet_items(store, ref: str, run_no: int, ids: set[str]) -> dict[str, list[dict]]:
    items: dict[str, list[dict]] = defaultdict(list)
    for it in store.results(ref, run_no):
        if it.get("source") == "sheets" and it.get("file_id") in ids:
            items[it["file_id"]].append(it)
    return dict(items)


def previous_run(store, job_id: str, ref: str, run_no: int, saved: dict | None) -> Reuse | None:
    """What a finished run of this very job left to reuse; None for a first search or an unfinished one."""
    units = previous_by_unit(store, job_id, ref, run_no, saved)
    if not units:
        return None
    return Reuse(next(iter(units.values())).since, {f: m for r in units.values() for f, m in r.seen.items()},
                 {f: i for r in units.values() for f, i in r.items.items()})


def previous_by_unit(store, job_id: str, ref: str, run_no: int, saved: dict | None) -> dict[str, Reuse]:
    """What a finished run of this very job left to reuse, by Drive unit: a queued re-search gives each
    worker only its own unit's spreadsheets (read before the results are cleared for the new run); the
    in-process engine merges them (:func:`previous_run`). Empty for a first search or an unfinished one."""
    found = _ledgers(store, job_id, saved)
    if not found:
        return {}
    since, ledgers = found
    items = _sheet_items(store, ref, run_no, {fid for ledger in ledgers.values() for fid in ledger})
    return {key: Reuse(since, ledger, {fid: items[fid] for fid in ledger if fid in items})
            for key, ledger in ledgers.items()}
