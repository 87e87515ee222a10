"""Searching one user's Drive, or one shared drive: full-text queries over the files they own (or the
shared drive holds), confirmed by reading each candidate (Docs exported as text, uploaded files downloaded
and read by :mod:`addon.extract`), and every spreadsheet read row by row, so a match is reported down to
the sheet row. An uploaded table (.xlsx, .csv, .ods...) gives one ``drive`` item per matching row, with
``sheet`` and ``row`` as a ``sheets`` item has; a file that cannot be read gives an item with
``unreadable`` (why, and what to check by hand) rather than silence. Every item says which drive holds it:
``"drive": "My Drive"`` or ``{"id": ..., "name": ...}`` for a shared drive (``account`` is then the member
who searched it)."""
from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from typing import Any, Callable

from googleapiclient.errors import HttpError

from audit.context import map_acting

from .. import extract
from ..errors import ConfigError
from ..queries.drive import literal
from . import evidence
from ..subjects.matching import header_row
from .content import FileMatch, confirm_file
from .sheet_routes import SheetReader

FOLDER = "application/vnd.google-apps.folder"
SHEET = "application/vnd.google-apps.spreadsheet"
DOC = "application/vnd.google-apps.document"
MAX_DOWNLOAD = 20 * 1024 * 1024
CHECKPOINT_S = 1.0  # default; DSAR_CHECKPOINT_SECONDS sets it (0: after every file)


def checkpoint_seconds() -> float:
    """How often a Drive unit saves its place: a spreadsheet-heavy Drive reads many small files and each save
    rewrites the unit's row, so once a second by default; a resume re-reads at most that much."""
    raw = os.environ.get("DSAR_CHECKPOINT_SECONDS", "").strip()
    if not raw:
        return CHECKPOINT_S
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 3600:
        raise ConfigError(f"DSAR_CHECKPOINT_SECONDS: {raw!r} is not a number of seconds between 0 and 3600")
    return value
MY_DRIVE = "My Drive"
FIELDS = "nextPageToken, files(id, name, mimeType, parents, owners(emailAddress), size, trashed, driveId, modifiedTime)"


