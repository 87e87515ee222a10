"""Gmail's label model: system labels, user labels (``Label_N``), Takeout's label names, and the
resource shapes labels.list / labels.get answer with."""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass

CATEGORIES = ("CATEGORY_PERSONAL", "CATEGORY_SOCIAL", "CATEGORY_PROMOTIONS", "CATEGORY_UPDATES", "CATEGORY_FORUMS")
SYSTEM = ("CHAT", "SENT", "INBOX", "IMPORTANT", "TRASH", "DRAFT", "SPAM", *CATEGORIES, "STARRED", "UNREAD")
#: System labels a client may not add or remove with modify (Gmail answers "Invalid label").
IMMUTABLE = frozenset(("DRAFT", "SENT", "CHAT"))
#: The system labels Gmail lists with visibility settings (the others carry only id, name, type).
_VISIBILITY = {"IMPORTANT": ("hide", "labelShow"), "CHAT": ("hide", "labelHide")}

#: Takeout's ``X-Gmail-Labels`` names (lower case) -> system label id; None means "no label" (read state
#: and archive markers).
TAKEOUT = {
    "inbox": "INBOX", "sent": "SENT", "sent mail": "SENT", "trash": "TRASH", "bin": "TRASH", "spam": "SPAM",
    "starred": "STARRED", "important": "IMPORTANT", "unread": "UNREAD", "draft": "DRAFT", "drafts": "DRAFT",
    "chat": "CHAT", "chats": "CHAT", "opened": None, "archived": None,
    "category personal": "CATEGORY_PERSONAL", "category social": "CATEGORY_SOCIAL",
    "category promotions": "CATEGORY_PROMOTIONS", "category updates": "CATEGORY_UPDATES",
    "category forums": "CATEGORY_FORUMS",
}


@dataclass
class Label:
    id: str
    name: str
    type: str  # "system" | "user"

    def resource(self) -> dict:
        out: dict = {"id": self.id, "name": self.name}
        if self.type == "user":
            out.update(messageListVisibility="show", labelListVisibility="labelShow")
        elif self.id in _VISIBILITY:
            out.update(messageListVisibility=_VISIBILITY[self.id][0], labelListVisibility=_VISIBILITY[self.id][1])
        out["type"] = self.type
        return out


def system_labels() -> list[Label]:
    return [Label(i, i, "system") for i in SYSTEM]


def split_takeout(value: str) -> list[str]:
    """``Inbox,Important,"Work, old",Opened`` -> names; quoted names may hold commas."""
    if not value.strip():
        return []
    row = next(csv.reader([value], skipinitialspace=True), [])
    return [n.strip() for n in row if n.strip()]


def takeout_labels(names: list[str]) -> tuple[list[str], list[str], bool, bool]:
    """(system label ids, user label names, saw "Opened", saw "Unread") for Takeout names."""
    system: list[str] = []
    user: list[str] = []
    opened = unread = False
    for name in names:
        key = " ".join(name.lower().split())
        if key in TAKEOUT:
            lid = TAKEOUT[key]
            opened |= key == "opened"
            unread |= lid == "UNREAD"
            if lid and lid != "UNREAD" and lid not in system:
                system.append(lid)
        elif name not in user:
            user.append(name)
    return system, user, opened, unread


def name_key(name: str) -> str:
    """How ``label:`` compares names: case-insensitive, with space, ``/`` and ``-`` interchangeable."""
    return re.sub(r"[\s/\-]+", "-", name.strip().lower())
