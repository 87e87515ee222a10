"""`dsar search` on the demo company finds every planted item of every subject, and nothing else."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from addon.cli import main
from addon.errors import ExitCode
from addon.cli.case_cmd import open_case
from addon.cli.demo_check import OTHER, check, expected_counts, planted_keys
from addon.search.service import run_search


def _key(i: dict) -> tuple:
    return (i["source"], i["account"], i.get("rfc822_message_id") or i.get("path"), i.get("sheet"), i.get("row"))


@pytest.fixture(scope="module")
def searched(demo_fixture, tmp_path_factory):
    """Every demo subject searched once in one sandbox (quota on, as Google's)."""
    from addon.config import Settings
    from addon.services import open_services
    from sandbox.server import SandboxServer

    expected = json.loads((demo_fixture / "expected.json").read_text())
    with SandboxServer(demo_fixture, port=0) as server:
        users = list(server.ws.users.values())
        admin = next(u.email for u in users if u.admin)
        dpo = next(u.email for u in users if u.email.startswith("dpo@"))
        settings = Settings(home=tmp_path_factory.mktemp("home"), sandbox_url=server.url, actor=dpo,
                            domain=server.ws.domain, admin=admin, extra={"dpo": dpo, "sources": list(OTHER)})
        services = open_services(settings)
        out = {}
        for subj in expected["subjects"]:
            case = open_case(services, "access", subj["names"], subj["emails"], subj["phones"], subj["identifiers"],
                             dt.date(2026, 11, 2), dpo)
            out[subj["key"]] = (subj, run_search(services, case.ref, dpo))
        quota = server.context.quotas.snapshot()
        yield out, quota, services


@pytest.mark.parametrize("key", ["jane", "zoe", "siobhan", "bobby", "priya"])
def test_every_planted_item_found_and_no_false_hits(searched, key):
    results, _, _ = searched
    subj, items = results[key]
    core = [i for i in items if i["source"] in ("gmail", "drive", "sheets")]
    got = {_key(i) for i in core}
    want = {_key({**e, "source": src}) for src, lst in subj["expected"].items() for e in lst}
    assert got - want == set(), "false hits"
    assert want - got == set(), "missed planted items"
    # Calendar, Contacts, Chat and Forms (other_sources in expected.json), as 'dsar demo' checks them
    assert {i["source"] for i in items} - {"gmail", "drive", "sheets"} <= set(OTHER)
    assert check(subj, items, OTHER) == {"missed": set(), "false_hits": set()}
    assert planted_keys(subj, OTHER), "each demo subject is planted in at least one new source"


def test_jane_is_found_in_every_new_source(searched):
    results, _, _ = searched
    subj, items = results["jane"]
    assert {i["source"] for i in items} >= set(OTHER)
    assert all(expected_counts(subj, OTHER)[s] > 0 for s in OTHER)


def test_items_have_the_interface_shape(searched):
    results, _, _ = searched
    for _, items in results.values():
        for i in items:
            assert {"source", "account"} <= i.keys()
            if i["source"] == "gmail":
                assert i["message_id"] and i["rfc822_message_id"].startswith("<")
            elif i["source"] == "drive":
                assert i["file_id"] and i["name"] and i["path"].endswith(i["name"])
            elif i["source"] == "sheets":
                assert isinstance(i["row"], int) and i["row"] >= 1 and i["sheet"]
            else:  # Calendar, Contacts, Chat, Forms: DESIGN.md's shapes (README "Calendar, Contacts, Chat and Forms")
                assert i["source"] in OTHER and i["matched"]


def test_quota_never_exceeded(searched):
    _, quota, _ = searched
    assert sum(quota["rejections"].values()) == 0, quota


def test_cli_case_open_and_search_json(sandbox_factory, product, demo_fixture):
    server = sandbox_factory(demo_fixture, quota=False)
    product(server)
    runner = CliRunner()
    r = runner.invoke(main, ["case", "open", "--type", "access", "--name", "Bobby Tables", "--name",
                             'Robert "Bobby" Tables', "--received", "2026-01-30", "--json"])
    assert r.exit_code == 0, r.output
    case = json.loads(r.output)
    assert case["due"] == "2026-03-02" and case["extended_due"] == "2026-04-30"
    r = runner.invoke(main, ["search", case["ref"], "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["ref"] == case["ref"] and out["items"]


def test_bad_input_names_the_field(sandbox_factory, product, demo_fixture):
    server = sandbox_factory(demo_fixture, quota=False)
    product(server)
    r = CliRunner().invoke(main, ["case", "open", "--type", "access", "--name", "X Y", "--email", "not-an-address"])
    assert r.exit_code == ExitCode.INPUT and "--email" in r.output and "Traceback" not in r.output
    r = CliRunner().invoke(main, ["case", "open", "--type", "access", "--name", "X Y", "--phone", "12"])
    assert r.exit_code == ExitCode.INPUT and "--phone" in r.output
    r = CliRunner().invoke(main, ["search", "DSAR-1999-0001"])
    assert r.exit_code == ExitCode.NOT_FOUND and "no case" in r.output


def test_the_demo_check_names_a_missed_item_and_a_false_hit(searched):
    results, _, _ = searched
    subj, items = results["jane"]
    chat = [i for i in items if i["source"] == "chat"]
    decoy = {**chat[0], "create_time": "2026-01-01T00:00:00Z"}  # a message nobody planted
    got = check(subj, [i for i in items if i is not chat[0]] + [decoy], OTHER)
    assert len(got["missed"]) == 1 and len(got["false_hits"]) == 1
