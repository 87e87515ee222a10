"""Reconciliation against the sandbox's token audit log, built from the calls it really served: a normal
day shows 0 unexplained differences; a call made with the product's client id outside the product (a
stolen token, or one injected through /_sandbox/reports/foreign) is named with its user, method and hour;
Google's lag, lost events and an edition without activity events are told apart; every run is an audit
record; only the DPO or an auditor (or the scheduled job) may read Google's log."""
from __future__ import annotations

import datetime as dt
import json
import time

import pytest
import requests
from click.testing import CliRunner

from addon.cli import main
from addon.cli.case_cmd import open_case
from addon.errors import ExitCode
from addon.reconcile import product_client_ids
from addon.search.service import run_search
from audit.context import Purpose, acting
from audit.errors import CallRefused
from scopes.registry import scopes_for_operations
from tests.conftest import expected_subject, mint_token

READ = "https://www.googleapis.com/auth/gmail.readonly"


def _since() -> str:
    """Two hours back, not today's date: a call made "an hour ago" just after midnight is still inside."""
    return (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _searched(sandbox_factory, product, demo_fixture):
    server = sandbox_factory(demo_fixture, quota=False)
    services = product(server)
    s = expected_subject(demo_fixture, "jane")
    case = open_case(services, "access", s["names"], s["emails"], s["phones"], s["identifiers"],
                     dt.date(2026, 11, 2), services.settings.actor)
    run_search(services, case.ref, services.settings.actor)
    return server, services


def _hour(t: float) -> str:
    return dt.datetime.fromtimestamp(t, dt.timezone.utc).strftime("%Y-%m-%dT%H:00Z")


def _reconcile(*args: str, env: dict | None = None):
    r = CliRunner().invoke(main, ["audit", "reconcile", "--since", _since(), "--json", *args], env=env)
    return r, (json.loads(r.output) if r.output.strip().startswith("{") else None)


def _configure(server, **cfg):
    requests.put(server.url + "/_sandbox/reports", json=cfg, timeout=10).raise_for_status()


def test_a_normal_day_reconciles_with_no_unexplained_difference(sandbox_factory, product, demo_fixture):
    server, services = _searched(sandbox_factory, product, demo_fixture)
    r, out = _reconcile()
    assert r.exit_code == 0, r.output
    served = [e for e in requests.get(server.url + "/_sandbox/requests", timeout=10).json()
              if e["api_method"] and e["api_method"].split(".")[0] in ("gmail", "drive", "sheets", "directory")]
    assert out["unexplained"] == 0 and out["google_only"] == [] and out["ours_only"] == []
    assert sum(c["count"] for c in out["matched"]) == out["google_events"] == len(served) > 10
    assert {c["api"] for c in out["matched"]} >= {"gmail", "drive", "directory"}
    assert "Enterprise" in out["caveat"] and out["tolerances"] == {"skew_s": 120.0, "lag_s": 21600.0, "max_missing": 0}
    # the run is an audit record (counts only), and the next run sees the reconciliation's own call
    [rec] = [x for x in services.trail.records() if x["outcome"] == "reconcile"]
    assert rec["operation"] == "audit.reconcile" and "0 unexplained" in rec["detail"] and "@" not in rec["detail"]
    r2, out2 = _reconcile()
    assert r2.exit_code == 0 and any(c["method"] == "reports.activities.list" for c in out2["matched"])
    assert sum(1 for x in services.trail.records() if x["outcome"] == "reconcile") == 2
    text = CliRunner().invoke(main, ["audit", "reconcile", "--since", _since()])
    assert text.exit_code == 0 and "On Google's side but not ours: none." in text.output
    assert "0 unexplained difference(s)." in text.output and "Caveat: Google records OAuth activity" in text.output


def test_foreign_calls_with_the_products_client_id_raise_the_alarm(sandbox_factory, product, demo_fixture):
    server, services = _searched(sandbox_factory, product, demo_fixture)
    sa_client = requests.get(server.url + "/_sandbox/service-account.json", timeout=10).json()["client_id"]
    assert sa_client in product_client_ids(services.settings)
    victim = f"aisha.khan@{server.ws.domain}"
    # a stolen token: a real call the sandbox serves, made outside the product (so not on the trail)
    token = mint_token(server, victim, [READ], client_id=sa_client)
    hours = {_hour(time.time())}
    got = requests.get(server.url + "/gmail/v1/users/me/labels", headers={"Authorization": f"Bearer {token}"},
                       timeout=10)
    assert got.status_code == 200
    hours.add(_hour(time.time()))  # the call's hour, even if it fell on the turn of one
    # and one injected into Google's log directly, an hour ago
    at = time.time() - 3600
    requests.post(server.url + "/_sandbox/reports/foreign", timeout=10, json={
        "user": victim, "method": "drive.files.list", "client_id": sa_client, "time": at}).raise_for_status()
    # another app's calls are not ours to reconcile
    other = mint_token(server, victim, [READ], client_id="someone-else.apps")
    requests.get(server.url + "/gmail/v1/users/me/profile", headers={"Authorization": f"Bearer {other}"}, timeout=10)
    r, out = _reconcile()
    assert r.exit_code == ExitCode.CHECK_FAILED, r.output
    hour = _hour(at)
    seen = {(c["user"], c["method"], c["count"]): c["hour"] for c in out["google_only"]}
    assert seen.keys() == {(victim, "gmail.users.labels.list", 1), (victim, "drive.files.list", 1)}
    assert seen[(victim, "drive.files.list", 1)] == hour and seen[(victim, "gmail.users.labels.list", 1)] in hours
    assert out["unexplained"] == 2 and out["ours_only"] == []
    text = CliRunner().invoke(main, ["audit", "reconcile", "--since", _since()])
    assert f"{hour}  {victim}  drive.files.list  x1" in text.output and "ALARM: 2 call(s)" in text.output


def test_lag_losses_and_edition_are_told_apart(sandbox_factory, product, demo_fixture):
    server, services = _searched(sandbox_factory, product, demo_fixture)
    _configure(server, delay_s=3600)  # nothing of the last hour is in Google's log yet
    r, out = _reconcile()
    assert r.exit_code == 0 and out["matched"] == [] and {c["reason"] for c in out["ours_only"]} == {"lag"}
    r, out = _reconcile("--lag", "0")  # no lag allowed: Google "returned nothing": the edition explains it
    assert r.exit_code == 0 and {c["reason"] for c in out["ours_only"]} == {"edition"}
    _configure(server, delay_s=0, drop_rate=0.3, seed=4)
    r, out = _reconcile("--lag", "0")
    lost = sum(c["count"] for c in out["ours_only"] if c["reason"] == "missing")
    assert r.exit_code == ExitCode.CHECK_FAILED and lost > 0 and out["google_only"] == []
    r, out = _reconcile("--lag", "0", "--max-missing", str(lost + 5))
    assert r.exit_code == 0 and out["unexplained"] == 0
    _configure(server, drop_rate=0, activity_events=False)
    r, out = _reconcile("--lag", "0")
    assert r.exit_code == 0 and out["google_events"] == 0 and {c["reason"] for c in out["ours_only"]} == {"edition"}


def test_only_the_dpo_an_auditor_or_the_schedule_reads_googles_log(sandbox_factory, product, demo_fixture, monkeypatch):
    server = sandbox_factory(demo_fixture, quota=False)
    staff = f"aisha.khan@{server.ws.domain}"
    services = product(server)
    monkeypatch.setenv("DSAR_ACTOR", staff)
    r = CliRunner().invoke(main, ["audit", "reconcile", "--since", _since()])
    assert r.exit_code == ExitCode.ROLE_REFUSED and "dpo or auditor" in r.output
    # and the seam itself refuses the operation to a staff role, before anything leaves
    reports = services.clients.api("reports", services.settings.admin, scopes_for_operations(["admin.reports.read"]))
    with acting(Purpose(actor=staff, step="admin", purpose="x", role="staff")):
        with pytest.raises(CallRefused, match="role: admin.reports.read is for the auditor or dpo or system"):
            reports.activities().list(userKey="all", applicationName="token").execute()
    assert not any(e["api_method"] == "reports.activities.list"
                   for e in requests.get(server.url + "/_sandbox/requests", timeout=10).json())
    # a non-admin token is refused by Google (the sandbox) as well
    token = mint_token(server, staff, ["https://www.googleapis.com/auth/admin.reports.audit.readonly"])
    got = requests.get(server.url + "/admin/reports/v1/activity/users/all/applications/token",
                       headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert got.status_code == 403


def test_the_token_log_has_googles_shape(sandbox_factory, product, demo_fixture):
    server, services = _searched(sandbox_factory, product, demo_fixture)
    admin = services.settings.admin
    token = mint_token(server, admin, ["https://www.googleapis.com/auth/admin.reports.audit.readonly"])
    url = server.url + "/admin/reports/v1/activity/users/all/applications/token"
    page = requests.get(url, params={"maxResults": 5}, headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
    assert page["kind"] == "admin#reports#activities" and len(page["items"]) == 5 and page["nextPageToken"]
    a = page["items"][0]
    assert a["id"]["applicationName"] == "token" and a["id"]["time"].endswith("Z") and "@" in a["actor"]["email"]
    [ev] = a["events"]
    assert ev["name"] == "activity" and ev["type"] == "auth"
    names = {p["name"] for p in ev["parameters"]}
    assert names >= {"api_name", "method_name", "client_id", "app_name", "num_response_bytes", "product_bucket"}
    times = [x["id"]["time"] for x in page["items"]]
    assert times == sorted(times, reverse=True)  # newest first, as Google orders them
    rest = requests.get(url, params={"maxResults": 5, "pageToken": page["nextPageToken"]},
                        headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
    assert rest["items"][0]["id"]["time"] <= times[-1]


def test_beat_recovers_then_reconciles_as_the_system(sandbox_factory, product, demo_fixture):
    from addon.scale.audit_tasks import SYSTEM_ACTOR, scheduled_reconcile
    from addon.scale.celery_app import app

    assert app.conf.beat_schedule["audit-reconcile"]["task"] == "dsar.reconcile"
    server, services = _searched(sandbox_factory, product, demo_fixture)
    trail = services.trail
    stale = trail.append({"actor": "dpo@x.test", "operation": "gmail.search", "api_method": "gmail.users.labels.list",
                          "outcome": "intent", "detail": "principal=dpo@x.test"})
    real = trail.clock
    trail.clock = lambda: real() + 1000  # the intent is now past the grace period
    try:
        out = scheduled_reconcile(services)
    finally:
        trail.clock = real
    assert out["recovered"] == 1 and out["unexplained"] == 0 and "0 unexplained" in out["summary"]
    [unknown] = [r for r in trail.records() if r.get("intent") == stale.seq]
    assert unknown["outcome"] == "unknown" and unknown["actor"] == "dpo@x.test"
    [run] = [r for r in trail.records() if r["outcome"] == "reconcile"]
    assert run["actor"] == SYSTEM_ACTOR
