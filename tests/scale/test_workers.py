"""Real Celery workers (``dsar worker --pool=solo`` subprocesses) on real Redis and PostgreSQL, searching a
sandbox over HTTP: a worker killed with SIGKILL mid-task is replaced and the case completes with exactly
the single-process result, resuming from the checkpoint; two workers searching one user's mailbox at
once stay inside that user's quota together (and, as a control, do not when pacing is per process)."""
from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest
import requests

from addon.cases.store import item_key
from addon.cli.case_cmd import open_case
from addon.config import Settings
from addon.errors import ExitCode
from addon.scale.fanout import dispatch, follow
from addon.scale.tasks import job_id, unit_job_id
from addon.search.service import run_search
from addon.services import open_services

from .orgfixture import DOMAIN, write_org
from .workers import Worker

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.timeout(240)]


@pytest.fixture(scope="module")
def demo_fixture(tmp_path_factory) -> Path:
    from sandbox.democompany import write_fixture

    root = tmp_path_factory.mktemp("demo")
    write_fixture(root, scale=0.2)
    return root


class Deployment:
    """One PostgreSQL database, one Redis prefix/queue, one sandbox, and the workers started on them."""

    def __init__(self, fixture: Path, sandbox, pg_url: str, redis_env: dict, tmp: Path, monkeypatch,
                 redelivery_s: int = 60) -> None:
        meta = json.loads((fixture / "workspace.json").read_text())
        self.admin = next((u["email"] for u in meta["users"] if u.get("admin")), meta["users"][0]["email"])
        self.dpo = next(u["email"] for u in meta["users"] if u["email"].startswith("dpo@"))
        self.sandbox = sandbox
        self.tmp = tmp
        self.env = {**redis_env, "DSAR_HOME": str(tmp / "home"), "DSAR_DATABASE_URL": pg_url,
                    "DSAR_SANDBOX_URL": sandbox.url, "DSAR_ACTOR": self.dpo, "DSAR_DPO": self.dpo,
                    "DSAR_ADMIN": self.admin, "DSAR_DOMAIN": meta["domain"],
                    "DSAR_VISIBILITY_TIMEOUT": str(redelivery_s), "DSAR_LEASE_SECONDS": str(redelivery_s)}
        for k, v in self.env.items():
            monkeypatch.setenv(k, v)
        self.services = open_services(create_home=True)  # as 'dsar init' does on the first host
        self.services.trail  # keys and origin exist before any worker opens them
        self.workers: list[Worker] = []

    def worker(self, name: str, **env) -> Worker:
        w = Worker({**self.env, **env}, name, self.tmp)
        self.workers.append(w)
        return w

    def open_case(self, subject: dict):
        return open_case(self.services, "access", subject["names"][:1], subject.get("emails", []),
                         subject.get("phones", []), subject.get("identifiers", []), dt.date.today(), self.dpo)

    def log(self, since: int = 0) -> list[dict]:
        return requests.get(f"{self.sandbox.url}/_sandbox/requests", params={"since": since}, timeout=10).json()

    def close(self) -> None:
        for w in self.workers:
            w.stop()
        self.services.trail.close()


@pytest.fixture
def deployment_for(pg_url, redis_env, tmp_path, monkeypatch, sandbox_factory):
    made: list[Deployment] = []

    def make(fixture: Path, redelivery_s: int = 60) -> Deployment:
        d = Deployment(fixture, sandbox_factory(fixture), pg_url, redis_env, tmp_path, monkeypatch, redelivery_s)
        made.append(d)
        return d

    yield make
    for d in made:
        d.close()


def _keys(items: list[dict]) -> list[str]:
    return sorted(item_key(i) for i in items)


