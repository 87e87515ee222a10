"""The four rights beside access and erasure (issue 15 item 1): ``dsar case open --type`` with each type's
fields, their sealed details, each type's lifecycle, the same clock and roles, and the DPO's objection
decision."""
from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from addon.cases.lifecycle import TransitionError, TransitionRefused, check_transition, statuses_for
from addon.cli import main
from addon.errors import ExitCode
from tests.cases.cli import run



def open_json(env, case_type, *extra, name="Jane Doe", actor=None):
    out = run(env, "case", "open", "--type", case_type, "--name", name, "--email", "jane.doe@example.com",
              *extra, "--json", actor=actor).output
    return json.loads(out)


def test_each_new_type_opens_with_its_own_fields_and_the_same_clock(env):
    rect = open_json(env, "rectification", "--field", "address", "--wrong", "12 Old Street",
                     "--correct", "14 New Street", "--wrong", "07700 900111", "--correct", "07700 900222",
                     "--field", "phone")
    assert rect["type"] == "rectification" and rect["status"] == "received"
    assert rect["details"] == {"corrections": [
        {"field": "address", "wrong": "12 Old Street", "correct": "14 New Street"},
        {"field": "phone", "wrong": "07700 900111", "correct": "07700 900222"}]}
    obj = open_json(env, "objection", "--processing", "Profiling my calls for sales scoring")
    assert obj["details"] == {"processing": "Profiling my calls for sales scoring"}
    res = open_json(env, "restriction", "--reason", "accuracy-contested")
    assert res["details"] == {"reason": "accuracy_contested"}
    mkt = open_json(env, "marketing_optout")
    assert mkt["details"] == {}
    acc = open_json(env, "access")
    # one ICO clock for all six: same received day, same due dates
    assert {(c["due"], c["extended_due"]) for c in (rect, obj, res, mkt, acc)} == {(acc["due"], acc["extended_due"])}

    listed = {c["ref"]: c["type"] for c in json.loads(run(env, "case", "list", "--json").output)}
    assert sorted(listed.values()) == ["access", "marketing_optout", "objection", "rectification", "restriction"]
    shown = json.loads(run(env, "case", "show", rect["ref"], "--json").output)
    assert shown["details"]["corrections"][0]["wrong"] == "12 Old Street"
    assert shown["identity"] == {"state": "unchecked"}
    text = run(env, "case", "show", rect["ref"]).output
    assert "Correct address: '12 Old Street' → '14 New Street'" in text and "Identity: not checked yet" in text
    assert "Restriction reason: accuracy_contested" in run(env, "case", "show", res["ref"]).output

    # an extension and a pause work on the new types as on access
    run(env, "case", "pause", obj["ref"], "--reason", "which calls?")
    ext = json.loads(run(env, "case", "extend", res["ref"], "--reason", "many systems", "--json").output)
    assert ext["extended"] is True


@pytest.mark.parametrize("args, field, words", [
    (("--type", "rectification"), "--wrong", "needs the wrong value and the correct one"),
    (("--type", "rectification", "--wrong", "a", "--wrong", "b", "--correct", "c"), "--correct", "in pairs"),
    (("--type", "rectification", "--wrong", "Old", "--correct", "old"), "--correct", "same as the wrong one"),
    (("--type", "rectification", "--wrong", "a", "--correct", "b", "--field", "x", "--field", "y"), "--field",
     "one per pair"),
    (("--type", "rectification", "--wrong", "a\nb", "--correct", "c"), "--wrong", "line break"),
    (("--type", "objection"), "--processing", "is empty"),
    (("--type", "objection", "--processing", "   "), "--processing", "is empty"),
    (("--type", "restriction"), "--reason", "is not a restriction reason"),
    (("--type", "restriction", "--reason", "because"), "--reason", "accuracy_contested, unlawful"),
    (("--type", "access", "--processing", "x"), "--processing", "does not apply to a access case"),
    (("--type", "marketing_optout", "--wrong", "x", "--correct", "y"), "--wrong", "does not apply"),
    (("--type", "objection", "--processing", "x", "--reason", "unlawful"), "--reason", "does not apply"),
])
def test_bad_per_type_input_is_one_line_naming_the_option_and_opens_nothing(env, args, field, words):
    r = run(env, "case", "open", *args, "--name", "Jane Doe", code=ExitCode.INPUT)
    assert r.output.startswith(f"Error: {field}:") and words in r.output, r.output
    assert "Traceback" not in r.output and len(r.output.strip().splitlines()) == 1
    assert json.loads(run(env, "case", "list", "--json").output) == []


def test_unknown_type_is_refused_by_click_with_the_six_choices(env):
    r = CliRunner().invoke(main, ["case", "open", "--type", "portability", "--name", "Jane Doe"], env=env.cli_env())
    assert r.exit_code == ExitCode.USAGE
    for t in ("access", "erasure", "rectification", "restriction", "objection", "marketing_optout"):
        assert t in r.output


def test_details_are_sealed_at_rest_and_go_with_the_case_key(env):
    rect = open_json(env, "rectification", "--wrong", "12 Old Street", "--correct", "14 New Street")
    raw = (env.home / "cases.db").read_bytes()
    assert b"Old Street" not in raw and b"New Street" not in raw
    with sqlite3.connect(env.home / "cases.db") as db:
        (sealed,) = db.execute("SELECT details_sealed FROM cases WHERE ref=?", (rect["ref"],)).fetchone()
    assert sealed and "Old" not in sealed
    services = env.services()
    services.trail.shred(rect["ref"], env.dpo)
    case = services.store.get(rect["ref"])
    assert case.subject is None and case.details == {}
    assert case.public()["details"] is None


