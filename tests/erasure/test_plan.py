"""The plan (pure): one action per item, exemptions with reasons, counts, persistence warnings, and a hash
that changes exactly when what the DPO would approve changes."""
from __future__ import annotations

import random

from addon.erasure.exemptions import parse_policy
from addon.erasure.plan import build_plan, plan_hash
from addon.erasure.rows import SheetRow

DOC = "application/vnd.google-apps.document"
ITEMS = [
    {"source": "gmail", "account": "tom@acme.test", "message_id": "m1", "rfc822_message_id": "<1@x>", "labels": ["INBOX"]},
    {"source": "gmail", "account": "tom@acme.test", "message_id": "m2", "rfc822_message_id": "<2@x>",
     "labels": ["SENT", "Label_3"]},
    {"source": "gmail", "account": "ann@acme.test", "message_id": "m3", "rfc822_message_id": "<3@x>", "labels": ["TRASH"]},
    {"source": "drive", "account": "tom@acme.test", "file_id": "d1", "name": "Jane Doe - notes", "path": "Notes/Jane Doe - notes",
     "mime_type": DOC, "trashed": False},
    {"source": "drive", "account": "tom@acme.test", "file_id": "d2", "name": "Team minutes", "path": "Minutes/Team minutes",
     "mime_type": DOC, "trashed": False},
    {"source": "drive", "account": "tom@acme.test", "file_id": "d3", "name": "scan.pdf", "path": "Scans/scan.pdf",
     "mime_type": "application/pdf", "trashed": False},
    {"source": "sheets", "account": "ann@acme.test", "file_id": "s1", "name": "Customers", "path": "Customers",
     "sheet": "Customers", "row": 4},
    {"source": "sheets", "account": "ann@acme.test", "file_id": "s1", "name": "Customers", "path": "Customers",
     "sheet": "Customers", "row": 9},
]
LABELS = {"tom@acme.test": {"Label_3": "Legal hold", "INBOX": "INBOX", "SENT": "SENT"}}
ROWS = {("s1", "Customers"): [SheetRow(4, "a" * 64, (0, 2)), SheetRow(9, "b" * 64, (1,))]}
POLICY = parse_policy('[[exempt]]\ngmail_label = "Legal hold"\nreason = "legal_claims"\n', "p.toml")


def names_jane(name: str) -> bool:
    return "Jane Doe" in name


def plan(items=ITEMS, policy=POLICY, rows=ROWS):
    return build_plan("DSAR-2026-0001", items, policy, labels=LABELS, sheet_rows=rows, names_subject=names_jane)


def test_one_action_per_item_and_exemptions_with_reasons():
    p = plan()
    by_key = {a["key"]: a for a in p["actions"]}
    assert len(p["actions"]) + len(p["exempt"]) == len(ITEMS)
    assert [e["message_id"] for e in p["exempt"]] == ["m2"]
    assert p["exempt"][0]["reason"] == "legal_claims" and "17(3)(e)" in p["exempt"][0]["basis"]
    assert by_key["gmail:tom@acme.test:m1"]["action"] == "trash"
    assert by_key["gmail:ann@acme.test:m3"]["in_trash"] is True
    assert by_key["drive:d1"]["action"] == "trash"  # a Doc named after the subject is about them
    assert by_key["drive:d2"]["action"] == "redact_manually"  # a Doc that only mentions them
    assert by_key["drive:d3"]["action"] == "trash"
    sheet = [a for a in p["actions"] if a["source"] == "sheets"]
    assert [(a["row"], a["action"], a["cells"]) for a in sheet] == [(4, "delete_row", [0, 2]), (9, "delete_row", [1])]
    assert p["counts"]["actions"] == {"drive": {"redact_manually": 1, "trash": 2}, "gmail": {"trash": 2},
                                      "sheets": {"delete_row": 2}}
    assert p["counts"]["manual"] == 1 and p["counts"]["total_exempt"] == 1
    codes = {w["code"] for w in p["warnings"]}
    assert {"trash_window", "manual_redaction", "already_in_trash", "vault_unknown", "exempt", "recipients"} <= codes
    assert "admin_restore" not in codes


def test_permanent_policy_deletes_and_warns_about_admin_restore():
    p = plan(policy=parse_policy("permanent_delete = true\ngoogle_docs = 'trash'\n[[sheets]]\nspreadsheet = 'Customers'\n"
                                 "handling = 'redact_cells'\n[[vault]]\nkind='retention'\ncorpus='mail'\nname='6y'\ndays=2190"))
    acts = {a["key"]: a["action"] for a in p["actions"]}
    assert acts["gmail:tom@acme.test:m2"] == "delete" and acts["drive:d2"] == "delete"
    assert {a["action"] for a in p["actions"] if a["source"] == "sheets"} == {"redact_cells"}
    codes = [w["code"] for w in p["warnings"]]
    assert "admin_restore" in codes and "vault_retention" in codes and "trash_window" not in codes
    assert any("25 days" in w["message"] for w in p["warnings"])


def test_hash_is_stable_under_item_order_and_changes_with_content():
    shuffled = ITEMS[:]
    random.Random(7).shuffle(shuffled)
    assert plan_hash(plan()) == plan_hash(plan(items=shuffled))
    assert plan_hash(plan()) != plan_hash(plan(items=ITEMS[:-1]))
    assert plan_hash(plan()) != plan_hash(plan(policy=parse_policy("")))
    moved = {("s1", "Customers"): [SheetRow(5, "a" * 64, (0, 2)), SheetRow(9, "b" * 64, (1,))]}
    assert plan_hash(plan()) != plan_hash(plan(rows=moved))


def test_sheet_rows_come_from_the_sheet_now_and_changes_are_warned():
    moved = {("s1", "Customers"): [SheetRow(2, "b" * 64, (1,)), SheetRow(7, "a" * 64, (0, 2))]}
    p = plan(rows=moved)
    assert sorted(a["row"] for a in p["actions"] if a["source"] == "sheets") == [2, 7]
    assert "sheet_rows_moved" in {w["code"] for w in p["warnings"]}
    grown = {("s1", "Customers"): moved[("s1", "Customers")] + [SheetRow(8, "c" * 64, (0,))]}
    assert "sheet_changed" in {w["code"] for w in plan(rows=grown)["warnings"]}
    gone = plan(rows={("s1", "Customers"): None})
    assert not [a for a in gone["actions"] if a["source"] == "sheets"]
    assert "sheet_unreadable" in {w["code"] for w in gone["warnings"]}


def test_identical_rows_get_distinct_keys():
    twins = {("s1", "Customers"): [SheetRow(4, "a" * 64, (0,)), SheetRow(9, "a" * 64, (0,))]}
    keys = [a["key"] for a in plan(rows=twins)["actions"] if a["source"] == "sheets"]
    assert len(set(keys)) == 2


def test_no_content_beyond_ids_names_and_hashes():
    p = plan()
    assert "evidence" not in str(p) and all("text" not in a for a in p["actions"])
