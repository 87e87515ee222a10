"""The spreadsheet model behind Sheets v4 (and behind every Google Sheet in Drive).

Cells are CellData dicts as the API writes them (``userEnteredValue``, ``userEnteredFormat``, ``note``,
``dataValidation``), kept in a list of rows so that inserting, deleting and sorting rows moves whole rows;
the effective and formatted values are derived on read (:mod:`sandbox.sheets.cells`). Everything the API
returns about a sheet that is not a cell (merges, protected ranges, rules, filters, groups) is kept in
the API's own JSON shape.
"""
from __future__ import annotations

import copy
import secrets
from dataclasses import dataclass, field
from typing import Any, Iterator

from . import a1, cells

DEFAULT_ROWS = 1000
DEFAULT_COLS = 26
#: What Google returns for a new spreadsheet made by an en_US account (gspread's recorded traffic).
DEFAULT_FORMAT: dict[str, Any] = {
    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM",
    "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {
        "foregroundColor": {}, "fontFamily": "arial,sans,sans-serif", "fontSize": 10, "bold": False,
        "italic": False, "strikethrough": False, "underline": False, "foregroundColorStyle": {"rgbColor": {}},
    },
    "backgroundColorStyle": {"rgbColor": {"red": 1, "green": 1, "blue": 1}},
}
_THEME = [
    ("TEXT", {}), ("BACKGROUND", {"red": 1, "green": 1, "blue": 1}),
    ("ACCENT1", {"red": 0.25882354, "green": 0.52156866, "blue": 0.95686275}),
    ("ACCENT2", {"red": 0.91764706, "green": 0.2627451, "blue": 0.20784314}),
    ("ACCENT3", {"red": 0.9843137, "green": 0.7372549, "blue": 0.015686275}),
    ("ACCENT4", {"red": 0.20392157, "green": 0.65882355, "blue": 0.3254902}),
    ("ACCENT5", {"red": 1, "green": 0.42745098, "blue": 0.003921569}),
    ("ACCENT6", {"red": 0.27450982, "green": 0.7411765, "blue": 0.7764706}),
    ("LINK", {"red": 0.06666667, "green": 0.33333334, "blue": 0.8}),
]
#: Sheet properties kept even when zero (proto3 drops other zero/false values).
KEEP_ZERO = frozenset({"sheetId", "index", "rowCount", "columnCount"})


class RangeError(ValueError):
    """A range that does not exist in this spreadsheet; the API answers "Unable to parse range"."""


def new_sheet_id(taken: set[int]) -> int:
    while True:
        n = secrets.randbelow(2**31 - 1) + 1
        if n not in taken:
            return n


def strip_defaults(d: dict[str, Any]) -> dict[str, Any]:
    """Drop zero/false/empty scalars as proto3 JSON does (nested dicts too)."""
    out = {}
    for k, v in d.items():
        if isinstance(v, dict):
            if k == "rgbColor":
                out[k] = {c: x for c, x in v.items() if x}  # zero channels are not written
                continue
            v = strip_defaults(v)
            if not v:
                continue
        if k not in KEEP_ZERO and (v is False or v == 0 and not isinstance(v, bool) or v == "" or v is None):
            continue
        out[k] = v
    return out


