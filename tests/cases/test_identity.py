"""The identity step (issue 15 item 6): recorded before any search (method, by whom, when) or waived with a
reason; the clock restarts on receipt of ID that was asked for, checked on the ICO guidance's examples
(dsar_rules.md §1.2 ICO-1..3, §6.2's ID example)."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from addon.cases.identity import Identity
from addon.cli import main
from addon.errors import ExitCode
from addon.subjects.identifiers import make_subject
from tests.cases.cli import run

D = dt.date


def opened(env, case_type="restriction", received=None, *extra):
    args = ["case", "open", "--type", case_type, "--name", "Jane Doe", "--email", "jane.doe@example.com", "--json"]
    if case_type == "restriction" and not extra:
        extra = ("--reason", "unlawful")
    if received:
        args += ["--received", received.isoformat()]
    return json.loads(run(env, *args, *extra).output)


def test_search_is_refused_until_identity_is_verified_or_waived(env):
    c = opened(env)
    r = run(env, "search", c["ref"], code=ExitCode.ROLE_REFUSED)
    assert "has not been identified yet" in r.output and f"dsar case verify-id {c['ref']}" in r.output
    assert json.loads(run(env, "case", "show", c["ref"], "--json").output)["status"] == "received"  # nothing moved
    out = json.loads(run(env, "case", "verify-id", c["ref"], "--method", "document", "--note",
                         "passport seen on video call", "--json").output)
    assert out["identity"]["state"] == "verified" and out["identity"]["method"] == "document"
    assert out["identity"]["actor"] == env.dpo and out["identity"]["on"] == dt.date.today().isoformat()
    assert b"passport seen" not in (env.home / "cases.db").read_bytes()  # the note is sealed
    run(env, "search", c["ref"], "--json")
    shown = json.loads(run(env, "case", "show", c["ref"], "--json").output)
    assert shown["status"] == "review"
    assert [h["event"] for h in shown["history"]].count("id_verified") == 1
    # once searched, the step is over
    r = run(env, "case", "verify-id", c["ref"], "--waive", "--reason", "late", code=ExitCode.CONFLICT)
    assert "identity is checked before the search starts" in r.output


def test_a_waiver_needs_a_reason_and_then_allows_the_search(env):
    c = opened(env, "marketing_optout")
    r = run(env, "case", "verify-id", c["ref"], "--waive", code=ExitCode.INPUT)
    assert r.output.startswith("Error: --reason:")
    run(env, "case", "verify-id", c["ref"], "--waive", "--reason", "reply from the address we market to")
    run(env, "search", c["ref"], "--json")
    assert json.loads(run(env, "case", "show", c["ref"], "--json").output)["identity"]["state"] == "waived"


def test_access_keeps_searching_without_the_step_unless_the_organisation_requires_it(env, tmp_path):
    c = opened(env, "access")
    run(env, "search", c["ref"], "--json")  # access/erasure: the earlier behaviour by default
    cfg = tmp_path / "dsar.toml"
    cfg.write_text('identity_check = "required"\n', encoding="utf-8")
    c2 = opened(env, "access")
    r = CliRunner().invoke(main, ["search", c2["ref"]], env={**env.cli_env(), "DSAR_CONFIG": str(cfg)})
    assert r.exit_code == ExitCode.ROLE_REFUSED, r.output


@pytest.mark.parametrize("option_args, field", [
    (("--method", "document", "--waive"), "--method"),
    ((), "--method"),
    (("--method", "telepathy"), "--method"),
    (("--request", "--id-received", "2026-01-01"), "--id-received"),
    (("--method", "document", "--reason", "x"), "--reason"),
])
def test_bad_identity_options_are_one_line(env, option_args, field):
    c = opened(env)
    r = CliRunner().invoke(main, ["case", "verify-id", c["ref"], *option_args], env=env.cli_env())
    assert r.exit_code in (ExitCode.INPUT, ExitCode.USAGE), r.output
    assert field in r.output and "Traceback" not in r.output


# -- the clock: ICO examples --------------------------------------------------------------------------
def _store_case(env, received: D):
    services = env.services()
    return services, services.store.create("rectification", make_subject(["Jane Doe"], ["jane@example.com"]),
                                           received, received, D(2000, 1, 1), D(2000, 1, 1), env.dpo, "dpo",
                                           details={"corrections": [{"field": "any", "wrong": "a", "correct": "b"}]})


@pytest.mark.parametrize("received, asked, id_received, due, extended", [
    # ICO-2 applied to the day the ID arrived: Monday 25 November 2024 → Friday 27 December (25, 26 Dec holidays)
    (D(2024, 11, 20), D(2024, 11, 21), D(2024, 11, 25), D(2024, 12, 27), D(2025, 2, 25)),
    # ICO-1: ID arriving 1 January (a bank holiday) still counts from that day → 1 Feb 2025 is a Saturday → Mon 3 Feb
    (D(2024, 12, 20), D(2024, 12, 20), D(2025, 1, 1), D(2025, 2, 3), D(2025, 4, 1)),
    # ICO-3: 31 January → the last day of February (2024: a leap year)
    (D(2024, 1, 29), D(2024, 1, 29), D(2024, 1, 31), D(2024, 2, 29), D(2024, 4, 30)),
    # ICO-3's weekend rule: 28 February 2026 is a Saturday → the end of the next Monday
    (D(2026, 1, 26), D(2026, 1, 27), D(2026, 1, 31), D(2026, 3, 2), D(2026, 4, 30)),
    # dsar_rules.md §6.2 [DERIVED]: request 2 March 2026, ID received 9 March → Thursday 9 April
    (D(2026, 3, 2), D(2026, 3, 2), D(2026, 3, 9), D(2026, 4, 9), D(2026, 6, 9)),
])
def test_the_clock_restarts_on_receipt_of_requested_id(env, received, asked, id_received, due, extended):
    services, case = _store_case(env, received)
    ident = Identity(services.store)
    case = ident.request(case, env.dpo, "dpo", asked, today=D(2027, 1, 1))
    assert case.status == "identity_check"
    case = ident.verify(case, env.dpo, "document", id_received, id_received=id_received, today=D(2027, 1, 1))
    assert (case.clock_start, case.due, case.extended_due) == (id_received, due, extended)
    assert case.received == received  # the day of the request itself is kept


def test_id_not_asked_for_does_not_move_the_clock(env):
    services, case = _store_case(env, D(2026, 3, 2))
    ident = Identity(services.store)
    from addon.errors import InputError

    with pytest.raises(InputError, match="only on receipt of ID that was asked for"):
        ident.verify(case, env.dpo, "document", D(2026, 3, 9), id_received=D(2026, 3, 9), today=D(2027, 1, 1))
    ident.request(case, env.dpo, "dpo", D(2026, 3, 5), today=D(2027, 1, 1))
    with pytest.raises(InputError, match="before the day ID was requested"):
        ident.verify(services.store.get(case.ref), env.dpo, "document", D(2026, 3, 9), id_received=D(2026, 3, 4),
                     today=D(2027, 1, 1))
    with pytest.raises(InputError, match="in the future"):
        ident.verify(services.store.get(case.ref), env.dpo, "document", D(2027, 1, 2), today=D(2027, 1, 1))
    # a check without ID (a known contact) records the step and leaves the clock alone
    case = ident.verify(services.store.get(case.ref), env.dpo, "known_contact", D(2026, 3, 6), today=D(2027, 1, 1))
    assert case.clock_start == D(2026, 3, 2)


def test_verify_id_on_the_command_line_moves_the_deadline(env):
    received = dt.date.today() - dt.timedelta(days=10)
    c = opened(env, "objection", received, "--processing", "call analytics")
    run(env, "case", "verify-id", c["ref"], "--request", "--on", (received + dt.timedelta(days=1)).isoformat())
    got = received + dt.timedelta(days=6)
    out = json.loads(run(env, "case", "verify-id", c["ref"], "--method", "document", "--id-received", got.isoformat(),
                         "--json").output)
    from addon import deadlines

    assert out["clock_start"] == got.isoformat() and out["due"] == deadlines.due_date(got).isoformat()
    shown = json.loads(run(env, "case", "show", c["ref"], "--json").output)
    assert [h["event"] for h in shown["history"] if h["event"].startswith("id_")] == ["id_requested", "id_verified"]
    text = run(env, "case", "show", c["ref"]).output
    assert "the clock restarted" in text
