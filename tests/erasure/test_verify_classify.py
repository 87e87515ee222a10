"""What the verifying re-search's findings mean (pure): exempt, in Trash (persists until), awaiting manual
redaction, or still there (a failure)."""
from __future__ import annotations

from addon.erasure.exemptions import parse_policy
from addon.erasure.verify import classify

POLICY = parse_policy('[[exempt]]\ngmail_label = "Legal hold"\nreason = "legal_claims"\n').to_json()
PLAN = {"policy": POLICY, "exempt": [],
        "actions": [{"key": "gmail:a@x:m1", "action": "trash"}, {"key": "gmail:a@x:m5", "action": "trash", "in_trash": True}, {"key": "drive:d1", "action": "redact_manually"},
                    {"key": "drive:d2", "action": "trash"}, {"key": "gmail:a@x:m4", "action": "trash"}]}
RUN = {"items": [{"key": "gmail:a@x:m1", "outcome": "trashed", "at": "2026-03-01T10:00:00+00:00"},
                 {"key": "gmail:a@x:m5", "outcome": "trashed", "at": "2026-03-01T10:00:00+00:00"},
                 {"key": "drive:d2", "outcome": "trashed", "at": "2026-03-01T10:00:01+00:00"}]}


def gm(mid, labels):
    return {"source": "gmail", "account": "a@x", "message_id": mid, "labels": labels}


def dr(fid, trashed):
    return {"source": "drive", "account": "a@x", "file_id": fid, "trashed": trashed, "path": "p"}


def test_classification():
    found = [gm("m1", ["TRASH"]), gm("m5", ["TRASH"]), gm("m2", ["Label_9"]), gm("m3", ["TRASH"]), gm("m4", ["INBOX"]),
             dr("d1", False), dr("d2", True), dr("d3", False),
             {"source": "sheets", "account": "a@x", "file_id": "s", "sheet": "T", "row": 3, "path": "p"}]
    out = classify(found, PLAN, RUN, {"a@x": {"Label_9": "Legal hold"}})
    assert [i["id"] for i in out["exempt"]] == ["m2"]
    persists = {i["id"]: i for i in out["persists"]}
    assert persists["m1"]["until"] == "2026-03-31" and persists["m1"]["trashed_by_run"]
    assert persists["d2"]["where"] == "Drive trash"
    assert persists["m3"]["until"] is None and not persists["m3"]["trashed_by_run"]  # trashed by someone else
    assert persists["m5"]["until"] is None  # already in Trash before the plan: its own 30 days run
    assert [i["id"] for i in out["manual"]] == ["d1"]
    remaining = {i["id"]: i["note"] for i in out["remaining"]}
    assert set(remaining) == {"m4", "d3", "s/T/row 3"}
    assert "new since the plan" in remaining["d3"] and "still present" in remaining["m4"]
