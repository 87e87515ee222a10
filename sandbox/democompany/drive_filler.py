"""Drive documents that mention no data subject: call notes, transcripts, letters, minutes, procedures,
policies, runbooks, logs and a few binary files, plus the shared drive. ``scale`` multiplies the
open-ended kinds (notes, transcripts, letters); the fixed kinds are one file per title."""
from __future__ import annotations

import datetime as dt
import random
import struct
import zlib

from .drive import DriveFile, letter, transcript
from .mail_filler import END, REASONS, START
from .people import AISHA, CLIENTS, DANIEL, DPO, ELLIE, IT, TOM, Numbers, full_name

PROCEDURES = ("Out-of-hours escalation", "Taking a message", "Gas leak calls", "Abusive callers",
              "Holiday cover", "New client onboarding", "Call recording", "Fire drill")
POLICIES = ("Data protection policy", "Retention schedule", "Subject access procedure", "Breach response plan",
            "Acceptable use", "Clear desk")
RUNBOOKS = ("Reset a headset", "New starter laptop", "Phone system failover", "Backup restore", "Wi-Fi guest network")
TRAINING = ("Call quality checklist", "Active listening", "Handling complaints", "Verification questions")
TEMPLATES = ("Welcome letter", "Callback confirmation", "Complaint acknowledgement", "Service change notice")
SHARED_DRIVE = "Company Handbook"


def _when(rng: random.Random) -> dt.datetime:
    day = START + dt.timedelta(days=rng.randrange((END - START).days))
    return day.replace(hour=rng.randrange(8, 18), minute=rng.randrange(60))


def _md(title: str, rng: random.Random) -> str:
    steps = rng.sample(("Check the client's script first.", "Log the call in the CRM.",
                        "Tell the caller when to expect a reply.", "Escalate to the duty manager if unsure.",
                        "Never give out a client's personal number.", "Note the time and your initials.",
                        "Read back the phone number.", "Send the message within five minutes."), 4)
    body = "\n".join(f"{i}. {s}" for i, s in enumerate(steps, 1))
    return f"# {title}\n\nLast reviewed: {_when(rng):%d/%m/%Y}\n\n{body}\n"


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A valid single-colour PNG, written by hand (no imaging library needed)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


class FillerDrive:
    def __init__(self, rng: random.Random, numbers: Numbers, taken: set[tuple[str, str]]) -> None:
        self.rng, self.numbers = rng, numbers
        self.taken = set(taken)  # (owner, path) already used
        self.files: list[DriveFile] = []

    def _add(self, owner: str, path: str, data: bytes | str, when: dt.datetime, shared: bool = False) -> bool:
        if (owner, path) in self.taken:
            return False
        self.taken.add((owner, path))
        self.files.append(DriveFile(owner, path, data.encode("utf-8") if isinstance(data, str) else data, when, shared))
        return True

    def fill(self, scale: float) -> list[DriveFile]:
        r = self.rng
        for _ in range(round(40 * scale)):
            self._call_note()
        for _ in range(round(28 * scale)):
            self.transcript()
        for _ in range(round(8 * scale)):
            name, when = full_name(r), _when(r)
            self._add(DPO.email, f"Data protection/Letters/Letter to {name} {when:%Y-%m-%d}.html",
                      letter(name, f"Dear {name.split()[0]}",
                             "Thank you for your enquiry; we have passed it to our client."), when)
        for month in range(1, 16):
            when = dt.datetime(2025 + (month - 1) // 12, (month - 1) % 12 + 1, 28, 17, 0)
            self._add(TOM.email, f"Board/Minutes {when:%Y-%m}.md",
                      f"# Board minutes {when:%B %Y}\n\nPresent: Tom Reeves, Aisha Khan\n\n"
                      f"- Revenue \u00a3{r.randrange(38, 61)}k\n- Calls handled: {r.randrange(9000, 15000)}\n"
                      f"- Hiring: {r.choice(('none', 'one part-timer', 'two call handlers'))}\n", when)
        for title in PROCEDURES:
            self._add(AISHA.email, f"Operations/Procedures/{title}.md", _md(title, r), _when(r))
        for title in POLICIES:
            ext = ".html" if title == "Retention schedule" else ".md"
            text = (_md(title, r) if ext == ".md"
                    else f"<html><body><h1>{title}</h1><p>Call recordings: 90 days.</p></body></html>\n")
            self._add(DPO.email, f"Policies/{title}{ext}", text, _when(r))
        for title in RUNBOOKS:
            self._add(IT.email, f"IT/Runbooks/{title}.md", _md(title, r), _when(r))
        for title in TRAINING:
            self._add(DANIEL.email, f"Training/{title}.md", _md(title, r), _when(r))
        for title in TEMPLATES:
            self._add(ELLIE.email, f"Templates/{title}.html",
                      letter("{{customer_name}}", "Dear {{first_name}}", title + "."), _when(r))
        for month in (7, 8, 9):
            lines = [f"2025-{month:02d}-{d:02d}T{r.randrange(24):02d}:{r.randrange(60):02d}:00Z INFO inbound "
                     f"CLI=44{self.numbers.mobile().replace(' ', '')[1:]} DDI=01134960000 result=ANSWERED"
                     for d in range(1, 29)]
            self._add(IT.email, f"IT/Logs/phone-system-2025-{month:02d}.log", "\n".join(lines) + "\n",
                      dt.datetime(2025, month, 28, 23))
        for month in (3, 6, 9):
            self._add(IT.email, f"IT/Backups/router-config-2025-{month:02d}.bin", r.randbytes(2048),
                      dt.datetime(2025, month, 1, 2))
        self._shared()
        return self.files

    def _call_note(self) -> None:
        r = self.rng
        owner, when, caller, client = r.choice((ELLIE, DANIEL)), _when(r), full_name(r), r.choice(CLIENTS)
        folder = f"Call notes/{when:%Y}" if owner is ELLIE else "Call notes"
        text = (f"Call notes \u2013 {when:%d %B %Y}\nCaller: {caller}\nClient: {client.firm}\n"
                f"Tel: {self.numbers.phone()}\n{caller.split()[0]} {r.choice(REASONS)}.\n")
        self._add(owner.email, f"{folder}/{caller} - {when:%Y-%m-%d}.txt", text, when)

    def transcript(self) -> None:
        r = self.rng
        when, client = _when(r), r.choice(CLIENTS)
        lines = [f"Hello, it's {full_name(r)}.", f"I'm ringing for my dad, who {r.choice(REASONS)}.",
                 f"My number is {self.numbers.phone()}."]
        self._add(AISHA.email, f"Operations/Call transcripts/Transcript {when:%Y-%m-%d %H%M}.txt",
                  transcript(client.firm, r.choice(("Ellie", "Daniel", "Aisha")), lines), when)

    def _shared(self) -> None:
        when = dt.datetime(2025, 1, 6, 9, 0)
        self._add(SHARED_DRIVE, "Staff handbook.md", "# Staff handbook\n\nWelcome to Northwind. Shifts run 7am-10pm.\n",
                  when, True)
        self._add(SHARED_DRIVE, "Holiday policy.md", "# Holiday policy\n\n25 days plus bank holidays; ask Aisha.\n",
                  when, True)
        self._add(SHARED_DRIVE, "Brand/logo.png", png(32, 32, (20, 70, 140)), when, True)
        self._add(SHARED_DRIVE, "Brand/Letterhead.html", letter("{{address}}", "Dear {{name}}", "{{body}}"), when, True)
