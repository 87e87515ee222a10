"""The tracker covers all six types (issue 15 item 1): the Type column, the per-type columns and the
Monthly tab's counts by type, read back from the sandbox sheet; and an older tracker without the per-type
columns keeps working."""
from __future__ import annotations

import json

from click.testing import CliRunner

from addon.cli import main
from addon.tracker.schema import COLUMNS, MONTHLY_COLUMNS, TYPE_COLUMNS


def run(env, *args, code=0):
    r = CliRunner().invoke(main, list(args), env=env.cli_env(), catch_exceptions=False)
    assert r.exit_code == code, r.output
    return r


def values(env, sid, tab):
    return env.google("sheets").spreadsheets().values().get(
        spreadsheetId=sid, range=tab, valueRenderOption="UNFORMATTED_VALUE").execute().get("values", [])


def by_ref(table):
    header = table[0]
    return {r[0]: dict(zip(header, r + [""] * (len(header) - len(r)))) for r in table[1:] if r and r[0]}


def open_(env, case_type, *extra):
    return json.loads(run(env, "case", "open", "--type", case_type, "--name", "Jane Doe", "--email",
                          "jane.doe@example.com", *extra, "--json").output)["ref"]


def test_every_type_has_its_row_columns_and_monthly_count(env):
    sid = json.loads(run(env, "tracker", "init", "--json").output)["spreadsheet_id"]
    refs = {
        "access": open_(env, "access"),
        "erasure": open_(env, "erasure"),
        "rectification": open_(env, "rectification", "--field", "address", "--wrong", "12 Old Street",
                               "--correct", "14 New Street"),
        "restriction": open_(env, "restriction", "--reason", "accuracy_contested"),
        "objection": open_(env, "objection", "--processing", "Sales scoring of my calls"),
        "marketing_optout": open_(env, "marketing_optout"),
    }
    run(env, "case", "verify-id", refs["objection"], "--method", "known_contact")
    table = values(env, sid, "Tracker")
    assert table[0] == list(COLUMNS)
    rows = by_ref(table)
    assert {t: rows[r]["Type"] for t, r in refs.items()} == {t: t for t in refs}
    assert rows[refs["rectification"]]["Corrections"] == "1: address"
    assert "Old Street" not in json.dumps(table)  # the values stay sealed in the case, never in the sheet
    assert rows[refs["restriction"]]["Restriction"] == "accuracy_contested"
    assert rows[refs["objection"]]["Objection"] == "awaiting the DPO's decision"
    assert rows[refs["objection"]]["Identity"].startswith("verified (known_contact)")
    assert rows[refs["marketing_optout"]]["Suppressed"] == "pending"
    assert "verify-id" in rows[refs["restriction"]]["Action"]
    assert all(rows[refs["access"]][c] == "" for c in TYPE_COLUMNS)

    monthly = values(env, sid, "Monthly")
    assert monthly[0] == list(MONTHLY_COLUMNS)
    counts = dict(zip(monthly[0], monthly[1]))
    assert counts["Received"] == 6
    assert [counts[c] for c in ("Access", "Erasure", "Rectification", "Restriction", "Objection",
                                "Marketing opt-out")] == [1, 1, 1, 1, 1, 1]


def test_an_older_tracker_without_the_per_type_columns_still_syncs(env):
    sid = json.loads(run(env, "tracker", "init", "--json").output)["spreadsheet_id"]
    old = [c for c in COLUMNS if c not in TYPE_COLUMNS]
    sheets = env.google("sheets").spreadsheets()
    sheets.values().clear(spreadsheetId=sid, range="Tracker!A1:Z1").execute()
    sheets.values().update(spreadsheetId=sid, range="Tracker!A1", valueInputOption="RAW",
                           body={"values": [old]}).execute()
    ref = open_(env, "objection", "--processing", "Sales scoring of my calls")
    rows = by_ref(values(env, sid, "Tracker"))
    assert rows[ref]["Type"] == "objection" and rows[ref]["Status"] == "received"
    assert "Objection" not in rows[ref]


def test_each_type_s_next_step_in_the_action_column():
    import datetime as dt

    from addon.tracker.schema import ANSWERED, RowFacts, action

    D = dt.date

    def facts(case_type, status, identity=""):
        return RowFacts(ref="DSAR-2026-0009", type=case_type, subject="Jane Doe", received=D(2026, 3, 2),
                        clock_start=D(2026, 3, 2), due=D(2026, 4, 2), extended_due=D(2026, 6, 2), extended=False,
                        status=status, assignee="dpo@example.test", counts={}, identity=identity)

    today = D(2026, 3, 10)
    assert "verify-id" in action(facts("objection", "received"), today)
    assert "verify-id" not in action(facts("objection", "received", "waived 2026-03-02"), today)
    assert "verify-id" not in action(facts("access", "received"), today)  # access keeps its earlier step
    assert "dsar objection decide DSAR-2026-0009" in action(facts("objection", "review"), today)
    assert "Art. 19" in action(facts("rectification", "verified"), today)
    assert "erasure confirmation" in action(facts("erasure", "verified"), today)
    assert "lifted" in action(facts("restriction", "restricted"), today)
    # answered: the clock no longer runs (and no extension is offered) once the right is actioned or decided
    for st in ("rectified", "restricted", "lifted", "objection_upheld", "objection_rejected", "suppressed"):
        assert st in ANSWERED and "extension possible" not in action(facts("restriction", st), today)
    assert "rectification_partial" not in ANSWERED  # like erasure_partial: a Doc still awaits its edit
