"""Issue 12 item 2: the tracker is written whoever acts. Staff open cases, search and change status with
DSAR_ACTOR set to themselves, on the CLI and from the sidebar; the rows reach the DPO's sheet (written as its
owner through delegation, the audit record naming the staff member), a failed write is kept as pending, shown,
and retried, and the advice for an unreachable sheet is true."""
from __future__ import annotations

import datetime as dt
import json
import logging

import pytest
import requests
from click.testing import CliRunner

from addon.cli import main
from audit.context import Purpose, acting
from addon.tracker import PendingWrites, TrackerError, open_writer, tracker_status, tracker_update
from addon.tracker.schema import COLUMNS
from addon.tracker.writer import TrackerWriter

STAFF = "staff@example.test"


def run(env, *args: str, actor: str | None = None, code: int = 0):
    extra = {"DSAR_ACTOR": actor} if actor else {}
    result = CliRunner().invoke(main, list(args), env={**env.cli_env(), **extra}, catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result


def sheet_rows(env, spreadsheet_id: str) -> dict[str, dict]:
    values = env.google("sheets").spreadsheets().values().get(
        spreadsheetId=spreadsheet_id, range="Tracker", valueRenderOption="UNFORMATTED_VALUE").execute()["values"]
    return {r[0]: dict(zip(COLUMNS, r + [""] * (len(COLUMNS) - len(r)))) for r in values[1:] if r and r[0]}


def faults(env, spec: str) -> None:
    requests.put(env.server.url + "/_sandbox/faults", json={"spec": spec}, timeout=10).raise_for_status()


def dpo_tracker(env) -> str:
    return json.loads(run(env, "tracker", "init", "--json").output)["spreadsheet_id"]


def test_staff_cases_reach_the_dpos_tracker_and_the_audit_names_the_staff_member(env, caplog):
    sid = dpo_tracker(env)
    with caplog.at_level(logging.WARNING, logger="dsar.tracker"):
        ref = json.loads(run(env, "case", "open", "--type", "access", "--name", "Jane Doe", "--email",
                             "jane.doe@example.com", "--json", actor=STAFF).output)["ref"]
        run(env, "case", "status", ref, "identity_check", actor=STAFF)
        assert sheet_rows(env, sid)[ref]["Status"] == "identity_check"
        run(env, "search", ref, actor=STAFF)
    assert "not written" not in caplog.text and "pending" not in caplog.text
    row = sheet_rows(env, sid)[ref]
    assert row["Status"] == "review" and row["Assignee"] == STAFF

    writes = [r for r in env.services().trail.records(case=ref)
              if r["api_method"] in ("sheets.spreadsheets.values.append", "sheets.spreadsheets.values.batchUpdate")]
    assert writes, "the row writes are on the audit trail under the case"
    for r in writes:
        assert r["actor"] == STAFF and r["case"] == ref and "tracker" in r["purpose"]
        assert f"principal={env.dpo}" in r["detail"]  # written as the tracker's owner, through delegation
    shown = json.loads(run(env, "case", "show", ref, "--json", actor=STAFF).output)["tracker"]
    assert shown["state"] == "written" and shown["spreadsheet_id"] == sid


def test_a_failed_write_is_pending_shown_and_retried_by_the_next_write(env, caplog):
    sid = dpo_tracker(env)
    faults(env, "500@sheets.spreadsheets.values.append=1")  # not retried by the seam: append is not idempotent
    with caplog.at_level(logging.WARNING, logger="dsar.tracker"):
        first = json.loads(run(env, "case", "open", "--type", "access", "--name", "Jane Doe", "--json",
                               actor=STAFF).output)["ref"]
    assert f"the row of {first} is pending" in caplog.text and "dsar tracker sync" in caplog.text
    assert "init --force" not in caplog.text  # a server error says nothing about the sheet being gone
    shown = json.loads(run(env, "case", "show", first, "--json").output)["tracker"]
    assert shown["state"] == "pending" and "(500)" in shown["error"] and shown["attempts"] == 1
    text = run(env, "case", "show", first).output
    assert "Tracker row pending" in text and "dsar tracker sync" in text
    assert first not in sheet_rows(env, sid)

    faults(env, "")
    second = json.loads(run(env, "case", "open", "--type", "access", "--name", "John Roe", "--json",
                            actor=STAFF).output)["ref"]
    rows = sheet_rows(env, sid)
    assert first in rows and second in rows  # the pending row went out with the next write
    assert json.loads(run(env, "case", "show", first, "--json").output)["tracker"]["state"] == "written"
    assert PendingWrites(env.home).rows() == {}


def test_sync_writes_pending_rows_and_says_so(env):
    sid = dpo_tracker(env)
    faults(env, "500@sheets.spreadsheets.values.append=1")
    ref = json.loads(run(env, "case", "open", "--type", "access", "--name", "Jane Doe", "--json",
                         actor=STAFF).output)["ref"]
    faults(env, "500@sheets.spreadsheets.values.append=1")
    run(env, "case", "open", "--type", "access", "--name", "John Roe", actor=STAFF)
    pending = PendingWrites(env.home).rows()
    assert len(pending) == 2 and pending[ref].attempts == 2  # retried with the second case, failed again
    status = json.loads(run(env, "tracker", "status", "--json").output)
    assert set(status["pending"]) == set(pending) and status["written_as"] == env.dpo

    faults(env, "")
    out = run(env, "tracker", "sync").output
    assert "no longer pending" in out and ref in out
    assert set(pending) <= set(sheet_rows(env, sid)) and PendingWrites(env.home).rows() == {}


def test_deleted_sheet_and_only_then_init_force(env):
    from addon.tracker import init_tracker

    services = env.services()
    case = env.open_case(services, names=("Jane Doe",))
    cfg, _, _ = init_tracker(services, env.dpo)
    env.google("drive").files().delete(fileId=cfg.spreadsheet_id).execute()
    with pytest.raises(TrackerError) as e:
        tracker_update(services, case.ref, actor=STAFF, strict=True)
    message = str(e.value)
    assert "deleted" in message and "dsar tracker init --force" in message and env.dpo in message
    assert tracker_status(services, case.ref)["state"] == "pending"


def test_unreachable_sheet_in_the_owners_trash_is_named_as_trashed(env):
    """A 403/404 is explained by asking the owner's Drive (drive.files.get as the owner, over HTTP)."""
    from addon.tracker import init_tracker
    from addon.tracker.identity import explain_unreachable

    services = env.services()
    env.open_case(services, names=("Jane Doe",))
    cfg, _, _ = init_tracker(services, env.dpo)
    writer = open_writer(services, STAFF)
    refused = TrackerError("tracker: writing the tracker spreadsheet failed (404)", 404, "writing")
    server_error = TrackerError("tracker: writing failed (500)", 500, "writing")
    with acting(Purpose(actor=STAFF, step="track", purpose="test: explain a refusal")):
        owner = writer._owner_sheet(writer._sheet())  # asked as the owner, even though staff acted
        assert owner.principal == env.dpo
        assert explain_unreachable(refused, cfg, owner) is refused  # still in Drive: access advice stands
        env.google("drive").files().update(fileId=cfg.spreadsheet_id, body={"trashed": True}).execute()
        message = str(explain_unreachable(refused, cfg, owner))
        assert "trash" in message and "Restore" in message and env.dpo in message
        assert explain_unreachable(server_error, cfg, owner) is server_error


def test_not_shared_with_the_identity_used_says_so_not_init_force(env):
    """User mode writes as the signed-in person; a staff member the sheet is not shared with is told to ask
    its owner to share it, never to create a new tracker."""
    from addon.tracker import init_tracker

    services = env.services()
    case = env.open_case(services, names=("Jane Doe",))
    cfg, _, _ = init_tracker(services, env.dpo)
    writer = TrackerWriter(services, cfg, STAFF, principal=STAFF)  # what user mode does for staff
    with pytest.raises(TrackerError) as e:
        writer.write([case.ref])
    message = str(e.value)
    assert f"not reachable as {STAFF}" in message and f"ask {env.dpo} to share it with {STAFF}" in message
    assert "init --force" not in message and "tracker.json" in message

    env.google("drive").permissions().create(fileId=cfg.spreadsheet_id, sendNotificationEmail=False, body={
        "type": "user", "role": "writer", "emailAddress": STAFF}).execute()
    assert writer.write([case.ref]).unchanged == [case.ref]  # shared: the same identity now reaches it


def test_extension_is_not_offered_in_the_sheet_once_the_first_month_is_over(env):
    sid = dpo_tracker(env)
    today = dt.date.today()
    late = json.loads(run(env, "case", "open", "--type", "access", "--name", "Jane Doe", "--received",
                          (today - dt.timedelta(days=45)).isoformat(), "--json", actor=STAFF).output)["ref"]
    fresh = json.loads(run(env, "case", "open", "--type", "access", "--name", "John Roe", "--json",
                           actor=STAFF).output)["ref"]
    rows = sheet_rows(env, sid)
    assert "extension possible" not in rows[late]["Action"]
    assert "extension possible" in rows[fresh]["Action"]


def test_pending_rows_are_retried_after_the_next_case_command(env, caplog):
    sid = dpo_tracker(env)
    faults(env, "500@sheets.spreadsheets.values.append=1")
    ref = json.loads(run(env, "case", "open", "--type", "access", "--name", "Jane Doe", "--json",
                         actor=STAFF).output)["ref"]
    with caplog.at_level(logging.WARNING, logger="dsar.tracker"):
        run(env, "case", "list", actor=STAFF)  # still failing: stays pending, the command still succeeds
    assert "still not written" in caplog.text and PendingWrites(env.home).get(ref).attempts == 2
    faults(env, "")
    out = run(env, "case", "list", actor=STAFF).output  # a read-only command: the owed row goes out after it
    assert f"wrote the pending row(s) of {ref}" in out
    assert ref in sheet_rows(env, sid) and PendingWrites(env.home).rows() == {}
