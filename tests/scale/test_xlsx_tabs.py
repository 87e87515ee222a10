"""The lean .xlsx reader against openpyxl's ``load_workbook`` on 53 workbooks other projects wrote
(tests/data/xlsx/README.md): Excel, LibreOffice, Google Sheets and hand-made files with dates, the 1904
epoch, shared and inline strings, merged cells, hidden sheets, odd namespaces and broken parts."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from addon.search.sheet_routes import XLSX_TITLE_MAX, Tab, cell_text, tabs_from_xlsx, trim

CORPUS = Path(__file__).resolve().parents[1] / "data" / "xlsx"
#: where load_workbook is wrong or gives up, and what the sheet really holds
OWN_ANSWER = {
    # a <row r="3"> holding a cell whose own reference is A4: load_workbook shifts the 3 to row 5
    "xlsx2csv__skip_empty_lines.xlsx": lambda tabs: tabs[0].rows[3][0] == "3" and tabs[0].rows[2] == [],
    # cellStyles with a builtinId openpyxl's CellStyle does not take
    "xlrd3__self_evaluation_report_2014-05-19.xlsx":
        lambda tabs: [(t.title, t.rows) for t in tabs] == [("test1", [["one", "two"]]), ("test2", [["three", "four"]])],
    # a sharedStrings part named in the content types but missing: every string here is inline
    "xlsx2csv__formatted_inline_string.xlsx": lambda tabs: tabs[0].rows == [["Regular Bold"]],
}


def reference(data: bytes) -> list[Tab] | None:
    """The reader this module replaced: load_workbook, read-only, cached values."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        return None
    try:
        tabs = []
        for ws in wb.worksheets:
            if len(ws.title) >= XLSX_TITLE_MAX or "_" in ws.title:
                return None
            ws.reset_dimensions()
            rows: list[list[str]] = []
            for row in ws.iter_rows():
                cells: list[str] = []
                for cell in row:
                    col = getattr(cell, "column", None)
                    if col is None:
                        continue
                    cells.extend([""] * (col - 1 - len(cells)))
                    cells.append(cell_text(cell.value, getattr(cell, "number_format", "General")))
                r = getattr(row[0], "row", None) if row else None
                if r is not None:
                    rows.extend([] for _ in range(r - 1 - len(rows)))
                rows.append(cells)
            tabs.append(Tab(ws.title, trim(rows)))
        return tabs
    finally:
        wb.close()


FILES = sorted(CORPUS.glob("*.xlsx"))


def test_the_corpus_is_there():
    assert len(FILES) >= 50


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_each_workbook_reads_as_load_workbook_reads_it(path):
    data = path.read_bytes()
    ours = tabs_from_xlsx(data)
    if path.name in OWN_ANSWER:
        assert ours is not None and OWN_ANSWER[path.name](ours)
        return
    assert ours == reference(data)


def test_the_corpus_holds_what_the_comparison_needs():
    """Not a comparison of empty results: most files give tabs with cells, dates among them."""
    read = {p.name: tabs_from_xlsx(p.read_bytes()) for p in FILES}
    with_cells = [n for n, tabs in read.items() if tabs and any(t.rows for t in tabs)]
    assert len(with_cells) >= 40
    assert tabs_from_xlsx((CORPUS / "python_calamine__password.xlsx").read_bytes()) is None  # encrypted: Sheets
    dates = read["xlsx2csv__datetime.xlsx"]
    assert any("2" in c and ("-" in c or "/" in c) for t in dates for r in t.rows for c in r)


def _zip(parts: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return buf.getvalue()


def test_an_entity_bomb_or_a_broken_part_is_refused_not_followed():
    types = ('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName='
             '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
             '</Types>')
    bomb = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><workbook>&c;</workbook>')
    assert tabs_from_xlsx(_zip({"[Content_Types].xml": types, "xl/workbook.xml": bomb})) in (None, [])  # not expanded
    assert tabs_from_xlsx(_zip({"[Content_Types].xml": types, "xl/workbook.xml": "<workbook"})) is None
    assert tabs_from_xlsx(b"PK\x03\x04 not really") is None
    assert tabs_from_xlsx(_zip({"x.txt": "no content types"})) is None
