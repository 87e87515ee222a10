"""Loading Takeout mbox files: the stdlib's mbox splitting rule, Takeout labels, dates, broken input
reported and skipped, and load speed."""
from __future__ import annotations

import mailbox
import time
from pathlib import Path

from hypothesis import given, settings, strategies as st

from sandbox.gmail import mbox
from sandbox.gmail.loader import labels_for, load_mail
from sandbox.gmail.synthetic import write_mbox
from sandbox.state import Workspace

OWNER = "owner@example.test"


def _ws() -> Workspace:
    return Workspace(domain="example.test")


_line = st.one_of(
    st.sampled_from([b"From someone Thu Jan  1 00:00:00 2023", b"From ", b">From quoted", b"", b"\r", b"Subject: x",
                     b"body text", b"From:not-a-separator"]),
    st.binary(max_size=12).filter(lambda b: b"\n" not in b),
)


@settings(max_examples=150, deadline=None)
@given(lines=st.lists(_line, max_size=25), final_newline=st.booleans())
def test_split_agrees_with_stdlib_mailbox(tmp_path_factory, lines: list[bytes], final_newline: bool) -> None:
    data = b"\n".join(lines) + (b"\n" if final_newline else b"")
    path = tmp_path_factory.mktemp("mb") / "x.mbox"
    path.write_bytes(data)
    std = mailbox.mbox(str(path), create=False)
    try:
        expected = [std.get_bytes(k) for k in std.iterkeys()]
    finally:
        std.close()
    assert [m for _, m in mbox.split(data)] == expected


def test_takeout_labels() -> None:
    assert labels_for(None) == ["INBOX", "UNREAD"]
    assert labels_for("Inbox,Important,Opened,Category Personal") == ["INBOX", "IMPORTANT", "CATEGORY_PERSONAL"]
    assert labels_for("Inbox") == ["INBOX", "UNREAD"]  # not "Opened": unread
    assert labels_for("Sent") == ["SENT"]  # your own sent mail is never unread
    assert labels_for("Archived,Unread,Starred") == ["STARRED", "UNREAD"]
    assert labels_for('Opened,Trash,Spam,"Clients, 2024",Work/Urgent') == ["TRASH", "SPAM", "Clients, 2024", "Work/Urgent"]
    assert labels_for("Opened,category updates,  Drafts ") == ["CATEGORY_UPDATES", "DRAFT"]


def _entry(headers: str, body: str = "hello\n", from_line: str = "From x@y Mon Mar  4 10:00:00 2024") -> bytes:
    return (from_line + "\n" + headers + "\n\n" + body + "\n").encode("utf-8")


def test_load_labels_dates_threads_and_problems(tmp_path: Path) -> None:
    mail = tmp_path / "Mail"
    mail.mkdir()
    good = (
        _entry("X-Gmail-Labels: Inbox,Opened,Clients\nFrom: a@x.com\nSubject: Plan\nMessage-ID: <1@x>\n"
               "Date: Tue, 05 Mar 2024 09:30:00 +0000")
        + _entry("X-Gmail-Labels: Inbox\nFrom: b@x.com\nSubject: Re: plan\nMessage-ID: <2@x>\nIn-Reply-To: <1@x>\n"
                 "Date: garbage")  # no usable Date: the From line's date is used
        + b"From nobody\n\n\njust a body\n\n"  # no header fields at all
        + _entry("X-Gmail-Labels: Sent\nFrom: c@x.com\nSubject: other\nMessage-ID: <3@x>\nReferences: <1@x>\n"
                 "Date: Wed, 06 Mar 2024 09:30:00 +0000")  # cites <1@x> but the subject differs: own thread
    )
    (mail / "a.mbox").write_bytes(good)
    (mail / "not-mbox.mbox").write_bytes(b"\x89PNG\r\n\x1a\n binary")
    (mail / "dir.mbox").mkdir()
    (mail / "ignored.txt").write_text("not an mbox name")
    ws = _ws()
    load_mail(ws, OWNER, mail)
    box = ws.mailboxes[OWNER]
    by_msgid = {m.rfc822_id: m for m in box.messages.values()}
    assert set(by_msgid) == {"<1@x>", "<2@x>", "<3@x>"}
    one, two, three = by_msgid["<1@x>"], by_msgid["<2@x>"], by_msgid["<3@x>"]
    clients = box.label_for("Clients", create=False)
    assert clients == "Label_1" and one.label_ids == {"INBOX", clients}
    assert two.label_ids == {"INBOX", "UNREAD"} and three.label_ids == {"SENT"}
    assert one.internal_date == 1709631000000
    assert two.internal_date == 1709546400000  # Mon Mar 4 10:00:00 2024 UTC, from the From line
    assert two.thread_id == one.thread_id == one.id and three.thread_id == three.id
    problems = dict(ws.load_problems)
    assert problems[f"{mail / 'a.mbox'}#3"].startswith("skipped message: no header fields")
    assert "not an mbox file" in problems[str(mail / "not-mbox.mbox")]
    assert "directory" in problems[str(mail / "dir.mbox")]
    assert len(problems) == 3


def test_reply_before_original_still_threads(tmp_path: Path) -> None:
    """Sent mail is often in a later file than the replies to it: the thread forms in either order."""
    mail = tmp_path / "Mail"
    mail.mkdir()
    (mail / "1-inbox.mbox").write_bytes(_entry("From: b@x.com\nSubject: Re: Trip\nMessage-ID: <r@x>\nIn-Reply-To: <o@x>"))
    (mail / "2-sent.mbox").write_bytes(_entry("X-Gmail-Labels: Sent\nFrom: a@x.com\nSubject: Trip\nMessage-ID: <o@x>"))
    ws = _ws()
    load_mail(ws, OWNER, mail)
    box = ws.mailboxes[OWNER]
    assert len(box.threads) == 1 and len(box.messages) == 2


def test_load_speed(tmp_path: Path) -> None:
    """A regression guard (the 20,000-message figure is in bench/bench_sandbox_gmail.py): 2,000 messages,
    indexed, well within 3 s even on a busy machine (about 0.4 s when idle)."""
    mail = tmp_path / "Mail"
    mail.mkdir()
    write_mbox(mail / "all.mbox", 2000, OWNER)
    ws = _ws()
    t0 = time.perf_counter()
    load_mail(ws, OWNER, mail)
    elapsed = time.perf_counter() - t0
    assert len(ws.mailboxes[OWNER].messages) == 2000 and not ws.load_problems
    assert elapsed < 3.0, f"loading 2,000 messages took {elapsed:.2f}s"


def test_one_message_in_two_mailboxes_has_two_ids() -> None:
    from sandbox.gmail.store import Mailbox

    raw = b"From: a@x.com\nTo: b@x.com, c@x.com\nSubject: hi\nMessage-ID: <same@x>\n\nhello\n"
    ids = {Mailbox(user).add_raw(raw, ["INBOX"], 1_700_000_000_000) for user in ("b@x.com", "c@x.com")}
    assert len(ids) == 2 and all(len(i) == 16 and int(i, 16) >> 20 == 1_700_000_000_000 for i in ids)
