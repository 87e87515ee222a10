"""Erasure end to end in the sandbox: plan -> DPO approval -> run -> verify -> signed certificate, with the
ground truth of the demo company (expected.json) checked in the sandbox's own state afterwards."""
from __future__ import annotations

import io
import json

import pytest

from addon.erasure import casefile, certificate
from addon.erasure.approve import approve_plan
from addon.erasure.errors import NotApproved
from addon.erasure.execute import run_erasure
from addon.erasure.planner import plan_erasure
from addon.erasure.verify import verify_erasure
from addon.errors import InputError
from addon.roles import RoleError
from addon.search.service import run_search
from scopes.model import DRIVE, GMAIL_MODIFY, MAIL_FULL, SPREADSHEETS, SPREADSHEETS_READONLY

from .conftest import policy


def _message(world, account: str, rfc822: str):
    box = world.server.ws.mailboxes[account]
    return next(m for m in box.messages.values() if m.rfc822_id.strip("<>") == rfc822.strip("<>"))


def _file(world, account: str, path: str):
    store = world.server.ws.drive
    return next(f for f in store.files.values() if store.path(f) == path and (
        account in f.owners or (f.driveId and account in store.drives[f.driveId].members)))  # or a shared drive's


def _export(world, account: str, file_id: str) -> str:
    drive = world.api("drive", account, [DRIVE])
    return drive.files().export(fileId=file_id, mimeType="text/plain").execute().decode("utf-8")


def _tab(world, account: str, file_id: str, tab: str) -> list[list[str]]:
    sheets = world.api("sheets", account, [SPREADSHEETS_READONLY])
    got = sheets.spreadsheets().values().get(spreadsheetId=file_id, range=f"'{tab}'").execute()
    return [[str(c) for c in row] for row in got.get("values", [])]


def _found(expected: dict, items: list[dict]) -> dict:
    """The ground-truth entries the search found (its recall is the search's own tests' business)."""
    keys = {(i["source"], i["account"], i.get("rfc822_message_id") or i.get("path"), i.get("sheet"), i.get("row"))
            for i in items}
    return {src: [e for e in entries if (src, e["account"], e.get("rfc822_message_id") or e.get("path"),
                                         e.get("sheet"), e.get("row")) in keys]
            for src, entries in expected.items()}