@dataclass
class Sheet:
    properties: dict[str, Any]
    rows: list[list[dict[str, Any]]] = field(default_factory=list)
    merges: list[dict[str, Any]] = field(default_factory=list)
    protected_ranges: list[dict[str, Any]] = field(default_factory=list)
    conditional_formats: list[dict[str, Any]] = field(default_factory=list)
    banded_ranges: list[dict[str, Any]] = field(default_factory=list)
    basic_filter: dict[str, Any] | None = None
    row_groups: list[dict[str, Any]] = field(default_factory=list)
    column_groups: list[dict[str, Any]] = field(default_factory=list)
    row_meta: dict[int, dict[str, Any]] = field(default_factory=dict)
    col_meta: dict[int, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def new(cls, sheet_id: int, title: str, index: int, rows: int = DEFAULT_ROWS, cols: int = DEFAULT_COLS) -> "Sheet":
        return cls({"sheetId": sheet_id, "title": title, "index": index, "sheetType": "GRID",
                    "gridProperties": {"rowCount": rows, "columnCount": cols}})

    @property
    def sheet_id(self) -> int:
        return self.properties["sheetId"]

    @property
    def title(self) -> str:
        return self.properties["title"]

    @property
    def grid(self) -> dict[str, Any]:
        return self.properties.setdefault("gridProperties", {"rowCount": DEFAULT_ROWS, "columnCount": DEFAULT_COLS})

    @property
    def row_count(self) -> int:
        return self.grid.get("rowCount", 0)

    @property
    def col_count(self) -> int:
        return self.grid.get("columnCount", 0)

    # --- cells -------------------------------------------------------------------------------------
    def cell(self, r: int, c: int) -> dict[str, Any] | None:
        if r < len(self.rows):
            row = self.rows[r]
            if c < len(row):
                return row[c] or None
        return None

    def ensure_grid(self, rows: int, cols: int) -> None:
        """Grow the grid to at least rows x cols (writes past the edge expand it, as the API does)."""
        if rows > self.row_count:
            self.grid["rowCount"] = rows
        if cols > self.col_count:
            self.grid["columnCount"] = cols

    def put(self, r: int, c: int, data: dict[str, Any] | None) -> None:
        """Replace a cell's CellData (None or {} empties it)."""
        if not data:
            if r < len(self.rows) and c < len(self.rows[r]):
                self.rows[r][c] = {}
            return
        while len(self.rows) <= r:
            self.rows.append([])
        row = self.rows[r]
        while len(row) <= c:
            row.append({})
        row[c] = data

    def edit(self, r: int, c: int) -> dict[str, Any]:
        """The cell's CellData for in-place change (created when missing)."""
        while len(self.rows) <= r:
            self.rows.append([])
        row = self.rows[r]
        while len(row) <= c:
            row.append({})
        return row[c]

    def set_value(self, r: int, c: int, value: dict[str, Any] | None, number_format: dict[str, Any] | None = None) -> None:
        cell = dict(self.cell(r, c) or {})
        if value is None:
            cell.pop("userEnteredValue", None)
        else:
            cell["userEnteredValue"] = value
        if number_format is not None:
            fmt = dict(cell.get("userEnteredFormat") or {})
            fmt["numberFormat"] = number_format
            cell["userEnteredFormat"] = fmt
        self.put(r, c, cell)

    def used_extent(self) -> tuple[int, int]:
        """(rows, cols) holding any value, for trimming reads."""
        last_row, last_col = 0, 0
        for r, row in enumerate(self.rows):
            for c in range(len(row) - 1, -1, -1):
                if row[c].get("userEnteredValue"):
                    last_row = r + 1
                    last_col = max(last_col, c + 1)
                    break
        return last_row, last_col

    def iter_values(self) -> Iterator[tuple[int, int, dict[str, Any]]]:
        for r, row in enumerate(self.rows):
            for c, cell in enumerate(row):
                if cell.get("userEnteredValue"):
                    yield r, c, cell

    def truncate(self) -> None:
        """Drop cells outside the grid (after the grid shrinks)."""
        del self.rows[self.row_count:]
        for row in self.rows:
            del row[self.col_count:]


@dataclass
class Spreadsheet:
    id: str
    properties: dict[str, Any]
    sheets: list[Sheet] = field(default_factory=list)
    named_ranges: list[dict[str, Any]] = field(default_factory=list)
    #: bumped on every change, so Drive knows to re-index the text
    version: int = 0

    @classmethod
    def new(cls, spreadsheet_id: str, title: str, sheet_titles: list[str] | None = None) -> "Spreadsheet":
        props = {"title": title, "locale": "en_US", "autoRecalc": "ON_CHANGE", "timeZone": "Etc/GMT",
                 "defaultFormat": copy.deepcopy(DEFAULT_FORMAT),
                 "spreadsheetTheme": {"primaryFontFamily": "Arial",
                                      "themeColors": [{"colorType": t, "color": {"rgbColor": dict(c)}} for t, c in _THEME]}}
        book = cls(spreadsheet_id, props)
        for i, t in enumerate(sheet_titles or ["Sheet1"]):
            book.sheets.append(Sheet.new(0 if i == 0 else book.new_sheet_id(), t, i))
        return book

    @property
    def title(self) -> str:
        return self.properties["title"]

    def new_sheet_id(self) -> int:
        return new_sheet_id({s.sheet_id for s in self.sheets})

    def reindex(self) -> None:
        for i, s in enumerate(self.sheets):
            s.properties["index"] = i

    def by_id(self, sheet_id: int) -> Sheet:
        for s in self.sheets:
            if s.sheet_id == sheet_id:
                return s
        raise RangeError(f"No grid with id: {sheet_id}")

    def by_title(self, title: str) -> Sheet | None:
        for s in self.sheets:
            if s.title == title:
                return s
        for s in self.sheets:  # the API matches titles case-insensitively when there is no exact match
            if s.title.lower() == title.lower():
                return s
        return None

    def first_visible(self) -> Sheet:
        for s in self.sheets:
            if not s.properties.get("hidden"):
                return s
        return self.sheets[0]

    def named(self, name: str) -> dict[str, Any] | None:
        for n in self.named_ranges:
            if n["name"].lower() == name.lower():
                return n
        return None

    def resolve(self, text: str) -> tuple[Sheet, tuple[int, int, int, int], bool]:
        """An A1 string to (sheet, (r0, c0, r1, c1) clipped to the grid, whole_sheet)."""
        try:
            ref = a1.parse(text)
        except a1.A1Error:
            raise RangeError(f"Unable to parse range: {text}") from None
        if ref.sheet is not None:
            sheet = self.by_title(ref.sheet)
            if sheet is None:
                raise RangeError(f"Unable to parse range: {text}")
            if ref.cells is None and ref.name is None:
                return sheet, (0, 0, sheet.row_count, sheet.col_count), True
            if ref.cells is not None:
                return sheet, ref.cells.bounded(sheet.row_count, sheet.col_count), False
        assert ref.name is not None or ref.cells is not None
        if ref.name is not None and ref.sheet is None:
            sheet = self.by_title(ref.name)
            if sheet is not None:
                return sheet, (0, 0, sheet.row_count, sheet.col_count), True
        if ref.name is not None:
            nr = self.named(ref.name)
            if nr is not None:
                sheet = self.by_id(nr["range"].get("sheetId", 0))
                return sheet, grid_bounds(nr["range"], sheet), False
            if ref.cells is None:
                raise RangeError(f"Unable to parse range: {text}")
        sheet = self.first_visible()
        assert ref.cells is not None
        return sheet, ref.cells.bounded(sheet.row_count, sheet.col_count), False


def grid_bounds(gr: dict[str, Any], sheet: Sheet) -> tuple[int, int, int, int]:
    """A GridRange (unbounded sides open) to concrete bounds on ``sheet``."""
    return (
        gr.get("startRowIndex", 0), gr.get("startColumnIndex", 0),
        gr.get("endRowIndex", sheet.row_count), gr.get("endColumnIndex", sheet.col_count),
    )


def grid_range(sheet_id: int, r0: int, c0: int, r1: int, c1: int) -> dict[str, Any]:
    """A GridRange as the API writes it (``sheetId`` 0 omitted, as proto3 does)."""
    out: dict[str, Any] = {}
    if sheet_id:
        out["sheetId"] = sheet_id
    out.update({"startRowIndex": r0, "endRowIndex": r1, "startColumnIndex": c0, "endColumnIndex": c1})
    return out


def cell_text(cell: dict[str, Any]) -> str:
    """What a person reading the sheet sees in a cell (for Drive's full-text index and CSV export)."""
    return cells.formatted(cell) or ""