def test_worker_killed_mid_task_is_replaced_and_the_case_completes_once(demo_fixture, deployment_for):
    dep = deployment_for(demo_fixture, redelivery_s=4)  # a killed worker's task is delivered again after 4 s
    subject = json.loads((demo_fixture / "expected.json").read_text())["subjects"][0]
    a = dep.worker("a", DSAR_CHECKPOINT_SECONDS="0")  # a checkpoint per file, so one can be caught mid-unit
    # (starting takes seconds: overlap it with the single-process reference run)
    local = open_services(Settings(home=dep.tmp / "local", sandbox_url=dep.sandbox.url, actor=dep.dpo,
                                   domain=DOMAIN, admin=dep.admin, extra={"dpo": dep.dpo}))
    ref_case = open_case(local, "access", subject["names"][:1], subject["emails"], subject["phones"],
                         subject["identifiers"], dt.date.today(), dep.dpo)
    reference = _keys(run_search(local, ref_case.ref, dep.dpo))
    assert len(reference) >= 10  # the planted subject is found at all

    requests.put(f"{dep.sandbox.url}/_sandbox/faults", json={"spec": "latency=40"}, timeout=10).raise_for_status()
    case = dep.open_case(subject)
    a.wait_ready()
    sent = dispatch(dep.services, case.ref, dep.dpo)
    shared = [k for k in sent.units if k.startswith("shared:")]
    assert len(shared) == 2 and len(sent.queued) == 12 + 2  # 6 mailboxes + 6 Drives + the 2 shared drives

    store, jid = dep.services.store, job_id(case.ref, 0)
    def caught_mid_unit() -> tuple[str, list] | None:
        for key in sent.units:
            row = store.job(unit_job_id(jid, key))
            if row["status"] == "running" and len(row["state"].get("done", [])) >= 2 and not row["state"].get("finished"):
                return key, list(row["state"]["done"])
        return None

    victim = None
    deadline = time.monotonic() + 60
    while victim is None and time.monotonic() < deadline:
        if caught_mid_unit() is None:
            time.sleep(0.02)
            continue
        a.freeze()  # look again with the worker stopped: the unit may have finished since the first look
        time.sleep(0.2)  # a commit already on its way to the server lands first
        victim = caught_mid_unit()
        if victim is None:
            a.thaw()
    assert victim, "no unit was caught between two checkpoints"
    a.kill()
    killed_at = time.time()
    key, done_at_kill = victim
    assert store.job(unit_job_id(jid, key))["status"] == "running"  # left behind unfinished

    b = dep.worker("b").wait_ready()
    items = follow(dep.services, case.ref, poll=0.5, timeout=150)

    assert _keys(items) == reference  # same items as one process found, each exactly once
    assert len(items) == len({item_key(i) for i in items})
    assert store.job(jid)["status"] == "done" and store.get(case.ref).status == "review"
    final = store.job(unit_job_id(jid, key))
    assert final["status"] == "done" and final["state"]["done"][:len(done_at_kill)] == done_at_kill
    # resumed from the checkpoint: nothing checkpointed before the kill was read again afterwards
    account = key.split(":", 1)[1]
    log = [e for e in dep.log() if e["user"] == account]
    before = {i for e in log if e["time"] < killed_at for i in done_at_kill if i in e["path"]}
    assert before == set(done_at_kill)  # each was read (by a) before the kill...
    again = [e["path"] for e in log if e["time"] > killed_at and any(i in e["path"] for i in done_at_kill)]
    assert again == []  # ...and none of them again (by b) after it
    b_log = b.log.read_text()
    assert f"dsar:{jid}/{key}] succeeded" in b_log  # the killed task was delivered again, to b
    verdict = dep.services.trail.verify()  # one chain, written by a, b and this process
    assert verdict.ok, [str(p) for p in verdict.problems]


def _two_cases_on_one_mailbox(dep: Deployment, user: str, wait: bool = True):
    cases = [dep.open_case({"names": ["Jane Doe"], "emails": ["jane.doe@example.com"]}) for _ in range(2)]
    workers = [dep.worker(f"q{i}", **dep.extra_env) for i in range(2)]
    for w in workers:
        w.wait_ready()
    for c in cases:
        dispatch(dep.services, c.ref, dep.dpo, accounts=[user])
    if not wait:
        return cases, workers
    return cases, [follow(dep.services, c.ref, poll=0.5, timeout=120) for c in cases]