def test_erasure_end_to_end_leaves_nothing_outside_trash(world):
    services = world.services()
    ref = world.open_case(services, "jane")
    expected = world.subject("jane")["expected"]
    sheets_before = {}
    for row in expected["sheets"]:
        f = _file(world, row["account"], row["path"])
        sheets_before[(row["account"], f.id, row["sheet"])] = _tab(world, row["account"], f.id, row["sheet"])
    items = run_search(services, ref, world.staff)
    jane = _found(expected, items)
    assert sum(map(len, jane.values())) == len(items) > 10  # the search found only Jane's data

    planned = plan_erasure(services, ref, world.staff)  # no policy: trash, Docs that only mention her by hand
    assert services.store.get(ref).status == "erasure_planned"
    assert planned.plan["counts"]["total_actions"] == len(items) and not planned.plan["exempt"]
    manual = [a for a in planned.plan["actions"] if a["action"] == "redact_manually"]
    assert manual and all(a["source"] == "drive" for a in manual)
    got = approve_plan(services, ref, world.dpo, expected=planned.sha256[:12])
    assert got["approved_by"] == world.dpo
    assert services.store.get(ref).history[-1]["reason"] == f"plan sha256:{planned.sha256}"

    result = run_erasure(services, ref, world.staff)
    # Docs await manual redaction: the status says so, never "erased" before it is (issue 12 item 6)
    assert services.store.get(ref).status == result["status"] == "erasure_partial"
    assert {m["id"] for m in result["awaiting_manual_redaction"]} == {a["file_id"] for a in manual}
    assert result["counts"]["erased"] == len(items) - len(manual) and result["counts"]["manual"] == len(manual)
    assert not result["problems"]
    assert all(len(i["sha256"]) == 64 for i in result["items"] if i["outcome"] != "manual")

    first = verify_erasure(services, ref, world.staff)  # the Docs still mention her: not verified yet
    assert not first["verified"] and not first["remaining"]
    assert {m["id"] for m in first["manual"]} == {a["file_id"] for a in manual}
    assert services.store.get(ref).status == "erasure_partial"
    for a in manual:
        _redact_doc_by_hand(world, services.store.get(ref).subject, a["account"], a["file_id"])
    verified = verify_erasure(services, ref, world.staff)
    assert verified["verified"], verified["remaining"]
    assert services.store.get(ref).status == "verified"
    assert len(verified["persists"]) == len(jane["gmail"]) + len(jane["drive"]) - len(manual)
    earlier = {a["key"] for a in planned.plan["actions"] if a.get("in_trash")}  # Jane's mail someone had binned
    assert earlier and all(bool(p["until"]) == p["trashed_by_run"] == (p["key"] not in earlier)
                           for p in verified["persists"])

    # The sandbox itself: every message and file of Jane's is in Trash, every row of hers is gone.
    for m in jane["gmail"]:
        assert "TRASH" in _message(world, m["account"], m["rfc822_message_id"]).label_ids, m
    for d in jane["drive"]:
        f = _file(world, d["account"], d["path"])
        if f.id in {a["file_id"] for a in manual}:  # kept, with her edited out
            assert not f.trashed and d["evidence"] not in _export(world, d["account"], f.id)
        else:
            assert f.trashed, d
    for (account, file_id, tab), before in sheets_before.items():
        after = _tab(world, account, file_id, tab)
        gone = [r for r in jane["sheets"] if r["sheet"] == tab and _file(world, r["account"], r["path"]).id == file_id]
        assert len(after) == len(before) - len(gone)
        for r in gone:
            assert not any(r["evidence"] in " ".join(row) for row in after), r["evidence"]
            assert before[r["row"] - 1] not in after
        assert all(row in after for n, row in enumerate(before, 1) if n not in {r["row"] for r in gone})

    # Erasure scopes only in the erase step, never while searching; every erase call stated the case.
    records = [r.fields for r in services.trail.records(case=ref)]
    erase_ops = {"gmail.trash", "drive.trash", "sheets.delete_rows", "sheets.redact_cells"}
    erase_records = [r for r in records if r["operation"] in erase_ops]
    assert erase_records and all(r["outcome"] in ("ok", "retry") for r in erase_records)
    assert all(set(r["scopes"]) <= {GMAIL_MODIFY, DRIVE, SPREADSHEETS} for r in erase_records)
    writes = {GMAIL_MODIFY, DRIVE, SPREADSHEETS, MAIL_FULL}
    other = [(r["operation"], r["api_method"]) for r in records
             if r["operation"] not in erase_ops and set(r["scopes"]) & writes and r["api_method"] != "batch"]
    assert {op for op, _ in other} <= {"auth.token"}, other  # besides batch envelopes: the erase token's issue

    doc, js, html = certificate.issue(services, ref, world.dpo, world.home / "out")
    assert certificate.verify_certificate(json.loads(js.read_text()), services.trail.verifier, services.trail) == []
    text = js.read_text()
    for secret in ("Jane", "jane.doe@example.com", "CUST-004512", "Hargreaves"):
        assert secret not in text and secret not in html.read_text()
    assert len(doc["erased"]) == result["counts"]["erased"] and doc["audit"]["checkpoint"]["size"] >= doc["audit"]["run_records"][1]
    doc["erased"].pop()
    assert certificate.verify_certificate(doc, services.trail.verifier, services.trail)


