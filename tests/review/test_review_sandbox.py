"""Reviewing a real search of the demo company (sandbox over HTTP): decisions by CLI, one stroke for every
copy, bulk filters, re-search keeping decisions and suppressing a false hit, and the package following it."""
from __future__ import annotations

import json
import sqlite3
import zipfile

from click.testing import CliRunner

from addon.cli import main
from addon.errors import Conflict
from addon.export import build_package
from addon.review.methodology import load as load_methodology
from addon.review.service import decide, decide_matching, review_list, review_store
from addon.search.service import run_search


def cli(case, *args: str):
    return CliRunner().invoke(main, ["review", case.ref, *args], env=case.env.cli_env(), catch_exceptions=False)


def listing(case) -> dict:
    r = cli(case, "--json")
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def test_list_folds_copies_and_says_why_each_matched(searched):
    data = listing(searched)
    items = data["items"]
    assert data["counts"]["undecided"] == len(items) > 5
    multi = [i for i in items if len(i["copies"]) > 1]
    assert multi, "the demo company holds the same email in several mailboxes"
    for i in multi:
        assert len({c["account"] for c in i["copies"]}) == len(i["copies"])
    assert all(i["why_matched"] for i in items)
    _, groups = review_list(searched.services, searched.ref)
    assert sum(len(g.items) for g in groups) == len(searched.services.store.results(searched.ref))


def test_decide_one_copy_decides_all_and_records_who_when_why(searched):
    g = next(i for i in listing(searched)["items"] if len(i["copies"]) > 1)
    r = cli(searched, "decide", g["copies"][1]["key"], "--exclude", "negotiations", "--note", "offer still open")
    assert r.exit_code == 0, r.output
    assert f"all {len(g['copies'])} copies" in r.output
    decisions = review_store(searched.services).load(searched.ref)
    for c in g["copies"]:
        d = decisions[c["key"]]
        assert (d.status, d.code, d.note, d.by) == ("exclude", "negotiations", "offer still open", searched.env.dpo)
        assert d.at.startswith("20")
    # the note is sealed like case notes: not in the database file in plain text
    raw = sqlite3.connect(searched.env.home / "cases.db").execute("SELECT sealed FROM review_decisions").fetchall()
    assert raw and all("offer still open" not in (s or "") for (s,) in raw)
    again = cli(searched, "decide", g["id"], "--include")
    assert again.exit_code == 0
    hist = review_store(searched.services).history(searched.ref, g["copies"][0]["key"])
    assert [h["status"] for h in hist] == ["exclude", "include"]


def test_bad_decisions_are_one_line_errors(searched):
    g = listing(searched)["items"][0]
    for args, code, words in (
            (("decide", g["id"], "--exclude", "negotiations"), 3, "--note"),
            (("decide", g["id"], "--exclude", "because", "--note", "x"), 3, "not an exemption code"),
            (("decide", g["id"], "--include", "--not-a-match"), 3, "exactly one"),
            (("decide", "nosuchid", "--include"), 5, "no item"),
            (("bulk", "--include"), 3, "at least one filter")):
        r = CliRunner().invoke(main, ["review", searched.ref, *args], env=searched.env.cli_env())
        assert r.exit_code == code, (args, r.output)
        assert words in r.output and "Traceback" not in r.output
    assert listing(searched)["counts"]["undecided"] == len(listing(searched)["items"])  # nothing half-done


def test_bulk_by_filter(searched):
    before = listing(searched)["items"]
    sheets = [i for i in before if i["source"] == "sheets"]
    r = cli(searched, "bulk", "--include", "--source", "sheets", "--json")
    assert json.loads(r.output)["decided"] == len(sheets) > 0
    after = {i["id"]: i["status"] for i in listing(searched)["items"]}
    assert all(after[i["id"]] == ("include" if i["source"] == "sheets" else "undecided") for i in before)


