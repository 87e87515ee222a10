"""The DPO confirms the plan they read, and a run is confirmed before it changes anything (issue 12 items 5,
6, 13a): ``erase approve`` needs ``--hash`` or a yes at a terminal after seeing the plan and its hash;
``erase run`` has ``--dry-run`` (no call to Google) and asks first (``--yes`` for scripts); a run that
leaves Docs for manual redaction says what remains instead of "erased"; plan warnings keep ``[[vault]]``."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from addon.cli import erase_cmd, main
from addon.search.service import run_search

from .conftest import usable_emails


@pytest.fixture
def cli(world):
    env = {"DSAR_HOME": str(world.home), "DSAR_SANDBOX_URL": world.server.url, "DSAR_ACTOR": world.staff,
           "DSAR_DPO": world.dpo, "DSAR_ADMIN": world.admin, "COLUMNS": "250"}
    runner = CliRunner()

    def run(args, code=0, actor=None, stdin=None):
        r = runner.invoke(main, args, env={**env, "DSAR_ACTOR": actor or world.staff}, input=stdin)
        assert r.exit_code == code, (args, r.output)
        assert "Traceback" not in r.output
        return r.output

    return run


def _planned_case(world, key: str, accounts: list[str] | None = None) -> tuple[str, str]:
    services = world.services()
    s = world.subject(key)
    from addon.cli.case_cmd import open_case
    import datetime as dt

    ref = open_case(services, "erasure", s["names"][:1], usable_emails(s["emails"]), s["phones"], s["identifiers"],
                    dt.date.today(), world.staff).ref
    run_search(services, ref, world.staff, accounts=accounts)
    return ref, services


def _writes(world, since: int) -> list[dict]:
    return [e for e in world.log()[since:] if e.get("method") != "GET"]


def test_approve_needs_the_hash_or_a_yes_at_a_terminal(world, cli, monkeypatch):
    ref, services = _planned_case(world, "priya", [f"tom.reeves@{world.domain}"])
    planned = json.loads(cli(["erase", "plan", ref, "--json"]))
    sha = planned["sha256"]
    out = cli(["erase", "approve", ref], code=3, actor=world.dpo)  # no terminal, no --hash
    assert "--hash" in out and services.store.get(ref).status == "erasure_planned"
    cli(["erase", "approve", ref, "--hash", sha[:11]], code=3, actor=world.dpo)  # too short to be a confirmation
    assert services.store.get(ref).status == "erasure_planned"

    monkeypatch.setattr(erase_cmd, "can_prompt", lambda: True)
    out = cli(["erase", "approve", ref], code=3, actor=world.dpo, stdin="n\n")
    assert sha in out and "action(s)" in out  # the DPO saw the plan's hash and summary before answering
    assert services.store.get(ref).status == "erasure_planned"
    out = cli(["erase", "approve", ref], actor=world.dpo, stdin="y\n")
    assert services.store.get(ref).status == "approved"
    assert services.store.get(ref).history[-1]["reason"] == f"plan sha256:{sha}"


def test_run_dry_run_and_confirmation(world, cli, monkeypatch):
    ref, services = _planned_case(world, "priya", [f"tom.reeves@{world.domain}"])
    sha = json.loads(cli(["erase", "plan", ref, "--json"]))["sha256"]
    cli(["erase", "approve", ref, "--hash", sha[:12]], actor=world.dpo)

    mark = len(world.log())
    dry = json.loads(cli(["erase", "run", ref, "--dry-run", "--json"]))
    assert dry["dry_run"] and dry["would"] and dry["already_done"] == 0
    human = cli(["erase", "run", ref, "--dry-run"])
    assert "Dry run" in human and "no call was made to Google" in human
    assert len(world.log()) == mark  # not a single call, let alone a write
    assert services.store.get(ref).status == "approved"

    out = cli(["erase", "run", ref], code=3)  # no terminal and no --yes: refused, nothing done
    assert "--yes" in out and "--dry-run" in out
    monkeypatch.setattr(erase_cmd, "can_prompt", lambda: True)
    out = cli(["erase", "run", ref], code=3, stdin="n\n")
    assert "Would do:" in out and sha in out
    assert not _writes(world, mark) and services.store.get(ref).status == "approved"

    cli(["erase", "run", ref], stdin="y\n")
    assert _writes(world, mark) and services.store.get(ref).status == "erased"
    again = json.loads(cli(["erase", "run", ref, "--dry-run", "--json"]))
    assert again["finished"] and not again["would"] and again["already_done"] == len(dry["would"])


def test_a_run_that_leaves_docs_for_manual_redaction_is_not_called_erased(world, cli):
    ref, services = _planned_case(world, "jane")
    plan_out = cli(["erase", "plan", ref])  # no policy: Docs that mention her are for redaction by hand
    assert "under [[vault]] so the plan" in plan_out  # the warning keeps its text (rich markup ate it)
    plan = json.loads(cli(["erase", "plan", ref, "--json"]))
    manual = [a for a in plan["plan"]["actions"] if a["action"] == "redact_manually"]
    assert manual
    cli(["erase", "approve", ref, "--hash", plan["sha256"][:12]], actor=world.dpo)
    out = " ".join(cli(["erase", "run", ref, "--yes"]).split())
    assert "is erased." not in out
    assert f"Erasing {ref}: " in out and "━" not in out  # no terminal: plain progress lines, not a bar
    assert f"is erased except {len(manual)} Doc" in out and "awaiting manual redaction" in out
    assert all(a["path"] in out for a in manual[:5])
    assert services.store.get(ref).status == "erasure_partial"
    verify = cli(["erase", "verify", ref], code=1)  # still mentions her: not verified, and says where
    assert manual[0]["path"] in " ".join(verify.split())
    assert services.store.get(ref).status == "erasure_partial"
