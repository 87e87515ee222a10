"""Mirroring a Takeout-style ``Drive/`` folder into the store: folders become Drive folders, .txt .md
.html become Google Docs, .csv and .xlsx Google Sheets (named without the extension, as Drive names a
converted upload), anything else is stored as is with its text extracted for search where possible.
A file that cannot be read is recorded in ``ws.load_problems`` and skipped."""
from __future__ import annotations

import datetime as dt
import mimetypes
import os
from pathlib import Path

from ..sheets.model import Spreadsheet
from ..state import Workspace
from . import extract
from .query import format_time
from .store import DOC, FOLDER, SHEET, DriveStore, new_id

DOC_EXTS = (".txt", ".md", ".html", ".htm")
SHEET_EXTS = (".csv", ".xlsx")
_EXTRA_TYPES = {".md": "text/markdown", ".log": "text/plain", ".csv": "text/csv", ".json": "application/json",
                ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def guess_type(name: str) -> str:
    ext = os.path.splitext(name)[1].lower()
    return _EXTRA_TYPES.get(ext) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def _stamp(path: Path) -> str:
    return format_time(dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc))


def load_drive(ws: Workspace, owner_email: str | None, drive_dir: Path, shared_drive: str | None = None,
               members: dict[str, str] | None = None) -> None:
    """Load ``drive_dir`` into ``owner_email``'s My Drive, or into shared drive ``shared_drive`` (with
    ``members``: email -> role; the first admin organises it when None). A shared drive's top-level
    ``drive.json`` describes it and is not a file in it."""
    if ws.drive is None:
        ws.drive = DriveStore()
    store: DriveStore = ws.drive
    drive_dir = Path(drive_dir)
    drive_id = None
    owner = owner_email.lower() if owner_email else None
    if owner is None:
        if not ws.users:
            ws.load_problems.append((str(drive_dir), "a shared drive needs at least one user to organise it"))
            return
        admins = [u.email for u in ws.users.values() if u.admin]
        organizer = admins[0] if admins else next(iter(ws.users))
        if members:
            organizer = next((m for m, r in members.items() if r == "organizer"), next(iter(members)))
        d = store.shared_drive(shared_drive or drive_dir.name, organizer)
        if members:
            d.members = dict(members)
        drive_id = d.id
        actor = organizer
    else:
        actor = owner
    folders: dict[Path, str] = {}
    for dirpath, dirnames, filenames in os.walk(drive_dir):
        dirnames.sort()
        here = Path(dirpath)
        parent = folders.get(here) if here != drive_dir else drive_id
        for d in dirnames:
            sub = here / d
            stamp = _stamp(sub)
            f = store.add(name=d, mimeType=FOLDER, owner=owner, parent=parent, drive_id=drive_id,
                          created=stamp, modified=stamp)
            f.lastModifyingUser = actor
            folders[sub] = f.id
        for name in sorted(filenames):
            if drive_id is not None and here == drive_dir and name == "drive.json":
                continue
            path = here / name
            try:
                _load_file(store, path, owner, parent, drive_id, actor)
            except Exception as e:  # noqa: BLE001 - any unreadable file is reported, never fatal
                ws.load_problems.append((str(path), f"{type(e).__name__}: {e}"[:300]))


def _load_file(store: DriveStore, path: Path, owner: str | None, parent: str | None, drive_id: str | None,
               actor: str) -> None:
    data = path.read_bytes()
    stamp = _stamp(path)
    ext = path.suffix.lower()
    common = dict(owner=owner, parent=parent, drive_id=drive_id, created=stamp, modified=stamp,
                  originalFilename=path.name)
    if ext in DOC_EXTS:
        text = extract.decode_text(data)
        if ext in (".html", ".htm"):
            f = store.add(name=path.stem, mimeType=DOC, text=extract.html_text(text), html=text,
                          content=None, **common)
        else:
            f = store.add(name=path.stem, mimeType=DOC, text=text, **common)
        f.content = (f.text or "").encode("utf-8")
    elif ext in SHEET_EXTS:
        book = Spreadsheet.new(new_id(), path.stem)
        if ext == ".csv":
            extract.csv_sheet(book, path.stem, data)
        else:
            extract.xlsx_sheets(book, data)
        f = store.add(name=path.stem, mimeType=SHEET, spreadsheet=book, **common)
    else:
        mime = guess_type(path.name)
        text = extract.text_of(path.name, mime, data)
        f = store.add(name=path.name, mimeType=mime, content=data, text=text, **common)
    f.lastModifyingUser = actor
