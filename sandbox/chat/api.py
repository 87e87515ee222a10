"""Chat v1 routes: spaces.list, spaces.get, spaces.members.list, spaces.messages.list / get / delete.

Who may delete: under user authentication (``chat.messages``, ``chat.import``) only the message's sender;
under app authentication (``chat.bot``) only messages the calling app created. The discovery document gives
``messages.delete`` no ``useAdminAccess``, so an administrator cannot delete someone else's message through
the API; the way to erase one is to impersonate its sender (domain-wide delegation). Anything else is 403
PERMISSION_DENIED. Per-space read and write quotas are charged here (they need the space)."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask import Blueprint

from ..errors import ApiError
from ..paging import fingerprint, page, read_token
from ..routing import Call, api_route, sandbox
from .store import ChatStore, Message, Space, user_name

bp = Blueprint("chat", __name__)
BOT = "https://www.googleapis.com/auth/chat.bot"
_TIME_TERM = re.compile(r'^\s*create_?[tT]ime\s*(>=|<=|>|<)\s*"([^"]+)"\s*$')
_THREAD_TERM = re.compile(r'^\s*thread\.name\s*=\s*(\S+)\s*$')
_TYPE_TERM = re.compile(r'^\s*space_?[tT]ype\s*=\s*"([A-Z_]+)"\s*$')


def bad(message: str) -> ApiError:
    return ApiError(400, message, "badRequest")


def denied(message: str = "The caller does not have permission") -> ApiError:
    return ApiError(403, message, "forbidden")


def store_of(call: Call) -> ChatStore:
    if call.ws.chat is None:
        call.ws.chat = ChatStore()
    return call.ws.chat


def stamp(t: dt.datetime) -> str:
    return t.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _is_app(call: Call) -> bool:
    return BOT in call.grant.scopes


def space_of(call: Call, space_id: str) -> Space:
    space = store_of(call).spaces.get(space_id)
    if space is None:
        raise ApiError(404, "Requested entity was not found.", "notFound")
    if call.user not in space.members and not _is_app(call):
        raise denied()
    return space


def _size(call: Call, default: int) -> int:
    raw = call.args.get("pageSize")
    try:
        n = int(raw) if raw not in (None, "") else 0
    except ValueError:
        raise bad(f"Invalid value at 'page_size' (TYPE_INT32), \"{raw}\"") from None
    if n < 0:
        raise bad("Page size must not be negative.")
    return default if n == 0 else min(n, 1000)


def _offset(call: Call, fp: str) -> int:
    try:
        return read_token(call.args.get("pageToken"), fp)
    except ValueError:
        raise bad("Invalid page token.") from None


def space_json(s: Space) -> dict[str, Any]:
    out: dict[str, Any] = {"name": s.name, "type": "DM" if s.space_type == "DIRECT_MESSAGE" else "ROOM",
                           "spaceType": s.space_type}
    if s.space_type == "DIRECT_MESSAGE":
        out["singleUserBotDm"] = False
    if s.display_name:
        out["displayName"] = s.display_name
    out["spaceThreadingState"] = "THREADED_MESSAGES" if s.space_type == "SPACE" else "UNTHREADED_MESSAGES"
    out["spaceHistoryState"] = "HISTORY_ON"
    if s.create_time:
        out["createTime"] = stamp(s.create_time)
    latest = max((m.create_time for m in s.messages.values()), default=None)
    if latest:
        out["lastActiveTime"] = stamp(latest)
    out["membershipCount"] = {"joinedDirectHumanUserCount": sum(1 for m in s.members.values() if m.type == "HUMAN")}
    out["externalUserAllowed"] = False
    out["spaceUri"] = f"https://mail.google.com/chat/u/0/#chat/space/{s.id}"
    return out


def message_json(m: Message) -> dict[str, Any]:
    """Under user authentication the sender carries only ``name`` and ``type``, as Google returns it."""
    if m.deleted is not None:
        return {"name": m.name, "createTime": stamp(m.create_time), "deleteTime": stamp(m.deleted),
                "deletionMetadata": {"deletionType": m.deletion_type or "CREATOR"},
                "thread": {"name": f"spaces/{m.space_id}/threads/{m.thread_id}"},
                "space": {"name": f"spaces/{m.space_id}"}}
    sender = ({"name": "users/app", "type": "BOT"} if m.sender_type == "BOT"
              else {"name": user_name(m.sender), "type": "HUMAN"})
    out: dict[str, Any] = {"name": m.name, "sender": sender, "createTime": stamp(m.create_time),
                           "text": m.text, "formattedText": m.text,
                           "thread": {"name": f"spaces/{m.space_id}/threads/{m.thread_id}"},
                           "space": {"name": f"spaces/{m.space_id}"}, "argumentText": m.text}
    if m.attachments:
        out["attachment"] = [{"name": f"{m.name}/attachments/{i}", "contentName": n,
                              "source": "UPLOADED_CONTENT"} for i, n in enumerate(m.attachments)]
    return out


@api_route(bp, "chat.spaces.list", style="rpc")
def spaces_list(call: Call) -> dict[str, Any]:
    spaces = store_of(call).of(call.user)
    flt = call.args.get("filter", "").strip()
    if flt:
        wanted = set()
        for term in re.split(r"\s+OR\s+", flt):
            m = _TYPE_TERM.match(term)
            if not m or m.group(1) not in ("SPACE", "GROUP_CHAT", "DIRECT_MESSAGE"):
                raise bad(f"Invalid filter: {flt}")
            wanted.add(m.group(1))
        spaces = [s for s in spaces if s.space_type in wanted]
    fp = fingerprint("spaces", call.user, flt)
    chunk, token = page(spaces, _offset(call, fp), _size(call, 100), fp)
    out: dict[str, Any] = {}
    if chunk:
        out["spaces"] = [space_json(s) for s in chunk]
    if token:
        out["nextPageToken"] = token
    return out


@api_route(bp, "chat.spaces.get", style="rpc")
def spaces_get(call: Call, spacesId: str) -> dict[str, Any]:
    sandbox().quotas.charge_space("read", spacesId)
    return space_json(space_of(call, spacesId))


@api_route(bp, "chat.spaces.members.list", style="rpc")
def members_list(call: Call, spacesId: str) -> dict[str, Any]:
    sandbox().quotas.charge_space("read", spacesId)
    space = space_of(call, spacesId)
    members = sorted(space.members.values(), key=lambda m: m.email)
    if call.args.get("filter"):
        raise bad("The sandbox does not filter memberships.")
    fp = fingerprint("members", call.user, spacesId)
    chunk, token = page(members, _offset(call, fp), _size(call, 100), fp)
    out: dict[str, Any] = {}
    if chunk:
        out["memberships"] = [{"name": f"{space.name}/members/{user_name(m.email)[6:]}", "state": "JOINED",
                               "role": m.role, "member": {"name": user_name(m.email), "type": m.type},
                               **({"createTime": stamp(space.create_time)} if space.create_time else {})}
                              for m in chunk]
    if token:
        out["nextPageToken"] = token
    return out


def parse_filter(flt: str) -> tuple[list[tuple[str, dt.datetime]], str | None]:
    """``create_time > "RFC3339" AND create_time < "…"`` and ``thread.name = spaces/x/threads/y``."""
    bounds, thread = [], None
    for term in re.split(r"\s+AND\s+", flt.strip()) if flt.strip() else []:
        m = _TIME_TERM.match(term)
        if m:
            try:
                t = dt.datetime.fromisoformat(m.group(2).replace("Z", "+00:00"))
            except ValueError:
                raise bad(f"Invalid filter: {flt}") from None
            if t.tzinfo is None:
                raise bad(f"Invalid filter: {flt}")
            bounds.append((m.group(1), t))
            continue
        m = _THREAD_TERM.match(term)
        if m:
            thread = m.group(1).strip('"')
            continue
        raise bad(f"Invalid filter: {flt}")
    return bounds, thread


def _keep(m: Message, bounds, thread: str | None) -> bool:
    for op, t in bounds:
        c = m.create_time
        if not ((op == ">" and c > t) or (op == ">=" and c >= t) or (op == "<" and c < t) or (op == "<=" and c <= t)):
            return False
    return thread is None or thread == f"spaces/{m.space_id}/threads/{m.thread_id}"


@api_route(bp, "chat.spaces.messages.list", style="rpc")
def messages_list(call: Call, spacesId: str) -> dict[str, Any]:
    sandbox().quotas.charge_space("read", spacesId)
    space = space_of(call, spacesId)
    flt = call.args.get("filter", "")
    bounds, thread = parse_filter(flt)
    order = (call.args.get("orderBy") or "create_time ASC").replace("createTime", "create_time").split()
    if order[0] != "create_time" or (len(order) > 1 and order[1].upper() not in ("ASC", "DESC")) or len(order) > 2:
        raise bad(f"Invalid orderBy: {call.args.get('orderBy')}")
    desc = len(order) == 2 and order[1].upper() == "DESC"
    show_deleted = (call.args.get("showDeleted") or "").lower() == "true"
    msgs = [m for m in space.ordered() if (show_deleted or m.deleted is None) and _keep(m, bounds, thread)]
    if desc:
        msgs.reverse()
    fp = fingerprint("messages", call.user, spacesId, flt, desc, show_deleted)
    chunk, token = page(msgs, _offset(call, fp), _size(call, 25), fp)
    out: dict[str, Any] = {}
    if chunk:
        out["messages"] = [message_json(m) for m in chunk]
    if token:
        out["nextPageToken"] = token
    return out


def _message(call: Call, spacesId: str, messagesId: str) -> tuple[Space, Message]:
    space = space_of(call, spacesId)
    m = space.messages.get(messagesId)
    if m is None or m.deleted is not None:
        raise ApiError(404, "Message not found.", "notFound")
    return space, m


@api_route(bp, "chat.spaces.messages.get", style="rpc")
def messages_get(call: Call, spacesId: str, messagesId: str) -> dict[str, Any]:
    sandbox().quotas.charge_space("read", spacesId)
    return message_json(_message(call, spacesId, messagesId)[1])


@api_route(bp, "chat.spaces.messages.delete", style="rpc")
def messages_delete(call: Call, spacesId: str, messagesId: str) -> dict[str, Any]:
    sandbox().quotas.charge_space("write", spacesId)
    _, m = _message(call, spacesId, messagesId)
    if _is_app(call) and not call.has_scope("https://www.googleapis.com/auth/chat.messages"):
        if m.sender_type != "BOT":
            raise denied("The caller does not have permission: a Chat app can delete only messages it created.")
    elif m.sender != call.user:
        raise denied("The caller does not have permission: only the message's sender can delete it.")
    m.deleted = dt.datetime.now(dt.timezone.utc)
    m.deletion_type = "APP_MESSAGE_EXPIRY" if m.sender_type == "BOT" else "CREATOR"
    return {}
