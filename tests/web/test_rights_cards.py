"""The rights' steps in the sidebar over real HTTP with signed events, against a sandbox of their own (these
tests change its data): a rectification planned, approved by the DPO with the hash the card showed, run,
verified and recorded; a restriction marked and lifted (by the DPO only, never by a bare status change); an
objection decided with grounds and then suppressed; a marketing opt-out suppressed. Staff see none of the
DPO's steps and are refused them; long steps run as background jobs."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build_from_document

from addon.cases.identity import Identity
from addon.cli.case_cmd import open_case
from addon.clients import discovery_document
from addon.erasure.certificate import load
from addon.rights import rectify_record
from addon.rights.suppress import check
from addon.search.service import run_search
from addon.tracker import init_tracker
from addon.web.cards.schema import card_problems
from sandbox.server import SandboxServer
from scopes.model import GMAIL_MODIFY, SPREADSHEETS
from tests.conftest import mint_token

from .conftest import DPO, STAFF
from .test_endpoints import _card
from .test_manage import _buttons, _params, _press, _show

WRONG, RIGHT = "ZQ9 4XW", "ZQ9 4XY"  # postcodes no one else in the demo company has


@pytest.fixture(scope="module")
def sandbox_server(demo_fixture):
    """Not the session's sandbox: marking, correcting and removing rows here must not leak into other tests."""
    server = SandboxServer(demo_fixture, port=0, quota=True).start()
    yield server
    server.stop()


def _api(addon, name: str, scopes: list[str], who: str = STAFF):
    creds = Credentials(token=mint_token(addon.sandbox, who, scopes))
    return build_from_document(discovery_document(name, addon.sandbox.url), credentials=creds)


def _sheet(addon, title: str, rows: list[list[str]]) -> str:
    sheets = _api(addon, "sheets", [SPREADSHEETS]).spreadsheets()
    book = sheets.create(body={"properties": {"title": title}, "sheets": [{"properties": {"title": "Main"}}]}).execute()
    sheets.values().update(spreadsheetId=book["spreadsheetId"], range="'Main'!A1", valueInputOption="RAW",
                           body={"values": rows}).execute()
    return book["spreadsheetId"]


def _values(addon, fid: str, tab: str = "Main", who: str = STAFF) -> list[list[str]]:
    got = _api(addon, "sheets", [SPREADSHEETS], who).spreadsheets().values().get(spreadsheetId=fid, range=f"'{tab}'").execute()
    return got.get("values", [])


def _open(addon, kind: str, details: dict | None = None, *, name: str = "Jane Doe", email: str = "jane.doe@example.com",
          phone: str = "+447700900123", search: bool = True) -> str:
    services = addon.services
    c = open_case(services, kind, [name], [email], [phone], [], dt.date.today(), STAFF, details=details)
    Identity(services.store).waive(services.store.get(c.ref), STAFF, "known customer, from the address on file", dt.date.today())
    if search:
        run_search(services, c.ref, STAFF)
    return c.ref


def _valid(card: dict) -> dict:
    assert card_problems(card) == [], card_problems(card)
    return card


def _finish(addon, job_card: dict) -> dict:
    """Wait for the background job the card shows, then press Refresh as Google would: the finished card."""
    b = _buttons(job_card)
    if "Refresh" in b:
        job_id = _params(b["Refresh"])["job"]
    else:  # finished before the card was drawn
        ref = _params(b["Case"])["ref"]
        job_id = [j["id"] for j in addon.services.store.jobs(ref) if j["kind"].startswith("rights-")][-1]
    assert addon.web.runner.wait(job_id, 120)["status"] in ("done", "failed")
    done = _valid(_card(addon.post("/addon/rights/job", params={"job": job_id})))
    assert "Refresh" not in _buttons(done)
    return done


def _text(card: dict) -> str:
    return json.dumps(card)


