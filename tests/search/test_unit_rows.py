"""Each unit checkpoints into a row of its own; the job's row holds only finished units' summaries and is
rewritten at most once a second. So a checkpoint costs the size of one unit, not of the whole organisation,
and a resume reads the unit rows: a unit whose row says it finished in this run is not searched again,
and a row left by an earlier run of the same job counts for nothing."""
from __future__ import annotations

import datetime as dt

import requests

from addon.cli.case_cmd import open_case
from addon.search import engine
from addon.search.service import run_search
from tests.scale.orgfixture import write_org

DPO = "dpo@example.test"


def _served(server) -> int:
    return sum(1 for e in requests.get(server.url + "/_sandbox/requests", timeout=5).json()
               if "/_sandbox/" not in e["path"])


def _keys(items):
    return sorted((i["source"], i["account"], i.get("message_id") or i.get("file_id"), i.get("row") or 0)
                  for i in items)


def _search(services, users=4):
    ref = open_case(services, "access", ["Jane Doe"], ["jane.doe@example.com"], [], [], dt.date(2026, 11, 2),
                    DPO).ref
    return ref, run_search(services, ref, DPO)


def test_the_job_row_is_not_rewritten_for_every_checkpoint(sandbox_factory, product, tmp_path, monkeypatch):
    write_org(tmp_path / "org", users=6, messages=6, docs=3, hit_every=2, sheet_every=2)
    services = product(sandbox_factory(tmp_path / "org", quota=False), actor=DPO)
    writes: dict[str, int] = {}
    save = services.store.save_job

    def counting(job_id, *a, **kw):
        writes[job_id] = writes.get(job_id, 0) + 1
        return save(job_id, *a, **kw)

    monkeypatch.setattr(services.store, "save_job", counting)
    monkeypatch.setattr(engine, "PARENT_EVERY_S", 3600.0)  # nothing but the forced writes
    ref, items = _search(services)
    assert items
    parent = f"search:{ref}:0"
    units = [j for j in writes if j.startswith(parent + "/")]
    assert len(units) == len(services.store.job(parent)["state"]["units"]) >= 12
    assert sum(writes[u] for u in units) > len(units)  # the units did checkpoint along the way
    assert writes[parent] == 2  # when the units are known, and when the job is done


def test_a_resume_trusts_this_runs_unit_rows_and_ignores_an_earlier_runs(sandbox_factory, product, tmp_path):
    write_org(tmp_path / "org", users=4, messages=4, docs=2, hit_every=2, sheet_every=2)
    server = sandbox_factory(tmp_path / "org", quota=False)
    services = product(server, actor=DPO)
    ref, want = _search(services)
    parent = f"search:{ref}:0"
    job = services.store.job(parent)
    state = job["state"]

    # killed just after every unit finished, before the throttled job row caught up
    services.store.save_job(parent, ref, "search", "running", {**state, "units": {k: {} for k in state["units"]}})
    before = _served(server)
    assert _keys(run_search(services, ref, DPO)) == _keys(want)
    assert _served(server) - before <= 1  # the shared-drive list was kept; no unit ran again

    # a new run of the job, killed before its units wrote anything: the earlier run's rows are stale
    services.store.save_job(parent, ref, "search", "running",
                            {**state, "started_at": "2026-12-07T00:00:00.000000Z",
                             "units": {k: {} for k in state["units"]}})
    before = _served(server)
    assert _keys(run_search(services, ref, DPO)) == _keys(want)
    assert _served(server) - before >= len(state["units"])  # every unit searched again
