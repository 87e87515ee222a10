"""The demo company: a deterministic, Takeout-style fixture for a fictional UK call-handling firm.

``write_fixture(directory)`` writes six mailboxes (~3,000 messages at scale 1), ~150 Drive files including
eight spreadsheets, two shared drives (one with a planted .docx and a decoy), one deliberately broken mbox, and ``expected.json``: where the five
data subjects' data was planted and where their look-alikes are. The same seed gives the same bytes on every
run (``random.Random`` streams per part, fixed dates and file times, stable ordering); ``scale`` multiplies
only the filler, so the planted items and their locations do not change with it.

Counting: "Drive files" (the summary, ``expected.json`` ``counts.files``) are the files in users' own Drives.
Loaded, the sandbox also holds the shared drive's files (``counts.shared_drive_files``) and the folders the
paths imply; ``dsar sandbox serve`` and ``/_sandbox/health`` print the same "Drive files" figure and those two
apart (153 + 6 in shared drives + 35 folders = the 194 items of ``health.files`` at scale 1).

Layout (read by :mod:`sandbox.fixture`)::

    workspace.json                      {"domain", "users": [{"email", "name", "admin"}]}
    <email>/Mail/*.mbox                 Takeout mbox, X-Gmail-Labels per copy
    <email>/Drive/**                    .txt .md .html -> Docs, .csv .xlsx -> Sheets, *.form.json -> Forms, others as is
    <email>/Calendar/*.ics              Takeout calendars (the one named <email> is primary)
    <email>/Contacts/<label>/<label>.vcf  contacts by label; "Other Contacts" are Gmail's saved addresses
    <email>/Google Chat/Groups/<Space|DM> <id>/{group_info,messages}.json   one copy per member
    _shared_drives/<name>/drive.json    {"members": {email: role}} (Customer Service; Company Handbook has none)
    _shared_drives/<name>/**            the shared drive's files
    expected.json                       the ground truth (see expected.NOTES)

Names in Drive: converted files lose their extension (``Call notes/2025/Jane Doe - 2025-06-02``), as Drive
names a converted upload; other files keep it (``IT/Logs/phone-system-2025-06.log``).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
from pathlib import Path

from ..errors import FixtureError
from . import mail
from .drive import CS_DRIVE, CS_MEMBERS, DrivePlanter, write_files
from .drive_filler import SHARED_DRIVE, FillerDrive
from .expected import Ledger
from .mail_filler import FillerMail
from .mail_plants import MailPlanter
from .people import DOMAIN, STAFF, Numbers
from .sheets import FIXED_TIME, Spreadsheets
from .sources import SourceLedger, SourcePlanter, write_sources
from .subjects import RESERVED_IDS, RESERVED_PHONES, SUBJECTS

DEFAULT_SEED = 20250401
#: Filler copies in all mailboxes together at scale 1 (planted mail comes on top).
FILLER_COPIES = 2950
MAX_SCALE = 50.0


def write_fixture(directory: str | Path, scale: float = 1.0, seed: int = DEFAULT_SEED) -> str:
    """Write the demo company to ``directory`` and return a one-line summary.

    ``directory`` must be missing, empty, or an earlier fixture (which is replaced). ``scale`` (0-50)
    multiplies the filler mail and documents; ~7 gives ~20,000 messages."""
    root = Path(directory)
    _check(root, scale)
    # One stream per part, so scaling the filler never moves a planted item or a sheet row.
    rng = {part: random.Random(f"{seed}:{part}") for part in ("mail", "plants", "drive", "sheets")}

    def numbers(part: str) -> Numbers:
        return Numbers(random.Random(f"{seed}:{part}:numbers"), set(RESERVED_PHONES), set(RESERVED_IDS))

    ledger = Ledger()
    room = mail.Mailroom(rng["mail"])
    MailPlanter(room, ledger, numbers("plants")).all()
    FillerMail(room, rng["mail"], numbers("mail")).fill(round(FILLER_COPIES * scale))

    planted = DrivePlanter(ledger).all()
    sheets = Spreadsheets(rng["sheets"], numbers("sheets"), ledger).all()
    taken = {(f.owner, f.path) for f in planted + sheets}
    filler = FillerDrive(rng["drive"], numbers("drive"), taken).fill(scale)
    sources = SourcePlanter(SourceLedger()).all()  # Calendar, Contacts, Chat; forms are Drive files
    files = planted + sheets + filler + sources.forms
    files.sort(key=lambda f: (f.shared, f.owner, f.path))

    root.mkdir(parents=True, exist_ok=True)
    stamp = FIXED_TIME.replace(tzinfo=dt.timezone.utc).timestamp()
    per_account = mail.write_mailboxes(root, room.mails, stamp)
    broken = mail.write_broken_mbox(root, stamp)
    write_files(root, files)
    write_sources(root, sources, stamp)
    _dump(root / "_shared_drives" / CS_DRIVE / "drive.json", {"members": CS_MEMBERS}, stamp)

    user_files = [f for f in files if not f.shared]
    counts = {
        "mailboxes": len(STAFF),
        "messages": sum(per_account.values()),
        "distinct_messages": len(room.mails),
        "files": len(user_files),
        "shared_drive_files": len(files) - len(user_files),
        "spreadsheets": len(sheets),
        "subjects": len(SUBJECTS),
        "per_account": {p.email: {"messages": per_account.get(p.email, 0),
                                  "files": sum(1 for f in user_files if f.owner == p.email)} for p in STAFF},
    }
    workspace = {"domain": DOMAIN, "users": [{"email": p.email, "name": p.name, "admin": p.admin} for p in STAFF],
                 "shared_drives": [{"name": SHARED_DRIVE, "organizer": STAFF[0].email},
                                   {"name": CS_DRIVE, "members": CS_MEMBERS}]}
    _dump(root / "workspace.json", workspace, stamp)
    broken_files = [{"account": mail.BROKEN_ACCOUNT, "path": broken,
                     "reason": "not an mbox: zip-like binary bytes with no 'From ' separator line"}]
    truth = ledger.to_json(DOMAIN, counts, broken_files)
    sources.ledger.attach(truth)
    _dump(root / "expected.json", truth, stamp)
    return (f"{counts['mailboxes']} mailboxes, {counts['messages']:,} messages, {counts['files']:,} Drive files, "
            f"{counts['spreadsheets']} spreadsheets, {counts['subjects']} data subjects")


def _check(root: Path, scale: float) -> None:
    if not isinstance(scale, (int, float)) or not 0 <= scale <= MAX_SCALE:
        raise FixtureError("scale", f"must be a number from 0 to {MAX_SCALE:g}, not {scale!r}")
    if root.exists() and not root.is_dir():
        raise FixtureError(str(root), "exists and is not a folder")
    if root.is_dir() and any(root.iterdir()):
        if not ((root / "workspace.json").is_file() and (root / "expected.json").is_file()):
            raise FixtureError(str(root), "is not empty and is not an earlier fixture; refusing to overwrite it")
        for child in root.iterdir():
            if child.is_dir() and ("@" in child.name or child.name == "_shared_drives"):
                shutil.rmtree(child)
            elif child.name in ("workspace.json", "expected.json"):
                child.unlink()


def _dump(path: Path, data: object, stamp: float) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.utime(path, (stamp, stamp))


__all__ = ["DEFAULT_SEED", "write_fixture"]