def test_rectification_planned_approved_run_verified_and_recorded(addon):
    fid = _sheet(addon, "Address check", [["Name", "Email", "Postcode"], ["Jane Doe", "jane.doe@example.com", WRONG],
                                          ["Sam Hill", "sam.hill@example.com", "LS6 2QT"]])
    ref = _open(addon, "rectification", {"corrections": [{"field": "postcode", "wrong": WRONG, "correct": RIGHT}]})
    staff = _valid(_show(addon, ref, STAFF))
    assert "Plan the rectification" in _buttons(staff) and "Approve this plan" not in _buttons(staff)
    job = _valid(_press(addon, staff, "Plan the rectification", as_user=STAFF))
    assert job["header"]["title"] == f"Rectification plan for {ref}"  # answered at once; the search runs behind
    done = _finish(addon, job)
    store = addon.services.store
    assert store.get(ref).status == "rectification_planned"
    from addon.rights.rectify import load_plan

    plan, sha, _ = load_plan(store, ref)
    assert sha in _text(done) and plan["counts"]["update_cells"] == 1
    job_row = next(j for j in store.jobs(ref) if j["kind"] == "rights-rectify_plan")
    assert WRONG not in json.dumps(job_row) and "jane" not in json.dumps(job_row).lower()  # counts only

    staff = _valid(_show(addon, ref, STAFF))  # staff see the plan and its hash, never the Approve button
    assert sha in _text(staff) and "Approve this plan" not in _buttons(staff) and "Waiting for the DPO" in _text(staff)
    refused = _card(addon.post("/addon/rectify/approve", as_user=STAFF, params={"ref": ref, "hash": sha},
                               form={"confirm": sha}))
    assert refused["header"]["title"] == "Not allowed" and store.get(ref).status == "rectification_planned"

    dpo = _valid(_show(addon, ref))
    assert _params(_buttons(dpo)["Approve this plan"]) == {"ref": ref, "hash": sha}
    unticked = _valid(_press(addon, dpo, "Approve this plan"))
    assert "Tick the box" in _text(unticked) and store.get(ref).status == "rectification_planned"
    wrong = _card(addon.post("/addon/rectify/approve", as_user=DPO, params={"ref": ref, "hash": "0" * 64},
                             form={"confirm": "0" * 64}))
    assert "Not approved" in _text(wrong) and store.get(ref).status == "rectification_planned"
    approved = _valid(_press(addon, dpo, "Approve this plan", {"confirm": sha}))
    assert "This plan is approved by " + DPO in _text(approved)
    last = store.get(ref).history[-1]
    assert (last["to_status"], last["actor"], last["role"], last["reason"]) == ("plan_approved", DPO, "dpo",
                                                                                  f"plan sha256:{sha}")

    ran = _finish(addon, _press(addon, approved, "Run the corrections", as_user=STAFF))
    assert "Corrected" in _text(ran) and store.get(ref).status in ("rectified", "rectification_partial")
    assert _values(addon, fid)[1] == ["Jane Doe", "jane.doe@example.com", RIGHT]  # read back corrected, RAW
    assert _values(addon, fid)[2][2] == "LS6 2QT"

    shown = _valid(_show(addon, ref, STAFF))
    verified = _finish(addon, _press(addon, shown, "Search again to verify", as_user=STAFF))
    assert "yes: no wrong value is left" in _text(verified) and store.get(ref).status == "verified"

    record = _valid(_press(addon, _show(addon, ref, STAFF), "Issue the signed record", as_user=STAFF))
    path = record["sections"][0]["widgets"][0]["decoratedText"]["text"]
    doc = load(path)
    assert doc["case"] == ref and rectify_record.verify_record(doc, addon.services.trail.verifier,
                                                               addon.services.trail) == []
    assert "jane" not in open(path, encoding="utf-8").read().lower()


