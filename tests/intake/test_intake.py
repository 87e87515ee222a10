"""Intake from the privacy mailbox (issue 15 item 5): conservative proposals read through the seam, each
confirmed by a person, the sender as first identifier and the message's day as the day of receipt; resumable,
never proposing a message twice."""
from __future__ import annotations

import json

from click.testing import CliRunner

from addon.cli import main
from addon.errors import ExitCode
from addon.intake.classify import classify

BOX = "privacy@example.test"


def run(env, *args, code=0, input=None):
    r = CliRunner().invoke(main, list(args), env=env.cli_env(), input=input, catch_exceptions=False)
    assert r.exit_code == code, r.output
    return r


def scan(env, *extra):
    return json.loads(run(env, "intake", "scan", "--mailbox", BOX, *extra, "--json").output)


def by_sender(proposals):
    return {p["from"]: p for p in proposals}


def test_scan_proposes_conservatively_and_never_twice(env):
    first = scan(env)
    assert (first["read"], first["proposed"], first["ignored"]) == (8, 5, 3)
    got = by_sender(first["proposals"])
    assert {a: p["type"] for a, p in got.items()} == {
        "pat.customer@example.com": "marketing_optout", "jane.doe@example.com": "access",
        "sam.ellis@example.org": "erasure", "ana.silva@example.net": "rectification",
        "lee.park@example.com": None}  # objection and access both match: the person chooses
    assert got["lee.park@example.com"]["candidates"] == ["access", "objection"]
    assert got["pat.customer@example.com"]["rules"] == ["subject line: unsubscribe"]
    assert got["jane.doe@example.com"]["received"] == "2026-12-02"  # 23:30 UTC is still 2 Dec in London (GMT)
    again = scan(env)
    assert (again["read"], again["proposed"], again["already_seen"]) == (0, 0, 8) and again["proposals"] == []
    pending = json.loads(run(env, "intake", "list", "--mailbox", BOX, "--json").output)
    assert sorted(p["from"] for p in pending) == sorted(got)

    # every read went through the seam, as the intake operation, with no case
    records = [r.fields for r in env.services().trail.records()]
    intake = [r for r in records if r.get("operation") == "intake.read_mailbox"]
    assert intake and all(r.get("case") in (None, "") for r in intake)
    assert {r.get("api_method") for r in intake} == {"gmail.users.messages.list", "gmail.users.messages.get"}
    assert "pat.customer" not in json.dumps(records)  # no personal data in audit records' plain fields


def test_a_scan_stopped_part_way_resumes_where_it_stopped(env):
    part = scan(env, "--limit", "3")
    assert part["read"] == 3
    rest = scan(env)
    assert rest["read"] == 5 and rest["already_seen"] == 3
    assert part["proposed"] + rest["proposed"] == 5
    seen = [p["id"] for p in part["proposals"] + rest["proposals"]]
    assert len(seen) == len(set(seen))


def test_an_unsubscribe_reply_becomes_a_confirmed_case(env):
    got = by_sender(scan(env)["proposals"])
    mid = got["pat.customer@example.com"]["id"]
    # shown and asked: "n" opens nothing
    r = run(env, "intake", "confirm", "--mailbox", BOX, mid, input="n\n")
    assert "marketing_optout" in r.output and "pat.customer@example.com" in r.output
    assert json.loads(run(env, "case", "list", "--json").output) == []
    opened = json.loads(run(env, "intake", "confirm", "--mailbox", BOX, mid, "--yes", "--json").output)
    (case,) = opened
    assert case["type"] == "marketing_optout" and case["received"] == "2026-12-01"
    assert case["subject"]["emails"] == ["pat.customer@example.com"] and case["subject"]["names"] == ["Pat Customer"]
    r = run(env, "intake", "confirm", "--mailbox", BOX, mid, "--yes", code=ExitCode.CONFLICT)
    assert f"already case {case['ref']}" in r.output
    remaining = json.loads(run(env, "intake", "list", "--mailbox", BOX, "--json").output)
    assert mid not in [p["id"] for p in remaining]