def _interleaved(dep: Deployment, cases) -> int:
    """How many of one case's message fetches the sandbox served while the other case's were under way
    (from the audit trail): at least a whole batch means the two workers really shared the mailbox."""
    times = []
    for c in cases:
        times.append(sorted(r["time"] for r in dep.services.trail.records(case=c.ref)
                            if r["api_method"] == "gmail.users.messages.get" and r["outcome"] == "ok"))
    a, b = times
    return max(sum(a[0] < t < a[-1] for t in b), sum(b[0] < t < b[-1] for t in a))


@pytest.fixture(scope="module")
def one_busy_mailbox(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("quota")
    write_org(root, users=1, messages=250, docs=0, hit_every=1)
    return root


def test_two_workers_stay_inside_one_users_quota_together(one_busy_mailbox, deployment_for):
    dep = deployment_for(one_busy_mailbox)  # sandbox quotas on, as Google's: 250 units/s per user
    dep.extra_env = {}
    user = f"user0000@{DOMAIN}"
    cases, results = _two_cases_on_one_mailbox(dep, user)
    assert [len([i for i in r if i["source"] == "gmail"]) for r in results] == [250, 250]
    shared = _interleaved(dep, cases)
    assert shared >= 100, f"only {shared} fetches overlapped"  # both workers fetched from the mailbox at once
    quota = requests.get(f"{dep.sandbox.url}/_sandbox/quota", timeout=10).json()
    assert quota["rejections"].get(user, 0) == 0, quota
    used = quota["units"][user]["gmail"]
    assert used >= 2 * 250 * 5
    spent = dep.services.pacer.spent(user, "gmail")  # the shared Redis bucket saw every unit the sandbox charged
    assert spent == used, (spent, quota)


def test_control_per_process_pacing_runs_into_the_users_quota(one_busy_mailbox, deployment_for):
    dep = deployment_for(one_busy_mailbox)
    dep.extra_env = {"DSAR_SHARED_PACING": "0"}  # each worker paces only itself
    user = f"user0000@{DOMAIN}"
    _, workers = _two_cases_on_one_mailbox(dep, user, wait=False)
    deadline = time.monotonic() + 60
    rejected = 0
    while not rejected and time.monotonic() < deadline:
        time.sleep(0.25)
        rejected = requests.get(f"{dep.sandbox.url}/_sandbox/quota", timeout=10).json()["rejections"].get(user, 0)
    for w in workers:
        w.kill()  # enough seen; the retries that would follow are the transport's business
    assert rejected > 0


@pytest.fixture(scope="module")
def small_org(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("small")
    write_org(root, users=3, messages=4, docs=2, hit_every=2, sheet_every=2)
    return root


def test_cli_search_queue_fans_out_and_prints_the_items(small_org, deployment_for):
    from click.testing import CliRunner

    from addon.cli import main

    dep = deployment_for(small_org)
    expected = json.loads((small_org / "expected.json").read_text())
    case = dep.open_case({"names": ["Jane Doe"], "emails": ["jane.doe@example.com"]})
    dep.worker("cli").wait_ready()
    res = CliRunner().invoke(main, ["search", case.ref, "--queue", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    counts = {s: sum(1 for i in out["items"] if i["source"] == s) for s in ("gmail", "drive", "sheets")}
    assert counts == {k: expected[k] for k in ("gmail", "drive", "sheets")}
    assert out["ref"] == case.ref and dep.services.store.get(case.ref).status == "review"
    # the job rows say the same as the progress the CLI showed
    from addon.scale.fanout import ProgressReader

    status, progress, _ = ProgressReader(dep.services.store, case.ref).read()
    assert status == "done" and progress.units_done == progress.units_total == 2 * 4  # 3 users and the DPO
    assert progress.items == len(out["items"])


def test_worker_refuses_to_start_without_postgres(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from addon.cli import main

    monkeypatch.setenv("DSAR_HOME", str(tmp_path))
    monkeypatch.delenv("DSAR_DATABASE_URL", raising=False)
    res = CliRunner().invoke(main, ["worker"])
    assert res.exit_code == ExitCode.INPUT and "DSAR_DATABASE_URL" in res.output and "Traceback" not in res.output


def test_sidebar_search_fans_out_to_the_workers(small_org, deployment_for):
    from types import SimpleNamespace

    from addon.web.jobs import JobRunner
    from addon.web.searches import start_search

    dep = deployment_for(small_org)
    expected = json.loads((small_org / "expected.json").read_text())
    case = dep.open_case({"names": ["Jane Doe"], "emails": ["jane.doe@example.com"]})
    w = dep.worker("sidebar").wait_ready()
    web = SimpleNamespace(services=dep.services, runner=JobRunner(dep.services.store))
    started = start_search(web, case, dep.dpo)  # what the sidebar's "Search" button calls
    job = web.runner.wait(started.job_id, timeout=120)
    assert job["status"] == "done", job
    result = job["state"]["result"]
    assert result["queued"] is True
    assert {s: result["by_source"].get(s, 0) for s in ("gmail", "drive", "sheets")} == \
        {k: expected[k] for k in ("gmail", "drive", "sheets")}
    assert job["state"]["progress"]["units_done"] == job["state"]["progress"]["units_total"] == 2 * 4
    assert w.log.read_text().count("succeeded") >= 2 * 4  # every mailbox and Drive ran in the worker
    assert dep.services.store.get(case.ref).status == "review"


def _routes(store, ref: str) -> dict:
    out: dict = {}
    for u in store.job(job_id(ref, 0))["state"]["units"].values():
        for k, v in (u.get("routes") or {}).items():
            out[k] = out.get(k, 0) + v
    return out


def test_a_queued_re_search_reuses_the_cases_unchanged_spreadsheets(small_org, deployment_for):
    dep = deployment_for(small_org)
    case = dep.open_case({"names": ["Jane Doe"], "emails": ["jane.doe@example.com"]})
    dep.worker("re").wait_ready()

    def search() -> list[dict]:
        dispatch(dep.services, case.ref, dep.dpo)
        return follow(dep.services, case.ref, poll=0.3, timeout=120)

    first = search()
    sheets = [f for f in dep.sandbox.ws.drive.files.values() if f.spreadsheet is not None]
    assert len(sheets) == 2 and not _routes(dep.services.store, case.ref).get("reused")
    for f in sheets:  # made "now" by the fixture: they must predate the finished search by the skew margin
        f.modifiedTime = "2026-01-01T00:00:00.000Z"
    second = search()  # the ledger had the old times: both read again
    since = max((e["seq"] for e in dep.log()), default=0)
    third = search()
    assert _routes(dep.services.store, case.ref) == {"reused": 2}  # by the worker, from its seeded unit row
    assert _keys(third) == _keys(second) == _keys(first) and any(i["source"] == "sheets" for i in third)
    def reads(since: int) -> set[str]:  # spreadsheets fetched (exported or through the Sheets API); Docs are exported too
        return {f.id for e in dep.log(since) for f in sheets if f.id in e["path"] and ("/values" in e["path"]
                                                                                  or "/export" in e["path"])}

    assert reads(since) == set()  # neither spreadsheet was fetched again
    # one changed: read again; the other still carried over; the seeds are not kept once the units finish
    sheets[0].spreadsheet.sheets[0].set_value(5, 0, {"stringValue": "Jane Doe again"})
    dep.sandbox.ws.drive.touch(sheets[0])
    since = max((e["seq"] for e in dep.log()), default=0)
    fourth = search()
    assert _routes(dep.services.store, case.ref).get("reused") == 1
    assert reads(since) == {sheets[0].id}  # only the changed one was fetched
    assert len(_keys(fourth)) == len(_keys(third)) + 1
    units = dep.services.store.job(job_id(case.ref, 0))["state"]["units"]
    assert not any("carry" in u for u in units.values())