def test_restriction_marked_by_staff_lifted_only_by_the_dpo(addon):
    ref = _open(addon, "restriction", {"reason": "accuracy_contested"})
    store = addon.services.store
    staff = _valid(_show(addon, ref, STAFF))
    assert "Mark the items found" in _buttons(staff) and "Lift the restriction" not in _buttons(staff)
    marked = _finish(addon, _press(addon, staff, "Mark the items found", as_user=STAFF))
    assert store.get(ref).status == "restricted" and "New marks" in _text(marked)
    mails = [i for i in store.results(ref, 0) if i["source"] == "gmail"]
    assert mails
    gmail = _api(addon, "gmail", [GMAIL_MODIFY], mails[0]["account"]).users()
    labels = {lb["name"]: lb["id"] for lb in gmail.labels().list(userId="me").execute()["labels"]}
    label = labels[f"DSAR restricted/{ref}"]
    assert label in gmail.messages().get(userId="me", id=mails[0]["message_id"], format="minimal").execute()["labelIds"]

    refused = _card(addon.post("/addon/restrict/lift", as_user=STAFF, params={"ref": ref}, form={"lift_reason": "x"}))
    assert refused["header"]["title"] == "Not allowed"
    dpo = _valid(_show(addon, ref))
    statuses = [i["value"] for s in dpo["sections"] for w in s["widgets"]
                for i in w.get("selectionInput", {}).get("items", []) if w["selectionInput"]["name"] == "status"]
    assert "lifted" not in statuses  # a bare status change would leave the marks on every item
    bare = _card(addon.post("/addon/case/status", as_user=DPO, params={"ref": ref},
                            form={"status": "lifted", "reason": "accuracy verified"}))
    assert "own step" in _text(bare) and store.get(ref).status == "restricted"
    no_reason = _valid(_press(addon, dpo, "Lift the restriction"))
    assert "Give the reason" in _text(no_reason) and store.get(ref).status == "restricted"
    lifted = _finish(addon, _press(addon, dpo, "Lift the restriction", {"lift_reason": "accuracy verified; told the subject"}))
    assert "lifted" in _text(lifted)
    case = store.get(ref)
    assert case.status == "lifted" and case.history[-1]["reason"] == "accuracy verified; told the subject"
    assert label not in gmail.messages().get(userId="me", id=mails[0]["message_id"], format="minimal").execute().get(
        "labelIds", [])


def _marketing(addon) -> tuple[str, str]:
    news = _sheet(addon, "Newsletter", [["Email", "Name"], ["sam.hill@example.com", "Sam Hill"],
                                        ["jane.doe@example.com", "Jane Doe"], ["ann.lee@example.com", "Ann Lee"]])
    offers = _sheet(addon, "Offers", [["Name", "Mobile", "Marketing"], ["Ann Lee", "07700 900555", "yes"],
                                      ["Jane Doe", "07700 900123", "yes"]])
    (addon.services.settings.home / "marketing.toml").write_text(
        f'[[list]]\nname = "Newsletter"\nspreadsheet = "{news}"\ntab = "Main"\nowner = "{STAFF}"\naction = "remove"\n\n'
        f'[[list]]\nname = "Offers"\nspreadsheet = "{offers}"\ntab = "Main"\nowner = "{STAFF}"\naction = "flag"\n'
        f'flag_column = "Marketing"\nflag_value = "NO - opted out"\n', encoding="utf-8")
    return news, offers


