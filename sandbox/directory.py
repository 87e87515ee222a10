"""Admin SDK Directory ``users.list``: who is in the workspace, for organisation-wide searches. Only an
administrator (directly, or impersonated by the service account) may list, as Google allows.

Query language (a conservative subset of Google's "Search for users"): space-separated terms, all must
hold; ``field:value`` matches a prefix with a trailing ``*`` and the whole value otherwise, ``field=value``
is exact; fields ``email``, ``name``, ``givenName``, ``familyName``, ``isAdmin``, ``isSuspended``,
``orgUnitPath``; values may be quoted; a bare word matches the start of the email or any name part.
Matching is case-insensitive."""
from __future__ import annotations

import base64
import json
import re
from typing import Any, Callable

from flask import Blueprint

from .errors import ApiError
from .oauth.identity import customer_id, split_name, subject_id
from .routing import Call, api_route
from .state import User, Workspace

bp = Blueprint("directory", __name__)
MAX_RESULTS = 500
_TERM = re.compile(r"""(?:(\w+)\s*([:=])\s*)?('([^']*)'|"([^"]*)"|(\S+))""")
_FIELDS = ("email", "name", "givenName", "familyName", "isAdmin", "isSuspended", "orgUnitPath")


def invalid(message: str, location: str | None = None) -> ApiError:
    return ApiError(400, message, "invalid", location=location)


def user_resource(ws: Workspace, u: User) -> dict[str, Any]:
    given, family = split_name(u.name)
    return {
        "kind": "admin#directory#user",
        "id": subject_id(u.email),
        "primaryEmail": u.email,
        "name": {"givenName": given, "familyName": family, "fullName": u.name},
        "isAdmin": u.admin,
        "isDelegatedAdmin": False,
        "suspended": False,
        "archived": False,
        "changePasswordAtNextLogin": False,
        "customerId": customer_id(ws.domain),
        "orgUnitPath": "/",
        "isMailboxSetup": True,
        "includeInGlobalAddressList": True,
    }


def _values(u: User, fld: str) -> list[str]:
    given, family = split_name(u.name)
    return {
        "email": [u.email], "name": [u.name, given, family], "givenName": [given], "familyName": [family],
        "isAdmin": [str(u.admin).lower()], "isSuspended": ["false"], "orgUnitPath": ["/"],
    }[fld]


def parse_query(query: str) -> list[Callable[[User], bool]]:
    """Terms of a Directory ``query``, each a predicate; unknown fields raise ``invalid`` as Google does."""
    preds: list[Callable[[User], bool]] = []
    pos = 0
    query = query.strip()
    while pos < len(query):
        m = _TERM.match(query, pos)
        if not m:
            raise invalid("Invalid Input", "query")
        pos = m.end()
        while pos < len(query) and query[pos].isspace():
            pos += 1
        fld, op = m.group(1), m.group(2)
        value = next(v for v in (m.group(4), m.group(5), m.group(6)) if v is not None).lower()
        if fld is None:
            preds.append(lambda u, v=value: any(
                x.lower().startswith(v) for x in (u.email, *u.name.split())
            ))
            continue
        canon = next((f for f in _FIELDS if f.lower() == fld.lower()), None)
        if canon is None:
            raise invalid(f"Invalid Input: unknown query field {fld}", "query")
        prefix = op == ":" and value.endswith("*")
        value = value.rstrip("*") if prefix else value
        preds.append(lambda u, f=canon, v=value, p=prefix: any(
            (x.lower().startswith(v) if p else x.lower() == v) for x in _values(u, f)
        ))
    return preds


def _page_token(offset: int, fingerprint: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([offset, fingerprint]).encode()).decode().rstrip("=")


def _read_page_token(token: str, fingerprint: str) -> int:
    try:
        offset, fp = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if fp != fingerprint or not isinstance(offset, int) or offset < 0:
            raise ValueError
    except (ValueError, TypeError):
        raise invalid("Invalid Input: pageToken", "pageToken") from None
    return offset


def list_users(ws: Workspace, args: dict[str, str]) -> dict[str, Any]:
    """The listing itself, free of HTTP: filter, order, page."""
    customer, domain = args.get("customer"), args.get("domain")
    if not customer and not domain:
        raise ApiError(400, "Bad Request", "badRequest")
    if customer and customer not in ("my_customer", customer_id(ws.domain)):
        raise ApiError(404, "Resource Not Found: customer", "notFound")
    if domain and domain.lower() != ws.domain.lower():
        raise ApiError(403, "Not Authorized to access this resource/api", "forbidden")
    try:
        max_results = int(args.get("maxResults", "100"))
    except ValueError:
        raise invalid("Invalid value for maxResults", "maxResults") from None
    if not 1 <= max_results <= MAX_RESULTS:
        raise invalid(f"Invalid value '{max_results}'. Values must be within the range: [1, {MAX_RESULTS}]", "maxResults")
    order_by = args.get("orderBy", "email")
    keys = {"email": lambda u: u.email, "givenName": lambda u: split_name(u.name)[0].lower(),
            "familyName": lambda u: split_name(u.name)[1].lower()}
    if order_by not in keys:
        raise invalid(f"Invalid value for orderBy: {order_by}", "orderBy")
    sort_order = args.get("sortOrder", "ASCENDING").upper()
    if sort_order not in ("ASCENDING", "DESCENDING"):
        raise invalid(f"Invalid value for sortOrder: {sort_order}", "sortOrder")
    preds = parse_query(args.get("query", ""))
    users = sorted(
        (u for u in ws.users.values() if all(p(u) for p in preds)),
        key=lambda u: (keys[order_by](u), u.email), reverse=sort_order == "DESCENDING",
    )
    fingerprint = "|".join(args.get(k, "") for k in ("customer", "domain", "orderBy", "sortOrder", "query"))
    offset = _read_page_token(args["pageToken"], fingerprint) if args.get("pageToken") else 0
    page = users[offset : offset + max_results]
    out: dict[str, Any] = {"kind": "admin#directory#users", "etag": f'"{len(users)}-{offset}"',
                           "users": [user_resource(ws, u) for u in page]}
    if offset + max_results < len(users):
        out["nextPageToken"] = _page_token(offset + max_results, fingerprint)
    return out


@api_route(bp, "directory.users.list")
def users_list(call: Call) -> dict[str, Any]:
    caller = call.ws.user(call.user)
    if caller is None or not caller.admin:
        raise ApiError(403, "Not Authorized to access this resource/api", "forbidden")
    return list_users(call.ws, call.args.to_dict(flat=True))
