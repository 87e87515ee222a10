"""One user's mailbox: messages with Gmail ids, labels, threads and history ids, kept in step with the
search index. Callers hold the workspace lock; nothing here does I/O."""
from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass

from .index import Index
from .labels import CATEGORIES, SYSTEM, Label, name_key, system_labels
from .mime import Analysis, analyse
from .query import Node, reaches_spam_trash
from .search import HAS_ATTACHMENT, evaluate

_REPLY_PREFIX = re.compile(r"^\s*((re|fwd?|aw|sv|wg|antw|tr|rif)\s*(\[\d+\])?\s*:\s*)+", re.I)
_ID = re.compile(r"[0-9a-f]{1,16}")


def thread_subject(subject: str) -> str:
    """The subject threads are compared on: reply/forward prefixes dropped, spacing and case ignored."""
    return " ".join(_REPLY_PREFIX.sub("", subject).split()).lower()


def valid_id(value: str) -> bool:
    return bool(_ID.fullmatch(value))


@dataclass(eq=False)
class Message:
    id: str
    thread_id: str
    ordinal: int
    raw: bytes
    label_ids: set[str]
    internal_date: int  # epoch ms
    history_id: int
    snippet: str
    rfc822_id: str
    subject: str
    has_attachment: bool
    #: whether trash() took INBOX away (untrash gives it back)
    trashed_from_inbox: bool = False

    @property
    def size_estimate(self) -> int:
        return len(self.raw)


