"""The Sheets model without HTTP: A1 notation, value input and rendering, row operations."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox.errors import ApiError
from sandbox.sheets import a1, cells, values
from sandbox.sheets.a1 import Cells
from sandbox.sheets.dimensions import delete_dimension, insert_dimension, sort_rows
from sandbox.sheets.model import RangeError, Spreadsheet


@pytest.mark.parametrize("text, sheet, cells_", [
    ("Sheet1!A1:B2", "Sheet1", Cells(0, 0, 2, 2)),
    ("'It''s'!C3", "It's", Cells(2, 2, 3, 3)),
    ("'My Sheet'!A:C", "My Sheet", Cells(None, 0, None, 3)),
    ("Data!2:4", "Data", Cells(1, None, 4, None)),
    ("Data!A2:C", "Data", Cells(1, 0, None, 3)),
    ("Data!A1:1", "Data", Cells(0, 0, 1, None)),
    ("Data!$B$2:$A$1", "Data", Cells(0, 0, 2, 2)),
])
def test_a1_parse(text: str, sheet: str, cells_: Cells) -> None:
    ref = a1.parse(text)
    assert (ref.sheet, ref.cells) == (sheet, cells_)


def test_a1_names_and_errors() -> None:
    assert a1.parse("Sheet1") == a1.Ref(None, None, name="Sheet1")
    assert a1.parse("'Sheet1'") == a1.Ref("Sheet1", None)
    assert a1.parse("A1:B2").cells == Cells(0, 0, 2, 2)
    with pytest.raises(a1.A1Error):
        a1.parse("'unterminated!A1")


@given(st.integers(0, 18277))
def test_column_letters_round_trip(n: int) -> None:
    assert a1.column_index(a1.column_letters(n)) == n


def test_format_quotes_like_the_api() -> None:
    assert a1.format_range("Sheet1", 0, 0, 1000, 26) == "Sheet1!A1:Z1000"
    assert a1.format_range("D3", 0, 0, 1, 1) == "'D3'!A1"
    assert a1.format_range("It's Q1", 3, 1, 4, 2) == "'It''s Q1'!B4"


def test_user_entered_and_raw_values() -> None:
    assert cells.raw_value("=1+1") == {"stringValue": "=1+1"}
    assert cells.user_entered("=1+1") == ({"formulaValue": "=1+1"}, None)
    assert cells.user_entered("12.50") == ({"numberValue": 12.5}, None)
    assert cells.user_entered("1,234") == ({"numberValue": 1234}, {"type": "NUMBER", "pattern": "#,##0"})
    assert cells.user_entered("true") == ({"boolValue": True}, None)
    assert cells.user_entered("'007") == ({"stringValue": "007"}, None)
    assert cells.user_entered("2020-01-01") == ({"numberValue": 43831}, {"type": "DATE", "pattern": "yyyy-mm-dd"})
    assert cells.user_entered("1/2/1999")[0] == {"numberValue": 36162}
    assert cells.user_entered("Jane O'Brien") == ({"stringValue": "Jane O'Brien"}, None)


def test_formulas_are_computed_only_for_literal_arithmetic() -> None:
    assert cells.evaluate("=4/2") == 2 and cells.evaluate("=(1+2)*3-0.5") == 8.5
    assert cells.evaluate("=A1+1") is None and cells.evaluate('=HYPERLINK("a","b")') is None
    assert cells.evaluate("=1/0") is None and cells.evaluate("=9**9999") is None
    cell = {"userEnteredValue": {"formulaValue": '=HYPERLINK("a","b")'}}
    assert cells.render(cell) == '=HYPERLINK("a","b")' and cells.effective(cell["userEnteredValue"]) is None


def test_render_options() -> None:
    date = {"userEnteredValue": {"numberValue": 43831}, "userEnteredFormat": {"numberFormat": {"type": "DATE", "pattern": "yyyy-mm-dd"}}}
    assert cells.render(date) == "2020-01-01"
    assert cells.render(date, "UNFORMATTED_VALUE") == 43831
    assert cells.render(date, "UNFORMATTED_VALUE", "FORMATTED_STRING") == "2020-01-01"
    assert cells.render({"userEnteredValue": {"numberValue": 0.1 + 0.2}}) == "0.3"
    assert cells.render({"userEnteredValue": {"boolValue": False}}) == "FALSE"
    assert cells.render(None) == ""


def _book() -> Spreadsheet:
    book = Spreadsheet.new("id", "T", ["S"])
    values.update(book, "S!A1", [["h1", "h2"], ["b", 2], ["a", ""], ["", 1]], "RAW")
    return book


def test_read_trims_and_clips() -> None:
    book = _book()
    assert values.read(book, "S") == {"range": "S!A1:Z1000", "majorDimension": "ROWS",
                                      "values": [["h1", "h2"], ["b", "2"], ["a"], ["", "1"]]}
    assert values.read(book, "S!C1:D2") == {"range": "S!C1:D2", "majorDimension": "ROWS"}
    with pytest.raises(ApiError) as e:
        values.read(book, "Missing!A1")
    assert e.value.code == 400 and "Unable to parse range" in e.value.message
    with pytest.raises(RangeError):
        book.resolve("Missing!A1")


def test_append_finds_the_table() -> None:
    book = Spreadsheet.new("id", "T", ["S"])
    values.update(book, "S!A1", [["x", "", "y"]], "RAW")
    out = values.append(book, "S", [["1", "2"]], "RAW")
    assert out["tableRange"] == "S!C1" and out["updates"]["updatedRange"] == "S!C2:D2"
    out = values.append(book, "S!A1", [["3"]], "RAW")
    assert out["tableRange"] == "S!A1" and out["updates"]["updatedRange"] == "S!A2"


def test_rows_insert_delete_sort() -> None:
    book = _book()
    sheet = book.sheets[0]
    insert_dimension(book, sheet, "ROWS", 1, 3)
    assert values.read(book, "S!A1:A5")["values"] == [["h1"], [], [], ["b"], ["a"]]
    delete_dimension(book, sheet, "ROWS", 1, 3)
    sort_rows(sheet, 1, 0, 4, 2, [{"dimensionIndex": 0, "sortOrder": "ASCENDING"}])
    assert values.read(book, "S")["values"] == [["h1", "h2"], ["a"], ["b", "2"], ["", "1"]]
    assert sheet.row_count == 1000
