"""Gmail v1 endpoints of the sandbox. Authentication, the discovery scope check, quota and faults happen
in :func:`sandbox.routing.api_route`; here are the rules only Gmail has: what ``gmail.metadata`` may not do,
search, formats, label changes, paging."""
from __future__ import annotations

from typing import Callable, TypeVar

from flask import Blueprint

from ..errors import ApiError
from ..routing import Call, api_route
from . import render
from .labels import IMMUTABLE
from .query import QueryError, parse
from .store import Mailbox, Message, valid_id

bp = Blueprint("gmail", __name__)

METADATA_SCOPE = "https://www.googleapis.com/auth/gmail.metadata"
MAX_PAGE = 500
DEFAULT_PAGE = 100
MAX_IDS = 1000
T = TypeVar("T")


# -- helpers ----------------------------------------------------------------------------------------------
def _box(call: Call, user_id: str) -> Mailbox:
    email = call.resolve_user(user_id)
    box = call.ws.mailboxes.get(email)
    if box is None:
        if call.ws.user(email) is None:
            raise ApiError(400, "Mail service not enabled", "failedPrecondition")
        box = call.ws.mailboxes[email] = Mailbox(email)
    return box


def _metadata_only(call: Call) -> bool:
    """Google applies the metadata scope's limits whenever the token carries it, even beside wider ones."""
    return METADATA_SCOPE in call.grant.scopes


def _not_found() -> ApiError:
    return ApiError(404, "Requested entity was not found.", "notFound")


def _message(box: Mailbox, mid: str) -> Message:
    if not valid_id(mid):
        raise ApiError(400, "Invalid id value", "invalidArgument")
    msg = box.get(mid)
    if msg is None:
        raise _not_found()
    return msg


def _bool(call: Call, name: str) -> bool:
    value = call.args.get(name, "false").strip().lower()
    if value not in ("true", "false", "1", "0", ""):
        raise ApiError(400, f"Invalid value for boolean parameter {name}: {value!r}", "invalidArgument")
    return value in ("true", "1")


def _max_results(call: Call) -> int:
    raw = call.args.get("maxResults", "")
    if not raw:
        return DEFAULT_PAGE
    try:
        n = int(raw)
    except ValueError:
        raise ApiError(400, f"Invalid value at 'max_results' (TYPE_UINT32), \"{raw}\"", "invalidArgument") from None
    if n < 0:
        raise ApiError(400, f"Invalid value at 'max_results' (TYPE_UINT32), \"{raw}\"", "invalidArgument")
    return min(n, MAX_PAGE) if n else DEFAULT_PAGE


def _format(call: Call, allowed: tuple[str, ...]) -> str:
    fmt = (call.args.get("format") or "full").lower()
    if fmt not in allowed:
        raise ApiError(400, f"Invalid value at 'format', \"{call.args.get('format')}\"", "invalidArgument")
    if fmt in ("full", "raw") and _metadata_only(call):
        raise ApiError(403, f"Metadata scope doesn't allow format {fmt.upper()}", "forbidden")
    return fmt


def _query(call: Call):
    q = call.args.get("q", "")
    if q and _metadata_only(call):
        raise ApiError(403, "Metadata scope does not support 'q' parameter", "forbidden")
    try:
        return parse(q)
    except QueryError as e:
        raise ApiError(400, f"Invalid query: {e}", "invalidArgument") from None


def _page(items: list[T], key: Callable[[T], tuple[int, str]], call: Call) -> tuple[list[T], str | None]:
    """One page of newest-first ``items`` after the page token's position, and the next token."""
    size = _max_results(call)
    token = call.args.get("pageToken")
    start = 0
    if token:
        after = render.read_page_token(token)
        if after is None:
            raise ApiError(400, "Invalid pageToken", "invalidArgument")
        start = next((i for i, it in enumerate(items) if key(it) < after), len(items))
    page = items[start : start + size]
    more = start + size < len(items)
    return page, (render.page_token(*key(page[-1])) if more and page else None)


def _label_changes(box: Mailbox, body: dict) -> tuple[list[str], list[str]]:
    add = body.get("addLabelIds") or []
    remove = body.get("removeLabelIds") or []
    if not isinstance(add, list) or not isinstance(remove, list):
        raise ApiError(400, "addLabelIds and removeLabelIds must be lists of label ids", "invalidArgument")
    for lid in [*add, *remove]:
        if not isinstance(lid, str) or lid not in box.labels or lid in IMMUTABLE:
            raise ApiError(400, f"Invalid label: {lid}", "invalidArgument")
    return add, remove


def _ids(body: dict) -> list[str]:
    ids = body.get("ids")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise ApiError(400, "ids must be a non-empty list of message ids", "invalidArgument")
    if len(ids) > MAX_IDS:
        raise ApiError(400, f"Too many ids: at most {MAX_IDS} per request", "invalidArgument")
    for i in ids:
        if not valid_id(i):
            raise ApiError(400, "Invalid id value", "invalidArgument")
    return ids


# -- profile and labels -----------------------------------------------------------------------------------
@api_route(bp, "gmail.users.getProfile")
def get_profile(call: Call, userId: str):
    box = _box(call, userId)
    return {"emailAddress": box.email, "messagesTotal": len(box.messages), "threadsTotal": len(box.threads),
            "historyId": str(box.history_id)}


@api_route(bp, "gmail.users.labels.list")
def labels_list(call: Call, userId: str):
    box = _box(call, userId)
    return {"labels": [render.label_resource(box, lid, False) for lid in box.labels]}