def test_confirm_needs_a_type_for_a_mixed_message_and_the_type_fields(env):
    got = by_sender(scan(env)["proposals"])
    mixed, rect = got["lee.park@example.com"]["id"], got["ana.silva@example.net"]["id"]
    r = run(env, "intake", "confirm", "--mailbox", BOX, mixed, "--yes", code=ExitCode.INPUT)
    assert r.output.startswith("Error: --type:")
    r = run(env, "intake", "confirm", "--mailbox", BOX, mixed, "--yes", "--type", "objection", code=ExitCode.INPUT)
    assert r.output.startswith("Error: --processing:")
    (obj,) = json.loads(run(env, "intake", "confirm", "--mailbox", BOX, mixed, "--yes", "--type", "objection",
                            "--processing", "call recording", "--json").output)
    assert obj["type"] == "objection" and obj["details"] == {"processing": "call recording"}
    r = run(env, "intake", "confirm", "--mailbox", BOX, rect, "--yes", code=ExitCode.INPUT)
    assert r.output.startswith("Error: --wrong:")
    run(env, "intake", "dismiss", "--mailbox", BOX, rect)
    r = run(env, "intake", "confirm", "--mailbox", BOX, rect, "--yes", code=ExitCode.CONFLICT)
    assert "dismissed" in r.output
    run(env, "intake", "confirm", "--mailbox", BOX, "0000000000000000", "--yes", code=ExitCode.NOT_FOUND)


def test_bad_mailbox_is_one_line(env):
    r = run(env, "intake", "scan", "--mailbox", "not an address", code=ExitCode.INPUT)
    assert r.output.startswith("Error: --mailbox:") and "Traceback" not in r.output


def test_rules_are_conservative():
    assert classify("a@x.com", "Re: offers", "click here to unsubscribe") is None  # unsubscribe only in the subject line
    assert classify("a@x.com", "Question", "Is the invoice correct?") is None
    assert classify("a@x.com", "Question", "Please delete the duplicate file") is None
    assert classify("a@x.com", "Hi", "I'd like to exercise my right to be forgotten").case_type == "erasure"
    assert classify("a@x.com", "Hi", "Please restrict the processing of my data").case_type == "restriction"
    assert classify("a@x.com", "Hi", "Please correct my date of birth").case_type == "rectification"
    assert classify("a@x.com", "Your record of my address is wrong", "").case_type == "rectification"
    assert classify("a@x.com", "Is the address right?", "The meeting address is in the invite.") is None
    assert classify("a@x.com", "Hi", "I object to profiling").case_type == "objection"
    assert classify("mailer-daemon@x.com", "unsubscribe", "") is None
    assert classify("a@x.com", "unsubscribe", "", {"Auto-Submitted": "auto-replied"}) is None
    assert classify("a@x.com", "unsubscribe", "", {"Auto-Submitted": "no"}).case_type == "marketing_optout"


def test_an_auditor_cannot_read_the_proposals(env, monkeypatch):
    scan(env)
    r = CliRunner().invoke(main, ["intake", "list", "--mailbox", BOX],
                           env={**env.cli_env(), "DSAR_AUDITORS": "it@example.test", "DSAR_ACTOR": "it@example.test"})
    assert r.exit_code == ExitCode.ROLE_REFUSED and "needs the staff or dpo role" in r.output


def test_scan_and_list_print_a_table_for_people(env):
    out = run(env, "intake", "scan", "--mailbox", BOX).output
    assert "8 new message(s) read, 5 proposed, 3 not requests" in out
    assert "pat.customer@example.com" in out and "marketing_optout" in out and "dsar intake confirm" in out
    assert "lee.park@example.com" in run(env, "intake", "list", "--mailbox", BOX).output
    assert "0 new message(s) read" in run(env, "intake", "scan", "--mailbox", BOX).output
