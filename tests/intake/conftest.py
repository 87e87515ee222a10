"""A small organisation whose privacy mailbox holds requests, look-alikes and machine mail."""
from __future__ import annotations

import json

import pytest

from tests.tracker.conftest import fresh_pacer  # noqa: F401  (pytest fixture)
from tests.tracker.env import make_env

#: (id-ish key, From, Subject, Date, body, extra headers). The date is the day of receipt a case takes.
MESSAGES = [
    ("optout", "Pat Customer <pat.customer@example.com>", "Re: Spring offers from Northwind - UNSUBSCRIBE",
     "Tue, 01 Dec 2026 09:15:00 +0000", "Please stop.", ""),
    ("access", "Jane Doe <jane.doe@example.com>", "Subject access request",
     "Wed, 02 Dec 2026 23:30:00 +0000", "Please send me a copy of all my personal data.", ""),
    ("erasure", "Sam Ellis <sam.ellis@example.org>", "My account",
     "Thu, 03 Dec 2026 10:00:00 +0000", "I want you to delete all my details now.", ""),
    ("rectify", "Ana Silva <ana.silva@example.net>", "Change of address",
     "Thu, 03 Dec 2026 11:00:00 +0000", "You have my incorrect address on file, I moved last year.", ""),
    ("lookalike", "Tom Reeves <tom.reeves@example.test>", "Rota for next week",
     "Thu, 03 Dec 2026 12:00:00 +0000", "Is this correct? Delete the old one when you can.", ""),
    ("machine", "Offers <no-reply@offers.example>", "Unsubscribe confirmation",
     "Fri, 04 Dec 2026 08:00:00 +0000", "You have been unsubscribed.", ""),
    ("bulk", "Newsletter <news@headsetworld.example>", "Delete my data? Our privacy tips",
     "Fri, 04 Dec 2026 08:30:00 +0000", "Read on.", "Precedence: bulk\n"),
    ("mixed", "Lee Park <lee.park@example.com>", "Complaint",
     "Fri, 04 Dec 2026 09:00:00 +0000", "I object to you recording my calls, and I want a copy of my data.", ""),
]


def mbox(messages) -> str:
    out = []
    for key, frm, subject, date, body, extra in messages:
        out.append(f"From sender@example.com {date}\nFrom: {frm}\nTo: privacy@example.test\nSubject: {subject}\n"
                   f"Date: {date}\nMessage-ID: <{key}@example.com>\nX-Gmail-Labels: Inbox,Unread\n{extra}"
                   f"Content-Type: text/plain; charset=utf-8\n\n{body}\n\n")
    return "".join(out)


@pytest.fixture(scope="session")
def privacy_org(tmp_path_factory):
    root = tmp_path_factory.mktemp("privacyorg")
    (root / "workspace.json").write_text(json.dumps({"domain": "example.test", "users": [
        {"email": "it@example.test", "name": "IT Admin", "admin": True},
        {"email": "dpo@example.test", "name": "Dee Pio"},
        {"email": "staff@example.test", "name": "Sam Staff"},
        {"email": "privacy@example.test", "name": "Privacy inbox"}]}), encoding="utf-8")
    (root / "expected.json").write_text(json.dumps({"subjects": []}), encoding="utf-8")
    mail = root / "privacy@example.test" / "Mail"
    mail.mkdir(parents=True)
    (mail / "inbox.mbox").write_text(mbox(MESSAGES), encoding="utf-8")
    return root


@pytest.fixture
def env(sandbox_factory, privacy_org, tmp_path):
    return make_env(sandbox_factory, privacy_org, tmp_path / "home")
