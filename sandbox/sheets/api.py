"""Sheets v4 endpoints over the model. A spreadsheet is a Drive file: access follows its Drive
permissions (read for readers, write for writers), protected ranges refuse edits from non-editors, and
every change bumps the file's modifiedTime and version so Drive search sees the new cell text."""
from __future__ import annotations

from typing import Any

from flask import Blueprint

from ..drive.access import store_of
from ..drive.store import SHEET, DriveFile
from ..errors import ApiError
from ..routing import Call, api_route
from . import batchupdate, render, values
from .model import Sheet, Spreadsheet, grid_bounds

bp = Blueprint("sheets", __name__)
PROTECTED = ("You are trying to edit a protected cell or object. Please contact the spreadsheet owner to remove "
             "protection if you need to edit.")


def _flag(call: Call, name: str, default: bool = False) -> bool:
    v = call.args.get(name)
    return default if v is None else v.strip().lower() == "true"


def _file(call: Call, spreadsheet_id: str, write: bool = False) -> DriveFile:
    store = store_of(call)
    f = store.files.get(spreadsheet_id)
    if f is None or f.spreadsheet is None:
        raise ApiError(404, "Requested entity was not found.", "notFound")
    role = store.role(f, call.user)
    if role is None or (write and not store.can_write(f, call.user)):
        raise ApiError(403, "The caller does not have permission", "forbidden")
    return f


def _changed(call: Call, f: DriveFile) -> None:
    store_of(call).touch(f, call.user)
    if f.spreadsheet is not None and f.spreadsheet.title != f.name:
        f.name = f.spreadsheet.title
        store_of(call).reindex(f)


def _editor(call: Call, f: DriveFile):
    """A check that refuses writes into protected ranges the caller is not an editor of."""
    def check(sheet: Sheet, r0: int, c0: int, r1: int, c1: int) -> None:
        if call.user in f.owners:
            return
        for p in sheet.protected_ranges:
            if p.get("warningOnly"):
                continue
            if call.user in (p.get("editors") or {}).get("users", []):
                continue
            if "range" in p:
                pr0, pc0, pr1, pc1 = grid_bounds(p["range"], sheet)
            else:
                pr0, pc0, pr1, pc1 = 0, 0, sheet.row_count, sheet.col_count
            if pr0 < r1 and r0 < pr1 and pc0 < c1 and c0 < pc1:
                raise ApiError(400, PROTECTED, "badRequest")
    return check


@api_route(bp, "sheets.spreadsheets.create")
def create(call: Call) -> dict[str, Any]:
    body = call.json()
    props = body.get("properties") or {}
    title = props.get("title") or "Untitled spreadsheet"
    sheets = body.get("sheets") or []
    store = store_of(call)
    from ..drive.store import new_id

    book = Spreadsheet.new(new_id(), title, [((s.get("properties") or {}).get("title") or f"Sheet{i + 1}")
                                             for i, s in enumerate(sheets)] or None)
    for spec, sheet in zip(sheets, book.sheets):
        grid = (spec.get("properties") or {}).get("gridProperties") or {}
        sheet.grid.update({k: v for k, v in grid.items() if v})
    for key in ("locale", "timeZone", "autoRecalc"):
        if props.get(key):
            book.properties[key] = props[key]
    store.add(name=title, mimeType=SHEET, owner=call.user, spreadsheet=book)
    return render.spreadsheet_json(book)


@api_route(bp, "sheets.spreadsheets.get")
def get(call: Call, spreadsheetId: str) -> dict[str, Any]:
    f = _file(call, spreadsheetId)
    book = f.spreadsheet
    assert book is not None
    ranges = [(s, b) for s, b, _ in (values.resolve(book, r) for r in call.args.getlist("ranges"))] or None
    return render.spreadsheet_json(book, ranges=ranges, include_grid=_flag(call, "includeGridData"),
                                   mask_text=call.args.get("fields"))


@api_route(bp, "sheets.spreadsheets.batchUpdate")
def batch_update(call: Call, spreadsheetId: str) -> dict[str, Any]:
    f = _file(call, spreadsheetId, write=True)
    book = f.spreadsheet
    assert book is not None
    body = call.json()
    replies = batchupdate.apply(book, body.get("requests") or [], call.user, _editor(call, f))
    _changed(call, f)
    out: dict[str, Any] = {"spreadsheetId": book.id, "replies": replies}
    if body.get("includeSpreadsheetInResponse"):
        out["updatedSpreadsheet"] = render.spreadsheet_json(
            book, ranges=[values.resolve(book, r)[:2] for r in body.get("responseRanges") or []] or None,
            include_grid=bool(body.get("responseIncludeGridData")))
    return out


def _book(call: Call, spreadsheet_id: str, write: bool = False) -> tuple[DriveFile, Spreadsheet]:
    f = _file(call, spreadsheet_id, write)
    assert f.spreadsheet is not None
    return f, f.spreadsheet


