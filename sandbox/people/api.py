"""People v1 routes: people.connections.list, people.searchContacts, otherContacts.list / search,
people.get and people.deleteContact, with Google's masks, page sizes and errors (gRPC-style bodies)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint

from ..errors import ApiError
from ..oauth.identity import subject_id
from ..paging import fingerprint, page, read_token
from ..routing import Call, api_route
from . import render
from .search import matches
from .store import book_of

bp = Blueprint("people", __name__)
_SORTS = {"LAST_MODIFIED_ASCENDING", "LAST_MODIFIED_DESCENDING", "FIRST_NAME_ASCENDING", "LAST_NAME_ASCENDING"}


def bad(message: str) -> ApiError:
    return ApiError(400, message, "badRequest")


def _size(call: Call, default: int, hi: int, cap: bool) -> int:
    raw = call.args.get("pageSize")
    try:
        n = int(raw) if raw not in (None, "") else 0
    except ValueError:
        raise bad(f"Invalid value at 'page_size' (TYPE_INT32), \"{raw}\"") from None
    if n < 0 or (n > hi and not cap):
        raise bad(f"Invalid pageSize: {n}. Valid values are between 1 and {hi}, inclusive." if not cap
                  else "Page size must be non-negative.")
    return default if n == 0 else min(n, hi)


def _token(call: Call, fp: str) -> int:
    try:
        return read_token(call.args.get("pageToken"), fp)
    except ValueError:
        raise bad("Invalid pageToken.") from None


def _sort(contacts, order: str):
    if order == "FIRST_NAME_ASCENDING":
        return sorted(contacts, key=lambda c: ((c.given_name or c.display_name).lower(), c.resource_name))
    if order == "LAST_NAME_ASCENDING":
        return sorted(contacts, key=lambda c: ((c.family_name or c.display_name).lower(), c.resource_name))
    return sorted(contacts, key=lambda c: (c.updated, c.resource_name), reverse=order == "LAST_MODIFIED_DESCENDING")


@api_route(bp, "people.people.connections.list", style="rpc")
def connections_list(call: Call, peopleId: str) -> dict[str, Any]:
    if peopleId != "me":
        raise bad("Only people/me is valid.")
    fields = render.parse_mask(call.args.get("personFields") or call.args.get("requestMask.includeField"),
                               "personFields", render.PERSON_FIELDS, "people.connections/list")
    order = call.args.get("sortOrder") or "LAST_MODIFIED_ASCENDING"
    if order not in _SORTS:
        raise bad(f"Invalid value at 'sort_order' (type.googleapis.com/google.apps.people.v1.ListConnectionsRequest.SortOrder), \"{order}\"")
    if call.args.get("syncToken"):
        raise bad("Sync tokens are not supported by the sandbox.")
    size = _size(call, 100, 1000, cap=False)
    fp = fingerprint("connections", call.user, sorted(fields), order, call.args.getlist("sources"))
    offset = _token(call, fp)
    people = _sort(book_of(call.ws, call.user).mine(other=False), order)
    chunk, token = page(people, offset, size, fp)
    out: dict[str, Any] = {}
    if chunk:
        out["connections"] = [render.person_json(c, fields) for c in chunk]
    if token:
        out["nextPageToken"] = token
    out["totalPeople"] = len(people)
    out["totalItems"] = len(people)
    return out


def _search(call: Call, other: bool, valid: frozenset[str], doc: str) -> dict[str, Any]:
    if "query" not in call.args:
        raise bad("query is required.")
    fields = render.parse_mask(call.args.get("readMask"), "readMask", valid, doc)
    size = _size(call, 10, 30, cap=True)
    query = call.args.get("query", "")
    if not query.strip():  # the documented warm-up request: nothing, but the cache is "warm"
        return {}
    found = [c for c in _sort(book_of(call.ws, call.user).mine(other), "LAST_MODIFIED_DESCENDING") if matches(c, query)]
    if not found:
        return {}
    return {"results": [{"person": render.person_json(c, fields)} for c in found[:size]]}


@api_route(bp, "people.people.searchContacts", style="rpc")
def search_contacts(call: Call) -> dict[str, Any]:
    for s in call.args.getlist("sources"):
        if s not in ("READ_SOURCE_TYPE_CONTACT", "READ_SOURCE_TYPE_PROFILE"):
            raise bad(f"Invalid sources: {s}")
    return _search(call, False, render.PERSON_FIELDS, "people/searchContacts")


@api_route(bp, "people.otherContacts.search", style="rpc")
def other_search(call: Call) -> dict[str, Any]:
    return _search(call, True, render.OTHER_SEARCH_FIELDS, "otherContacts/search")


@api_route(bp, "people.otherContacts.list", style="rpc")
def other_list(call: Call) -> dict[str, Any]:
    fields = render.parse_mask(call.args.get("readMask"), "readMask", render.OTHER_FIELDS, "otherContacts/list")
    sources = call.args.getlist("sources")
    if sources and "READ_SOURCE_TYPE_CONTACT" not in sources:
        raise bad("Specifying READ_SOURCE_TYPE_PROFILE without specifying READ_SOURCE_TYPE_CONTACT is not permitted.")
    if call.args.get("syncToken"):
        raise bad("Sync tokens are not supported by the sandbox.")
    size = _size(call, 100, 1000, cap=False)
    fp = fingerprint("other", call.user, sorted(fields))
    offset = _token(call, fp)
    people = _sort(book_of(call.ws, call.user).mine(other=True), "LAST_MODIFIED_ASCENDING")
    chunk, token = page(people, offset, size, fp)
    out: dict[str, Any] = {}
    if chunk:
        out["otherContacts"] = [render.person_json(c, fields) for c in chunk]
    if token:
        out["nextPageToken"] = token
    out["totalSize"] = len(people)
    return out


def _contact(call: Call, peopleId: str):
    c = book_of(call.ws, call.user).contacts.get(f"people/{peopleId}")
    if c is None:
        raise ApiError(404, "Requested entity was not found.", "notFound")
    return c


@api_route(bp, "people.people.get", style="rpc")
def people_get(call: Call, peopleId: str) -> dict[str, Any]:
    fields = render.parse_mask(call.args.get("personFields") or call.args.get("requestMask.includeField"),
                               "personFields", render.PERSON_FIELDS, "people/get")
    account = subject_id(call.user)
    if peopleId in ("me", account):
        user = call.ws.user(call.user)
        return render.profile_json(call.user, user.name if user else call.user, account, fields)
    if not call.has_scope(*(s for s in call.info.scopes if s.endswith(("/contacts", "/contacts.readonly")))):
        raise ApiError(403, "The caller does not have permission to request \"people/" + peopleId + "\". Request "
                            "requires one of the following scopes: [contacts, contacts.readonly].", "forbidden")
    return render.person_json(_contact(call, peopleId), fields)


@api_route(bp, "people.people.deleteContact", style="rpc")
def delete_contact(call: Call, peopleId: str) -> dict[str, Any]:
    c = _contact(call, peopleId)
    del book_of(call.ws, call.user).contacts[c.resource_name]
    return {}