def test_demo_erasure_keeps_mail_under_legal_hold(world):
    from rich.console import Console

    from addon.erasure.demo import demo_erasure

    services = world.services()
    ref = world.open_case(services, "priya")
    run_search(services, ref, world.staff)
    shown = io.StringIO()
    out = demo_erasure(services, ref, world.dpo, Console(file=shown, width=120))
    assert out["verified"] and out["certificate_valid"], out
    plan, _, _ = casefile.load_plan(services.store, ref)
    held = [e for e in plan["exempt"] if e["source"] == "gmail"]
    assert {e["account"] for e in held} == {f"tom.reeves@{world.domain}", world.dpo}
    assert all("Legal hold" in e["labels"] and e["reason"] == "legal_claims" for e in held)
    for e in held:  # untouched in the mailbox
        assert "TRASH" not in world.server.ws.mailboxes[e["account"]].messages[e["message_id"]].label_ids
    doc = json.loads(open(out["certificate"], encoding="utf-8").read())
    assert {x["id"] for x in doc["exempt"]} == {e["message_id"] for e in held}
    assert all("17(3)(e)" in x["basis"] and x["detail"].startswith("ACAS") for x in doc["exempt"])
    assert not {x["id"] for x in doc["erased"]} & {e["message_id"] for e in held}
    assert doc["persists"] and "Vault" in " ".join(doc["persistence_notes"])
    assert "Erasure 5. Signed certificate" in shown.getvalue() and "VERIFIED" in shown.getvalue()


def _redact_doc_by_hand(world, subject, account: str, file_id: str) -> None:
    from googleapiclient.http import MediaInMemoryUpload

    from addon.subjects.matching import Matcher

    drive = world.api("drive", account, [DRIVE])
    text = drive.files().export(fileId=file_id, mimeType="text/plain").execute().decode("utf-8")
    for hit in sorted(Matcher(subject).match_text(text), key=lambda h: h.span[0], reverse=True):
        text = text[:hit.span[0]] + "[redacted]" + text[hit.span[1]:]
    drive.files().update(fileId=file_id, media_body=MediaInMemoryUpload(text.encode(), mimetype="text/plain")).execute()


def test_unapproved_changed_and_staff_approved_plans_are_refused(world):
    services = world.services()
    ref = world.open_case(services, "priya")
    run_search(services, ref, world.staff, accounts=[f"tom.reeves@{world.domain}"])
    planned = plan_erasure(services, ref, world.staff)
    log_before = len(world.log())
    with pytest.raises(NotApproved, match="approve"):
        run_erasure(services, ref, world.staff)
    with pytest.raises(RoleError, match="dpo"):
        approve_plan(services, ref, world.staff)
    with pytest.raises(NotApproved, match="--hash"):
        approve_plan(services, ref, world.dpo, expected="deadbeef0000")
    for short in (None, "", planned.sha256[:11], "not-hex-at-all!"):  # the DPO must confirm the plan read
        with pytest.raises(InputError, match="--hash"):
            approve_plan(services, ref, world.dpo, expected=short)
    assert services.store.get(ref).status == "erasure_planned"

    approve_plan(services, ref, world.dpo, expected=planned.sha256)
    same = plan_erasure(services, ref, world.staff)  # identical re-plan: the approval stands
    assert same.sha256 == planned.sha256 and services.store.get(ref).status == "approved"

    changed = plan_erasure(services, ref, world.staff, policy=policy('google_docs = "trash"\npermanent_delete = false\n'
                                                                       '[[sheets]]\nspreadsheet = "Absence tracker"\n'
                                                                       'handling = "redact_cells"'))
    assert changed.sha256 != planned.sha256 and changed.approval_withdrawn
    assert services.store.get(ref).status == "erasure_planned"
    with pytest.raises(NotApproved):
        run_erasure(services, ref, world.staff)

    approve_plan(services, ref, world.dpo, expected=changed.sha256[:12])
    tampered = json.loads(json.dumps(changed.plan))  # the stored plan replaced after approval
    tampered["actions"] = tampered["actions"][1:]
    casefile.save_plan(services.store, ref, tampered, world.staff, "2026-01-01T00:00:00+00:00")
    with pytest.raises(NotApproved, match="not the approved one"):
        run_erasure(services, ref, world.staff)
    writes = [e for e in world.log()[log_before:] if e.get("method") not in ("GET",)]
    assert not [e for e in writes if "batchModify" in e["path"] or "batchUpdate" in e["path"]]
