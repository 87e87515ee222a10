"""Row and column operations: insert, delete, sort. Everything anchored to rows or columns (merges,
protected and named ranges, conditional formats, the basic filter, groups, row/column metadata) moves
with them, so a DPO who re-sorts the sheet or an erasure that deletes a row leaves it consistent."""
from __future__ import annotations

from typing import Any

from . import cells
from .model import Sheet, Spreadsheet

_KEYS = {"ROWS": ("startRowIndex", "endRowIndex"), "COLUMNS": ("startColumnIndex", "endColumnIndex")}


def _shift_range(gr: dict[str, Any], dim: str, start: int, count: int) -> bool:
    """Shift one GridRange for ``count`` inserted (>0) or deleted (<0) lines at ``start``; False if it
    vanished entirely."""
    k0, k1 = _KEYS[dim]
    lo, hi = gr.get(k0), gr.get(k1)
    if count > 0:
        if lo is not None and lo >= start:
            gr[k0] = lo + count
        if hi is not None and hi > start:
            gr[k1] = hi + count
        return True
    end = start - count
    def move(x: int) -> int:
        return x if x <= start else (start if x <= end else x + count)
    if lo is not None:
        gr[k0] = move(lo)
    if hi is not None:
        gr[k1] = move(hi)
    if lo is not None and hi is not None and gr[k1] <= gr[k0]:
        return False
    return True


def _dim_ranges(sheet: Sheet, book: Spreadsheet) -> list[tuple[list[Any], dict[str, Any], Any]]:
    """(owner list, GridRange, item) for every range on this sheet that moves with rows/columns."""
    out: list[tuple[list[Any], dict[str, Any], Any]] = []
    for m in sheet.merges:
        out.append((sheet.merges, m, m))
    for p in sheet.protected_ranges:
        if "range" in p:
            out.append((sheet.protected_ranges, p["range"], p))
    for rule in sheet.conditional_formats:
        for gr in rule.get("ranges", []):
            out.append((rule["ranges"], gr, gr))
    for b in sheet.banded_ranges:
        out.append((sheet.banded_ranges, b["range"], b))
    for n in book.named_ranges:
        if n["range"].get("sheetId", 0) == sheet.sheet_id:
            out.append((book.named_ranges, n["range"], n))
    if sheet.basic_filter:
        out.append(([], sheet.basic_filter["range"], None))
    return out


def _shift_all(book: Spreadsheet, sheet: Sheet, dim: str, start: int, count: int) -> None:
    for owner, gr, item in _dim_ranges(sheet, book):
        if not _shift_range(gr, dim, start, count) and item is not None and item in owner:
            owner.remove(item)
    groups = sheet.row_groups if dim == "ROWS" else sheet.column_groups
    for g in list(groups):
        r = g["range"]
        tmp = {"startRowIndex": r["startIndex"], "endRowIndex": r["endIndex"]}
        if _shift_range(tmp, "ROWS", start, count):
            r["startIndex"], r["endIndex"] = tmp["startRowIndex"], tmp["endRowIndex"]
        else:
            groups.remove(g)
    meta = sheet.row_meta if dim == "ROWS" else sheet.col_meta
    moved: dict[int, dict[str, Any]] = {}
    for i, m in meta.items():
        if count > 0:
            moved[i + count if i >= start else i] = m
        elif i < start:
            moved[i] = m
        elif i >= start - count:
            moved[i + count] = m
    meta.clear()
    meta.update(moved)


def insert_dimension(book: Spreadsheet, sheet: Sheet, dim: str, start: int, end: int) -> None:
    count = end - start
    if count <= 0:
        return
    if dim == "ROWS":
        if start < len(sheet.rows):
            sheet.rows[start:start] = [[] for _ in range(count)]
        sheet.grid["rowCount"] = sheet.row_count + count
    else:
        for row in sheet.rows:
            if start < len(row):
                row[start:start] = [{} for _ in range(count)]
        sheet.grid["columnCount"] = sheet.col_count + count
    _shift_all(book, sheet, dim, start, count)


def delete_dimension(book: Spreadsheet, sheet: Sheet, dim: str, start: int, end: int) -> None:
    limit = sheet.row_count if dim == "ROWS" else sheet.col_count
    end = min(end, limit)
    count = end - start
    if count <= 0:
        return
    if dim == "ROWS":
        del sheet.rows[start:end]
        sheet.grid["rowCount"] = sheet.row_count - count
    else:
        for row in sheet.rows:
            del row[start:end]
        sheet.grid["columnCount"] = sheet.col_count - count
    _shift_all(book, sheet, dim, start, -count)


def sort_rows(sheet: Sheet, r0: int, c0: int, r1: int, c1: int, specs: list[dict[str, Any]]) -> None:
    """Sort rows r0..r1 by the given columns; only cells inside c0..c1 move; blanks stay last."""
    r1 = min(r1, max(len(sheet.rows), r0))
    if r1 - r0 < 2:
        return
    block = []
    for r in range(r0, r1):
        row = sheet.rows[r] if r < len(sheet.rows) else []
        block.append([row[c] if c < len(row) else {} for c in range(c0, c1)])
    for spec in reversed(specs or [{"dimensionIndex": c0, "sortOrder": "ASCENDING"}]):
        col = spec.get("dimensionIndex", c0) - c0
        desc = spec.get("sortOrder", "ASCENDING") == "DESCENDING"
        filled = [b for b in block if not cells.is_blank(b[col] if 0 <= col < len(b) else None)]
        blanks = [b for b in block if cells.is_blank(b[col] if 0 <= col < len(b) else None)]
        filled.sort(key=lambda b: cells.sort_key(b[col]), reverse=desc)
        block = filled + blanks
    for i, r in enumerate(range(r0, r1)):
        for j, c in enumerate(range(c0, c1)):
            sheet.put(r, c, dict(block[i][j]) if block[i][j] else None)
