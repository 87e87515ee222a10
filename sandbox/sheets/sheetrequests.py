"""batchUpdate requests on sheets, spreadsheet properties and rows/columns."""
from __future__ import annotations

import copy
from typing import Any

from . import cells, dimensions
from .batchupdate import Context, RequestError, apply_mask, target_range, target_sheet, handles
from .model import Sheet, strip_defaults


# --- sheets and properties ------------------------------------------------------------------------------
@handles("addSheet")
def _add_sheet(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    props = dict(body.get("properties") or {})
    book = ctx.book
    title = props.get("title") or f"Sheet{len(book.sheets) + 1}"
    if book.by_title(title) is not None and book.by_title(title).title.lower() == title.lower():
        raise RequestError(f'A sheet with the name "{title}" already exists. Please enter another name.')
    sheet_id = props.get("sheetId")
    if sheet_id is None:
        sheet_id = book.new_sheet_id()
    elif any(s.sheet_id == sheet_id for s in book.sheets):
        raise RequestError(f"A sheet with the id {sheet_id} already exists.")
    grid = props.get("gridProperties") or {}
    sheet = Sheet.new(int(sheet_id), title, 0, grid.get("rowCount", 1000), grid.get("columnCount", 26))
    extra = {k: v for k, v in props.items() if k not in ("sheetId", "title", "index", "gridProperties")}
    sheet.properties.update(strip_defaults(extra))
    sheet.grid.update(strip_defaults({k: v for k, v in grid.items() if k not in ("rowCount", "columnCount")}))
    index = min(int(props.get("index", len(book.sheets))), len(book.sheets))
    book.sheets.insert(index, sheet)
    book.reindex()
    return {"properties": copy.deepcopy(sheet.properties)}


@handles("deleteSheet")
def _delete_sheet(ctx: Context, body: dict[str, Any]) -> None:
    sheet = target_sheet(ctx, body.get("sheetId"))
    if len(ctx.book.sheets) == 1:
        raise RequestError("You can't remove all the sheets in a document.")
    ctx.book.sheets.remove(sheet)
    ctx.book.named_ranges = [n for n in ctx.book.named_ranges if n["range"].get("sheetId", 0) != sheet.sheet_id]
    ctx.book.reindex()
    return None


@handles("updateSheetProperties")
def _update_sheet(ctx: Context, body: dict[str, Any]) -> None:
    props = body.get("properties") or {}
    sheet = target_sheet(ctx, props.get("sheetId", 0))
    new = copy.deepcopy(sheet.properties)
    apply_mask(new, props, body.get("fields", ""))
    new["sheetId"] = sheet.sheet_id
    grid = new.setdefault("gridProperties", {})
    if grid.get("rowCount", 1) < 1 or grid.get("columnCount", 1) < 1:
        raise RequestError("The grid must have at least one row and one column.")
    new = strip_defaults(new)
    new.setdefault("gridProperties", {}).setdefault("rowCount", sheet.row_count)
    new["gridProperties"].setdefault("columnCount", sheet.col_count)
    if new.get("hidden") and all(s.properties.get("hidden") for s in ctx.book.sheets if s is not sheet):
        raise RequestError("You can't hide all the sheets in a document.")
    title = new.get("title", sheet.title)
    other = ctx.book.by_title(title)
    if other is not None and other is not sheet and other.title.lower() == title.lower():
        raise RequestError(f'A sheet with the name "{title}" already exists. Please enter another name.')
    index = new.get("index", sheet.properties["index"])
    sheet.properties = new
    if index != ctx.book.sheets.index(sheet):
        ctx.book.sheets.remove(sheet)
        ctx.book.sheets.insert(min(int(index), len(ctx.book.sheets)), sheet)
    ctx.book.reindex()
    sheet.truncate()
    return None


@handles("updateSpreadsheetProperties")
def _update_book(ctx: Context, body: dict[str, Any]) -> None:
    apply_mask(ctx.book.properties, body.get("properties") or {}, body.get("fields", ""))
    if not ctx.book.properties.get("title"):
        raise RequestError("The spreadsheet title cannot be empty.")
    return None


@handles("duplicateSheet")
def _duplicate(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    src = target_sheet(ctx, body.get("sourceSheetId"))
    dup = copy.deepcopy(src)
    dup.properties["sheetId"] = body.get("newSheetId") or ctx.book.new_sheet_id()
    dup.properties["title"] = body.get("newSheetName") or f"Copy of {src.title}"
    ctx.book.sheets.insert(min(body.get("insertSheetIndex", len(ctx.book.sheets)), len(ctx.book.sheets)), dup)
    ctx.book.reindex()
    return {"properties": copy.deepcopy(dup.properties)}


# --- dimensions ---------------------------------------------------------------------------------------
def _dim(body: dict[str, Any]) -> tuple[dict[str, Any], str, int, int]:
    rng = body.get("range") or body.get("dimensions") or {}
    dim = rng.get("dimension")
    if dim not in ("ROWS", "COLUMNS"):
        raise RequestError("dimension must be ROWS or COLUMNS.")
    return rng, dim, int(rng.get("startIndex", 0)), int(rng["endIndex"]) if "endIndex" in rng else -1


@handles("insertDimension")
def _insert_dim(ctx: Context, body: dict[str, Any]) -> None:
    rng, dim, start, end = _dim(body)
    sheet = target_sheet(ctx, rng.get("sheetId", 0))
    limit = sheet.row_count if dim == "ROWS" else sheet.col_count
    if start > limit or end <= start:
        raise RequestError(f"range ({start}..{end}) is out of bounds ({limit}).")
    dimensions.insert_dimension(ctx.book, sheet, dim, start, end)
    return None


@handles("deleteDimension")
def _delete_dim(ctx: Context, body: dict[str, Any]) -> None:
    rng, dim, start, end = _dim(body)
    sheet = target_sheet(ctx, rng.get("sheetId", 0))
    limit = sheet.row_count if dim == "ROWS" else sheet.col_count
    end = limit if end < 0 else end
    if start >= limit or end <= start:
        raise RequestError(f"Invalid range: {dim} {start}..{end} is outside the grid ({limit}).")
    if end - start >= limit:
        raise RequestError("You can't delete all the rows on the sheet." if dim == "ROWS"
                           else "You can't delete all the columns on the sheet.")
    if ctx.editor:
        if dim == "ROWS":
            ctx.editor(sheet, start, 0, end, sheet.col_count)
        else:
            ctx.editor(sheet, 0, start, sheet.row_count, end)
    dimensions.delete_dimension(ctx.book, sheet, dim, start, end)
    return None


@handles("appendDimension")
def _append_dim(ctx: Context, body: dict[str, Any]) -> None:
    sheet = target_sheet(ctx, body.get("sheetId", 0))
    n = int(body.get("length", 0))
    key = "rowCount" if body.get("dimension") == "ROWS" else "columnCount"
    sheet.grid[key] = sheet.grid.get(key, 0) + n
    return None


@handles("updateDimensionProperties")
def _dim_props(ctx: Context, body: dict[str, Any]) -> None:
    rng, dim, start, end = _dim(body)
    sheet = target_sheet(ctx, rng.get("sheetId", 0))
    end = (sheet.row_count if dim == "ROWS" else sheet.col_count) if end < 0 else end
    meta = sheet.row_meta if dim == "ROWS" else sheet.col_meta
    for i in range(start, end):
        m = meta.setdefault(i, {})
        apply_mask(m, body.get("properties") or {}, body.get("fields", ""))
    return None


@handles("autoResizeDimensions")
def _auto_resize(ctx: Context, body: dict[str, Any]) -> None:
    rng, dim, start, end = _dim(body)
    sheet = target_sheet(ctx, rng.get("sheetId", 0))
    end = (sheet.row_count if dim == "ROWS" else sheet.col_count) if end < 0 else end
    for i in range(start, end):
        if dim == "COLUMNS":
            width = max((len(cells.formatted(sheet.cell(r, i) or {}) or "") for r in range(len(sheet.rows))), default=0)
            sheet.col_meta.setdefault(i, {})["pixelSize"] = max(100, 7 * width + 10)
        else:
            sheet.row_meta.setdefault(i, {})["pixelSize"] = 21
    return None


@handles("addDimensionGroup")
def _add_group(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    rng, dim, start, end = _dim(body)
    sheet = target_sheet(ctx, rng.get("sheetId", 0))
    groups = sheet.row_groups if dim == "ROWS" else sheet.column_groups
    groups.append({"range": {"dimension": dim, "startIndex": start, "endIndex": end}, "depth": 1})
    sheet.grid["rowGroupControlAfter" if dim == "ROWS" else "columnGroupControlAfter"] = True
    return {"dimensionGroups": copy.deepcopy(groups)}


@handles("deleteDimensionGroup")
def _del_group(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    rng, dim, start, end = _dim(body)
    sheet = target_sheet(ctx, rng.get("sheetId", 0))
    groups = sheet.row_groups if dim == "ROWS" else sheet.column_groups
    groups[:] = [g for g in groups if not (g["range"]["startIndex"] == start and g["range"]["endIndex"] == end)]
    return {"dimensionGroups": copy.deepcopy(groups)} if groups else {}


@handles("sortRange")
def _sort(ctx: Context, body: dict[str, Any]) -> None:
    sheet, r0, c0, r1, c1 = target_range(ctx, body.get("range") or {})
    if ctx.editor:
        ctx.editor(sheet, r0, c0, r1, c1)
    dimensions.sort_rows(sheet, r0, c0, r1, c1, body.get("sortSpecs") or [])
    return None
