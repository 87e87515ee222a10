"""The quota plan (Google's dated table, the organisation's own quotas from settings), the sandbox's
per-project limits, pacing that meets them without a 429, and ``dsar search REF --estimate``/``--plan``
(list calls only, each on the audit trail under its scope operation)."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from addon.cli.case_cmd import open_case
from addon.config import Settings
from addon.errors import ConfigError
from addon.scale.quota_plan import Demand, organisation_quotas, plan
from addon.search.service import search_purpose
from audit.context import acting
from scopes import registry
from scopes.quotas import PUBLISHED_QUOTAS, QUOTAS_AS_OF
from tests.scale.orgfixture import DOMAIN, SUBJECT, write_org


def test_the_table_is_dated_and_the_organisations_quotas_come_from_settings(tmp_path):
    assert PUBLISHED_QUOTAS["sheets_read"].per_project_per_min == 300 and QUOTAS_AS_OF
    assert all(q.as_of and q.source.startswith("https://developers.google.com/") for q in PUBLISHED_QUOTAS.values())
    assert organisation_quotas(None, {})["drive"] == 12_000
    s = Settings(home=tmp_path, extra={"quotas": {"sheets_read": 3000}})
    got = organisation_quotas(s, {"DSAR_PROJECT_QUOTA_GMAIL": "2400000"})
    assert got["sheets_read"] == 3000 and got["gmail"] == 2_400_000 and got["drive"] == 12_000
    with pytest.raises(ConfigError, match="DSAR_PROJECT_QUOTA_DRIVE"):
        organisation_quotas(None, {"DSAR_PROJECT_QUOTA_DRIVE": "lots"})
    with pytest.raises(ConfigError, match="above 0"):
        organisation_quotas(None, {"DSAR_PROJECT_QUOTA_DRIVE": "-1"})


def test_the_plan_names_the_binding_quota_and_reads_as_one_line():
    d = Demand(accounts=5000)
    d.add("gmail", 1_200_000, 400)
    d.add("drive", 108_000, 30)
    p = plan(d, organisation_quotas(None, {}))
    assert p.binding == "drive" and p.bound == pytest.approx(9.0)
    assert p.line() == "5,000 accounts · ~1.2 M Gmail units · ~108 k Drive queries · Drive bound 9 min · ETA 10 min"
    d.add("sheets_read", 40 * 5000, 40)  # the Sheets-only route: 2 reads for each of 20 sheets per account
    assert plan(d, organisation_quotas(None, {})).binding == "sheets_read"


def _org(tmp_path, users=12, sheets=3):
    root = tmp_path / "org"
    exp = write_org(root, users=users, messages=3, docs=1, hit_every=2, sheet_every=0, sheets_per_drive=sheets)
    return root, exp


def test_the_sandbox_enforces_project_quotas_and_the_paced_product_meets_none(sandbox_factory, product, tmp_path,
                                                                             monkeypatch):
    root, _ = _org(tmp_path, users=6, sheets=0)
    server = sandbox_factory(root, quota=True)
    requests.put(server.url + "/_sandbox/quota", json={"enabled": True, "project": {"drive": 120}}, timeout=5)
    users = [f"user{i:04d}@{DOMAIN}" for i in range(6)]
    monkeypatch.setenv("DSAR_PROJECT_QUOTA_DRIVE", "120")  # the organisation's (here: small) project quota
    services = product(server, actor=f"dpo@{DOMAIN}")
    case = open_case(services, "access", ["Jane Doe"], [], [], [], dt.date(2026, 11, 2), f"dpo@{DOMAIN}")
    purpose = search_purpose(case, f"dpo@{DOMAIN}", case.status)
    scopes = registry.scopes_for_operations(("drive.search",))

    def lists(user: str, n: int) -> None:
        with acting(purpose):
            svc = services.clients.drive(user, scopes)
            for _ in range(n):
                svc.files().list(q="trashed = false", pageSize=10, fields="files(id)").execute()

    t0 = time.monotonic()
    with ThreadPoolExecutor(6) as pool:  # 6 users at once: only the shared project bucket can bind
        list(pool.map(lambda u: lists(u, 7), users))
    wall = time.monotonic() - t0
    snap = requests.get(server.url + "/_sandbox/quota", timeout=5).json()
    assert snap["project_per_minute"]["drive"] == 120 and sum(snap["rejections"].values()) == 0
    # 42 calls at 2/s with a 10 s (20-call) burst: at least ~11 s of waiting at the project's pace
    assert wall >= (42 - 20) / (120 / 60)  # the burst, then the project rate
    # unpaced, the same calls meet Google's 403 from the project limit
    requests.put(server.url + "/_sandbox/quota", json={"enabled": True, "project": {"drive": 6}}, timeout=5)
    token_user = users[0]
    from tests.conftest import mint_token

    tok = mint_token(server, token_user, scopes)
    codes = [requests.get(server.url + "/drive/v3/files", headers={"Authorization": f"Bearer {tok}"},
                          params={"pageSize": 1}, timeout=5).status_code for _ in range(3)]
    assert 403 in codes, codes


def _dsar(env, *args):
    return subprocess.run([sys.executable, "-m", "addon.cli", *args], env=env, capture_output=True, text=True,
                          timeout=300)


def test_estimate_counts_with_list_calls_only_and_the_plan_shows(sandbox_factory, product, tmp_path):
    import os

    root, exp = _org(tmp_path, users=12, sheets=3)
    server = sandbox_factory(root, quota=True)
    services = product(server, actor=f"dpo@{DOMAIN}")
    case = open_case(services, "access", SUBJECT["names"], SUBJECT["emails"], [], [], dt.date(2026, 11, 2), f"dpo@{DOMAIN}")
    requests.delete(server.url + "/_sandbox/requests", timeout=5)
    env = dict(os.environ)
    out = _dsar(env, "search", case.ref, "--estimate", "--json")
    assert out.returncode == 0, out.stderr
    est = json.loads(out.stdout)
    assert est["accounts"] == 13  # 12 users and the DPO
    assert est["totals"]["spreadsheets"] == 12 * 3
    assert est["totals"]["gmail"] == exp["gmail"]  # resultSizeEstimate, summed over the queries
    assert est["totals"]["drive_files"] == exp["drive"]
    assert est["per_account"][f"user0001@{DOMAIN}"]["drive"]["spreadsheets"] == 3
    assert est["plan"]["binding"] in ("drive", "gmail") and "ETA" in est["plan"]["line"]
    served = requests.get(server.url + "/_sandbox/requests", timeout=5).json()
    methods = {e.get("api_method") for e in served if e.get("api_method")}
    api = {m for m in methods if m.startswith(("gmail.", "drive."))}
    assert api and all(m.endswith(".list") for m in api), methods  # nothing fetched, nothing exported
    # every served call is on the audit trail under a list operation of the search step
    trail = _dsar(env, "audit", "export", "--format", "jsonl")
    records = [json.loads(line) for line in trail.stdout.splitlines() if line.strip()]
    listed = [r for r in records if r.get("case") == case.ref and r["api_method"].startswith(("gmail.", "drive."))]
    assert listed and {r["operation"] for r in listed} <= {"gmail.search", "drive.search", "drives.list"}
    assert len([e for e in served if (e.get("api_method") or "").startswith(("gmail.", "drive."))]) == \
        len([r for r in listed if r["outcome"] in ("ok", "retry", "error")])
    assert not any("messages.get" in r["api_method"] or "export" in r["api_method"] for r in records)
    plan_out = _dsar(env, "search", case.ref, "--plan")
    assert plan_out.returncode == 0 and f"13 accounts · " in plan_out.stdout and "ETA" in plan_out.stdout
    # the sidebar's case card and the tracker's action cell carry it
    from addon.search.estimate import estimate_line, saved_estimate
    from addon.web.cards.cases import case_card
    from addon.web.cards.links import Links

    line = estimate_line(saved_estimate(services.store, case.ref))
    assert "36 spreadsheets" in line and "ETA" in line
    card = json.dumps(case_card(Links("https://addon.test"), services.store.get(case.ref), dt.date(2026, 11, 3),
                                estimate=line))
    assert "Search estimate" in card and "36 spreadsheets" in card
    from addon.tracker.schema import action
    from addon.tracker.writer import gather_facts

    assert "search estimate: about" in action(gather_facts(services, services.store.get(case.ref)), dt.date(2026, 11, 3))
