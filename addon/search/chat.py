"""Searching the Chat spaces one user is in: ``spaces.list`` (spaces, group chats, direct messages), then
every message of each (``spaces.messages.list``; the Chat API has no full-text search for a user), each
confirmed locally on its text and attachment names.

Paced: Google limits reads to 900 a minute per space, shared by every app reading it, and 3,000 message
reads a minute per project; :class:`ChatPacer` keeps the product at 90% of both, so a big space read by
several units at once does not run into 429s. A message seen by several members' units is one item (its
key is the message name), found by whichever unit read it first. Checkpointed after every page.

Item: ``{"source": "chat", "account" (the member whose unit found it), "space", "space_name",
"space_type", "message", "thread", "sender", "sender_email", "sender_type", "create_time", "matched"}``.
``sender_email`` is the sender's address when the Directory knows them (an account of the organisation),
else ``""``; only such a sender can delete it (the Chat API deletes only the caller's own messages).
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from googleapiclient.errors import HttpError

from scopes.quotas import CHAT_PER_MINUTE_PROJECT, CHAT_SPACE_READS_PER_MINUTE

from . import evidence

PAGE = 1000  # spaces.messages.list maximum pageSize
SPACES_PAGE = 1000
PER_SPACE_PER_MIN = CHAT_SPACE_READS_PER_MINUTE  # Google's published figures (scopes/quotas.py)
PER_PROJECT_MESSAGE_READS_PER_MIN = CHAT_PER_MINUTE_PROJECT["chat_message_read"]


class ChatPacer:
    """Token buckets per space and for the project, at 90% of Google's per-minute read quotas."""

    def __init__(self, per_space: float = PER_SPACE_PER_MIN, per_project: float = PER_PROJECT_MESSAGE_READS_PER_MIN,
                 margin: float = 0.9) -> None:
        self._rates = {"space": per_space / 60.0 * margin, "project": per_project / 60.0 * margin}
        self._caps = {"space": per_space / 60.0 * 5, "project": per_project / 60.0 * 5}  # a five-second burst
        self._buckets: dict[str, list[float]] = {}
        self._lock = threading.Lock()
        self.waited = 0.0

    def _reserve(self, key: str, kind: str, now: float) -> float:
        level, stamp = self._buckets.get(key, [self._caps[kind], now])
        level = min(self._caps[kind], level + (now - stamp) * self._rates[kind]) - 1
        self._buckets[key] = [level, now]
        return 0.0 if level >= 0 else -level / self._rates[kind]

    def acquire(self, space: str) -> None:
        with self._lock:
            now = time.monotonic()
            wait = max(self._reserve("space:" + space, "space", now), self._reserve("project", "project", now))
            self.waited += wait
        if wait > 0:
            time.sleep(wait)


#: Shared by every unit of the process (units run in threads).
PACER = ChatPacer()


def message_evidence(matcher: Any, msg: dict) -> list[dict]:
    names = [a.get("contentName", "") for a in msg.get("attachment") or []]
    return evidence.merge(
        evidence.from_hits(matcher.match_text(msg.get("text") or msg.get("formattedText") or ""), "message"),
        *[evidence.from_hits(matcher.match_text(n), "attachment_name") for n in names if n],
    )


def message_item(account: str, space: dict, msg: dict, matched: list[dict], sender_email: str) -> dict:
    sender = msg.get("sender") or {}
    return {"source": "chat", "account": account, "space": space["name"], "space_name": space.get("displayName", ""),
            "space_type": space.get("spaceType", space.get("type", "")), "message": msg["name"],
            "thread": (msg.get("thread") or {}).get("name", ""), "sender": sender.get("name", ""),
            "sender_email": sender_email, "sender_type": sender.get("type", ""),
            "create_time": msg.get("createTime", ""), "matched": matched}


def list_spaces(service: Any) -> list[dict]:
    out, token = [], None
    while True:
        resp = service.spaces().list(pageSize=SPACES_PAGE, pageToken=token).execute()
        out += [{"name": s["name"], "displayName": s.get("displayName", ""), "spaceType": s.get("spaceType", "")}
                for s in resp.get("spaces", [])]
        token = resp.get("nextPageToken")
        if not token:
            return out


@dataclass
class ChatUnit:
    """The spaces of one user for one case; ``state`` is the JSON-able checkpoint."""

    account: str
    service: Any  # Chat v1 resource, audited (chat.spaces.readonly + chat.messages.readonly)
    matcher: Any
    state: dict
    save: Callable[[dict], None]
    emit: Callable[[list[dict]], None]
    progress: Callable[[str, int], None] = lambda kind, n: None
    #: "users/123" -> the sender's email, or "" (not an account of the organisation); None: no look-ups
    sender_email: Callable[[str], str] | None = None
    pacer: ChatPacer = field(default_factory=lambda: PACER)

    def run(self) -> None:
        st = self.state
        if "spaces" not in st:
            st["spaces"] = list_spaces(self.service)
            st["pages"] = {}
            self.save(st)
        for space in st["spaces"]:
            key = space["name"]
            while st["pages"].get(key) != "":
                self.pacer.acquire(key)
                try:
                    resp = self.service.spaces().messages().list(
                        parent=key, pageSize=PAGE, pageToken=st["pages"].get(key) or None).execute()
                except HttpError as e:
                    if e.resp.status in (403, 404):  # left the space, or it was deleted, since it was listed
                        st["pages"][key] = ""
                        break
                    raise
                msgs = resp.get("messages", [])
                items = []
                for m in msgs:
                    if m.get("deleteTime"):
                        continue
                    matched = message_evidence(self.matcher, m)
                    if matched:
                        who = (m.get("sender") or {}).get("name", "")
                        email = self.sender_email(who) if (self.sender_email and who) else ""
                        items.append(message_item(self.account, space, m, matched, email))
                self.progress("candidates", len(msgs))
                self.progress("fetched", len(msgs))
                st["pages"][key] = resp.get("nextPageToken") or ""
                if items:
                    self.emit(items)
                self.save(st)


def directory_lookup(directory: Any) -> Callable[[str], str]:
    """``users/{id}`` -> primary email from the Admin Directory ("" for someone outside it). The users are
    listed once, on the first look-up (one call per 500 users), rather than fetched one by one."""
    ids: dict[str, str] | None = None
    lock = threading.Lock()

    def load() -> dict[str, str]:
        out, token = {}, None
        while True:
            resp = directory.users().list(customer="my_customer", maxResults=500, pageToken=token).execute()
            for u in resp.get("users", []):
                out[str(u.get("id", ""))] = u.get("primaryEmail", "").lower()
            token = resp.get("nextPageToken")
            if not token:
                return out

    def look(user: str) -> str:
        nonlocal ids
        with lock:
            if ids is None:
                ids = load()
            return ids.get(user.removeprefix("users/"), "")

    return look
