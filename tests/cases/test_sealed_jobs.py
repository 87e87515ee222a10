"""A search's checkpoints name the subject's files and messages: at rest they are sealed under the case key,
and shredding the key takes them with it."""
from __future__ import annotations

import json
import sqlite3

import pytest

from tests.cases.cli import run
from tests.scale.orgfixture import write_org
from tests.tracker.env import make_env


@pytest.fixture
def org_env(sandbox_factory, tmp_path):
    write_org(tmp_path / "org", users=2, messages=4, docs=2, hit_every=2, sheet_every=2)
    return make_env(sandbox_factory, tmp_path / "org", tmp_path / "home")


def test_search_checkpoints_are_sealed_and_go_with_the_case_key(org_env):
    env = org_env
    ref = json.loads(run(env, "case", "open", "--type", "access", "--name", "Jane Doe",
                         "--email", "jane.doe@example.com", "--json").output)["ref"]
    found = json.loads(run(env, "search", ref, "--json").output)
    assert found["items"], "the small org plants Jane Doe"
    services = env.services()
    rows = sqlite3.connect(services.settings.home / "cases.db").execute(
        "SELECT id, state FROM jobs WHERE ref=?", (ref,)).fetchall()
    assert len(rows) > 1  # the job and its units
    plain = {i["name"] for i in found["items"] if i.get("name")} | {i["message_id"] for i in found["items"]
                                                                     if i.get("message_id")}
    assert plain
    for job_id, state in rows:
        assert set(json.loads(state)) == {"sealed_state"}, job_id
        assert not any(p in state for p in plain), job_id
    unit = next(j for j, _ in rows if "/gmail:" in j)
    assert services.store.job(unit)["state"].get("finished") is True  # read back while the key lives
    services.trail.shred(ref, "dpo@example.test")
    assert env.services().store.job(unit)["state"] == {}  # gone with the key, and no error
