"""The values collection (get, update, append, clear) on the model, without HTTP: what range the API
reports back, how trailing empties are trimmed, where an append lands."""
from __future__ import annotations

from typing import Any

from ..errors import ApiError
from . import a1, cells
from .model import RangeError, Sheet, Spreadsheet

RENDER = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")
DATE_RENDER = ("SERIAL_NUMBER", "FORMATTED_STRING")
INPUT = ("RAW", "USER_ENTERED")


def bad(message: str, field: str | None = None) -> ApiError:
    details = None
    if field:
        details = [{"@type": "type.googleapis.com/google.rpc.BadRequest",
                    "fieldViolations": [{"field": field, "description": message}]}]
    return ApiError(400, message, "badRequest", details=details)


def resolve(book: Spreadsheet, text: str) -> tuple[Sheet, tuple[int, int, int, int], bool]:
    try:
        return book.resolve(text)
    except RangeError as e:
        raise bad(str(e)) from None


def read(book: Spreadsheet, text: str, *, major: str = "ROWS", render: str = "FORMATTED_VALUE",
         date_render: str = "SERIAL_NUMBER") -> dict[str, Any]:
    """A ValueRange: the requested range clipped to the grid, trailing empty cells and rows left out."""
    if render not in RENDER:
        raise bad(f"Invalid valueRenderOption: {render}")
    sheet, (r0, c0, r1, c1), _ = resolve(book, text)
    r1, c1 = min(r1, sheet.row_count), min(c1, sheet.col_count)
    grid: list[list[Any]] = []
    for r in range(r0, min(r1, len(sheet.rows))):
        row = sheet.rows[r]
        out = [cells.render(row[c] if c < len(row) else None, render, date_render) for c in range(c0, min(c1, len(row)))]
        while out and out[-1] == "":
            out.pop()
        grid.append(out)
    while grid and not grid[-1]:
        grid.pop()
    if major == "COLUMNS":
        width = max((len(r) for r in grid), default=0)
        grid = [[row[c] if c < len(row) else "" for row in grid] for c in range(width)]
        for col in grid:
            while col and col[-1] == "":
                col.pop()
        while grid and not grid[-1]:
            grid.pop()
    vr: dict[str, Any] = {"range": a1.format_range(sheet.title, r0, c0, max(r1, r0 + 1), max(c1, c0 + 1)),
                          "majorDimension": major}
    if grid:
        vr["values"] = grid
    return vr


def check_values(values: Any, field: str = "data.values") -> list[list[Any]]:
    if values is None:
        return []
    if not isinstance(values, list):
        msg = f"Invalid value at '{field}' (type.googleapis.com/google.protobuf.ListValue), {_js(values)}"
        raise bad(msg, field)
    for i, row in enumerate(values):
        if not isinstance(row, list):
            msg = f"Invalid value at '{field}[{i}]' (type.googleapis.com/google.protobuf.ListValue), {_js(row)}"
            raise bad(msg, f"{field}[{i}]")
        for v in row:
            if isinstance(v, (dict, list)):
                raise bad(f"Invalid values[{i}]: {_js(v)}", f"{field}[{i}]")
    return values


def _js(v: Any) -> str:
    import json

    return json.dumps(v, ensure_ascii=False)


def _grid(values: list[list[Any]], major: str) -> list[list[Any]]:
    if major == "COLUMNS":
        height = max((len(c) for c in values), default=0)
        return [[col[r] if r < len(col) else None for col in values] for r in range(height)]
    return values


def write(book: Spreadsheet, sheet: Sheet, r0: int, c0: int, values: list[list[Any]], option: str,
          major: str = "ROWS", bounds: tuple[int, int] | None = None, editor: Any = None) -> dict[str, Any]:
    """Write a block at (r0, c0); returns the UpdateValuesResponse fields (without spreadsheetId)."""
    if option not in INPUT:
        raise bad("Invalid valueInputOption: " + str(option)) if option else bad(
            "'valueInputOption' is required but not specified")
    grid = _grid(values, major)
    height = len(grid)
    width = max((len(r) for r in grid), default=0)
    if bounds is not None:
        max_r, max_c = bounds
        if r0 + height > max_r or c0 + width > max_c:
            given = a1.format_range(sheet.title, r0, c0, max_r, max_c)
            if r0 + height > max_r:
                raise bad(f"Requested writing within range [{given}], but tried writing to row [{r0 + height}]")
            raise bad(f"Requested writing within range [{given}], but tried writing to column "
                      f"[{a1.column_letters(c0 + width - 1)}]")
    if editor is not None:
        editor(sheet, r0, c0, r0 + height, c0 + width)
    sheet.ensure_grid(r0 + height, c0 + width)
    count = 0
    for i, row in enumerate(grid):
        for j, v in enumerate(row):
            if v is None:
                continue  # null leaves the cell as it is
            count += 1
            if option == "RAW":
                sheet.set_value(r0 + i, c0 + j, cells.raw_value(v))
            else:
                value, fmt = cells.user_entered(v)
                sheet.set_value(r0 + i, c0 + j, value, fmt)
    out: dict[str, Any] = {}
    if height and width:
        out["updatedRange"] = a1.format_range(sheet.title, r0, c0, r0 + height, c0 + width)
        out.update(updatedRows=height, updatedColumns=width, updatedCells=count)
    else:
        out["updatedRange"] = a1.format_range(sheet.title, r0, c0, r0 + 1, c0 + 1)
    return out


