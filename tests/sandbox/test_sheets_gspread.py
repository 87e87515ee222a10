"""gspread 6 end to end against the sandbox (its Sheets and Drive calls), through a session that only
rewrites Google's hosts to the sandbox, as the product's client factory does."""
from __future__ import annotations

import gspread
import pytest
from google.auth.transport.requests import AuthorizedSession
from google.oauth2.credentials import Credentials

from sandbox.drive.store import DriveStore
from sandbox.state import User, Workspace
from tests.conftest import mint_token

A, B = "dpo@example.test", "staff@example.test"
SCOPES = ["https://www.googleapis.com/auth/drive", "https://www.googleapis.com/auth/spreadsheets"]


class RedirectSession(AuthorizedSession):
    def __init__(self, creds: Credentials, base: str) -> None:
        super().__init__(creds)
        self.base = base

    def request(self, method, url, *args, **kwargs):
        for host in ("https://sheets.googleapis.com", "https://www.googleapis.com"):
            if url.startswith(host):
                url = self.base + url[len(host):]
        return super().request(method, url, *args, **kwargs)


def client(server, user: str) -> gspread.Client:
    creds = Credentials(token=mint_token(server, user, SCOPES))
    return gspread.Client(auth=creds, session=RedirectSession(creds, server.url))


@pytest.fixture
def gc(sandbox_factory):
    ws = Workspace(domain="example.test")
    ws.drive = DriveStore()
    ws.users[A] = User(A, "Dee Pio", True)
    ws.users[B] = User(B, "Sam Staff")
    server = sandbox_factory(workspace=ws, quota=False)
    return server, client(server, A)


def test_tracker_round_trip(gc) -> None:
    server, c = gc
    sh = c.create("DSAR tracker")  # gspread creates it through Drive files.create
    assert [w.title for w in sh.worksheets()] == ["Sheet1"]
    ws = sh.sheet1
    ws.update(values=[["Ref", "Subject", "Status"], ["R-1", '=HYPERLINK("http://x","Jane")', "open"]],
              range_name="A1", value_input_option="RAW")
    ws.append_row(["R-2", "Zoë Ashworth-Brown", "open"], value_input_option="RAW")
    ws.append_row(["R-3", "Bobby Tables", "closed"], value_input_option="RAW")
    assert ws.get_all_values() == [["Ref", "Subject", "Status"], ["R-1", '=HYPERLINK("http://x","Jane")', "open"],
                                   ["R-2", "Zoë Ashworth-Brown", "open"], ["R-3", "Bobby Tables", "closed"]]
    cell = ws.find("R-2")
    assert (cell.row, cell.col) == (3, 1)
    ws.batch_update([{"range": f"C{cell.row}", "values": [["closed"]]}], value_input_option="RAW")
    assert ws.acell("C3").value == "closed"
    ws.delete_rows(2)
    assert ws.col_values(1) == ["Ref", "R-2", "R-3"]
    ws.add_protected_range("A1:C1", editor_users_emails=[A], description="header")
    meta = sh.fetch_sheet_metadata()
    assert meta["sheets"][0]["protectedRanges"][0]["description"] == "header"
    files = c.list_spreadsheet_files()
    assert [(f["id"], f["name"]) for f in files] == [(sh.id, "DSAR tracker")]
    assert set(files[0]) == {"id", "name", "createdTime", "modifiedTime"}
    again = c.open("DSAR tracker")
    assert again.id == sh.id and c.open_by_key(sh.id).sheet1.row_values(1) == ["Ref", "Subject", "Status"]
    sh.share(B, perm_type="user", role="writer", notify=False)
    staff = client(server, B)
    with pytest.raises(gspread.exceptions.APIError) as e:
        staff.open_by_key(sh.id).sheet1.update(values=[["x"]], range_name="A1")
    assert e.value.response.status_code == 400
    staff.open_by_key(sh.id).sheet1.update(values=[["R-4"]], range_name="A4", value_input_option="RAW")
    assert ws.col_values(1) == ["Ref", "R-2", "R-3", "R-4"]


def test_worksheets_and_errors(gc) -> None:
    _, c = gc
    sh = c.create("Registers")
    log = sh.add_worksheet("Log 2026", rows=50, cols=5)
    assert [w.title for w in sh.worksheets()] == ["Sheet1", "Log 2026"]
    log.update(values=[[1, 2], [3, 4]], range_name="A1", value_input_option="USER_ENTERED")
    assert log.get_all_values() == [["1", "2"], ["3", "4"]]
    assert log.get_values("A1:B2", value_render_option="UNFORMATTED_VALUE") == [[1, 2], [3, 4]]
    sh.del_worksheet(log)
    assert [w.title for w in sh.worksheets()] == ["Sheet1"]
    with pytest.raises(gspread.exceptions.SpreadsheetNotFound):
        c.open("No such sheet")
    with pytest.raises(gspread.exceptions.SpreadsheetNotFound):
        c.open_by_key("does-not-exist")
    c.del_spreadsheet(sh.id)
    assert c.list_spreadsheet_files() == []
