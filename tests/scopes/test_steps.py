"""Incremental authorization: each step asks only for what it needs; checked on paper and on the wire."""
from __future__ import annotations

import json

import pytest
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build_from_document
from googleapiclient.discovery_cache import get_static_doc
from googleapiclient.errors import HttpError

from scopes import registry
from scopes.model import (
    DRIVE, DRIVE_FILE, DRIVE_READONLY, GMAIL_MODIFY, GMAIL_READONLY, MAIL_FULL, SPREADSHEETS,
    SPREADSHEETS_READONLY,
)
from scopes.registry import WRITE_SCOPES, missing_scopes, scopes_for_operations, scopes_for_step
from tests.conftest import mint_token

USER = "dpo@acme.test"


def test_search_never_asks_for_write_scopes():
    search = scopes_for_step("search")
    assert set(search) == {GMAIL_READONLY, DRIVE_READONLY, SPREADSHEETS_READONLY}
    assert not set(search) & WRITE_SCOPES
    assert not set(scopes_for_step("export")) & WRITE_SCOPES
    assert scopes_for_step("search", permanent_delete=True) == search


def test_mail_google_com_only_with_permanent_delete():
    assert set(scopes_for_step("erase")) == {GMAIL_MODIFY, DRIVE, SPREADSHEETS}
    assert MAIL_FULL in scopes_for_step("erase", permanent_delete=True)
    for step in registry.STEPS:
        assert MAIL_FULL not in scopes_for_step(step)


def test_read_scopes_are_not_asked_again_for_erasure():
    assert not set(scopes_for_step("erase")) & {GMAIL_READONLY, DRIVE_READONLY, SPREADSHEETS_READONLY}


def test_scopes_for_operations_and_missing():
    assert scopes_for_operations(["gmail.search", "gmail.read_full", "drive.search"]) == (GMAIL_READONLY, DRIVE_READONLY)
    assert set(scopes_for_operations(["tracker.write"])) == {SPREADSHEETS, DRIVE_FILE}
    assert missing_scopes([GMAIL_READONLY], "search") == (DRIVE_READONLY, SPREADSHEETS_READONLY)
    assert missing_scopes(scopes_for_step("search"), "search") == ()
    assert missing_scopes(scopes_for_step("erase"), "erase", permanent_delete=True) == (MAIL_FULL,)


def test_all_declared_scopes_cover_every_step():
    declared = set(registry.all_declared_scopes())
    for step in registry.STEPS:
        assert set(scopes_for_step(step, permanent_delete=True)) <= declared


# -- on the wire: a search-step token reads but cannot change anything ------------------------------------

def _client(server, api: str, version: str, scopes):
    doc = json.loads(get_static_doc(api, version))
    doc["rootUrl"] = server.url + "/"
    doc.pop("mtlsRootUrl", None)
    return build_from_document(doc, credentials=Credentials(token=mint_token(server, USER, list(scopes))))


@pytest.fixture
def server(sandbox_factory, tmp_path):
    (tmp_path / "workspace.json").write_text(json.dumps({"domain": "acme.test", "users": [{"email": USER}]}))
    mail = tmp_path / USER / "Mail"
    mail.mkdir(parents=True)
    (mail / "inbox.mbox").write_text(
        "From alice@example.org Mon Jan  1 10:00:00 2024\nFrom: Alice Smith <alice@example.org>\nTo: " + USER +
        "\nSubject: My account\nDate: Mon, 1 Jan 2024 10:00:00 +0000\nMessage-ID: <m1@example.org>\n"
        "X-Gmail-Labels: Inbox\n\nPlease close my account, Alice Smith.\n\n")
    drive = tmp_path / USER / "Drive"
    drive.mkdir()
    (drive / "notes.txt").write_text("Call Alice Smith back.\n")
    (drive / "people.csv").write_text("Name,Email\nAlice Smith,alice@example.org\nBob Jones,bob@example.org\n")
    return sandbox_factory(tmp_path)


def test_search_step_token_searches_gmail_but_cannot_trash(server):
    gmail = _client(server, "gmail", "v1", scopes_for_step("search"))
    found = gmail.users().messages().list(userId="me", q='"Alice Smith"').execute()
    ids = [m["id"] for m in found.get("messages", [])]
    assert len(ids) == 1
    with pytest.raises(HttpError) as e:
        gmail.users().messages().trash(userId="me", id=ids[0]).execute()
    assert e.value.resp.status == 403


def test_search_step_token_searches_drive_but_cannot_trash(server):
    drive = _client(server, "drive", "v3", scopes_for_step("search"))
    files = drive.files().list(q="fullText contains 'Alice'", orderBy="name").execute()["files"]
    assert [f["name"] for f in files] == ["notes", "people"]  # .txt -> Google Doc, .csv -> Google Sheet
    with pytest.raises(HttpError) as e:
        drive.files().update(fileId=files[0]["id"], body={"trashed": True}).execute()
    assert e.value.resp.status == 403
    eraser = _client(server, "drive", "v3", scopes_for_step("erase"))
    assert eraser.files().update(fileId=files[0]["id"], body={"trashed": True}, fields="trashed").execute()["trashed"]


def test_erase_step_token_trashes_but_cannot_delete_permanently(server):
    reader = _client(server, "gmail", "v1", scopes_for_step("search"))
    mid = reader.users().messages().list(userId="me", q="from:alice@example.org").execute()["messages"][0]["id"]
    eraser = _client(server, "gmail", "v1", scopes_for_step("erase"))
    assert "TRASH" in eraser.users().messages().trash(userId="me", id=mid).execute()["labelIds"]
    with pytest.raises(HttpError) as e:
        eraser.users().messages().delete(userId="me", id=mid).execute()
    assert e.value.resp.status == 403
    permanent = _client(server, "gmail", "v1", scopes_for_step("erase", permanent_delete=True))
    permanent.users().messages().delete(userId="me", id=mid).execute()
    with pytest.raises(HttpError) as e:
        reader.users().messages().get(userId="me", id=mid).execute()
    assert e.value.resp.status == 404


def test_search_step_token_reads_sheets_but_cannot_delete_rows(server):
    drive = _client(server, "drive", "v3", scopes_for_step("search"))
    sid = drive.files().list(q="name = 'people'").execute()["files"][0]["id"]
    sheets = _client(server, "sheets", "v4", scopes_for_step("search"))
    rows = sheets.spreadsheets().values().get(spreadsheetId=sid, range="people").execute()["values"]
    assert rows[1] == ["Alice Smith", "alice@example.org"]
    delete_row = {"requests": [{"deleteDimension": {"range": {
        "sheetId": sheets.spreadsheets().get(spreadsheetId=sid).execute()["sheets"][0]["properties"]["sheetId"],
        "dimension": "ROWS", "startIndex": 1, "endIndex": 2}}}]}
    with pytest.raises(HttpError) as e:
        sheets.spreadsheets().batchUpdate(spreadsheetId=sid, body=delete_row).execute()
    assert e.value.resp.status == 403
    eraser = _client(server, "sheets", "v4", scopes_for_step("erase"))
    eraser.spreadsheets().batchUpdate(spreadsheetId=sid, body=delete_row).execute()
    rows = sheets.spreadsheets().values().get(spreadsheetId=sid, range="people").execute()["values"]
    assert [r[0] for r in rows] == ["Name", "Bob Jones"]
