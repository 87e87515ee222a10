"""Ctrl-C during ``dsar search`` (issue 12 item 11): one line "interrupted: run the same command to resume",
exit code 130, the job saved as ``interrupted`` (shown by ``case show``), and the same command then
finishes it with no gaps and no duplicates."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from click.testing import CliRunner

from addon.cli import main
from addon.errors import ExitCode
from addon.search.service import run_search

from .test_resume import _case, _keys
from tests.conftest import fetched_so_far


def test_ctrl_c_saves_the_job_as_interrupted_and_the_same_command_resumes(sandbox_factory, product, demo_fixture):
    clean = sandbox_factory(demo_fixture, quota=False)
    s0 = product(clean)
    want = _keys(run_search(s0, _case(s0, demo_fixture).ref, s0.settings.actor))

    server = sandbox_factory(demo_fixture, quota=False, faults="latency@gmail.users.messages.get=40")
    services = product(server)
    ref = _case(services, demo_fixture).ref
    proc = subprocess.Popen([sys.executable, "-m", "addon.cli", "search", ref, "--workers", "1"],
                            env={**os.environ, "PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.time() + 60
        while time.time() < deadline and fetched_so_far(services.store, ref) < 1 and proc.poll() is None:
            time.sleep(0.05)
        assert proc.poll() is None, "the search finished before it could be interrupted"
        os.kill(proc.pid, signal.SIGINT)  # what Ctrl-C sends
        out, err = proc.communicate(timeout=90)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == ExitCode.INTERRUPTED == 130, err
    assert "interrupted: run the same command to resume" in err and "Traceback" not in err
    job = services.store.job(f"search:{ref}:0")
    assert job["status"] == "interrupted"
    assert services.store.get(ref).status == "searching"

    shown = CliRunner().invoke(main, ["case", "show", ref, "--json"])
    assert shown.exit_code == 0, shown.output
    state = json.loads(shown.output)["search"]
    assert state["status"] == "interrupted" and state["resume"] == f"dsar search {ref}"
    assert state["units_done"] < state["units_total"]
    human = " ".join(CliRunner().invoke(main, ["case", "show", ref]).output.split())
    assert "search interrupted" in human and f"dsar search {ref}" in human

    before = len(services.store.results(ref))
    items = run_search(services, ref, services.settings.actor)
    assert _keys(items) == want
    assert len(items) == len({json.dumps(k) for k in _keys(items)}) >= before
    assert services.store.job(f"search:{ref}:0")["status"] == "done"