def test_decisions_survive_a_re_search_and_not_a_match_does_not_come_back(searched):
    s, ref = searched.services, searched.ref
    _, groups = review_list(s, ref)
    false_hit = next(g for g in groups if g.primary["source"] == "drive")
    kept = next(g for g in groups if g.primary["source"] == "gmail")
    decide(s, ref, false_hit.id, "not_a_match", searched.env.dpo, note="another caller")
    decide(s, ref, kept.id, "include", searched.env.dpo)
    run_search(s, ref, searched.env.dpo)  # a fresh run of the finished search
    assert not any(i["file_id"] == false_hit.primary["file_id"] for i in s.store.results(ref) if "file_id" in i)
    _, again = review_list(s, ref)
    assert len(again) == len(groups) - 1
    assert next(g for g in again if g.fold == kept.fold).status == "include"
    assert sum(g.status == "undecided" for g in again) == len(groups) - 2


def test_export_refuses_while_undecided_then_follows_the_review(searched, tmp_path):
    s, ref, dpo = searched.services, searched.ref, searched.env.dpo
    try:
        build_package(s, ref, dpo, out_dir=tmp_path)
        raise AssertionError("an unreviewed export was built")
    except Conflict as e:
        assert "not reviewed yet" in str(e) and "--include-undecided" in str(e)
    r = CliRunner().invoke(main, ["export", ref], env=searched.env.cli_env())
    assert r.exit_code == 6 and "dsar review" in r.output
    _, groups = review_list(s, ref)
    mail = next(g for g in groups if g.primary["source"] == "gmail" and len(g.items) > 1)
    excluded = next(g for g in groups if g.primary["source"] == "gmail" and g is not mail)
    nam = next(g for g in groups if g.primary["source"] == "drive" and not g.primary.get("unreadable"))
    decide(s, ref, excluded.id, "exclude", dpo, code="legal_privilege", note="advice from our solicitors")
    decide(s, ref, nam.id, "not_a_match", dpo)
    decide_matching(s, ref, {"status": "undecided"}, "include", dpo)
    result = build_package(s, ref, dpo, out_dir=tmp_path)
    z = zipfile.ZipFile(result.path)
    names = z.namelist()
    emls = [n for n in names if n.startswith("gmail/")]  # .eml, or a redacted copy (addon/redaction)
    assert not any(excluded.primary["message_id"] in n for n in emls)
    assert sum(any(i["message_id"] in n for n in emls) for i in mail.items) == 1  # disclosed once
    assert not any(n.startswith("drive/") and nam.primary["path"].split("/")[-1] in n for n in names)
    report = z.read("report.html").decode()
    assert "What we withheld" in report and "DPA 2018 Sch. 2 Part 4 para 19" in report
    assert "advice from our solicitors" not in report  # the why stays with us; the category goes to the subject
    m = json.loads(z.read("methodology.json"))
    assert m["counts"]["excluded"] == 1 and m["counts"]["not_a_match"] == 1
    assert m["counts"]["included"] == len(groups) - 2
    assert m["sources"]["summary"].startswith("searched 6 of 6 accounts")
    assert {i["kind"] for i in m["identifiers"]} == {"names", "emails", "phones", "identifiers"}
    assert "jane" not in json.dumps(m["identifiers"]).lower()  # kinds and counts, never the values
    assert load_methodology(s.store, ref)["counts"] == m["counts"]  # and in the case file
    assert result.review["withheld"][0]["code"] == "legal_privilege"


def test_include_undecided_is_recorded_on_the_case(searched, tmp_path):
    r = CliRunner().invoke(main, ["export", searched.ref, "--include-undecided", "--json", "--out", str(tmp_path)],
                           env=searched.env.cli_env())
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["review"]["include_undecided"] is True
    show = CliRunner().invoke(main, ["case", "show", searched.ref, "--json"], env=searched.env.cli_env())
    events = [h for h in json.loads(show.output)["history"] if h["event"] == "export_with_undecided"]
    assert len(events) == 1 and events[0]["actor"] == searched.env.dpo


def test_init_writes_the_exemptions_starter(tmp_path):
    home = tmp_path / "fresh"
    r = CliRunner().invoke(main, ["init", "--json"], env={"DSAR_HOME": str(home), "DSAR_SANDBOX_URL": ""})
    assert r.exit_code == 0, r.output
    text = (home / "exemptions.toml").read_text()
    assert 'code = "third_party"' in text and "Sch. 2" in text
    codes = CliRunner().invoke(main, ["review", "X", "codes", "--json"], env={"DSAR_HOME": str(home)})
    assert "legal_privilege" in codes.output