def update(book: Spreadsheet, text: str, values: list[list[Any]], option: str, major: str = "ROWS",
           editor: Any = None) -> dict[str, Any]:
    sheet, (r0, c0, r1, c1), whole = resolve(book, text)
    ref = a1.parse(text)
    open_rows = whole or ref.cells is None or ref.cells.end_row is None
    open_cols = whole or ref.cells is None or ref.cells.end_col is None
    single = not whole and r1 - r0 == 1 and c1 - c0 == 1
    bounds = None if single else (10**9 if open_rows else r1, 10**9 if open_cols else c1)
    return write(book, sheet, r0, c0, values, option, major, bounds, editor)


def clear(book: Spreadsheet, text: str, editor: Any = None) -> str:
    sheet, (r0, c0, r1, c1), _ = resolve(book, text)
    r1, c1 = min(r1, sheet.row_count), min(c1, sheet.col_count)
    if editor is not None:
        editor(sheet, r0, c0, r1, c1)
    for r in range(r0, min(r1, len(sheet.rows))):
        row = sheet.rows[r]
        for c in range(c0, min(c1, len(row))):
            if row[c].get("userEnteredValue"):
                cell = dict(row[c])
                del cell["userEnteredValue"]
                row[c] = cell
    return a1.format_range(sheet.title, r0, c0, r1, c1)


def find_table(sheet: Sheet, r0: int, c0: int, r1: int, c1: int) -> tuple[int, int, int, int] | None:
    """The "table" an append looks for: the first row with data in the range, the last contiguous run of
    filled cells in it (continued to the right), and the rows below that keep data in those columns."""
    start = None
    for r in range(r0, min(r1, len(sheet.rows))):
        if _row_has(sheet, r, c0, c1):
            start = r
            break
    if start is None:
        return None
    row = sheet.rows[start]
    filled = [c for c in range(c0, min(c1, len(row))) if row[c].get("userEnteredValue")]
    lo = hi = filled[-1]
    while lo - 1 >= c0 and row[lo - 1].get("userEnteredValue"):
        lo -= 1
    while hi + 1 < len(row) and row[hi + 1].get("userEnteredValue"):
        hi += 1
    end = start + 1
    while end < len(sheet.rows) and _row_has(sheet, end, lo, hi + 1):
        end += 1
    return start, lo, end, hi + 1


def _row_has(sheet: Sheet, r: int, c0: int, c1: int) -> bool:
    row = sheet.rows[r] if r < len(sheet.rows) else []
    return any(row[c].get("userEnteredValue") for c in range(c0, min(c1, len(row))))


def append(book: Spreadsheet, text: str, values: list[list[Any]], option: str, major: str = "ROWS",
           insert: str = "OVERWRITE", editor: Any = None) -> dict[str, Any]:
    """AppendValuesResponse fields: ``tableRange`` (when a table was found) and ``updates``."""
    sheet, (r0, c0, r1, c1), _ = resolve(book, text)
    table = find_table(sheet, r0, c0, r1, c1)
    out: dict[str, Any] = {}
    if table is None:
        at_r, at_c = r0, c0
    else:
        t0, tc0, t1, tc1 = table
        out["tableRange"] = a1.format_range(sheet.title, t0, tc0, t1, tc1)
        at_r, at_c = t1, tc0
    grid = _grid(values, major)
    if insert == "INSERT_ROWS" and grid and at_r < len(sheet.rows):
        from .dimensions import insert_dimension

        insert_dimension(book, sheet, "ROWS", at_r, at_r + len(grid))
    out["updates"] = write(book, sheet, at_r, at_c, values, option, major, None, editor)
    return out
