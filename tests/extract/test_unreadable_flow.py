"""A "could not read" item never crashes or silently joins the erasure plan, the export or the CLI
table: the plan warns about it and leaves it out, verification lists it apart, the table says what to check."""
from __future__ import annotations

from rich.console import Console

from addon.cli.search_cmd import summary_table
from addon.erasure.exemptions import Policy
from addon.erasure.plan import build_plan
from addon.erasure.verify import classify

ITEMS = [
    {"source": "drive", "account": "a@x.test", "file_id": "F1", "name": "pay.pdf", "path": "HR/pay.pdf",
     "mime_type": "application/pdf", "trashed": False, "drive": "My Drive",
     "unreadable": {"reason": "encrypted PDF (needs a password to open)", "check": "ask the owner for the password"}},
    {"source": "gmail", "account": "a@x.test", "message_id": "M1", "rfc822_message_id": "<m1@x>", "labels": [],
     "unreadable": {"reason": "damaged Word document", "check": "open it by hand", "attachment": "c.docx"}},
    {"source": "drive", "account": "a@x.test", "file_id": "F2", "name": "book.xlsx", "path": "book.xlsx",
     "mime_type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "trashed": False,
     "drive": {"id": "0A1", "name": "Finance"}, "sheet": "Customers", "row": 3},
]


def test_plan_warns_and_leaves_unreadable_items_out():
    plan = build_plan("DSAR-1", ITEMS, Policy(), labels={}, sheet_rows={}, names_subject=lambda n: False)
    assert [a["file_id"] for a in plan["actions"]] == ["F2"]
    assert plan["actions"][0]["row"] == 3 and plan["actions"][0]["action"] == "trash"
    warn = [w["message"] for w in plan["warnings"] if w["code"] == "unreadable"]
    assert len(warn) == 2 and any("encrypted PDF" in w and "HR/pay.pdf" in w for w in warn)
    assert any("c.docx" in w for w in warn)


def test_verification_lists_unreadable_apart():
    plan = build_plan("DSAR-1", ITEMS, Policy(), labels={}, sheet_rows={}, names_subject=lambda n: False)
    out = classify(ITEMS[:2], plan, {"items": []}, {})
    assert len(out["unreadable"]) == 2 and not out["remaining"] and not out["manual"]


def test_cli_table_says_what_to_check():
    con = Console(width=200, record=True)
    con.print(summary_table(ITEMS))
    text = con.export_text()
    assert "could not read: encrypted PDF" in text and "ask the owner for the password" in text
    assert "[Finance] book.xlsx › Customers › row 3" in text and "(c.docx)" in text
