"""The run as a job: rows found again by content after the DPO re-sorted the sheet, and a crash mid-run
resumed without repeating or missing anything (checked in the sandbox's own request log)."""
from __future__ import annotations

from collections import Counter

import pytest

from addon.erasure.approve import approve_plan
from addon.errors import Busy
from addon.erasure.execute import run_erasure
from addon.erasure.planner import plan_erasure
from addon.erasure.rows import row_sha256
from addon.search.service import run_search
from scopes.model import SPREADSHEETS

from .conftest import policy


class Crash(RuntimeError):
    pass


def _sheet(world, account: str, file_id: str, tab: str) -> tuple[int, list[list[str]]]:
    svc = world.api("sheets", account, [SPREADSHEETS])
    meta = svc.spreadsheets().get(spreadsheetId=file_id).execute()
    sid = next(s["properties"]["sheetId"] for s in meta["sheets"] if s["properties"]["title"] == tab)
    rows = svc.spreadsheets().values().get(spreadsheetId=file_id, range=f"'{tab}'").execute().get("values", [])
    return sid, [[str(c) for c in r] for r in rows]


def test_rows_resorted_after_the_plan_are_found_by_content(world):
    services = world.services()
    owner = world.staff  # Aisha owns the customer list and the callback log
    ref = world.open_case(services, "jane")
    run_search(services, ref, world.staff, accounts=[owner])
    planned = plan_erasure(services, ref, world.staff, policy=policy(
        '[[sheets]]\nspreadsheet = "Callback log"\nhandling = "redact_cells"\n'))
    rows = [a for a in planned.plan["actions"] if a["source"] == "sheets"]
    assert {a["action"] for a in rows} == {"delete_row", "redact_cells"} and len(rows) >= 3
    approve_plan(services, ref, world.dpo, expected=planned.sha256[:12])

    # The DPO sorts every tab holding Jane's rows, descending on column B, through the Sheets API.
    before: dict[tuple[str, str], list[list[str]]] = {}
    svc = world.api("sheets", owner, [SPREADSHEETS])
    for file_id, tab in sorted({(a["file_id"], a["sheet"]) for a in rows}):
        sid, values = _sheet(world, owner, file_id, tab)
        before[(file_id, tab)] = values
        svc.spreadsheets().batchUpdate(spreadsheetId=file_id, body={"requests": [{"sortRange": {
            "range": {"sheetId": sid, "startRowIndex": 1, "endRowIndex": len(values)},
            "sortSpecs": [{"dimensionIndex": 1, "sortOrder": "DESCENDING"}]}}]}).execute()
        moved = _sheet(world, owner, file_id, tab)[1]
        assert moved != values and sorted(moved) == sorted(values)
        for a in rows:  # the planned row numbers are stale now
            if (a["file_id"], a["sheet"]) == (file_id, tab):
                assert row_sha256(moved[a["row"] - 1]) != a["row_sha256"] or moved[a["row"] - 1] == values[a["row"] - 1]

    result = run_erasure(services, ref, world.staff)
    assert not result["problems"] and result["counts"]["already_gone"] == 0
    for (file_id, tab), values in before.items():
        after = _sheet(world, owner, file_id, tab)[1]
        mine = [a for a in rows if (a["file_id"], a["sheet"]) == (file_id, tab)]
        wanted = {a["row_sha256"] for a in mine}
        others = Counter(row_sha256(v) for v in values if row_sha256(v) not in wanted)
        if mine[0]["action"] == "delete_row":
            assert len(after) == len(values) - len(mine)
            assert Counter(row_sha256(v) for v in after) == others  # exactly Jane's rows went, the rest stayed
        else:
            assert len(after) == len(values)  # redaction keeps the rows, blanks Jane's cells
            assert Counter(row_sha256(v) for v in after) - others == Counter(
                row_sha256([("" if i in a["cells"] else c) for i, c in enumerate(values[a["row"] - 1])]) for a in mine)
        assert not any(row_sha256(v) in wanted for v in after)


@pytest.mark.parametrize("stage", ["saved", "acted"])
def test_crash_after_the_first_batch_then_resume(world, stage):
    services = world.services()
    accounts = [world.staff, f"ellie.marsh@{world.domain}", f"it@{world.domain}"]
    ref = world.open_case(services, "jane")
    run_search(services, ref, world.staff, accounts=accounts)
    planned = plan_erasure(services, ref, world.staff, policy=policy('google_docs = "trash"'))
    plan = planned.plan
    approve_plan(services, ref, world.dpo, expected=planned.sha256[:12])
    mark = len(world.log())
    calls = []

    def crash(at: str, info: dict) -> None:
        calls.append((at, info["source"]))
        if at == stage:
            raise Crash("power cut")

    with pytest.raises(Crash):
        run_erasure(services, ref, world.staff, hook=crash)
    assert services.store.get(ref).status == "approved"
    assert [c[0] for c in calls] == (["acted"] if stage == "acted" else ["acted", "saved"])  # one batch
    first_log = world.log()[mark:]
    result = run_erasure(services, ref, world.staff)
    assert services.store.get(ref).status == "erased"
    assert result["counts"]["not_done"] == 0 and result["counts"]["already_gone"] == 0
    assert result["counts"]["erased"] == len(plan["actions"])
    assert sorted(i["key"] for i in result["items"]) == sorted(a["key"] for a in plan["actions"])
    assert run_erasure(services, ref, world.staff) == result  # a third run changes nothing
    log = world.log()[mark:]
    again = world.log()[mark + len(log):]
    assert not again

    def changes(entries) -> Counter:
        keep = ("gmail.users.messages.batchModify", "drive.files.update", "sheets.spreadsheets.batchUpdate")
        return Counter((e["api_method"], e["user"], e["path"]) for e in entries if e.get("api_method") in keep)

    total, before_crash = changes(log), changes(first_log)
    assert before_crash  # the first batch really changed something in Google
    sources = {a["source"] for a in plan["actions"]}
    assert len(total) >= len(sources)
    repeated = {k: n for k, n in total.items() if n > 1}
    if stage == "saved":
        assert not repeated  # every change exactly once on the wire
    else:  # the batch was sent but not recorded: sent again, harmlessly (trash is idempotent)
        assert set(repeated) == set(before_crash) and all(n == 2 for n in repeated.values())
        assert all(k[0] != "sheets.spreadsheets.batchUpdate" for k in repeated)


