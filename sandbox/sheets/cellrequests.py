"""batchUpdate requests on cells: updateCells, repeatCell, validation, merges, copy/cut and paste."""
from __future__ import annotations

import copy
from typing import Any

from .batchupdate import Context, RequestError, cell_fields, target_range, target_sheet, handles
from .model import Sheet, grid_bounds, grid_range


# --- cells ------------------------------------------------------------------------------------------------
@handles("updateCells")
def _update_cells(ctx: Context, body: dict[str, Any]) -> None:
    rows = body.get("rows") or []
    mask = body.get("fields", "")
    if "range" in body:
        sheet, r0, c0, r1, c1 = target_range(ctx, body["range"])
    else:
        start = body.get("start") or {}
        sheet = target_sheet(ctx, start.get("sheetId", 0))
        r0, c0 = start.get("rowIndex", 0), start.get("columnIndex", 0)
        r1 = r0 + len(rows)
        c1 = c0 + max((len(r.get("values") or []) for r in rows), default=0)
    if ctx.editor and ("userEnteredValue" in mask or mask.strip() == "*"):
        ctx.editor(sheet, r0, c0, r1, c1)
    sheet.ensure_grid(r1, c1)
    for i, r in enumerate(range(r0, r1)):
        values = (rows[i].get("values") or []) if i < len(rows) else []
        for j, c in enumerate(range(c0, c1)):
            src = values[j] if j < len(values) else {}
            src = _normalise_cell(src)
            sheet.put(r, c, cell_fields(sheet.cell(r, c) or {}, src, mask))
    return None


def _normalise_cell(src: dict[str, Any]) -> dict[str, Any]:
    """An empty ExtendedValue means "no value"."""
    if "userEnteredValue" in src and not src["userEnteredValue"]:
        src = dict(src)
        src.pop("userEnteredValue")
    return src


@handles("repeatCell")
def _repeat_cell(ctx: Context, body: dict[str, Any]) -> None:
    sheet, r0, c0, r1, c1 = target_range(ctx, body.get("range") or {})
    src = _normalise_cell(body.get("cell") or {})
    mask = body.get("fields", "")
    if ctx.editor and ("userEnteredValue" in mask or mask == "*"):
        ctx.editor(sheet, r0, c0, r1, c1)
    for r in range(r0, r1):
        for c in range(c0, c1):
            sheet.put(r, c, cell_fields(sheet.cell(r, c) or {}, src, mask))
    return None


@handles("setDataValidation")
def _validation(ctx: Context, body: dict[str, Any]) -> None:
    sheet, r0, c0, r1, c1 = target_range(ctx, body.get("range") or {})
    rule = body.get("rule")
    for r in range(r0, r1):
        for c in range(c0, c1):
            cell = dict(sheet.cell(r, c) or {})
            if rule:
                cell["dataValidation"] = copy.deepcopy(rule)
            else:
                cell.pop("dataValidation", None)
            sheet.put(r, c, cell)
    return None


@handles("mergeCells")
def _merge(ctx: Context, body: dict[str, Any]) -> None:
    sheet, r0, c0, r1, c1 = target_range(ctx, body.get("range") or {})
    kind = body.get("mergeType", "MERGE_ALL")
    if kind == "MERGE_ALL":
        blocks = [(r0, c0, r1, c1)]
    elif kind == "MERGE_COLUMNS":
        blocks = [(r0, c, r1, c + 1) for c in range(c0, c1)]
    elif kind == "MERGE_ROWS":
        blocks = [(r, c0, r + 1, c1) for r in range(r0, r1)]
    else:
        raise RequestError(f"Unknown mergeType {kind}.")
    for b0, bc0, b1, bc1 in blocks:
        if (b1 - b0) * (bc1 - bc0) < 2:
            continue
        keep = []
        for m in sheet.merges:
            m0, mc0, m1, mc1 = grid_bounds(m, sheet)
            if b0 <= m0 and m1 <= b1 and bc0 <= mc0 and mc1 <= bc1:
                continue  # a merge inside the new one is replaced by it
            if m0 < b1 and b0 < m1 and mc0 < bc1 and bc0 < mc1:
                raise RequestError("You can't merge cells that partially overlap with an existing merge.")
            keep.append(m)
        sheet.merges = keep
        for r in range(b0, b1):
            for c in range(bc0, bc1):
                if (r, c) != (b0, bc0) and sheet.cell(r, c):
                    cell = dict(sheet.cell(r, c) or {})
                    cell.pop("userEnteredValue", None)
                    sheet.put(r, c, cell)
        sheet.merges.append(grid_range(sheet.sheet_id, b0, bc0, b1, bc1))
    return None


@handles("unmergeCells")
def _unmerge(ctx: Context, body: dict[str, Any]) -> None:
    sheet, r0, c0, r1, c1 = target_range(ctx, body.get("range") or {})
    keep = []
    for m in sheet.merges:
        m0, mc0, m1, mc1 = grid_bounds(m, sheet)
        inside = r0 <= m0 and m1 <= r1 and c0 <= mc0 and mc1 <= c1
        if not inside:
            keep.append(m)
    sheet.merges = keep
    return None


def _paste(ctx: Context, src: tuple[Sheet, int, int, int, int], dest: Sheet, dr: int, dc: int,
           rows: int | None = None, cols: int | None = None, kind: str = "PASTE_NORMAL") -> None:
    sheet, r0, c0, r1, c1 = src
    block = [[copy.deepcopy(sheet.cell(r, c) or {}) for c in range(c0, c1)] for r in range(r0, r1)]
    h, w = r1 - r0, c1 - c0
    rows, cols = rows or h, cols or w
    if ctx.editor:
        ctx.editor(dest, dr, dc, dr + rows, dc + cols)
    dest.ensure_grid(dr + rows, dc + cols)
    for i in range(rows):
        for j in range(cols):
            data = block[i % h][j % w] if h and w else {}
            target = dict(dest.cell(dr + i, dc + j) or {})
            if kind == "PASTE_VALUES":
                target.pop("userEnteredValue", None)
                if "userEnteredValue" in data:
                    target["userEnteredValue"] = data["userEnteredValue"]
            elif kind == "PASTE_FORMAT":
                target.pop("userEnteredFormat", None)
                if "userEnteredFormat" in data:
                    target["userEnteredFormat"] = data["userEnteredFormat"]
            else:
                target = data
            dest.put(dr + i, dc + j, target)


@handles("copyPaste")
def _copy_paste(ctx: Context, body: dict[str, Any]) -> None:
    src = target_range(ctx, body.get("source") or {})
    dest, d0, dc0, d1, dc1 = target_range(ctx, body.get("destination") or {})
    _paste(ctx, src, dest, d0, dc0, d1 - d0, dc1 - dc0, body.get("pasteType", "PASTE_NORMAL"))
    return None


@handles("cutPaste")
def _cut_paste(ctx: Context, body: dict[str, Any]) -> None:
    src = target_range(ctx, body.get("source") or {})
    dest = body.get("destination") or {}
    target = target_sheet(ctx, dest.get("sheetId", 0))
    sheet, r0, c0, r1, c1 = src
    saved = [[copy.deepcopy(sheet.cell(r, c) or {}) for c in range(c0, c1)] for r in range(r0, r1)]
    for r in range(r0, r1):
        for c in range(c0, c1):
            sheet.put(r, c, None)
    dr, dc = dest.get("rowIndex", 0), dest.get("columnIndex", 0)
    target.ensure_grid(dr + r1 - r0, dc + c1 - c0)
    for i, row in enumerate(saved):
        for j, data in enumerate(row):
            target.put(dr + i, dc + j, data or None)
    return None