class Mailbox:
    def __init__(self, email: str) -> None:
        self.email = email.lower()
        self.messages: dict[str, Message] = {}
        self.labels: dict[str, Label] = {lab.id: lab for lab in system_labels()}
        self.threads: dict[str, list[str]] = {}  # thread id -> message ids, in arrival order
        self.index = Index()
        self.history_id = 1000
        self._by_ordinal: dict[int, Message] = {}
        self._next_ordinal = 0
        self._next_label = 1
        # Per-mailbox start for the id's low bits, so one message delivered to two mailboxes gets two ids
        # (as in Gmail), and code that forgets which account an id belongs to is caught.
        self._seq = int.from_bytes(hashlib.sha256(self.email.encode()).digest()[:3], "big") & 0xFFFFF
        self._thread_of: dict[str, str] = {}  # RFC 822 Message-ID -> thread id
        self._awaiting: dict[str, list[tuple[str, str]]] = {}  # Message-ID -> [(thread id, subject)] that cite it
        self._order: list[int] | None = None

    # -- labels -----------------------------------------------------------------------------------------
    def label_for(self, name_or_id: str, *, create: bool = True) -> str | None:
        """The label id for a system id, a user label id or a user label name (created when new)."""
        if name_or_id in self.labels:
            return name_or_id
        for lab in self.labels.values():
            if lab.type == "user" and lab.name == name_or_id:
                return lab.id
        if not create:
            return None
        lid = f"Label_{self._next_label}"
        self._next_label += 1
        self.labels[lid] = Label(lid, name_or_id, "user")
        return lid

    def resolve_label(self, value: str) -> list[str]:
        """Label ids ``label:value`` means: by id, or by name ignoring case and with ``-``, ``/`` and spaces
        interchangeable."""
        if value in self.labels:
            return [value]
        key = name_key(value)
        return [lab.id for lab in self.labels.values() if name_key(lab.name) == key]

    def user_label_ids(self) -> list[str]:
        return [lab.id for lab in self.labels.values() if lab.type == "user"]

    def label_counts(self, label_id: str) -> dict[str, int]:
        ix = self.index
        members = ix.label_set(label_id)
        unread = members & ix.label_set("UNREAD")
        thread = lambda ords: len({self._by_ordinal[o].thread_id for o in ords})  # noqa: E731
        return {"messagesTotal": len(members), "messagesUnread": len(unread),
                "threadsTotal": thread(members), "threadsUnread": thread(unread)}

    # -- adding -----------------------------------------------------------------------------------------
    def add_raw(self, raw: bytes, labels: list[str], internal_date_ms: int | None = None) -> str:
        """Store one RFC 822 message with the given labels (system ids, user label ids or names); returns
        its Gmail id. Raises :class:`sandbox.gmail.mime.MimeError` for bytes with no header fields."""
        return self.add_analysed(raw, analyse(raw), labels, internal_date_ms)

    def add_analysed(self, raw: bytes, a: Analysis, labels: list[str], internal_date_ms: int | None = None) -> str:
        """:meth:`add_raw` for a message already analysed (the loader reads its labels from the analysis)."""
        when = internal_date_ms if internal_date_ms is not None else a.date_ms
        if when is None:
            when = int(time.time() * 1000)
        label_ids = {lid for lid in (self.label_for(n) for n in labels) if lid}
        mid = self._new_id(when)
        ordinal = self._next_ordinal
        self._next_ordinal += 1
        self.history_id += 1
        thread = self._thread_for(mid, a.message_id, a.in_reply_to + a.references[::-1], a.subject)
        msg = Message(mid, thread, ordinal, raw, label_ids, when, self.history_id, a.snippet, a.message_id,
                      a.subject, a.has_attachment)
        self.messages[mid] = msg
        self._by_ordinal[ordinal] = msg
        self.threads.setdefault(thread, []).append(mid)
        index_labels = label_ids | ({HAS_ATTACHMENT} if a.has_attachment else set())
        self.index.add(ordinal, a, index_labels, when, len(raw))
        self._order = None
        return mid

    def _new_id(self, when_ms: int) -> str:
        """A 16-hex-digit id that, like Gmail's, grows with the message's time."""
        ms = max(0, min(when_ms, (1 << 43) - 1))
        while True:
            self._seq += 1
            mid = f"{(ms << 20) | (self._seq & 0xFFFFF):016x}"
            if mid not in self.messages:
                return mid

    def _thread_for(self, mid: str, msgid: str, refs: list[str], subject: str) -> str:
        """Gmail's rule, approximately: a message joins the thread of a message it cites (In-Reply-To,
        References) or that cites it, when their subjects agree once reply prefixes are dropped."""
        subj = thread_subject(subject)
        agree = lambda other: not subj or not other or other == subj  # noqa: E731
        thread = None
        for ref in refs:
            t = self._thread_of.get(ref)
            if t and t in self.threads and agree(self._subject_of_thread(t)):
                thread = t
                break
        if thread is None and msgid:
            for t, s in self._awaiting.pop(msgid, []):
                if t in self.threads and agree(s):
                    thread = t
                    break
        thread = thread or mid
        if msgid:
            self._thread_of.setdefault(msgid, thread)
        for ref in refs:
            if ref not in self._thread_of:
                self._awaiting.setdefault(ref, []).append((thread, subj))
        return thread

    def _subject_of_thread(self, thread_id: str) -> str:
        first = self.messages.get(self.threads[thread_id][0])
        return thread_subject(first.subject) if first else ""

    # -- reading ----------------------------------------------------------------------------------------
    def get(self, mid: str) -> Message | None:
        return self.messages.get(mid)

    def thread(self, thread_id: str) -> list[Message]:
        msgs = [self.messages[m] for m in self.threads.get(thread_id, []) if m in self.messages]
        return sorted(msgs, key=lambda m: (m.internal_date, m.id))

    def _ordered(self) -> list[int]:
        """All live ordinals, newest first (internalDate, then id), as messages.list returns them."""
        if self._order is None:
            self._order = sorted(self._by_ordinal, key=lambda o: (self._by_ordinal[o].internal_date,
                                                                 self._by_ordinal[o].id), reverse=True)
        return self._order

    def search(self, node: Node | None, label_ids: list[str] = (), include_spam_trash: bool = False) -> list[Message]:
        """Messages matching ``q`` (parsed) and carrying every label in ``label_ids``, newest first. Spam and
        Trash are left out unless asked for (flag, ``in:`` in the query, or named in ``label_ids``)."""
        ix = self.index
        hits = evaluate(node, ix, owner=self.email, resolve_label=self.resolve_label,
                        user_label_ids=self.user_label_ids)
        for lid in label_ids:
            if not hits:
                break
            hits &= ix.label_set(lid)
        if not (include_spam_trash or reaches_spam_trash(node)):
            for lid in ("SPAM", "TRASH"):
                if lid not in label_ids:
                    hits -= ix.label_set(lid)
        if len(hits) * 8 > len(self._by_ordinal):
            return [self._by_ordinal[o] for o in self._ordered() if o in hits]
        return sorted((self._by_ordinal[o] for o in hits), key=lambda m: (m.internal_date, m.id), reverse=True)

    # -- changing ---------------------------------------------------------------------------------------
    def _touch(self, msg: Message) -> None:
        self.history_id += 1
        msg.history_id = self.history_id

    def set_labels(self, msg: Message, new: set[str]) -> None:
        old = set(msg.label_ids)
        if new != old:
            msg.label_ids = new
            self.index.relabel(msg.ordinal, old, new)
            self._touch(msg)

    def modify(self, msg: Message, add: list[str], remove: list[str]) -> None:
        self.set_labels(msg, (msg.label_ids | set(add)) - set(remove))

    def trash(self, msg: Message) -> None:
        if "TRASH" in msg.label_ids:
            return
        msg.trashed_from_inbox = "INBOX" in msg.label_ids
        self.set_labels(msg, (msg.label_ids - {"INBOX", "SPAM"}) | {"TRASH"})

    def untrash(self, msg: Message) -> None:
        if "TRASH" not in msg.label_ids:
            return
        restored = {"INBOX"} if msg.trashed_from_inbox else set()
        msg.trashed_from_inbox = False
        self.set_labels(msg, (msg.label_ids - {"TRASH"}) | restored)

    def delete(self, msg: Message) -> None:
        """Permanent deletion: gone from the mailbox, its thread and the index."""
        self.messages.pop(msg.id, None)
        self._by_ordinal.pop(msg.ordinal, None)
        members = self.threads.get(msg.thread_id, [])
        if msg.id in members:
            members.remove(msg.id)
        if not members:
            self.threads.pop(msg.thread_id, None)
        labels = set(msg.label_ids) | ({HAS_ATTACHMENT} if msg.has_attachment else set())
        self.index.remove(msg.ordinal, labels, msg.rfc822_id)
        self.history_id += 1
        self._order = None


__all__ = ["Mailbox", "Message", "SYSTEM", "CATEGORIES", "thread_subject", "valid_id"]