def _render_opts(call: Call) -> dict[str, str]:
    return {"major": call.args.get("majorDimension", "ROWS"),
            "render": call.args.get("valueRenderOption", "FORMATTED_VALUE"),
            "date_render": call.args.get("dateTimeRenderOption", "SERIAL_NUMBER")}


@api_route(bp, "sheets.spreadsheets.values.get")
def values_get(call: Call, spreadsheetId: str, range: str) -> dict[str, Any]:
    _, book = _book(call, spreadsheetId)
    return values.read(book, range, **_render_opts(call))


@api_route(bp, "sheets.spreadsheets.values.batchGet")
def values_batch_get(call: Call, spreadsheetId: str) -> dict[str, Any]:
    _, book = _book(call, spreadsheetId)
    opts = _render_opts(call)
    return {"spreadsheetId": book.id, "valueRanges": [values.read(book, r, **opts) for r in call.args.getlist("ranges")]}


def _with_data(call: Call, book: Spreadsheet, resp: dict[str, Any], include: bool) -> dict[str, Any]:
    if include and "updatedRange" in resp:
        resp["updatedData"] = values.read(book, resp["updatedRange"],
                                          render=call.args.get("responseValueRenderOption", "FORMATTED_VALUE"),
                                          date_render=call.args.get("responseDateTimeRenderOption", "SERIAL_NUMBER"))
    return resp


@api_route(bp, "sheets.spreadsheets.values.update")
def values_update(call: Call, spreadsheetId: str, range: str) -> dict[str, Any]:
    f, book = _book(call, spreadsheetId, write=True)
    body = call.json()
    rows = values.check_values(body.get("values"))
    resp = values.update(book, range, rows, call.args.get("valueInputOption", ""), body.get("majorDimension") or "ROWS",
                         _editor(call, f))
    _changed(call, f)
    return {"spreadsheetId": book.id, **_with_data(call, book, resp, _flag(call, "includeValuesInResponse"))}


@api_route(bp, "sheets.spreadsheets.values.append")
def values_append(call: Call, spreadsheetId: str, range: str) -> dict[str, Any]:
    f, book = _book(call, spreadsheetId, write=True)
    body = call.json()
    rows = values.check_values(body.get("values"))
    resp = values.append(book, range, rows, call.args.get("valueInputOption", ""), body.get("majorDimension") or "ROWS",
                         call.args.get("insertDataOption", "OVERWRITE"), _editor(call, f))
    _changed(call, f)
    resp["updates"] = {"spreadsheetId": book.id,
                       **_with_data(call, book, resp["updates"], _flag(call, "includeValuesInResponse"))}
    return {"spreadsheetId": book.id, **resp}


@api_route(bp, "sheets.spreadsheets.values.clear")
def values_clear(call: Call, spreadsheetId: str, range: str) -> dict[str, Any]:
    f, book = _book(call, spreadsheetId, write=True)
    cleared = values.clear(book, range, _editor(call, f))
    _changed(call, f)
    return {"spreadsheetId": book.id, "clearedRange": cleared}


@api_route(bp, "sheets.spreadsheets.values.batchClear")
def values_batch_clear(call: Call, spreadsheetId: str) -> dict[str, Any]:
    f, book = _book(call, spreadsheetId, write=True)
    ranges = call.json().get("ranges") or []
    cleared = [values.clear(book, r, _editor(call, f)) for r in ranges]
    _changed(call, f)
    return {"spreadsheetId": book.id, "clearedRanges": cleared}


@api_route(bp, "sheets.spreadsheets.values.batchUpdate")
def values_batch_update(call: Call, spreadsheetId: str) -> dict[str, Any]:
    f, book = _book(call, spreadsheetId, write=True)
    body = call.json()
    option = body.get("valueInputOption", "")
    responses = []
    for i, vr in enumerate(body.get("data") or []):
        rows = values.check_values(vr.get("values"), f"data[{i}].values")
        resp = values.update(book, vr.get("range", ""), rows, option, vr.get("majorDimension") or "ROWS", _editor(call, f))
        responses.append({"spreadsheetId": book.id, **_with_data(call, book, resp, bool(body.get("includeValuesInResponse")))})
    _changed(call, f)
    out: dict[str, Any] = {"spreadsheetId": book.id}
    if responses:
        out.update(totalUpdatedRows=sum(r.get("updatedRows", 0) for r in responses),
                   totalUpdatedColumns=max(r.get("updatedColumns", 0) for r in responses),
                   totalUpdatedCells=sum(r.get("updatedCells", 0) for r in responses),
                   totalUpdatedSheets=len({r["updatedRange"].rsplit("!", 1)[0] for r in responses}),
                   responses=responses)
    return out
