"""Chat v1 state: spaces (named spaces, group chats, direct messages), their members and messages. People are
``users/<account id>`` (the Directory/ID-token id), which is what the API shows under user authentication."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from ..oauth.identity import subject_id

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def short_id(text: str, n: int = 11) -> str:
    """A Chat-like id (``AAAAxYz…``): URL-safe characters derived from ``text``."""
    num = int.from_bytes(hashlib.sha256(text.encode()).digest(), "big")
    out = []
    for _ in range(n):
        num, r = divmod(num, 64)
        out.append(_ALPHABET[r])
    return "".join(out)


def user_name(email: str) -> str:
    return "users/" + subject_id(email)


@dataclass
class Member:
    email: str
    display_name: str = ""
    role: str = "ROLE_MEMBER"  # or ROLE_MANAGER
    type: str = "HUMAN"  # or BOT
    joined: dt.datetime | None = None


@dataclass
class Message:
    id: str  # "<msg>.<msg>"
    space_id: str
    sender: str  # email, or "app:<name>" for a Chat app's own messages
    sender_type: str  # HUMAN or BOT
    text: str
    create_time: dt.datetime
    thread_id: str
    deleted: dt.datetime | None = None
    deletion_type: str | None = None
    attachments: list[str] = field(default_factory=list)  # file names (contents are not modelled)

    @property
    def name(self) -> str:
        return f"spaces/{self.space_id}/messages/{self.id}"


@dataclass
class Space:
    id: str
    display_name: str
    space_type: str  # SPACE, GROUP_CHAT, DIRECT_MESSAGE
    members: dict[str, Member] = field(default_factory=dict)
    messages: dict[str, Message] = field(default_factory=dict)
    create_time: dt.datetime | None = None

    @property
    def name(self) -> str:
        return f"spaces/{self.id}"

    def ordered(self) -> list[Message]:
        return sorted(self.messages.values(), key=lambda m: (m.create_time, m.id))


@dataclass
class ChatStore:
    spaces: dict[str, Space] = field(default_factory=dict)

    def of(self, user: str) -> list[Space]:
        """Spaces the user is a member of; group chats and DMs only once they hold a message, as Google lists them."""
        mine = [s for s in self.spaces.values() if user.lower() in s.members
                and (s.space_type == "SPACE" or s.messages)]
        return sorted(mine, key=lambda s: (s.create_time or dt.datetime.min.replace(tzinfo=dt.timezone.utc), s.id))
