"""The rights commands as a DPO and staff use them: one line on failure with the table's exit code, JSON
with --json, a rectification resumed after a crash between its write and its record, and a restriction
marked and lifted from the command line."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from addon.cli import main
from addon.rights.rectify_run import run_rectification
from scopes.model import SPREADSHEETS

from .conftest import open_case

AISHA = "aisha.khan@northwind-calls.test"


def _env(world, actor: str) -> dict:
    return {"DSAR_HOME": str(world.home), "DSAR_SANDBOX_URL": world.server.url, "DSAR_ACTOR": actor,
            "DSAR_DPO": world.dpo, "DSAR_ADMIN": world.admin, "COLUMNS": "200"}


def _run(world, args: list[str], actor: str, code: int = 0):
    r = CliRunner().invoke(main, args, env=_env(world, actor))
    assert r.exit_code == code, (args, r.output)
    assert "Traceback" not in r.output
    return r


class Crash(Exception):
    pass


def test_rectify_commands_and_a_crash_between_write_and_record(world):
    ref = open_case(world, "jane", "rectification",
                    {"corrections": [{"field": "postcode", "wrong": "LS28 7TH", "correct": "LS28 7TJ"}]})
    planned = json.loads(_run(world, ["rectify", "plan", ref, "--json"], world.staff).output)
    assert planned["status"] == "rectification_planned" and planned["plan"]["counts"]["update_cells"] == 1
    shown = _run(world, ["rectify", "plan", ref, "--show"], world.staff).output
    assert "LS28 7TH → LS28 7TJ" in shown and planned["sha256"] in shown
    r = _run(world, ["rectify", "approve", ref, "--hash", planned["sha256"][:12]], world.staff, code=4)
    assert "needs the dpo role" in r.output
    _run(world, ["rectify", "approve", ref, "--hash", "abc"], world.dpo, code=3)
    _run(world, ["rectify", "approve", ref, "--hash", planned["sha256"][:12]], world.dpo)
    again = json.loads(_run(world, ["rectify", "plan", ref, "--json"], world.staff).output)
    assert again["sha256"] == planned["sha256"] and again["status"] == "plan_approved"  # same plan: approval stands

    services = world.services()

    def crash(stage: str, info: dict) -> None:
        raise Crash(stage)  # the cells were written; the run's record was not

    with pytest.raises(Crash):
        run_rectification(services, ref, world.staff, hook=crash)
    assert services.store.get(ref).status == "plan_approved"
    result = json.loads(_run(world, ["rectify", "run", ref, "--json"], world.staff).output)
    [row] = [i for i in result["items"] if i["action"] == "update_cells"]
    assert row["outcome"] == "corrected" and result["status"] == "rectified"
    sheets = world.api("sheets", AISHA, [SPREADSHEETS])
    values = sheets.spreadsheets().values().get(spreadsheetId=row["id"].split("/")[0], range="'Active'").execute()["values"]
    assert [r[6] for r in values if r[0] == "CUST-004512"] == ["LS28 7TJ"]
    _run(world, ["rectify", "verify", ref], world.staff)
    out = world.home / "records"
    got = json.loads(_run(world, ["rectify", "certificate", ref, "--out", str(out), "--json"], world.dpo).output)
    _run(world, ["rectify", "certificate", "--verify", got["json"]], world.staff)
    doc = json.loads(open(got["json"]).read())
    doc["run"]["counts"]["corrected"] = 5
    (out / "tampered.json").write_text(json.dumps(doc))
    _run(world, ["rectify", "certificate", "--verify", str(out / "tampered.json")], world.staff, code=1)


def test_rights_commands_refuse_the_wrong_case_type_in_one_line(world):
    ref = open_case(world, "bobby", "restriction", {"reason": "unlawful"})
    r = _run(world, ["rectify", "plan", ref], world.staff, code=6)
    assert "is a restriction case" in r.output and len(r.output.strip().splitlines()) == 1
    r = _run(world, ["suppression", "apply", ref], world.staff, code=6)
    assert "marketing_optout or objection" in r.output
    marked = json.loads(_run(world, ["restrict", "mark", ref, "--json"], world.staff).output)
    assert marked["gmail"]["marked"] and marked["added"] > 0
    _run(world, ["restrict", "lift", ref, "--reason", "x"], world.staff, code=4)
    _run(world, ["restrict", "lift", ref, "--reason", "processing found lawful; subject told"], world.dpo)
    st = json.loads(_run(world, ["restrict", "status", ref, "--json"], world.staff).output)
    assert st["status"] == "lifted" and st["gmail"]["marked"] == 0 and st["gmail"]["lifted"] == marked["gmail"]["marked"]
