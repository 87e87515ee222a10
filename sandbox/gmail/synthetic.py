"""Synthetic Takeout mailboxes of any size for benchmarks and load tests: a realistic mix of MIME shapes
(plain, alternative, mixed with base64 attachments, HTML only, quoted-printable Latin-1, threads), written
directly as bytes so generating 20,000 messages takes about a second."""
from __future__ import annotations

import base64
import random
import time
from email.utils import format_datetime
from datetime import datetime, timezone
from pathlib import Path

_WORDS = (
    "account invoice meeting project report schedule budget review contract client update order delivery "
    "payment reminder quarter agenda minutes proposal draft feedback support ticket issue release travel "
    "booking hotel flight expense receipt policy training holiday team office lunch coffee call notes plan "
    "design launch customer supplier warehouse stock price quote discount renewal subscription license "
    "server backup password security audit compliance privacy request record archive document spreadsheet "
    "analysis forecast target growth revenue margin cost risk action deadline priority status summary"
).split()
_FIRST = "Amelia Oliver Isla George Ava Noah Mia Arthur Ivy Leo Grace Oscar Freya Harry Lily Jack Ella Charlie".split()
_LAST = "Smith Jones Taylor Brown Williams Wilson Johnson Davies Patel Robinson Wright Thompson Evans Walker".split()


def _person(r: random.Random, domain: str) -> tuple[str, str]:
    first, last = r.choice(_FIRST), r.choice(_LAST)
    return f"{first} {last}", f"{first.lower()}.{last.lower()}{r.randint(1, 99)}@{domain}"


def _text(r: random.Random, n: int) -> str:
    words = [r.choice(_WORDS) for _ in range(n)]
    lines = [" ".join(words[i : i + 12]) for i in range(0, len(words), 12)]
    return "\n".join(lines) + "\n"


def message(r: random.Random, i: int, owner: str, domain: str, when: float, subject: str,
            reply_to: str | None = None) -> tuple[bytes, str]:
    """One message (bytes with LF line ends) and its Message-ID."""
    name, addr = _person(r, r.choice((domain, "example.org", "client.example")))
    to_name, to_addr = ("Owner", owner) if r.random() < 0.7 else _person(r, domain)
    msgid = f"<m{i}.{r.getrandbits(32):08x}@{domain}>"
    date = format_datetime(datetime.fromtimestamp(when, tz=timezone.utc))
    labels = r.choice(("Inbox,Opened,Category Personal", "Inbox,Category Updates", "Sent,Opened",
                       "Inbox,Important,Opened,Projects", "Archived,Opened", "Trash,Opened", "Spam"))
    head = [f"X-Gmail-Labels: {labels}", f"From: {name} <{addr}>", f"To: {to_name} <{to_addr}>",
            f"Subject: {subject}", f"Date: {date}", f"Message-ID: {msgid}", "MIME-Version: 1.0"]
    if reply_to:
        head += [f"In-Reply-To: {reply_to}", f"References: {reply_to}"]
    body = _text(r, r.randint(30, 250))
    kind = r.random()
    b = f"b{i:06d}"
    if kind < 0.45:
        head.append("Content-Type: text/plain; charset=utf-8")
        text = "\n".join(head) + "\n\n" + body
    elif kind < 0.75:
        html = "<html><body><p>" + body.replace("\n", "</p>\n<p>") + "</p></body></html>"
        head.append(f'Content-Type: multipart/alternative; boundary="{b}"')
        text = ("\n".join(head) + f"\n\n--{b}\nContent-Type: text/plain; charset=utf-8\n\n{body}\n--{b}\n"
                f"Content-Type: text/html; charset=utf-8\n\n{html}\n--{b}--\n")
    elif kind < 0.90:
        blob = base64.encodebytes(r.randbytes(r.randint(500, 6000))).decode()
        fname = f"{r.choice(_WORDS)}-{i}.{r.choice(('pdf', 'xlsx', 'png', 'docx'))}"
        head.append(f'Content-Type: multipart/mixed; boundary="{b}"')
        text = ("\n".join(head) + f"\n\n--{b}\nContent-Type: text/plain; charset=utf-8\n\n{body}\n--{b}\n"
                f'Content-Type: application/octet-stream; name="{fname}"\nContent-Disposition: attachment; '
                f'filename="{fname}"\nContent-Transfer-Encoding: base64\n\n{blob}--{b}--\n')
    elif kind < 0.95:
        head.append("Content-Type: text/html; charset=utf-8")
        text = "\n".join(head) + "\n\n<div>" + body.replace("\n", "<br>\n") + "</div>\n"
    else:
        head += ["Content-Type: text/plain; charset=iso-8859-1", "Content-Transfer-Encoding: quoted-printable"]
        text = "\n".join(head) + "\n\nCaf=E9 cr=E8me br=FBl=E9e\n" + body
    return text.encode("utf-8"), msgid


def write_mbox(path: Path, count: int, owner: str, domain: str = "bench.test", seed: int = 1) -> None:
    """Write ``count`` messages (about one in four a reply in a thread) to one mbox file."""
    r = random.Random(seed)
    start = time.mktime((2023, 1, 1, 0, 0, 0, 0, 0, 0))
    recent: list[tuple[str, str]] = []
    with open(path, "wb") as f:
        for i in range(count):
            when = start + i * 1500 + r.randint(0, 1000)
            if recent and r.random() < 0.25:
                subject, parent = r.choice(recent)
                raw, msgid = message(r, i, owner, domain, when, "Re: " + subject, parent)
            else:
                subject = " ".join(r.choice(_WORDS) for _ in range(r.randint(2, 6))).capitalize()
                raw, msgid = message(r, i, owner, domain, when, subject)
                recent = (recent + [(subject, msgid)])[-50:]
            f.write(b"From MAILER-DAEMON Thu Jan  1 00:00:00 2023\n" + raw + b"\n")
