"""The Spreadsheet resource as spreadsheets.get returns it, built only as far as the field mask asks
(so ``fields=sheets.properties`` never renders a grid), then reduced by the mask."""
from __future__ import annotations

import copy
from typing import Any

from ..drive import fields as fieldmask
from . import cells
from .model import Sheet, Spreadsheet

ROW_PIXELS = 21
COL_PIXELS = 100


def _merge_format(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge_format(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def cell_data(cell: dict[str, Any], default_format: dict[str, Any]) -> dict[str, Any]:
    """CellData with the derived fields (effectiveValue, formattedValue, effectiveFormat)."""
    out: dict[str, Any] = {}
    entered = cell.get("userEnteredValue")
    if entered:
        out["userEnteredValue"] = copy.deepcopy(entered)
        eff = cells.effective(entered)
        if eff is not None:
            out["effectiveValue"] = copy.deepcopy(eff)
        text = cells.formatted(cell)
        if text is not None:
            out["formattedValue"] = text
    if "userEnteredFormat" in cell:
        out["userEnteredFormat"] = copy.deepcopy(cell["userEnteredFormat"])
    if entered or "userEnteredFormat" in cell:
        out["effectiveFormat"] = _merge_format(default_format, cell.get("userEnteredFormat") or {})
    for k in ("note", "dataValidation", "hyperlink", "textFormatRuns", "pivotTable"):
        if k in cell:
            out[k] = copy.deepcopy(cell[k])
    return out


def grid_data(sheet: Sheet, bounds: tuple[int, int, int, int], default_format: dict[str, Any]) -> dict[str, Any]:
    r0, c0, r1, c1 = bounds
    r1, c1 = min(r1, sheet.row_count), min(c1, sheet.col_count)
    out: dict[str, Any] = {}
    if r0:
        out["startRow"] = r0
    if c0:
        out["startColumn"] = c0
    rows: list[dict[str, Any]] = []
    for r in range(r0, min(r1, len(sheet.rows))):
        row = sheet.rows[r]
        values = [cell_data(row[c], default_format) if c < len(row) else {} for c in range(c0, min(c1, len(row)))]
        while values and not values[-1]:
            values.pop()
        rows.append({"values": values} if values else {})
    while rows and not rows[-1]:
        rows.pop()
    if rows:
        out["rowData"] = rows
    out["rowMetadata"] = [_meta(sheet.row_meta.get(r), ROW_PIXELS) for r in range(r0, r1)]
    out["columnMetadata"] = [_meta(sheet.col_meta.get(c), COL_PIXELS) for c in range(c0, c1)]
    return out


def _meta(m: dict[str, Any] | None, pixels: int) -> dict[str, Any]:
    out = {"pixelSize": pixels}
    out.update(m or {})
    return out


def sheet_json(sheet: Sheet, mask: fieldmask.Mask | None, data: list[dict[str, Any]] | None) -> dict[str, Any]:
    want = fieldmask.top_level(mask)
    out: dict[str, Any] = {"properties": copy.deepcopy(sheet.properties)}
    if data is not None:
        out["data"] = data
    if sheet.merges:
        out["merges"] = copy.deepcopy(sheet.merges)
    if sheet.conditional_formats:
        out["conditionalFormats"] = copy.deepcopy(sheet.conditional_formats)
    if sheet.basic_filter:
        out["basicFilter"] = copy.deepcopy(sheet.basic_filter)
    if sheet.protected_ranges:
        out["protectedRanges"] = copy.deepcopy(sheet.protected_ranges)
    if sheet.banded_ranges:
        out["bandedRanges"] = copy.deepcopy(sheet.banded_ranges)
    if sheet.row_groups:
        out["rowGroups"] = copy.deepcopy(sheet.row_groups)
    if sheet.column_groups:
        out["columnGroups"] = copy.deepcopy(sheet.column_groups)
    if want is not None:
        out = {k: v for k, v in out.items() if k in want}
    return out


def spreadsheet_json(book: Spreadsheet, *, ranges: list[tuple[Sheet, tuple[int, int, int, int]]] | None = None,
                     include_grid: bool = False, mask_text: str | None = None) -> dict[str, Any]:
    """spreadsheets.get: ``ranges`` (resolved) limits the sheets; grid data when asked for or when the
    field mask reaches into ``sheets.data`` (the API ignores includeGridData once a mask is set)."""
    mask = fieldmask.parse(mask_text) if mask_text else None
    sheets_mask = fieldmask.sub_mask(mask, "sheets") if mask is not None else None
    if mask is not None:
        include_grid = "sheets" in mask and (sheets_mask is None or "data" in sheets_mask or "*" in sheets_mask)
    wanted: list[tuple[Sheet, list[tuple[int, int, int, int]]]] = []
    if ranges:
        for sheet, bounds in ranges:
            for s, lst in wanted:
                if s is sheet:
                    lst.append(bounds)
                    break
            else:
                wanted.append((sheet, [bounds]))
        wanted.sort(key=lambda p: book.sheets.index(p[0]))
    else:
        wanted = [(s, [(0, 0, s.row_count, s.col_count)]) for s in book.sheets]
    out: dict[str, Any] = {"spreadsheetId": book.id, "properties": copy.deepcopy(book.properties)}
    top = fieldmask.top_level(mask)
    if top is None or "sheets" in top:
        out["sheets"] = [
            sheet_json(s, sheets_mask, [grid_data(s, b, book.properties["defaultFormat"]) for b in bl] if include_grid else None)
            for s, bl in wanted
        ]
    if book.named_ranges:
        out["namedRanges"] = copy.deepcopy(book.named_ranges)
    out["spreadsheetUrl"] = f"https://docs.google.com/spreadsheets/d/{book.id}/edit"
    return fieldmask.apply(out, mask, prune=True) if mask is not None else out

