"""Both routes to a spreadsheet's rows (Sheets values.batchGet, Drive files.export to .xlsx) give the same
tabs, cell for cell, over the sandbox's HTTP API with the real googleapiclient: merged cells, hidden rows
and sheets, empty trailing rows, number formats, formulas. The export's 10 MB limit is Google's error, and
the reader falls back to the Sheets API. A re-search of a case reuses unchanged spreadsheets; another case
never does."""
from __future__ import annotations

import datetime as dt
import json

import pytest
import requests
from googleapiclient.errors import HttpError

from addon.cli.case_cmd import open_case
from addon.search.service import run_search, search_purpose
from addon.search.sheet_routes import SheetReader, Tab, XLSX, cell_text, tabs_from_xlsx
from audit.context import acting
from sandbox.sheets.model import Spreadsheet, grid_range
from scopes import registry

USER = "ann@routes.test"
DPO = "dpo@routes.test"


def _fixture(root):
    (root / USER / "Drive").mkdir(parents=True)
    (root / DPO / "Drive").mkdir(parents=True)
    (root / "workspace.json").write_text(json.dumps({"domain": "routes.test", "users": [
        {"email": USER, "name": "Ann Admin", "admin": True}, {"email": DPO, "name": "Data Protection"}]}))
    (root / USER / "Drive" / "Customers.csv").write_text("Name,Phone\nJane Doe,07700900123\nJohn Smith,1\n")
    return root


def _book(ws, title: str, tabs: dict[str, list[list]], **fmt) -> str:
    """A spreadsheet put straight into the sandbox's model (set-up, as a user editing in the browser)."""
    from sandbox.drive.store import SHEET, new_id

    book = Spreadsheet.new(new_id(), title, list(tabs))
    for sheet, rows in zip(book.sheets, tabs.values()):
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is None:
                    continue
                if isinstance(v, tuple):  # (value, number format) or ("=formula",)
                    value, nf = (v + (None,))[:2]
                    entered = {"formulaValue": value} if str(value).startswith("=") else {"numberValue": value}
                    sheet.set_value(r, c, entered, nf)
                elif isinstance(v, bool):
                    sheet.set_value(r, c, {"boolValue": v})
                elif isinstance(v, (int, float)):
                    sheet.set_value(r, c, {"numberValue": v})
                else:
                    sheet.set_value(r, c, {"stringValue": v})
    with ws.lock:
        ws.drive.add(name=title, mimeType=SHEET, owner=USER, spreadsheet=book)
    return book.id


ODD = {
    "Customers": [
        ["Customer list (export)", None, None],  # a title row above the header
        [],  # an empty row in the middle
        ["Name", "Phone", "Balance", "Since", "Share", "Active", "Total"],
        ["Jane Doe", (7700900123, {"type": "NUMBER", "pattern": "0"}), (1234.5, {"type": "NUMBER", "pattern": "#,##0.00"}),
         (45658, {"type": "DATE", "pattern": "yyyy-mm-dd"}), (0.125, {"type": "PERCENT", "pattern": "0.0%"}), True,
         ("=4/2",)],
        ["Merged over two cells", None, "x"],
        [None, "hidden row: still data", 3.25],
        ["O'Brien, Mary", 12, ("=C4*2",)],
        [None, None, None],  # empty trailing rows: not rows at all
        [None],
    ],
    "Hidden tab": [["Jane Doe", "kept in a hidden sheet"]],
    "Ünïcode ‘tab’": [[None, None, "starts in column C"], ["a", "", "c", ""]],
}


@pytest.fixture
def routed(sandbox_factory, product, tmp_path):
    server = sandbox_factory(_fixture(tmp_path / "fx"), quota=False)
    sid = _book(server.ws, "Odd one", ODD)
    book = server.ws.drive.files[sid].spreadsheet
    main = book.sheets[0]
    main.merges.append(grid_range(main.sheet_id, 4, 0, 5, 2))  # A5:B5
    main.row_meta[5] = {"hiddenByUser": True}
    main.set_value(30, 4, None, {"type": "NUMBER", "pattern": "0.00"})  # formatted, empty: a trailing row
    book.sheets[1].properties["hidden"] = True
    services = product(server, actor=DPO)
    case = open_case(services, "access", ["Jane Doe"], [], [], [], dt.date(2026, 11, 2), DPO)
    purpose = search_purpose(case, DPO, case.status)
    ops = ("drive.search", "drive.read", "drive.export")
    with acting(purpose):
        drive = services.clients.drive(USER, registry.scopes_for_operations(ops))
        sheets = services.clients.sheets(USER, registry.scopes_for_operations(("sheets.read",)))
        files = {f["name"]: f for f in drive.files().list(
            q=f"mimeType = 'application/vnd.google-apps.spreadsheet'", fields="files(id, name, size, modifiedTime)"
        ).execute()["files"]}
    return server, services, purpose, drive, sheets, files


