"""batchUpdate requests on named and protected ranges, conditional formats and the basic filter."""
from __future__ import annotations

import copy
import secrets
from typing import Any

from .batchupdate import Context, RequestError, apply_mask, target_range, target_sheet, handles
from .model import grid_range


# --- named and protected ranges, rules, filters -------------------------------------------------------
def _new_id() -> int:
    return secrets.randbelow(2**31 - 2) + 1


@handles("addNamedRange")
def _add_named(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    nr = copy.deepcopy(body.get("namedRange") or {})
    if not nr.get("name"):
        raise RequestError("Named range must have a name.")
    if ctx.book.named(nr["name"]):
        raise RequestError(f"Named range with name {nr['name']} already exists.")
    sheet, r0, c0, r1, c1 = target_range(ctx, nr.get("range") or {})
    nr["namedRangeId"] = str(nr.get("namedRangeId") or _new_id())
    nr["range"] = grid_range(sheet.sheet_id, r0, c0, r1, c1)
    ctx.book.named_ranges.append({"namedRangeId": nr["namedRangeId"], "name": nr["name"], "range": nr["range"]})
    return {"namedRange": copy.deepcopy(ctx.book.named_ranges[-1])}


def _named_by_id(ctx: Context, nid: Any) -> dict[str, Any]:
    for n in ctx.book.named_ranges:
        if n["namedRangeId"] == str(nid):
            return n
    raise RequestError(f"No named range with id {nid}.")


@handles("deleteNamedRange")
def _del_named(ctx: Context, body: dict[str, Any]) -> None:
    ctx.book.named_ranges.remove(_named_by_id(ctx, body.get("namedRangeId")))
    return None


@handles("updateNamedRange")
def _upd_named(ctx: Context, body: dict[str, Any]) -> None:
    src = body.get("namedRange") or {}
    nr = _named_by_id(ctx, src.get("namedRangeId"))
    apply_mask(nr, src, body.get("fields", ""))
    nr["namedRangeId"] = str(src.get("namedRangeId"))
    if "range" in nr:
        sheet, r0, c0, r1, c1 = target_range(ctx, nr["range"])
        nr["range"] = grid_range(sheet.sheet_id, r0, c0, r1, c1)
    return None


def _protected_out(pr: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in pr.items() if k == "editors" or v not in (None, False, "")}


@handles("addProtectedRange")
def _add_protected(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    src = body.get("protectedRange") or {}
    if "range" in src:
        sheet, r0, c0, r1, c1 = target_range(ctx, src["range"])
        rng = {k: v for k, v in src["range"].items() if k != "sheetId" or v}
    else:
        sheet = target_sheet(ctx, src.get("sheetId", 0))
        rng = None
    pid = src.get("protectedRangeId") or _new_id()
    pr: dict[str, Any] = {"protectedRangeId": pid}
    if rng is not None:
        pr["range"] = rng
    else:
        pr["sheetId"] = sheet.sheet_id
    for k in ("description", "warningOnly", "namedRangeId", "unprotectedRanges"):
        if src.get(k):
            pr[k] = copy.deepcopy(src[k])
    pr["requestingUserCanEdit"] = True
    given = {k: v for k, v in (src.get("editors") or {}).items() if v}
    reply = dict(pr, editors=copy.deepcopy(given))
    if not src.get("warningOnly"):
        stored = copy.deepcopy(given)
        users = stored.setdefault("users", [])
        if ctx.user not in users:
            users.append(ctx.user)
        pr["editors"] = stored
    else:
        pr["editors"] = {"users": [ctx.user]}
    sheet.protected_ranges.append(pr)
    return {"protectedRange": _protected_out(reply)}


@handles("deleteProtectedRange")
def _del_protected(ctx: Context, body: dict[str, Any]) -> None:
    pid = body.get("protectedRangeId")
    for s in ctx.book.sheets:
        for p in s.protected_ranges:
            if str(p["protectedRangeId"]) == str(pid):
                s.protected_ranges.remove(p)
                return None
    raise RequestError(f"No protected range with id: {pid}")


@handles("updateProtectedRange")
def _upd_protected(ctx: Context, body: dict[str, Any]) -> None:
    src = body.get("protectedRange") or {}
    for s in ctx.book.sheets:
        for p in s.protected_ranges:
            if str(p["protectedRangeId"]) == str(src.get("protectedRangeId")):
                apply_mask(p, src, body.get("fields", ""))
                return None
    raise RequestError(f"No protected range with id: {src.get('protectedRangeId')}")


@handles("addConditionalFormatRule")
def _add_cf(ctx: Context, body: dict[str, Any]) -> None:
    rule = copy.deepcopy(body.get("rule") or {})
    ranges = rule.get("ranges") or []
    if not ranges or not ("booleanRule" in rule or "gradientRule" in rule):
        raise RequestError("A conditional format rule needs ranges and a booleanRule or gradientRule.")
    sheet = target_sheet(ctx, ranges[0].get("sheetId", 0))
    rule["ranges"] = [{k: v for k, v in r.items() if k != "sheetId" or v} for r in ranges]
    index = int(body.get("index", len(sheet.conditional_formats)))
    sheet.conditional_formats.insert(min(index, len(sheet.conditional_formats)), rule)
    return None


@handles("deleteConditionalFormatRule")
def _del_cf(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    sheet = target_sheet(ctx, body.get("sheetId", 0))
    index = int(body.get("index", 0))
    if not 0 <= index < len(sheet.conditional_formats):
        raise RequestError(f"No conditional format on sheet {sheet.sheet_id} at index {index}.")
    return {"rule": sheet.conditional_formats.pop(index)}


@handles("setBasicFilter")
def _set_filter(ctx: Context, body: dict[str, Any]) -> None:
    flt = copy.deepcopy(body.get("filter") or {})
    sheet, r0, c0, r1, c1 = target_range(ctx, flt.get("range") or {})
    flt["range"] = grid_range(sheet.sheet_id, r0, c0, r1, c1)
    sheet.basic_filter = flt
    return None


@handles("clearBasicFilter")
def _clear_filter(ctx: Context, body: dict[str, Any]) -> None:
    target_sheet(ctx, body.get("sheetId", 0)).basic_filter = None
    return None