@api_route(bp, "gmail.users.labels.get")
def labels_get(call: Call, userId: str, id: str):
    box = _box(call, userId)
    if id not in box.labels:
        raise _not_found()
    return render.label_resource(box, id, True)


@api_route(bp, "gmail.users.labels.create")
def labels_create(call: Call, userId: str):
    """A user label; Gmail refuses a name that is empty, a system label's, or already taken (409)."""
    box = _box(call, userId)
    name = (call.json().get("name") or "").strip()
    if not name:
        raise ApiError(400, "Invalid label name", "invalidArgument")
    if any(lab.name.lower() == name.lower() for lab in box.labels.values()):
        raise ApiError(409, "Label name exists or conflicts", "failedPrecondition")
    return render.label_resource(box, box.label_for(name), False)


@api_route(bp, "gmail.users.labels.delete")
def labels_delete(call: Call, userId: str, id: str):
    """Deletes a user label and takes it off every message it is on (as Gmail does)."""
    box = _box(call, userId)
    lab = box.labels.get(id)
    if lab is None:
        raise _not_found()
    if lab.type != "user":
        raise ApiError(400, "Invalid delete request", "invalidArgument")
    for msg in list(box.messages.values()):
        if id in msg.label_ids:
            box.modify(msg, [], [id])
    del box.labels[id]
    return None


# -- messages ---------------------------------------------------------------------------------------------
@api_route(bp, "gmail.users.messages.list")
def messages_list(call: Call, userId: str):
    box = _box(call, userId)
    node = _query(call)
    hits = box.search(node, call.args.getlist("labelIds"), _bool(call, "includeSpamTrash"))
    page, token = _page(hits, lambda m: (m.internal_date, m.id), call)
    out: dict = {}
    if page:
        out["messages"] = [{"id": m.id, "threadId": m.thread_id} for m in page]
    if token:
        out["nextPageToken"] = token
    out["resultSizeEstimate"] = len(hits)
    return out


@api_route(bp, "gmail.users.messages.get")
def messages_get(call: Call, userId: str, id: str):
    box = _box(call, userId)
    fmt = _format(call, render.FORMATS)
    return render.message_resource(_message(box, id), fmt, call.args.getlist("metadataHeaders"))


@api_route(bp, "gmail.users.messages.attachments.get")
def attachments_get(call: Call, userId: str, messageId: str, id: str):
    box = _box(call, userId)
    msg = _message(box, messageId)
    part = render.part_for_attachment(msg, id)
    if part is None:
        raise ApiError(400, "Invalid attachment token", "invalidArgument")
    data = part.data or b""
    return {"attachmentId": id, "size": len(data), "data": render.b64url(data)}


@api_route(bp, "gmail.users.messages.trash")
def messages_trash(call: Call, userId: str, id: str):
    box = _box(call, userId)
    msg = _message(box, id)
    box.trash(msg)
    return render.label_stub(msg)


@api_route(bp, "gmail.users.messages.untrash")
def messages_untrash(call: Call, userId: str, id: str):
    box = _box(call, userId)
    msg = _message(box, id)
    box.untrash(msg)
    return render.label_stub(msg)


@api_route(bp, "gmail.users.messages.modify")
def messages_modify(call: Call, userId: str, id: str):
    box = _box(call, userId)
    msg = _message(box, id)
    add, remove = _label_changes(box, call.json())
    box.modify(msg, add, remove)
    return render.label_stub(msg)


@api_route(bp, "gmail.users.messages.delete")
def messages_delete(call: Call, userId: str, id: str):
    box = _box(call, userId)
    box.delete(_message(box, id))
    return None


@api_route(bp, "gmail.users.messages.batchDelete")
def messages_batch_delete(call: Call, userId: str):
    box = _box(call, userId)
    for mid in _ids(call.json()):
        msg = box.get(mid)
        if msg is not None:
            box.delete(msg)
    return None


@api_route(bp, "gmail.users.messages.batchModify")
def messages_batch_modify(call: Call, userId: str):
    box = _box(call, userId)
    body = call.json()
    ids = _ids(body)
    add, remove = _label_changes(box, body)
    for mid in ids:
        msg = box.get(mid)
        if msg is not None:
            box.modify(msg, add, remove)
    return None


# -- threads ----------------------------------------------------------------------------------------------
@api_route(bp, "gmail.users.threads.list")
def threads_list(call: Call, userId: str):
    """Threads with at least one matching message (each message is matched on its own, as the API does),
    newest activity first."""
    box = _box(call, userId)
    node = _query(call)
    hits = box.search(node, call.args.getlist("labelIds"), _bool(call, "includeSpamTrash"))
    latest: dict[str, Message] = {}
    for m in hits:
        latest.setdefault(m.thread_id, box.thread(m.thread_id)[-1])
    threads = sorted(latest.items(), key=lambda kv: (kv[1].internal_date, kv[0]), reverse=True)
    page, token = _page(threads, lambda kv: (kv[1].internal_date, kv[0]), call)
    out: dict = {}
    if page:
        out["threads"] = [{"id": tid, "snippet": last.snippet,
                           "historyId": str(max(m.history_id for m in box.thread(tid)))} for tid, last in page]
    if token:
        out["nextPageToken"] = token
    out["resultSizeEstimate"] = len(threads)
    return out


@api_route(bp, "gmail.users.threads.get")
def threads_get(call: Call, userId: str, id: str):
    box = _box(call, userId)
    fmt = _format(call, ("full", "metadata", "minimal"))
    if not valid_id(id):
        raise ApiError(400, "Invalid id value", "invalidArgument")
    msgs = box.thread(id)
    if not msgs:
        raise _not_found()
    return render.thread_resource(id, msgs, fmt, call.args.getlist("metadataHeaders"))
