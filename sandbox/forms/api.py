"""Forms v1 routes: forms.get, forms.responses.list and forms.responses.get. The API has no way to delete a
response (the discovery document lists batchUpdate, create, get, setPublishSettings, responses.get/list and
watches only), so neither does the sandbox. Reading a form or its responses needs edit access to the form's
Drive file, as in Google Forms; an unknown id is 404, a form the caller cannot edit 403."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask import Blueprint

from ..errors import ApiError
from ..paging import fingerprint, page, read_token
from ..routing import Call, api_route
from .store import Form, response_json

bp = Blueprint("forms", __name__)
_FILTER = re.compile(r"^\s*timestamp\s*(>=|>)\s*(\S+)\s*$")


def bad(message: str) -> ApiError:
    return ApiError(400, message, "badRequest")


def form_of(call: Call, form_id: str) -> Form:
    form = call.ws.forms.get(form_id)
    f = call.ws.drive.files.get(form_id) if call.ws.drive is not None else None
    if form is None or f is None or f.trashed:
        raise ApiError(404, "Requested entity was not found.", "notFound")
    if not call.ws.drive.can_write(f, call.user):
        raise ApiError(403, "The caller does not have permission", "forbidden")
    return form


@api_route(bp, "forms.forms.get", style="rpc")
def forms_get(call: Call, formId: str) -> dict[str, Any]:
    return form_of(call, formId).to_json()


def parse_filter(flt: str) -> tuple[str, dt.datetime] | None:
    if not flt.strip():
        return None
    m = _FILTER.match(flt)
    if not m or not m.group(2).upper().endswith("Z"):
        raise bad(f"Invalid filter: {flt}")
    try:
        t = dt.datetime.fromisoformat(m.group(2)[:-1].replace("z", "") + "+00:00")
    except ValueError:
        raise bad(f"Invalid filter: {flt}") from None
    return m.group(1), t


@api_route(bp, "forms.forms.responses.list", style="rpc")
def responses_list(call: Call, formId: str) -> dict[str, Any]:
    form = form_of(call, formId)
    flt = call.args.get("filter", "")
    cond = parse_filter(flt)
    raw = call.args.get("pageSize")
    try:
        size = int(raw) if raw not in (None, "") else 0
    except ValueError:
        raise bad(f"Invalid value at 'page_size' (TYPE_INT32), \"{raw}\"") from None
    if size < 0:
        raise bad("page_size must not be negative")
    size = size or 5000
    items = sorted(form.responses.values(), key=lambda r: (r.submitted, r.id))
    if cond:
        op, t = cond
        items = [r for r in items if (r.submitted > t if op == ">" else r.submitted >= t)]
    fp = fingerprint("responses", formId, flt)
    try:
        offset = read_token(call.args.get("pageToken"), fp)
    except ValueError:
        raise bad("Invalid page token.") from None
    chunk, token = page(items, offset, size, fp)
    out: dict[str, Any] = {}
    if chunk:
        out["responses"] = [response_json(form, r) for r in chunk]
    if token:
        out["nextPageToken"] = token
    return out


@api_route(bp, "forms.forms.responses.get", style="rpc")
def responses_get(call: Call, formId: str, responseId: str) -> dict[str, Any]:
    form = form_of(call, formId)
    r = form.responses.get(responseId)
    if r is None:
        raise ApiError(404, "Requested entity was not found.", "notFound")
    return response_json(form, r)
