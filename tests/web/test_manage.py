"""The DPO's sidebar actions over real HTTP with signed events: status with a reason, the clock, the access
package, and erasure plan approval with the hash the card showed. Staff see none of it and are refused."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from addon.cases.clock import CaseClock
from addon.cli.case_cmd import open_case
from addon.erasure import casefile
from addon.erasure.exemptions import parse_policy
from addon.erasure.planner import plan_erasure
from addon.review.service import decide_matching
from addon.search.service import run_search

from .conftest import DPO, STAFF
from .test_endpoints import _card, _widget_after



def _open(addon, kind: str = "access"):
    return open_case(addon.services, kind, ["Jane Doe"], ["jane.doe@example.com"], ["+447700900123"], [], dt.date.today(), STAFF)


def _buttons(card: dict) -> dict[str, dict]:
    return {b["text"]: b for s in card["sections"] for w in s["widgets"] for b in w.get("buttonList", {}).get("buttons", [])}


def _params(button: dict) -> dict[str, str]:
    return {p["key"]: p["value"] for p in button["onClick"]["action"].get("parameters", [])}


def _press(addon, card: dict, label: str, form: dict | None = None, as_user: str = DPO) -> dict:
    """Press a button of ``card`` as Google would: POST to its URL with its parameters and the form's values."""
    b = _buttons(card)[label]
    path = "/" + b["onClick"]["action"]["function"].split("/", 3)[3]
    return _card(addon.post(path, as_user=as_user, params=_params(b), form=form or {}))


def _show(addon, ref: str, who: str = DPO) -> dict:
    return _card(addon.post("/addon/case/show", as_user=who, params={"ref": ref}))


def test_only_the_dpo_sees_and_may_use_the_actions(addon):
    case = _open(addon)
    staff = _show(addon, case.ref, STAFF)
    assert not {"Change status", "Extend by two months", "Pause for clarification"} & set(_buttons(staff))
    dpo = _show(addon, case.ref)
    assert {"Change status", "Extend by two months", "Pause for clarification"} <= set(_buttons(dpo))
    for path, form in (("/addon/case/status", {"status": "refused", "reason": "excessive"}),
                       ("/addon/case/extend", {"clock_reason": "complex"}), ("/addon/case/pause", {}),
                       ("/addon/export", {}), ("/addon/erase/approve", {})):
        card = _card(addon.post(path, as_user=STAFF, params={"ref": case.ref, "hash": "0" * 64}, form=form))
        assert card["header"]["title"] == "Not allowed" and "needs the dpo role" in json.dumps(card)
    again = addon.services.store.get(case.ref)
    assert again.status == "received" and not again.extended and CaseClock(addon.services.store).open_pause(case.ref) is None


def test_status_needs_a_reason_to_refuse_and_is_recorded(addon):
    case = _open(addon)
    card = _show(addon, case.ref)
    back = _press(addon, card, "Change status", {"status": "refused"})
    assert "needs a reason" in json.dumps(_widget_after(back, "reason"))  # under the field, nothing changed
    assert addon.services.store.get(case.ref).status == "received"
    done = addon.post("/addon/case/status", as_user=DPO, params={"ref": case.ref},
                      form={"status": "refused", "reason": "manifestly excessive: the fourth identical request"})
    assert done.json()["renderActions"]["action"]["notification"]["text"] == f"{case.ref} is now refused"
    moved = addon.services.store.get(case.ref)
    last = moved.history[-1]
    assert (moved.status, last["actor"], last["role"], last["reason"]) == (
        "refused", DPO, "dpo", "manifestly excessive: the fourth identical request")
    assert "Change status" not in _buttons(_show(addon, case.ref))  # a refused case goes nowhere from here


def test_pause_resume_and_extend_from_the_sidebar(addon):
    case = _open(addon)
    card = _press(addon, _show(addon, case.ref), "Pause for clarification", {"clock_reason": "which account?"})
    assert "Clock paused" in json.dumps(card) and "Resume (clarification arrived today)" in _buttons(card)
    assert CaseClock(addon.services.store).open_pause(case.ref).reason == "which account?"
    card = _press(addon, card, "Resume (clarification arrived today)")
    assert CaseClock(addon.services.store).open_pause(case.ref) is None
    assert addon.services.store.get(case.ref).due >= case.due  # the paused day is added
    refused = _press(addon, card, "Extend by two months", {"clock_reason": " "})
    assert "reasons given to the subject" in json.dumps(refused)
    card = _press(addon, refused, "Extend by two months", {"clock_reason": "complex: eleven mailboxes"})
    assert addon.services.store.get(case.ref).extended and "Extend by two months" not in _buttons(card)


def test_build_the_access_package_and_show_where_it_is(addon, tmp_path):
    case = _open(addon)
    run_search(addon.services, case.ref, STAFF)
    card = _show(addon, case.ref)
    refused = _press(addon, card, "Build the access package")  # nothing reviewed yet (addon/review)
    assert "not reviewed yet" in json.dumps(refused) and not (addon.services.settings.home / "exports").exists()
    assert _buttons(card)["Review"]["onClick"]["openLink"]["url"].endswith(f"/review/{case.ref}")
    decide_matching(addon.services, case.ref, {"status": "undecided"}, "include", DPO)
    package = _press(addon, card, "Build the access package")
    assert package["header"]["title"] == f"Access package for {case.ref}"
    where = package["sections"][0]["widgets"][0]["decoratedText"]["text"]
    assert Path(where).is_file() and where.endswith(".zip") and case.ref in where
    assert "password" not in json.dumps(package).lower()
    said = json.dumps(package)  # the package carries the redaction: no "redact by hand" any more
    assert "redacted copies" in said and "redaction schedule" in said and "redact other people" not in said


def test_approve_the_plan_the_card_showed_and_nothing_else(addon):
    case = _open(addon, "erasure")
    run_search(addon.services, case.ref, STAFF)
    planned = plan_erasure(addon.services, case.ref, STAFF, policy=parse_policy("", "test-policy.toml"))
    card = _show(addon, case.ref)
    assert planned.sha256 in json.dumps(card) and "Approve this plan" not in _buttons(_show(addon, case.ref, STAFF))
    assert _params(_buttons(card)["Approve this plan"]) == {"ref": case.ref, "hash": planned.sha256}
    wrong = _card(addon.post("/addon/erase/approve", as_user=DPO, params={"ref": case.ref, "hash": "0" * 64}))
    assert "Not approved" in json.dumps(wrong) and addon.services.store.get(case.ref).status == "erasure_planned"
    done = _press(addon, card, "Approve this plan")
    assert "This plan is approved by " + DPO in json.dumps(done)
    approved = casefile.approval(addon.services.store.get(case.ref))
    assert approved["sha256"] == planned.sha256 and approved["by"] == DPO