def _both(purpose, drive, sheets, f) -> tuple[list[Tab], list[Tab], SheetReader, SheetReader]:
    with acting(purpose):
        by_export = SheetReader(drive, sheets, USER, route="export")
        by_values = SheetReader(drive, sheets, USER, route="sheets")
        return by_export.read(f), by_values.read(f), by_export, by_values


def test_both_routes_give_the_same_tabs_cell_for_cell(routed):
    server, _, purpose, drive, sheets, files = routed
    for name in ("Odd one", "Customers"):
        exported, values, ex, va = _both(purpose, drive, sheets, files[name])
        assert ex.stats == {"export": 1} and va.stats == {"sheets": 1}
        assert [(t.title, t.rows) for t in exported] == [(t.title, t.rows) for t in values]
    exported, _, _, _ = _both(purpose, drive, sheets, files["Odd one"])
    titles = [t.title for t in exported]
    assert titles == ["Customers", "Hidden tab", "Ünïcode ‘tab’"]
    rows = exported[0].rows
    assert rows[1] == [] and rows[2][0] == "Name" and len(rows) == 7  # empty middle row kept, trailing dropped
    assert rows[3] == ["Jane Doe", "7700900123", "1,234.50", "2025-01-01", "12.5%", "TRUE", "2"]
    assert rows[4] == ["Merged over two cells", "", "x"] and rows[5] == ["", "hidden row: still data", "3.25"]
    assert rows[6] == ["O'Brien, Mary", "12", "=C4*2"]  # a formula not computed shows its text on both routes
    assert exported[2].rows == [["", "", "starts in column C"], ["a", "", "c"]]
    log = requests.get(server.url + "/_sandbox/requests", timeout=5).json()
    exports = [e for e in log if e["path"].endswith("/export")]
    assert exports and all("xlsx" in json.dumps(e["query"]) or "spreadsheetml" in json.dumps(e["query"]) for e in exports)


def test_an_export_over_the_limit_is_refused_as_google_does_and_sheets_reads_it(routed):
    server, _, purpose, drive, sheets, files = routed
    requests.put(server.url + "/_sandbox/quota", json={"enabled": False, "export_limit": 2000}, timeout=5)
    try:
        with acting(purpose), pytest.raises(HttpError) as e:
            drive.files().export(fileId=files["Odd one"]["id"], mimeType=XLSX).execute()
        assert e.value.resp.status == 403
        assert e.value.error_details[0]["reason"] == "exportSizeLimitExceeded"
        assert "This file is too large to be exported." in str(e.value)
        with acting(purpose):
            auto = SheetReader(drive, sheets, USER, route="auto")
            tabs = auto.read(files["Odd one"])
        assert auto.stats["fallback"] == 1 and auto.stats["sheets"] == 1 and auto.stats["export_refused_403"] == 1
        assert tabs[0].rows[3][0] == "Jane Doe"
    finally:
        requests.put(server.url + "/_sandbox/quota", json={"enabled": False, "export_limit": 0}, timeout=5)


def test_a_file_larger_than_the_limit_goes_straight_to_sheets_and_size_is_listed(routed):
    _, _, _, drive, sheets, files = routed
    assert int(files["Odd one"]["size"]) > 0  # Drive lists a size for Workspace editor files
    reader = SheetReader(drive, sheets, USER, route="auto")
    assert reader.choose({**files["Odd one"], "size": str(11 * 1024 * 1024)}) == "sheets"
    assert reader.choose(files["Odd one"]) == "export"


def test_a_tab_title_an_xlsx_cannot_hold_falls_back_to_the_exact_title(routed):
    server, _, purpose, drive, sheets, _ = routed
    long = "Customer contacts for the 2026 renewal round"  # over 31 characters
    sid = _book(server.ws, "Long titles", {long: [["Jane Doe"]], "a/b: [x]": [["y"]]})
    f = {"id": sid, "name": "Long titles", "size": "100"}
    with acting(purpose):
        data = drive.files().export(fileId=sid, mimeType=XLSX).execute()
        assert tabs_from_xlsx(data) is None  # cut and changed in the workbook
        auto = SheetReader(drive, sheets, USER, route="auto")
        tabs = auto.read(f)
    assert [t.title for t in tabs] == [long, "a/b: [x]"] and auto.stats["fallback"] == 1


