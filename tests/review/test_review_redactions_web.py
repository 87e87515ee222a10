"""The review page's preview shows the redactions the package will make (proposed on the fly, staff's changes
applied, never stored in plain) and takes staff's changes as ``dsar redact`` does, over real HTTP against the
sandbox: the ids the page shows are the ids the package's redaction schedule lists for that email, a proposal
removed on the page is not hidden in the package, an added text is, and the requester's address never is."""
from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

from addon.cli.case_cmd import open_case
from addon.export import build_package
from addon.review.service import decide_matching, review_list, review_store
from addon.search.service import run_search
from tests.web.conftest import DPO, STAFF, addon, sandbox_server  # noqa: F401 - shared fixtures
from tests.web.conftest import demo_fixture  # noqa: F401

from .test_review_web import _signed_in

REQUESTER = "jane.doe@example.com"


def _preview(s, addon, ref: str, gid: str) -> dict:  # noqa: F811
    r = s.get(f"{addon.url}/review/{ref}/preview/{gid}", timeout=60)
    assert r.status_code == 200, r.text
    return r.json()


def _live(body: dict) -> dict[str, tuple[str, str]]:
    """redaction id -> (part, hidden text) for the redactions the package's copy would carry."""
    return {r["id"]: (p["name"], p["text"][r["start"]:r["end"]]) for p in body["parts"] for r in p["redactions"]
            if not r["removed"]}


def _schedule(path) -> list[dict]:
    with zipfile.ZipFile(path) as zf:
        name = next(n for n in zf.namelist() if n.endswith("redactions.csv"))
        return list(csv.DictReader(io.StringIO(zf.read(name).decode("utf-8"))))


def test_preview_redactions_follow_staff_and_match_the_package(addon):  # noqa: F811
    case = open_case(addon.services, "access", ["Jane Doe"], [REQUESTER], ["+447700900123"], [],
                     dt.date.today(), DPO)
    run_search(addon.services, case.ref, DPO)
    _, groups = review_list(addon.services, case.ref)
    s, csrf = _signed_in(addon, case.ref)
    mails = [g for g in groups if g.primary["source"] == "gmail" and len(g.keys) == 1]
    shown = None
    for g in mails:  # an email naming other people (the demo company's staff write to Jane)
        body = _preview(s, addon, case.ref, g.id)
        if len(_live(body)) >= 2:
            shown = (g, body)
            break
    assert shown, "no email of Jane's case names a third party"
    g, body = shown
    assert "redaction_error" not in body
    before = _live(body)
    assert all(REQUESTER not in text.lower() for _, text in before.values())  # never the requester
    assert {r["origin"] for p in body["parts"] for r in p["redactions"]} == {"proposed"}
    assert review_store(addon.services).load(case.ref) == {}  # showing them stored nothing

    post = lambda change: s.post(f"{addon.url}/review/{case.ref}/redactions", json={"id": g.id, **change},  # noqa: E731
                                 headers={"X-CSRF-Token": csrf}, timeout=30)
    assert post({"remove": ["0" * 16]}).status_code == 200  # an id no proposal has: kept, and harmless
    assert post({"remove": ["not-an-id"]}).status_code == 400
    assert s.post(f"{addon.url}/review/{case.ref}/redactions", json={"id": g.id, "clear": True},
                  headers={"X-CSRF-Token": "forged"}, timeout=10).status_code == 403
    keep = sorted(before)[0]
    assert post({"remove": [keep]}).status_code == 200
    # staff hide a word of the text that nothing proposed (a long word of the body outside every redaction)
    text = next(p["text"] for p in body["parts"] if p["name"] == "body")
    covered = [(r["start"], r["end"]) for p in body["parts"] if p["name"] == "body" for r in p["redactions"]]
    words = [w.strip(".,;:!?()\"'") for w in text.split()]
    extra = next(w for w in words if len(w) >= 7 and w.isalpha() and "jane" not in w.lower()
                 and not any(a <= text.find(w) < b for a, b in covered))
    assert post({"add": extra, "kind": "name"}).status_code == 200
    after = _preview(s, addon, case.ref, g.id)
    removed = [r for p in after["parts"] for r in p["redactions"] if r["removed"]]
    assert [r["id"] for r in removed] == [keep]
    staff = [(p["name"], p["text"][r["start"]:r["end"]]) for p in after["parts"] for r in p["redactions"]
             if r["origin"] == "staff"]
    assert staff and all(t.lower() == extra.lower() for _, t in staff)
    d = review_store(addon.services).load(case.ref)[g.keys[0]]
    assert d.redactions_removed == ["0" * 16, keep] and d.redactions_added == [{"kind": "name", "text": extra}]
    assert d.by == STAFF and d.status == "undecided"  # a redaction change is not a decision
    raw = (addon.services.settings.home / "cases.db").read_bytes()
    assert extra.encode() not in raw  # sealed under the case key

    # the package hides exactly what the page showed for that email
    decide_matching(addon.services, case.ref, {"status": "undecided"}, "include", DPO)
    result = build_package(addon.services, case.ref, DPO)
    mid = g.primary["message_id"]
    listed = {row["id"] for row in _schedule(result.path) if mid in row["file"]}
    assert listed == set(_live(after)), (listed, _live(after))

    assert post({"clear": True}).status_code == 200  # back to the proposals
    again = _preview(s, addon, case.ref, g.id)
    assert set(_live(again)) == set(before)
