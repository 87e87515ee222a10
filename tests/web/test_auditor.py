"""The auditor view: role-restricted, a verification badge that tracks the trail, filters, server-drawn
charts, and downloads identical to ``dsar audit export``."""
from __future__ import annotations

import csv
import io
import json
import sqlite3

import requests
from click.testing import CliRunner

from addon.cli import main
from addon.config import Settings
from addon.services import Services
from addon.web.app import create_app
from addon.web.charts import _nice_max, bars, columns, per_day

from .conftest import AUDITOR, DPO, STAFF, LiveServer


def _as(addon, email: str) -> requests.Session:
    browser = requests.Session()
    resp = browser.post(addon.url + "/audit/as", data={"email": email}, allow_redirects=False, timeout=10)
    assert resp.status_code == 303
    return browser


def _traffic(addon) -> None:
    """Some add-on requests: certificate fetches on the trail, and a refused request."""
    for _ in range(2):
        assert addon.post("/addon/homepage").status_code == 200
    assert addon.post("/addon/homepage", auth="Bearer not.a.jwt").status_code == 401
    addon.services.trail.checkpoint()


def test_sandbox_asks_who_is_looking_then_checks_the_role(addon):
    page = requests.get(addon.url + "/audit", timeout=10)
    assert page.status_code == 200 and "Who is looking?" in page.text
    denied = _as(addon, STAFF).get(addon.url + "/audit", timeout=10)
    assert denied.status_code == 403 and "is staff" in denied.text
    assert _as(addon, STAFF).get(addon.url + "/audit/export.csv", timeout=10).status_code == 403
    for who in (AUDITOR, DPO):
        assert _as(addon, who).get(addon.url + "/audit", timeout=10).status_code == 200


def test_badge_charts_and_filters(addon):
    _traffic(addon)
    page = _as(addon, AUDITOR).get(addon.url + "/audit", timeout=10)
    assert 'id="verdict" data-ok="true"' in page.text and "chain intact" in page.text
    size = sum(1 for _ in addon.services.trail.records())  # calls: write-ahead intents are not listed
    assert f'id="count">{size} records<' in page.text
    assert page.text.count("<svg") == 2 and "Calls per API method" in page.text
    assert "addon.request" in page.text and "oauth2.certs" in page.text
    refused = _as(addon, AUDITOR).get(addon.url + "/audit", params={"outcome": "refused"}, timeout=10)
    assert 'id="count">1 records<' in refused.text
    bad = _as(addon, AUDITOR).get(addon.url + "/audit", params={"from": "yesterday"}, timeout=10)
    assert bad.status_code == 400 and "not a date" in bad.text


def test_badge_turns_red_when_the_trail_is_tampered_with(addon):
    _traffic(addon)
    browser = _as(addon, AUDITOR)
    assert 'data-ok="true"' in browser.get(addon.url + "/audit", timeout=10).text
    seq = max(r.seq for r in addon.services.trail.records() if r["outcome"] == "refused")
    db = sqlite3.connect(addon.services.trail.store.path, isolation_level=None)  # an attacker with file access
    body = db.execute("SELECT body FROM records WHERE seq=?", (seq,)).fetchone()[0]
    db.execute("UPDATE records SET body=? WHERE seq=?", (bytes(body).replace(b'"refused"', b'"ok"'), seq))
    addon.services.trail.append({"actor": "system:test", "outcome": "ok", "operation": "test.touch"})
    page = browser.get(addon.url + "/audit", timeout=10)
    assert 'data-ok="false"' in page.text and "modified" in page.text


def test_downloads_match_the_cli_export(addon, monkeypatch):
    _traffic(addon)
    browser = _as(addon, AUDITOR)
    monkeypatch.setenv("DSAR_HOME", str(addon.services.settings.home))
    for fmt in ("csv", "jsonl"):
        web = browser.get(addon.url + f"/audit/export.{fmt}", timeout=10)
        assert web.status_code == 200 and "attachment" in web.headers["Content-Disposition"]
        cli = CliRunner().invoke(main, ["audit", "export", "--format", fmt])
        assert cli.exit_code == 0, cli.output
        assert web.text.replace("\r\n", "\n") == cli.output.replace("\r\n", "\n")
    rows = list(csv.DictReader(io.StringIO(browser.get(addon.url + "/audit/export.csv",
                                                       params={"outcome": "refused"}, timeout=10).text)))
    assert [r["api_method"] for r in rows] == ["addon.request"]
    lines = browser.get(addon.url + "/audit/export.jsonl", params={"api": "oauth2.certs"}, timeout=10).text.splitlines()
    assert lines and all(json.loads(x)["api_method"] == "oauth2.certs" for x in lines)