def test_each_type_has_its_own_lifecycle():
    assert "plan_approved" in statuses_for("rectification") and "restricted" not in statuses_for("rectification")
    assert statuses_for("marketing_optout")[-1] == "suppressed" or "suppressed" in statuses_for("marketing_optout")
    assert "erasure_planned" not in statuses_for("objection")
    check_transition("review", "rectification_planned", "staff", case_type="rectification")
    check_transition("rectification_planned", "plan_approved", "dpo", case_type="rectification")
    with pytest.raises(TransitionRefused):  # only the DPO approves a plan
        check_transition("rectification_planned", "plan_approved", "staff", case_type="rectification")
    with pytest.raises(TransitionError):  # an access case never restricts
        check_transition("review", "restricted", "dpo", case_type="access")
    with pytest.raises(TransitionError):  # an erasure plan is not a rectification plan
        check_transition("review", "erasure_planned", "staff", case_type="rectification")
    check_transition("received", "suppressed", "system", case_type="marketing_optout")  # Art. 21(3): at once
    check_transition("restricted", "lifted", "dpo", "accuracy verified", case_type="restriction")
    with pytest.raises(TransitionError):  # lifting needs a reason
        check_transition("restricted", "lifted", "dpo", "", case_type="restriction")
    for t in ("rectification", "restriction", "objection", "marketing_optout"):
        check_transition("received", "refused", "dpo", "manifestly unfounded", case_type=t)
        check_transition("review", "withdrawn", "staff", "subject withdrew", case_type=t)


def test_the_store_refuses_a_move_outside_the_type_lifecycle(env):
    obj = open_json(env, "objection", "--processing", "call recording analytics")
    r = run(env, "case", "status", obj["ref"], "erasure_planned", code=ExitCode.CONFLICT)
    assert "an objection case in 'received' cannot move to 'erasure_planned'" in r.output


def _to_review(env, ref):
    run(env, "case", "verify-id", ref, "--waive", "--reason", "sent from the address on file")
    run(env, "search", ref, "--json")
    return json.loads(run(env, "case", "show", ref, "--json").output)


def test_objection_is_decided_by_the_dpo_alone_with_sealed_grounds(env):
    obj = open_json(env, "objection", "--processing", "Profiling my calls for sales scoring")
    r = run(env, "objection", "decide", obj["ref"], "--upheld", "--grounds", "no overriding interest",
            code=ExitCode.CONFLICT)
    assert "decided after the search, in review" in r.output
    assert _to_review(env, obj["ref"])["status"] == "review"
    r = run(env, "objection", "decide", obj["ref"], "--rejected", "--grounds", "fraud prevention",
            actor="staff@example.test", code=ExitCode.ROLE_REFUSED)
    assert "needs the dpo role" in r.output
    run(env, "objection", "decide", obj["ref"], "--grounds", "x", code=ExitCode.INPUT)
    out = json.loads(run(env, "objection", "decide", obj["ref"], "--rejected", "--grounds",
                         "Compelling: fraud-prevention scoring required by our regulator", "--json").output)
    assert out["status"] == "objection_rejected"
    assert out["details"]["decision"]["outcome"] == "rejected"
    assert b"fraud-prevention" not in (env.home / "cases.db").read_bytes()  # grounds sealed
    shown = json.loads(run(env, "case", "show", obj["ref"], "--json").output)
    assert [h for h in shown["history"] if h.get("to_status") == "objection_rejected"][0]["actor"] == env.dpo


def test_an_objection_to_direct_marketing_cannot_be_rejected(env):
    obj = open_json(env, "objection", "--processing", "Direct marketing calls")
    _to_review(env, obj["ref"])
    r = run(env, "objection", "decide", obj["ref"], "--rejected", "--grounds", "we like calling",
            code=ExitCode.ROLE_REFUSED)
    assert "Art. 21(3)" in r.output
    out = json.loads(run(env, "objection", "decide", obj["ref"], "--upheld", "--grounds", "absolute right",
                         "--json").output)
    assert out["status"] == "objection_upheld"


def test_an_objection_is_not_decided_by_a_bare_status_change(env):
    obj = open_json(env, "objection", "--processing", "call analytics")
    _to_review(env, obj["ref"])
    r = run(env, "case", "status", obj["ref"], "objection_upheld", "--reason", "ok", code=ExitCode.INPUT)
    assert "dsar objection decide" in r.output


@pytest.mark.parametrize("case_type,extra,target,command", [
    ("restriction", ("--reason", "accuracy_contested"), "restricted", "dsar restrict mark"),
    ("erasure", (), "erasure_planned", "dsar erase plan"),
    ("rectification", ("--field", "postcode", "--wrong", "AB1 2CD", "--correct", "AB1 2CE"), "rectification_planned",
     "dsar rectify plan"),
])
def test_a_step_status_is_not_set_by_a_bare_status_change(env, case_type, extra, target, command):
    case = open_json(env, case_type, *extra)
    _to_review(env, case["ref"])
    r = run(env, "case", "status", case["ref"], target, "--reason", "done by hand", code=ExitCode.INPUT)
    assert command in r.output and "Traceback" not in r.output
    shown = json.loads(run(env, "case", "show", case["ref"], "--json").output)
    assert shown["status"] == "review"
