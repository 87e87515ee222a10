"""Every command ends with the exit code of the one table (addon.errors.ExitCode, documented in the README's
"Exit codes"), as one line on stderr or, with ``--json``, one JSON object on stderr; never a traceback.
Real commands, real sandbox over HTTP, real Google client libraries."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from addon.cli import main
from addon.errors import ExitCode
from tests.conftest import expected_subject

README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_table() -> dict[int, str]:
    """The rows of the README's exit-code table: code -> name (the name in backticks)."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Exit codes", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\|\s*(\d+)\s*\|\s*`([A-Z_]+)`\s*\|", section, re.M)
    assert rows, "the README's 'Exit codes' section has no table"
    table = {int(code): name for code, name in rows}
    assert len(table) == len(rows), "a code appears twice in the README's table"
    return table


def test_the_readme_table_is_the_exit_code_enum():
    assert _readme_table() == {int(c): c.name for c in ExitCode}


def run(args: list[str], code: int, **kw):
    r = CliRunner().invoke(main, args, **kw)
    assert r.exit_code == code, (args, r.exit_code, r.output)
    assert "Traceback" not in r.output
    return r


def json_error(r) -> dict:
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, r.stderr  # one JSON object, nothing else on stderr
    return json.loads(lines[0])["error"]


@pytest.fixture
def world(sandbox_factory, product, demo_fixture):
    server = sandbox_factory(demo_fixture, quota=False)
    product(server)  # DSAR_HOME, DSAR_SANDBOX_URL, DSAR_ACTOR (the DPO), DSAR_DPO set for the CLI
    return server


def _open(kind: str, fixture: Path, key: str = "bobby") -> str:
    s = expected_subject(fixture, key)
    args = ["case", "open", "--type", kind, "--name", s["names"][0], "--json"]
    for e in s["emails"][:1]:
        args += ["--email", e]
    return json.loads(run(args, ExitCode.OK).stdout)["ref"]


def test_usage_errors_stay_click_s_2_and_are_json_with_json():
    r = run(["case", "open", "--no-such-option"], ExitCode.USAGE)
    assert "No such option" in r.output
    err = json_error(run(["case", "list", "--json", "--no-such-option"], ExitCode.USAGE))
    assert err["code"] == 2 and err["kind"] == "usage" and "--no-such-option" in err["message"]
    err = json_error(run(["scopes", "list", "--step", "nuke", "--json"], ExitCode.USAGE))
    assert err["field"] == "--step"


def test_bad_received_date_is_input_error_naming_the_field(world):
    r = run(["case", "open", "--type", "access", "--name", "Jane Doe", "--email", "jane@example.org",
             "--received", "2026-02-30"], ExitCode.INPUT)
    assert r.stderr.startswith("Error: --received:") and len(r.stderr.strip().splitlines()) == 1
    err = json_error(run(["case", "open", "--type", "access", "--name", "Jane Doe", "--email", "jane@example.org",
                          "--received", "30/01/2026", "--json"], ExitCode.INPUT))
    assert err["code"] == 3 and err["kind"] == "input" and err["field"] == "--received"
    assert "30/01/2026" in err["message"] and not r.stdout


def test_staff_approving_an_erasure_is_role_refused(world, demo_fixture, monkeypatch):
    ref = _open("erasure", demo_fixture)
    monkeypatch.setenv("DSAR_ACTOR", f"aisha.khan@{world.ws.domain}")
    r = run(["erase", "approve", ref, "--hash", "0123456789ab"], ExitCode.ROLE_REFUSED)
    assert "needs the dpo role" in r.output
    err = json_error(run(["erase", "approve", ref, "--hash", "0123456789ab", "--json"], ExitCode.ROLE_REFUSED))
    assert err["kind"] == "role_refused" and err["field"] == "role"


def test_an_unknown_case_is_not_found(world):
    r = run(["case", "show", "DSAR-1999-0042"], ExitCode.NOT_FOUND)
    assert "no case 'DSAR-1999-0042'" in r.output
    err = json_error(run(["search", "DSAR-1999-0042", "--json"], ExitCode.NOT_FOUND))
    assert err == {"code": 5, "kind": "not_found", "field": "case", "message": err["message"]}


def test_the_wrong_state_is_a_conflict(world, demo_fixture):
    ref = _open("erasure", demo_fixture)
    r = run(["erase", "plan", ref], ExitCode.CONFLICT)  # nothing searched yet
    assert "finished search" in r.output
    run(["case", "extend", ref, "--reason", "complex request: many systems"], ExitCode.OK)
    err = json_error(run(["case", "extend", ref, "--reason", "again", "--json"], ExitCode.CONFLICT))
    assert err["kind"] == "conflict" and "already extended" in err["message"]


