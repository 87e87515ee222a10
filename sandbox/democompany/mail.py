"""Mail as Google Takeout exports it: one mbox per export, each message prefixed with ``X-GM-THRID`` and
``X-Gmail-Labels``.

A message sent inside the company lands in several mailboxes (the sender's Sent, each recipient's Inbox) with
the same Message-ID, as in Gmail; each copy has its own labels. :class:`Mailroom` keeps one :class:`Mail` per
message and the labels per mailbox ("delivery"); :func:`write_mailboxes` renders the mbox files.
"""
from __future__ import annotations

import datetime as dt
import os
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import mime
from .people import DOMAIN, MAIL_HOST, STAFF, Person

STAFF_EMAILS = frozenset(p.email for p in STAFF)
MAIN_MBOX = "All mail Including Spam and Trash.mbox"
# it@ keeps an older export alongside the current one, so loaders must read every *.mbox in Mail/.
SPLIT_ACCOUNT, SPLIT_MBOX, SPLIT_BEFORE = "it@" + DOMAIN, "All mail 2025 (old export).mbox", dt.datetime(2026, 1, 1)
BROKEN_ACCOUNT, BROKEN_MBOX = "it@" + DOMAIN, "broken.mbox"


@dataclass
class Mail:
    msgid: str
    date: dt.datetime  # naive UK wall-clock time
    thread: int
    sender: Person
    to: tuple[Person, ...]
    cc: tuple[Person, ...]
    subject: str
    body: bytes  # the top-level MIME part
    deliveries: dict[str, tuple[str, ...]] = field(default_factory=dict)
    references: tuple[str, ...] = ()
    header_charset: str = "utf-8"
    extra: tuple[tuple[str, str], ...] = ()

    def raw(self) -> bytes:
        """The message as sent (without the per-mailbox Takeout headers)."""
        cs = self.header_charset
        headers = [
            ("Message-ID", self.msgid),
            ("Date", mime.date_header(self.date)),
            ("From", mime.address(self.sender, cs)),
            ("To", ", ".join(mime.address(p, cs) for p in self.to)),
            ("Cc", ", ".join(mime.address(p, cs) for p in self.cc)),
            ("Subject", mime.header_text(self.subject, cs)),
            ("In-Reply-To", self.references[-1] if self.references else ""),
            ("References", " ".join(self.references)),
            *self.extra,
        ]
        return mime.message(headers, self.body)