def test_number_formats_as_sheets_shows_them():
    assert cell_text(1234.5, "#,##0.00") == "1,234.50" and cell_text(0.5, "0%") == "50%"
    assert cell_text(7700900123, "General") == "7700900123" and cell_text(12.5, "General") == "12.5"
    assert cell_text(3.0, '"£"#,##0.00') == "£3.00" and cell_text(False, None) == "FALSE"
    assert cell_text(dt.datetime(2025, 1, 1, 9, 5), "yyyy-mm-dd hh:mm") == "2025-01-01 09:05"


def _routes(services, ref):
    job = services.store.job(f"search:{ref}:0")
    out: dict = {}
    for key, u in job["state"]["units"].items():
        for k, v in (u.get("routes") or {}).items():
            out[k] = out.get(k, 0) + v
    return out


def _rows(items):
    return sorted((i["source"], i.get("name"), i.get("sheet") or "", i.get("row") or 0) for i in items)


def test_a_re_search_reuses_unchanged_spreadsheets_only_within_its_case(routed):
    server, services, _, _, _, _ = routed
    accounts = [USER, DPO]

    def case():
        return open_case(services, "access", ["Jane Doe"], [], ["07700 900123"], [], dt.date(2026, 11, 2), DPO).ref

    ref = case()
    first = run_search(services, ref, DPO, accounts=accounts)
    assert ("sheets", "Odd one", "Customers", 4) in _rows(first) and ("sheets", "Customers", "Customers", 2) in _rows(first)
    assert _routes(services, ref).get("export") == 2 and not _routes(services, ref).get("reused")
    # the spreadsheets were made "now": they must predate the finished search by more than the skew margin
    for f in server.ws.drive.files.values():
        if f.spreadsheet is not None:
            f.modifiedTime = "2026-01-01T00:00:00.000Z"
    again = run_search(services, ref, DPO, accounts=accounts)  # read both again: the ledger had other times
    third = run_search(services, ref, DPO, accounts=accounts)
    assert _routes(services, ref).get("reused") == 2 and not _routes(services, ref).get("export")
    assert _rows(third) == _rows(again) == _rows(first)
    # a change makes that spreadsheet read again; the other stays reused
    odd = next(f for f in server.ws.drive.files.values() if f.name == "Odd one")
    odd.spreadsheet.sheets[0].set_value(9, 0, {"stringValue": "Jane Doe again"})
    server.ws.drive.touch(odd, USER)
    fourth = run_search(services, ref, DPO, accounts=accounts)
    assert _routes(services, ref) == {"reused": 1, "export": 1}
    assert ("sheets", "Odd one", "Customers", 10) in _rows(fourth)
    # another case, same subject, same unchanged files: reads everything itself
    other = case()
    run_search(services, other, DPO, accounts=accounts)
    assert not _routes(services, other).get("reused") and _routes(services, other).get("export") == 2


def test_the_route_follows_the_quota_headroom():
    from audit.pacer import LIMITS, Pacer
    from addon.search.sheet_routes import EXPORT_LIMIT_BYTES

    class _Resource:  # choose() calls no API; the reader only builds its Drive resource up front
        def files(self):
            return None

    pacer = Pacer()
    reader = SheetReader(_Resource(), _Resource(), USER, pacer, route="auto")
    f = {"id": "1", "size": "1000"}
    assert reader.choose(f) == "export"  # both idle: one Drive query beats two Sheets reads
    # Drive's bucket queued 3 s deep (many units listing and exporting at once), Sheets' idle: use Sheets
    pacer._bucket((USER, "drive"), LIMITS["drive"]).level = -LIMITS["drive"][0] * 3
    assert reader.choose(f) == "sheets"
    pacer._bucket((USER, "sheets_read"), LIMITS["sheets_read"]).level = -1  # Sheets busy too: Drive is cheaper
    assert reader.choose(f) == "export"
    assert reader.choose({"id": "2", "size": str(EXPORT_LIMIT_BYTES + 1)}) == "sheets"  # Drive would refuse it
    assert SheetReader(_Resource(), _Resource(), USER, Pacer(), route="sheets").choose(f) == "sheets"  # DSAR_SHEET_ROUTE