def test_objection_decided_by_the_dpo_with_grounds_then_suppressed(addon):
    init_tracker(addon.services, DPO)
    news, _ = _marketing(addon)
    ref = _open(addon, "objection", {"processing": "call-quality analytics on my recorded calls"})
    store = addon.services.store
    staff = _valid(_show(addon, ref, STAFF))
    assert "Record the decision" not in _buttons(staff) and "Apply the suppression" not in _buttons(staff)
    refused = _card(addon.post("/addon/objection/decide", as_user=STAFF, params={"ref": ref},
                               form={"outcome": "upheld", "grounds": "no compelling grounds"}))
    assert refused["header"]["title"] == "Not allowed" and store.get(ref).status == "review"
    dpo = _valid(_show(addon, ref))
    empty = _valid(_press(addon, dpo, "Record the decision", {"outcome": "upheld"}))
    assert store.get(ref).status == "review"
    [under] = [w for s in empty["sections"] for i, w in enumerate(s["widgets"])
               if i and s["widgets"][i - 1].get("textInput", {}).get("name") == "grounds"]
    assert "textParagraph" in under  # the error sits under the Grounds field
    grounds = "No compelling legitimate grounds: analytics can run on other callers' recordings."
    decided = _valid(_press(addon, dpo, "Record the decision", {"outcome": "upheld", "grounds": grounds}))
    case = store.get(ref)
    assert case.status == "objection_upheld" and case.details["decision"]["grounds"] == grounds
    assert grounds not in _text(decided) and "upheld by " + DPO in _text(decided)  # the grounds stay sealed
    assert "Apply the suppression" in _buttons(_valid(_show(addon, ref, STAFF)))
    applied = _finish(addon, _press(addon, _show(addon, ref, STAFF), "Apply the suppression", as_user=STAFF))
    assert "2 of 2 hash(es) added" in _text(applied)
    assert [r[0] for r in _values(addon, news)] == ["Email", "sam.hill@example.com", "ann.lee@example.com"]
    assert check(addon.services, "jane.doe@example.com", STAFF)["status"] == "do_not_contact"
    assert check(addon.services, "ann.lee@example.com", STAFF)["status"] == "no_record"


def test_marketing_optout_suppressed_at_once_from_the_sidebar(addon):
    init_tracker(addon.services, DPO)
    _, offers = _marketing(addon)
    ref = _open(addon, "marketing_optout", name="Ann Lee", email="ann.lee@example.com", phone="+447700900555",
                search=False)
    card = _valid(_show(addon, ref, STAFF))
    assert "absolute" in _text(card) and "Record the decision" not in _buttons(card)
    applied = _finish(addon, _press(addon, card, "Apply the suppression", as_user=STAFF))
    assert addon.services.store.get(ref).status == "suppressed" and "1 row(s) flagged" in _text(applied)
    assert _values(addon, offers)[1] == ["Ann Lee", "07700 900555", "NO - opted out"]
    assert check(addon.services, "07700 900555", STAFF)["status"] == "do_not_contact"
    again = _valid(_show(addon, ref, STAFF))
    assert "Apply the suppression" in _buttons(again)  # idempotent: a second apply adds nothing
    twice = _finish(addon, _press(addon, again, "Apply the suppression", as_user=STAFF))
    assert "0 of 2 hash(es) added" in _text(twice)


def test_rights_endpoints_need_googles_signature_and_the_step_status(addon):
    ref = _open(addon, "rectification", {"corrections": [{"field": "postcode", "wrong": WRONG, "correct": RIGHT}]},
                search=False)
    for path in ("/addon/rectify/plan", "/addon/rectify/approve", "/addon/restrict/lift", "/addon/objection/decide",
                 "/addon/suppression/apply", "/addon/rights/job"):
        assert addon.post(path, auth=None, params={"ref": ref}).status_code == 401
        assert addon.post(path, auth="Bearer forged.token.here", params={"ref": ref}).status_code == 401
    assert len(addon.refusals()) == 12
    early = _valid(_card(addon.post("/addon/rectify/plan", params={"ref": ref})))  # not searched yet
    assert "Not now" in _text(early) and not [j for j in addon.services.store.jobs(ref) if j["kind"].startswith("rights-")]
    wrong_type = _card(addon.post("/addon/restrict/mark", params={"ref": ref}))
    assert "Not now" in _text(wrong_type)


def test_an_objection_to_direct_marketing_cannot_be_rejected(addon):
    ref = _open(addon, "objection", {"processing": "direct marketing calls about new tariffs"})
    dpo = _valid(_show(addon, ref))
    back = _valid(_press(addon, dpo, "Record the decision", {"outcome": "rejected", "grounds": "our legitimate interest"}))
    assert "Art. 21(3)" in _text(back) and addon.services.store.get(ref).status == "review"
    assert "decision" not in addon.services.store.get(ref).details
