"""spreadsheets.batchUpdate: each request kind applied to the model, all-or-nothing as the API does
(the book is restored when any request fails), with the API's replies and error messages."""
from __future__ import annotations

import copy
from typing import Any, Callable

from ..drive import fields as fieldmask
from ..errors import ApiError
from .model import Sheet, Spreadsheet, grid_bounds

Handler = Callable[["Context", dict[str, Any]], dict[str, Any] | None]
_HANDLERS: dict[str, Handler] = {}


class Context:
    def __init__(self, book: Spreadsheet, user: str, editor: Callable[..., None] | None = None) -> None:
        self.book = book
        self.user = user
        self.editor = editor  # checks protected ranges before a cell write


def handles(name: str) -> Callable[[Handler], Handler]:
    def deco(fn: Handler) -> Handler:
        _HANDLERS[name] = fn
        return fn
    return deco


class RequestError(ValueError):
    pass


def apply(book: Spreadsheet, requests: list[Any], user: str, editor: Callable[..., None] | None = None) -> list[dict]:
    """Apply every request or none; returns the replies."""
    if not isinstance(requests, list):
        raise ApiError(400, "Invalid JSON payload received. 'requests' must be a list.", "badRequest")
    saved = (copy.deepcopy(book.sheets), copy.deepcopy(book.named_ranges), copy.deepcopy(book.properties))
    ctx = Context(book, user, editor)
    replies: list[dict[str, Any]] = []
    try:
        for i, req in enumerate(requests):
            if not isinstance(req, dict) or len(req) != 1:
                raise ApiError(400, f"Invalid requests[{i}]: exactly one request kind must be set.", "badRequest")
            (kind, body), = req.items()
            handler = _HANDLERS.get(kind)
            if handler is None:
                raise ApiError(400, f"Invalid JSON payload received. Unknown name \"{kind}\" at 'requests[{i}]': "
                               "Cannot find field.", "badRequest")
            try:
                reply = handler(ctx, body or {})
            except RequestError as e:
                raise ApiError(400, f"Invalid requests[{i}].{kind}: {e}", "badRequest") from None
            except (KeyError, TypeError, ValueError) as e:
                raise ApiError(400, f"Invalid requests[{i}].{kind}: {e}", "badRequest") from None
            replies.append({kind: reply} if reply is not None else {})
    except ApiError:
        book.sheets, book.named_ranges, book.properties = saved
        raise
    book.reindex()
    return replies


# --- helpers -----------------------------------------------------------------------------------------
def target_sheet(ctx: Context, sheet_id: Any) -> Sheet:
    for s in ctx.book.sheets:
        if s.sheet_id == int(sheet_id or 0):
            return s
    raise RequestError(f"No grid with id: {sheet_id}")


def target_range(ctx: Context, gr: dict[str, Any]) -> tuple[Sheet, int, int, int, int]:
    sheet = target_sheet(ctx, gr.get("sheetId", 0))
    r0, c0, r1, c1 = grid_bounds(gr, sheet)
    if r0 < 0 or c0 < 0 or r1 < r0 or c1 < c0:
        raise RequestError("Invalid range.")
    return sheet, r0, c0, r1, c1


def _set_path(target: dict[str, Any], source: dict[str, Any], path: list[str]) -> None:
    key, rest = path[0], path[1:]
    if not rest:
        if key in source and source[key] is not None:
            target[key] = copy.deepcopy(source[key])
        else:
            target.pop(key, None)
        return
    sub_src = source.get(key) or {}
    sub = target.setdefault(key, {})
    _set_path(sub, sub_src, rest)
    if not sub:
        target.pop(key, None)


def apply_mask(target: dict[str, Any], source: dict[str, Any], mask_text: str) -> None:
    """Copy the fields named in an update mask from ``source`` to ``target`` (absent ones are cleared)."""
    if not mask_text:
        raise RequestError("At least one field must be updated, but 'fields' is empty.")
    mask = fieldmask.parse(mask_text)
    if mask is None:
        for k in list(target):
            if k not in ("sheetId",):
                target.pop(k)
        target.update(copy.deepcopy(source))
        return
    for path in _paths(mask):
        _set_path(target, source, path)


def _paths(mask: fieldmask.Mask, prefix: list[str] | None = None) -> list[list[str]]:
    out = []
    for k, sub in mask.items():
        p = (prefix or []) + [k]
        out.extend([p] if sub is None else _paths(sub, p))
    return out


def cell_fields(target: dict[str, Any], source: dict[str, Any], mask_text: str) -> dict[str, Any]:
    cell = copy.deepcopy(target)
    apply_mask(cell, source, mask_text)
    if "userEnteredFormat" in cell:
        cell["userEnteredFormat"] = with_color_styles(cell["userEnteredFormat"])
    for key in ("note", "hyperlink"):
        if cell.get(key) == "":
            del cell[key]  # an empty note is no note
    return cell


def with_color_styles(fmt: Any) -> Any:
    """The API stores every ``xColor`` also as ``xColorStyle: {rgbColor: ...}``."""
    if isinstance(fmt, list):
        return [with_color_styles(v) for v in fmt]
    if not isinstance(fmt, dict):
        return fmt
    out = {k: with_color_styles(v) for k, v in fmt.items()}
    for k, v in list(out.items()):
        if k.endswith("Color") and isinstance(v, dict):
            out[k] = {c: x for c, x in v.items() if x}  # zero channels are not written
            if k + "Style" not in out:
                out[k + "Style"] = {"rgbColor": dict(out[k])}
    return out




def _register() -> None:
    from . import cellrequests, rangerequests, sheetrequests  # noqa: F401  (handlers register themselves)


_register()