def test_permanent_deletion_needs_the_opt_in_and_resumes_after_a_crash(world, tmp_path):
    from addon.erasure.errors import ErasureError
    from addon.erasure.exemptions import load_policy
    from scopes.model import MAIL_FULL

    text = 'permanent_delete = true\ngoogle_docs = "trash"\n[[exempt]]\ngmail_label = "Legal hold"\nreason = "legal_claims"\n'
    (tmp_path / "policy.toml").write_text(text, encoding="utf-8")
    tom = f"tom.reeves@{world.domain}"
    plain = world.services()  # this deployment has not opted in to irreversible calls
    ref = world.open_case(plain, "priya")
    run_search(plain, ref, world.staff, accounts=[tom])
    planned = plan_erasure(plain, ref, world.staff, policy=load_policy(plain.settings, tmp_path / "policy.toml"))
    assert {a["action"] for a in planned.plan["actions"]} == {"delete", "delete_row"}
    assert any("25 days" in w["message"] for w in planned.plan["warnings"])
    approve_plan(plain, ref, world.dpo, expected=planned.sha256[:12])
    with pytest.raises(ErasureError, match="permanent_delete"):
        run_erasure(plain, ref, world.staff)

    def crash_once_drive_files_are_deleted(at: str, info: dict) -> None:
        if (at, info["source"]) == ("acted", "drive"):
            raise Crash("power cut before the deletions were recorded")

    services = world.services(erasure_policy=str(tmp_path / "policy.toml"))
    with pytest.raises(Crash):
        run_erasure(services, ref, world.staff, hook=crash_once_drive_files_are_deleted)
    drive_files = [a["file_id"] for a in planned.plan["actions"] if a["source"] == "drive"]
    assert drive_files and not set(drive_files) & set(world.server.ws.drive.files)  # gone, but not recorded
    result = run_erasure(services, ref, world.staff)  # its deletes now get 404: recorded as done, not "gone"
    outcomes = Counter(i["outcome"] for i in result["items"])
    assert outcomes == Counter({"deleted": sum(a["source"] != "sheets" for a in planned.plan["actions"]),
                                "row_deleted": sum(a["source"] == "sheets" for a in planned.plan["actions"])})
    box, store = world.server.ws.mailboxes[tom], world.server.ws.drive
    for a in planned.plan["actions"]:
        if a["source"] == "gmail":
            assert a["message_id"] not in box.messages
        elif a["source"] == "drive":
            assert a["file_id"] not in store.files
    for e in planned.plan["exempt"]:
        assert e["message_id"] in box.messages
    deletes = [r.fields for r in services.trail.records(case=ref) if r.fields["operation"] == "gmail.delete_permanently"]
    assert deletes and all(MAIL_FULL in r["scopes"] for r in deletes)


def test_a_second_run_while_one_is_going_is_refused(world):
    services = world.services()
    ref = world.open_case(services, "jane")
    run_search(services, ref, world.staff, accounts=[world.staff])
    planned = plan_erasure(services, ref, world.staff, policy=policy('google_docs = "trash"'))
    approve_plan(services, ref, world.dpo, expected=planned.sha256[:12])
    other = world.services()  # another terminal: its own store connections and lock handles
    refused = []

    def meanwhile(at: str, info: dict) -> None:
        if at == "acted" and not refused:
            with pytest.raises(Busy, match=f"the erasure of {ref} is already running") as e:
                run_erasure(other, ref, world.staff)
            refused.append(e.value)

    result = run_erasure(services, ref, world.staff, hook=meanwhile)
    assert refused and result["counts"]["not_done"] == 0
    assert run_erasure(other, ref, world.staff) == result  # once the first has ended, the lock is free


def test_a_killed_holder_does_not_wedge_the_lock(world):
    import multiprocessing
    import os
    import signal

    store = world.services().store
    ready = multiprocessing.get_context("fork").Event()

    def hold() -> None:
        with store.exclusive("erase-run:DSAR-2026-0099", "the erasure of DSAR-2026-0099"):
            ready.set()
            signal.pause()

    child = multiprocessing.get_context("fork").Process(target=hold)
    child.start()
    assert ready.wait(20)
    with pytest.raises(Busy):
        with store.exclusive("erase-run:DSAR-2026-0099", "the erasure of DSAR-2026-0099"):
            pass
    os.kill(child.pid, signal.SIGKILL)
    child.join(10)
    with store.exclusive("erase-run:DSAR-2026-0099", "the erasure of DSAR-2026-0099"):
        pass  # the kernel released it with the process