@dataclass
class DriveUnit:
    account: str
    drive: Any  # Drive v3 resource, audited
    sheets: Any  # Sheets v4 resource, audited
    queries: list[str]  # fullText clauses from addon.queries.drive
    matcher: Any
    state: dict
    save: Callable[[dict], None]
    emit: Callable[[list[dict]], None]
    progress: Callable[[str, int], None] = lambda kind, n: None
    exclude: frozenset[str] = frozenset()  # file ids never searched (the DSAR tracker itself)
    shared_drive: dict | None = None  # {"id", "name"}: search this shared drive instead of the My Drive
    pacer: Any = None  # the seam's pacer, so each spreadsheet is read by the route with quota headroom
    reuse: Any = None  # addon.search.reuse.Reuse: unchanged spreadsheets of this case's last search
    route: str | None = None  # "auto" (default, DSAR_SHEET_ROUTE), "export" or "sheets"

    def __post_init__(self) -> None:
        kw = {"route": self.route} if self.route else {}
        self.reader = SheetReader(self.drive, self.sheets, self.account, self.pacer, **kw)
        self.files = self.reader.files  # one ``files()`` resource: googleapiclient rebuilds it on each call

    @property
    def drive_label(self) -> str | dict:
        return dict(self.shared_drive) if self.shared_drive else MY_DRIVE

    def _list_args(self) -> dict:
        if self.shared_drive:
            return {"corpora": "drive", "driveId": self.shared_drive["id"], "includeItemsFromAllDrives": True,
                    "supportsAllDrives": True}
        return {"corpora": "user"}

    def _list(self, q: str, key: str) -> list[dict]:
        """All files for q, resuming at the saved page token; listed files are kept in the state."""
        st = self.state.setdefault("lists", {})
        entry = st.setdefault(key, {"token": None, "files": [], "done": False})
        while not entry["done"]:
            resp = self.files.list(
                q=q, pageSize=1000, fields=FIELDS, pageToken=entry["token"], spaces="drive", **self._list_args(),
            ).execute()
            entry["files"].extend(resp.get("files", []))
            entry["token"] = resp.get("nextPageToken")
            entry["done"] = not entry["token"]
            self.save(self.state)
        return entry["files"]

    def run(self) -> None:
        # a shared drive's files have no owners: the drive itself is the scope
        owner = "" if self.shared_drive else literal(self.account) + " in owners and "
        folders = {f["id"]: f for f in self._list(f"{owner}mimeType = '{FOLDER}'", "folders")}
        candidates: dict[str, dict] = {}
        for i, q in enumerate(self.queries):
            for f in self._list(f"{owner}({q})", f"q{i}"):
                if f["mimeType"] not in (FOLDER, SHEET) and f["id"] not in self.exclude:
                    candidates.setdefault(f["id"], f)
        sheets = [f for f in self._list(f"{owner}mimeType = '{SHEET}'", "sheets") if f["id"] not in self.exclude]
        self.progress("candidates", len(candidates) + len(sheets))
        done = set(self.state.setdefault("done", []))
        todo = {f["id"] for f in list(candidates.values()) + sheets}
        last_save, every = time.monotonic(), checkpoint_seconds()
        for f in list(candidates.values()) + sheets:
            if f["id"] in done:
                continue
            path = _path(f, folders)
            items = self._sheet_rows(f, path) if f["mimeType"] == SHEET else self._confirm_file(f, path)
            if items:
                self.emit(items)
            if f["mimeType"] == SHEET and f.get("modifiedTime"):
                self.state.setdefault("sheets_seen", {})[f["id"]] = f["modifiedTime"]
            self.state["done"].append(f["id"])
            done.add(f["id"])
            self.progress("fetched", 1)
            now = time.monotonic()
            if now - last_save >= every or todo <= done:
                self.save(self.state)
                last_save = now

    def _confirm_file(self, f: dict, path: str) -> list[dict]:
        item = {"source": "drive", "account": self.account, "file_id": f["id"], "name": f["name"], "path": path,
                "mime_type": f["mimeType"], "trashed": bool(f.get("trashed")), "drive": self.drive_label}
        mime = f["mimeType"]
        plain, self.matcher = self.matcher, evidence.Recorder(self.matcher)  # what matched, as evidence
        try:
            return self._read_and_match(f, item, mime)
        finally:
            self.matcher = plain

    def _read_and_match(self, f: dict, item: dict, mime: str) -> list[dict]:
        rec = self.matcher
        try:
            if mime == DOC:
                data = self.files.export(fileId=f["id"], mimeType="text/plain").execute()
                res = confirm_file(self.matcher, data, "text/plain")
            elif mime.startswith("application/vnd.google-apps.") or not extract.readable(mime, f["name"]):
                res = FileMatch()  # no library reads it here (images: no OCR)
            elif int(f.get("size") or 0) > min(MAX_DOWNLOAD, extract.formats.MAX_BYTES):
                limit = min(MAX_DOWNLOAD, extract.formats.MAX_BYTES)
                res = FileMatch(unreadable=extract.TooLarge(
                    f"larger than the {extract.formats.size_text(limit)} read automatically "
                    f"({extract.formats.size_text(int(f['size']))}); not downloaded").as_dict())
            else:
                data = self.files.get_media(fileId=f["id"], supportsAllDrives=True).execute()
                item["sha256"] = hashlib.sha256(data).hexdigest()  # folds identical copies in review
                res = confirm_file(self.matcher, data, mime, f["name"])
        except HttpError as e:
            if e.resp.status == 404:
                return []
            raise
        if res.rows:  # an uploaded table: one item per matching row, as for a Google Sheet
            per_row = rec.row_hits if len(rec.row_hits) == len(res.rows) else [rec.hits] * len(res.rows)
            return [{**item, "sheet": tab, "row": row, "matched": evidence.from_hits(hits, "cell")}
                    for (tab, row), hits in zip(res.rows, per_row)]
        content = evidence.from_hits(rec.hits, "content") if res.text else []
        named = evidence.from_hits(rec.matcher.match_text(f["name"]), "file_name")
        if content or named:
            return [{**item, "matched": evidence.merge(content, named)}]
        if res.unreadable:
            return [{**item, "unreadable": res.unreadable}]
        if not res.read:
            item["confirmed_by"] = "drive-index"  # no library reads it here; Drive's full-text match stands
            item["matched"] = list(evidence.UNCONFIRMED)
            return [item]
        return []

    def _sheet_rows(self, f: dict, path: str) -> list[dict]:
        """Every matching row, read by the cheaper route (addon/search/sheet_routes.py), or carried over
        from this case's last search when the spreadsheet has not changed since (addon/search/reuse.py)."""
        if self.reuse is not None:
            kept = self.reuse.take(f, path)
            if kept is not None:
                self.state.setdefault("routes", {})["reused"] = self.state.get("routes", {}).get("reused", 0) + 1
                return kept
        before = dict(self.reader.stats)
        tabs = self.reader.read(f)
        routes = self.state.setdefault("routes", {})
        for k, v in self.reader.stats.items():
            if v != before.get(k, 0):
                routes[k] = routes.get(k, 0) + v - before.get(k, 0)
        items = []
        for tab in tabs or []:
            title, rows = tab.title, tab.rows
            h = header_row(rows) if rows else 0  # a title row may sit above it
            header = rows[h] if rows else None
            for n, cells in enumerate(rows, start=1):
                hits = self.matcher.match_row(cells, None if n <= h + 1 else header)
                if hits:
                    items.append({"source": "sheets", "account": self.account, "file_id": f["id"], "name": f["name"],
                                  "path": path, "sheet": title, "row": n, "drive": self.drive_label,
                                  "matched": evidence.from_hits(hits, "cell")})
        return items


def _path(f: dict, folders: dict[str, dict]) -> str:
    parts = [f["name"]]
    parent = (f.get("parents") or [None])[0]
    hops = 0
    while parent in folders and hops < 100:
        parts.append(folders[parent]["name"])
        parent = (folders[parent].get("parents") or [None])[0]
        hops += 1
    return "/".join(reversed(parts))




def list_shared_drives(drive_for, accounts: list[str], workers: int = 8) -> dict[str, dict]:
    """Every shared drive any account in scope is a member of: drive id -> {"name", "account"}, the
    account being an organiser of it where one is in scope, else the first member (in the given order):
    the one who searches it. ``drive_for(account)`` gives that account's audited Drive client. Accounts
    are asked ``workers`` at a time: one by one, 1,000 accounts were 1,000 calls in a row before a search
    or an estimate could begin."""
    def member_of(acct: str) -> list[dict]:
        svc, token, drives = drive_for(acct), None, []
        while True:
            resp = svc.drives().list(pageSize=100, pageToken=token,
                                     fields="nextPageToken, drives(id, name, capabilities(canManageMembers))").execute()
            drives += resp.get("drives", [])
            if not (token := resp.get("nextPageToken")):
                return drives

    listed = map_acting(member_of, accounts, workers)
    found: dict[str, dict] = {}
    for acct, drives in zip(accounts, listed):
        for d in drives:
            organiser = bool((d.get("capabilities") or {}).get("canManageMembers"))
            have = found.get(d["id"])
            if have is None or (organiser and not have["organiser"]):
                found[d["id"]] = {"name": d.get("name", ""), "account": acct, "organiser": organiser}
    return found
