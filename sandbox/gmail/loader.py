"""Seeding a mailbox from Takeout-style mbox files (``<user>/Mail/*.mbox``).

Labels come from the ``X-Gmail-Labels`` header as Takeout writes it (``Inbox,Important,Opened,Category
Personal,My label``): Takeout's names map to system labels, anything else becomes a user label. A message
is UNREAD when Takeout says "Unread", or when it lacks "Opened" and is neither sent mail nor a draft; with no
``X-Gmail-Labels`` header at all it lands in the Inbox, unread, as an import would put it. The internal date
is the ``Date`` header, else the mbox ``From`` line's date, else the file's modification time.

A file or message that cannot be read is recorded in ``ws.load_problems`` as (path, reason) and skipped.
"""
from __future__ import annotations

import email.utils
import gc
from pathlib import Path

from . import mbox
from .labels import split_takeout, takeout_labels
from .mime import MimeError, analyse
from .store import Mailbox


def labels_for(x_gmail_labels: str | None) -> list[str]:
    """The labels ``add_raw`` should get for a message with this ``X-Gmail-Labels`` value."""
    if x_gmail_labels is None:
        return ["INBOX", "UNREAD"]
    system, user, opened, unread = takeout_labels(split_takeout(x_gmail_labels))
    if unread or not (opened or "SENT" in system or "DRAFT" in system):
        system.append("UNREAD")
    return system + user


def from_line_ms(line: bytes) -> int | None:
    """The date of an mbox ``From sender Thu Jan  1 00:00:00 2023`` line, as epoch ms (UTC)."""
    parts = line.decode("ascii", "replace").split(None, 2)
    if len(parts) < 3:
        return None
    try:
        t = email.utils.parsedate_tz(parts[2])
        return int(email.utils.mktime_tz(t) * 1000) if t else None
    except (TypeError, ValueError, OverflowError):
        return None


def load_mail(ws, user_email: str, mail_dir: Path) -> None:
    """Add every message of every ``*.mbox`` in ``mail_dir`` to the user's mailbox (created if missing)."""
    email_addr = user_email.lower()
    box = ws.mailboxes.get(email_addr)
    if box is None:
        box = ws.mailboxes[email_addr] = Mailbox(email_addr)
    collecting = gc.isenabled()
    gc.disable()  # a bulk load creates millions of small objects and no cycles: spare the collector's passes
    try:
        for path in sorted(Path(mail_dir).glob("*.mbox")):
            try:
                load_file(box, path, ws.load_problems)
            except OSError as e:
                ws.load_problems.append((str(path), f"cannot read mbox file: {e.strerror or e}"))
    finally:
        if collecting:
            gc.enable()


def load_file(box: Mailbox, path: Path, problems: list[tuple[str, str]]) -> int:
    """Load one mbox file; returns how many messages were added."""
    if path.is_dir():
        problems.append((str(path), "is a directory, not an mbox file"))
        return 0
    data = mbox.read(path)
    skipped = mbox.leading_garbage(data)
    if skipped == len(data) and data:
        problems.append((str(path), "not an mbox file: no line starts with 'From '"))
        return 0
    if skipped:
        problems.append((str(path), f"the {skipped} bytes before the first 'From ' line are not a message; skipped"))
    mtime_ms = int(path.stat().st_mtime * 1000)
    added = 0
    for n, (from_line, raw) in enumerate(mbox.split(data), 1):
        where = f"{path}#{n}"
        try:
            a = analyse(raw)
            when = a.date_ms if a.date_ms is not None else (from_line_ms(from_line) or mtime_ms)
            box.add_analysed(raw, a, labels_for(a.gmail_labels), when)
            added += 1
        except MimeError as e:
            problems.append((where, f"skipped message: {e}"))
        except Exception as e:  # noqa: BLE001 - a fixture must load even if one message defeats the parser
            problems.append((where, f"skipped message: {type(e).__name__}: {e}"))
    return added