def test_outside_the_sandbox_the_web_sign_in_decides(tmp_path):
    services = Services(Settings(home=tmp_path / "home", domain="example.org", extra={"auditors": AUDITOR}))
    live = LiveServer(create_app(services))
    try:
        resp = requests.get(live.url + "/audit", allow_redirects=False, timeout=10)
        assert resp.status_code == 302 and resp.headers["Location"] == "/auth/start?for=audit&next=/audit"
        assert requests.post(live.url + "/audit/as", data={"email": AUDITOR}, timeout=10).status_code == 403
        assert requests.get(live.url + "/preview", timeout=10).status_code == 404  # preview: sandbox only
    finally:
        live.app.extensions["dsar"].runner.shutdown()
        live.stop()


def test_charts_are_plain_svg():
    days = per_day([{"time": "2025-06-01T10:00:00Z"}, {"time": "2025-06-03T09:00:00Z"},
                    {"time": "2025-06-03T11:00:00Z"}])
    assert days == [("2025-06-01", 1), ("2025-06-02", 0), ("2025-06-03", 2)]
    svg = columns(days, "Calls <per> day")
    assert svg.startswith("<svg") and svg.count("<rect") == 3 and "Calls &lt;per&gt; day" in svg
    assert bars([("gmail.users.messages.get", 10), ("a&b", 1)], "t").count("<rect") == 2
    assert [_nice_max(v) for v in (0, 1, 3, 7, 11, 240)] == [1, 1, 5, 10, 20, 500]


def test_page_of_clamps_what_a_query_string_asks_for():
    from addon.web.auditor import page_of

    assert (page_of(601, None).number, page_of(601, None).size, page_of(601, None).pages) == (1, 50, 13)
    last = page_of(601, "99")
    assert (last.number, last.start, last.end) == (13, 600, 601)
    assert page_of(601, "x").number == 1 and page_of(601, "-3").number == 1 and page_of(0, "2").pages == 1
    assert page_of(601, 1, "7").size == 25 and page_of(601, 1, "1000").size == 200 and page_of(601, 1, "b").size == 50
    assert page_of(601, 7).numbers() == [1, None, 5, 6, 7, 8, 9, None, 13]
    assert page_of(40, 1).numbers() == [1]


def test_timeline_is_paginated_on_the_server_with_the_filters_kept(addon):
    for _ in range(30):
        addon.services.trail.append({"actor": "system:test", "outcome": "ok", "operation": "test.touch",
                                     "api_method": "test.touch", "detail": "x" * 200})
    for _ in range(3):
        addon.post("/addon/homepage", auth="Bearer not.a.jwt")
    browser = _as(addon, AUDITOR)
    total = sum(1 for _ in addon.services.trail.records())  # calls: write-ahead intents are not listed
    first = browser.get(addon.url + "/audit", params={"size": "25"}, timeout=10).text
    assert first.count("<tr><td class=\"num\">") == 25 and f"1–25 of {total}" in first
    assert f'id="count">{total} records<' in first  # the count and the charts cover every record
    assert 'href="/audit?size=25&amp;page=2"' in first
    last = browser.get(addon.url + "/audit", params={"size": "25", "page": "999"}, timeout=10)
    assert last.status_code == 200 and f"of {total}, page {-(-total // 25)} of {-(-total // 25)}" in last.text
    touched = browser.get(addon.url + "/audit", params={"api": "test.touch", "size": "25", "page": "2"}, timeout=10).text
    assert "26–30 of 30" in touched and 'href="/audit?api=test.touch&amp;size=25"' in touched  # back to page 1, filter kept
    assert 'title="' + "x" * 200 + '"' in touched  # the full detail on hover, however long
    csv_rows = browser.get(addon.url + "/audit/export.csv", params={"api": "test.touch", "page": "2", "size": "25"},
                           timeout=10).text.strip().splitlines()
    assert len(csv_rows) == 1 + 30  # downloads: every record the filters keep, whatever the page