class Mailroom:
    """Creates messages with unique Message-IDs and decides which mailboxes get a copy, with which labels."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.mails: list[Mail] = []
        self._seq = 0

    def boundary(self) -> str:
        self._seq += 1
        return f"=_nw{self.rng.getrandbits(48):012x}{self._seq}"

    def _msgid(self, sender: Person, when: dt.datetime) -> str:
        self._seq += 1
        host = MAIL_HOST if sender.email.endswith("@" + DOMAIN) else "mail." + sender.email.split("@")[1]
        return f"<{when:%Y%m%d%H%M%S}.{self.rng.getrandbits(40):010x}.{self._seq}@{host}>"

    def inbox_labels(self, sender: Person) -> tuple[str, ...]:
        r = self.rng
        if sender.role == "spam":
            return ("Spam", "Unread")
        category = {"updates": "Category Updates", "promotions": "Category Promotions"}.get(sender.role,
                                                                                          "Category Personal")
        labels = ["Inbox" if r.random() < 0.75 else "Archived", "Opened" if r.random() < 0.85 else "Unread", category]
        if category == "Category Personal" and r.random() < 0.2:
            labels.append("Important")
        if r.random() < 0.03:
            labels.append("Starred")
        if r.random() < 0.03:
            labels = ["Trash", "Opened", category]
        return tuple(labels)

    def send(self, *, when: dt.datetime, sender: Person, to: tuple[Person, ...] | list[Person], subject: str,
             body: bytes, cc: tuple[Person, ...] | list[Person] = (), reply_to: Mail | None = None,
             labels: dict[str, tuple[str, ...]] | None = None, header_charset: str = "utf-8",
             extra: tuple[tuple[str, str], ...] = ()) -> Mail:
        """One message; every staff sender or recipient gets a copy with default labels. ``labels`` overrides
        that per mailbox: a tuple gives (or adds) a copy with exactly those labels, ``()`` removes the copy."""
        refs = (reply_to.references + (reply_to.msgid,)) if reply_to else ()
        thread = reply_to.thread if reply_to else self.rng.getrandbits(62) | (1 << 60)
        mail = Mail(self._msgid(sender, when), when, thread, sender, tuple(to), tuple(cc), subject, body,
                    references=refs, header_charset=header_charset, extra=extra)
        if sender.email in STAFF_EMAILS:
            mail.deliveries[sender.email] = ("Sent", "Opened") if self.rng.random() < 0.5 else ("Sent",)
        for p in (*mail.to, *mail.cc):
            if p.email in STAFF_EMAILS and p.email not in mail.deliveries:
                mail.deliveries[p.email] = self.inbox_labels(sender)
        for account, lab in (labels or {}).items():
            if lab:
                mail.deliveries[account] = lab
            else:
                mail.deliveries.pop(account, None)
        self.mails.append(mail)
        return mail


_FROM_LINE = re.compile(rb"^(>*From )", re.M)


def _from_line(mail: Mail) -> bytes:
    d = mime.uk_time(mail.date).astimezone(dt.timezone.utc)
    return f"From {mail.thread}@xxx {d:%a %b %d %H:%M:%S} +0000 {d:%Y}\n".encode("ascii")


def mbox_files(mails: list[Mail]) -> dict[tuple[str, str], list[tuple[Mail, tuple[str, ...]]]]:
    """(account, mbox file name) -> the copies it holds, in date order."""
    out: dict[tuple[str, str], list[tuple[Mail, tuple[str, ...]]]] = {}
    for mail in mails:
        for account, labels in mail.deliveries.items():
            name = SPLIT_MBOX if account == SPLIT_ACCOUNT and mail.date < SPLIT_BEFORE else MAIN_MBOX
            out.setdefault((account, name), []).append((mail, labels))
    for copies in out.values():
        copies.sort(key=lambda c: (c[0].date, c[0].msgid))
    return dict(sorted(out.items()))


def write_mailboxes(root: Path, mails: list[Mail], mtime: float) -> dict[str, int]:
    """Write every mbox under ``root/<account>/Mail/``; returns the number of messages per account."""
    counts: dict[str, int] = {}
    raw_cache: dict[str, bytes] = {}
    for (account, name), copies in mbox_files(mails).items():
        folder = root / account / "Mail"
        folder.mkdir(parents=True, exist_ok=True)
        chunks: list[bytes] = []
        for mail, labels in copies:
            raw = raw_cache.get(mail.msgid)
            if raw is None:
                raw = raw_cache[mail.msgid] = _FROM_LINE.sub(rb">\1", mail.raw())
            chunks.append(_from_line(mail))
            chunks.append(f"X-GM-THRID: {mail.thread}\nX-Gmail-Labels: {','.join(labels)}\n".encode("utf-8"))
            chunks.append(raw)
            chunks.append(b"\n")
        path = folder / name
        path.write_bytes(b"".join(chunks))
        os.utime(path, (mtime, mtime))
        counts[account] = counts.get(account, 0) + len(copies)
    return counts


def write_broken_mbox(root: Path, mtime: float) -> str:
    """A file named .mbox that is not one (a zip saved under the wrong name, then truncated); returns its path
    relative to the fixture root. It holds no personal data, so skipping it loses nothing."""
    folder = root / BROKEN_ACCOUNT / "Mail"
    folder.mkdir(parents=True, exist_ok=True)
    data = (b"PK\x03\x04\x14\x00\x00\x00\x08\x00\x00\x00!\x00" + bytes(range(256)) * 2
            + b"\x00\x00X-Gmail-Labels: Inbox\r\nSubject: =?utf-8?b?broken\n\n\xff\xfe truncated")
    path = folder / BROKEN_MBOX
    path.write_bytes(data)
    os.utime(path, (mtime, mtime))
    return f"{BROKEN_ACCOUNT}/Mail/{BROKEN_MBOX}"
