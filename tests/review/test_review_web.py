"""The review page's endpoints over real HTTP (the add-on on loopback, the sandbox behind it): a preview of
each kind of item fetched through the seam and not cached, decisions checked like the CLI's, and the page
closed to anyone but signed-in staff and the DPO."""
from __future__ import annotations

import datetime as dt
import re

import requests

from addon.cli.case_cmd import open_case
from addon.review.service import review_list, review_store
from addon.search.service import run_search
from tests.web.conftest import AUDITOR, DPO, STAFF, addon, sandbox_server  # noqa: F401 - shared fixtures
from tests.web.conftest import demo_fixture  # noqa: F401


def _signed_in(addon, ref: str, email: str = STAFF) -> tuple[requests.Session, str]:  # noqa: F811
    s = requests.Session()
    s.post(f"{addon.url}/review/as", data={"email": email, "ref": ref}, timeout=10)
    page = s.get(f"{addon.url}/review/{ref}", timeout=30)
    m = re.search(r'const csrf = "([^"]+)"', page.text)
    return s, (m.group(1) if m else "")


def test_preview_each_source_and_decide(addon):  # noqa: F811
    case = open_case(addon.services, "access", ["Jane Doe"], ["jane.doe@example.com"], ["+447700900123"], [],
                     dt.date.today(), DPO)
    run_search(addon.services, case.ref, DPO)
    _, groups = review_list(addon.services, case.ref)
    s, csrf = _signed_in(addon, case.ref)
    assert csrf
    page = s.get(f"{addon.url}/review/{case.ref}", timeout=30)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert all(g.id in page.text for g in groups)
    for source in ("gmail", "drive", "sheets"):
        g = next(g for g in groups if g.primary["source"] == source and not g.primary.get("unreadable"))
        before = max(r["seq"] for r in addon.services.trail.records())
        r = s.get(f"{addon.url}/review/{case.ref}/preview/{g.id}", timeout=30)
        assert r.status_code == 200, r.text
        assert r.headers["Cache-Control"] == "no-store"
        body = r.json()
        assert ("Jane" in body["text"] or "jane" in body["text"].lower() or "7700" in body["text"]
                or "CUST" in body["text"]), (source, body)
        calls = [x.to_dict() for x in addon.services.trail.records() if x["seq"] > before]
        assert calls and all(x["case"] == case.ref and "before it is disclosed" in x["purpose"] for x in calls)
    g = groups[0]
    bad = s.post(f"{addon.url}/review/{case.ref}/decide", json={"ids": [g.id], "status": "include"},
                 headers={"X-CSRF-Token": "forged"}, timeout=10)
    assert bad.status_code == 403
    no_note = s.post(f"{addon.url}/review/{case.ref}/decide", json={"ids": [g.id], "status": "exclude",
                                                                    "code": "negotiations"},
                     headers={"X-CSRF-Token": csrf}, timeout=10)
    assert no_note.status_code == 400 and "--note" in no_note.json()["error"]
    ok = s.post(f"{addon.url}/review/{case.ref}/decide", json={"ids": [g.id], "status": "exclude",
                                                               "code": "negotiations", "note": "offer open"},
                headers={"X-CSRF-Token": csrf}, timeout=10)
    assert ok.status_code == 200 and ok.json()["items"][0]["status"] == "exclude"
    assert ok.json()["counts"]["exclude"] == 1
    assert {d.by for d in review_store(addon.services).load(case.ref).values()} == {STAFF}


def test_auditors_and_strangers_get_nothing(addon):  # noqa: F811
    case = open_case(addon.services, "access", ["Jane Doe"], ["jane.doe@example.com"], [], [], dt.date.today(), DPO)
    run_search(addon.services, case.ref, DPO)
    _, groups = review_list(addon.services, case.ref)
    s, _ = _signed_in(addon, case.ref, AUDITOR)
    assert s.get(f"{addon.url}/review/{case.ref}", timeout=10).status_code == 403
    assert s.get(f"{addon.url}/review/{case.ref}/preview/{groups[0].id}", timeout=10).status_code == 403
    anon = requests.get(f"{addon.url}/review/{case.ref}/preview/{groups[0].id}", timeout=10)
    assert anon.status_code == 401
    missing = _signed_in(addon, "DSAR-1999-0001")[0].get(f"{addon.url}/review/DSAR-1999-0001", timeout=10)
    assert missing.status_code == 404