def test_a_second_erase_run_while_one_holds_the_lock_is_a_conflict(world, demo_fixture):
    from addon.services import open_services

    ref = _open("erasure", demo_fixture)
    run(["search", ref], ExitCode.OK)
    sha = json.loads(run(["erase", "plan", ref, "--json"], ExitCode.OK).stdout)["sha256"]
    run(["erase", "approve", ref, "--hash", sha[:12]], ExitCode.OK)
    store = open_services().store
    with store.exclusive(f"erase-run:{ref}", f"the erasure of {ref}"):  # as a run in another terminal holds it
        r = run(["erase", "run", ref, "--yes"], ExitCode.CONFLICT)
    assert "already running" in r.output
    assert open_services().store.get(ref).status == "approved"  # nothing ran


@pytest.fixture
def no_backoff(monkeypatch):
    """The seam's backoff (up to 32 s between 7 attempts) made instant: the retries still all happen."""
    import audit.retry

    monkeypatch.setattr(audit.retry.random, "uniform", lambda a, b: 0.0)


def test_google_failing_after_the_retries_is_a_google_error(world, demo_fixture, no_backoff):
    ref = _open("access", demo_fixture)
    s = expected_subject(demo_fixture, "bobby")
    requests.put(world.url + "/_sandbox/faults", json={"spec": "500=1"}, timeout=10).raise_for_status()
    r = run(["search", ref], ExitCode.GOOGLE)
    assert "500" in r.stderr and "Error:" in r.stderr
    assert s["emails"][0] not in r.output and "q=" not in r.output  # the query (the subject's address) stays out
    err = json_error(run(["search", ref, "--json"], ExitCode.GOOGLE))
    assert err["code"] == 7 and err["kind"] == "google"
    assert requests.get(world.url + "/_sandbox/faults", timeout=10).json()["injected"]["500"] >= 7  # retried


def test_ctrl_c_in_a_command_is_130_interrupted_without_a_traceback(world, demo_fixture, monkeypatch):
    """A KeyboardInterrupt in a command other than search (which handles its own) ends as 130, one line."""
    from addon.cases import store as store_module

    ref = _open("access", demo_fixture)

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(store_module.CaseStore, "get", interrupted)
    r = run(["case", "show", ref], ExitCode.INTERRUPTED)
    assert r.stderr.startswith("interrupted: stopped by Ctrl-C") and len(r.stderr.strip().splitlines()) == 1
    err = json_error(run(["case", "show", ref, "--json"], ExitCode.INTERRUPTED))
    assert err["kind"] == "interrupted"


def test_a_product_interrupted_message_is_printed_as_it_is(world, demo_fixture, monkeypatch):
    """The search helper's own 'interrupted: run the same command to resume' is not replaced by ours."""
    from addon.errors import Interrupted
    from addon.cases import store as store_module

    ref = _open("access", demo_fixture)

    def interrupted(*a, **k):
        raise Interrupted("interrupted: run the same command to resume ('dsar search X')")

    monkeypatch.setattr(store_module.CaseStore, "get", interrupted)
    r = run(["case", "show", ref], ExitCode.INTERRUPTED)
    assert r.stderr.strip() == "interrupted: run the same command to resume ('dsar search X')"


def test_an_unanswered_confirmation_is_interrupted_and_a_no_is_input(world, demo_fixture, monkeypatch):
    ref = _open("access", demo_fixture)
    monkeypatch.setenv("DSAR_ACTOR", f"dpo@{world.ws.domain}")
    r = run(["audit", "shred", ref], ExitCode.INTERRUPTED, input="")  # input ends at the question
    assert "interrupted: the question was not answered" in r.stderr and "Aborted!" not in r.output
    r = run(["audit", "shred", ref], ExitCode.INPUT, input="n\n")
    assert "confirmation: answered no; nothing was done" in r.stderr
    run(["case", "show", ref], ExitCode.OK)  # the key is still there


def _all_error_classes() -> list[type]:
    import importlib
    import pkgutil

    import addon
    import audit
    import scopes
    from addon.errors import DsarError

    for pkg in (addon, audit, scopes):
        for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
            if not m.name.endswith("__main__"):
                importlib.import_module(m.name)
    seen, todo = [], [DsarError]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in seen:
                seen.append(sub)
                todo.append(sub)
    return seen


def test_every_product_error_takes_its_code_from_the_table():
    classes = _all_error_classes()
    assert len(classes) > 30
    raw = [f"{c.__module__}.{c.__name__} = {c.exit_code!r}" for c in classes if not isinstance(c.exit_code, ExitCode)]
    assert not raw, raw  # a bare number would drift from the README's table
    from addon.auth.staff import SignInRequired
    from addon.erasure.errors import NotApproved
    from addon.errors import Busy
    from addon.roles import RoleError
    from addon.tracker.sharing import TrackerSharingError
    from addon.web.security import RequestRejected
    from audit.errors import CallRefused, TransportError
    from scopes.errors import GuardRefusal

    assert {RoleError.exit_code, GuardRefusal.exit_code, CallRefused.exit_code, TrackerSharingError.exit_code,
            RequestRejected.exit_code} == {ExitCode.ROLE_REFUSED}
    assert Busy.exit_code == NotApproved.exit_code == ExitCode.CONFLICT
    assert SignInRequired.exit_code == TransportError.exit_code == ExitCode.GOOGLE
