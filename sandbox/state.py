"""The in-memory Workspace the sandbox serves: users of one domain, their mailboxes and Drives,
spreadsheets, tokens, and the served-request log. One lock guards all of it; handlers are short."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class User:
    email: str
    name: str
    admin: bool = False


@dataclass
class Grant:
    """What an access token stands for: who, with which scopes, for which client, until when."""

    email: str
    scopes: frozenset[str]
    client_id: str
    expires_at: float
    refresh_token: str | None = None

    @property
    def expired(self) -> bool:
        return time.time() >= self.expires_at


@dataclass
class Workspace:
    domain: str = "example.test"
    users: dict[str, User] = field(default_factory=dict)
    #: email -> sandbox.gmail.store.Mailbox
    mailboxes: dict[str, Any] = field(default_factory=dict)
    #: sandbox.drive.store.DriveStore (files, folders, shared drives, permissions; spreadsheets live in it)
    drive: Any = None
    #: access token -> Grant
    tokens: dict[str, Grant] = field(default_factory=dict)
    #: refresh token -> Grant template (scopes, client, email)
    refresh_tokens: dict[str, Grant] = field(default_factory=dict)
    #: sandbox.calendar.store.CalendarStore; contacts: email -> sandbox.people.store.ContactBook;
    #: chat: sandbox.chat.store.ChatStore; forms: form id (its Drive file id) -> sandbox.forms.store.Form
    calendars: Any = None
    contacts: dict[str, Any] = field(default_factory=dict)
    chat: Any = None
    forms: dict[str, Any] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)
    #: problems met while loading the fixture: (path, reason)
    load_problems: list[tuple[str, str]] = field(default_factory=list)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("lock", None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        for name in ("contacts", "forms"):  # snapshots written before these sources existed
            self.__dict__.setdefault(name, {})
        self.lock = threading.RLock()

    def user(self, email: str) -> User | None:
        return self.users.get(email.lower())

    def in_domain(self, email: str) -> bool:
        return email.lower().rsplit("@", 1)[-1] == self.domain.lower()
