"""Fetching the subject's items for the access package, each into a temporary file on disk.

* Gmail: ``messages.get(format=raw)``, base64url-decoded: the exact bytes of the original message (.eml).
* Drive: binary files with ``files.get(alt=media)``, Google Docs/Slides/Drawings exported (PDF where the
  server can, else plain text plus HTML), all through ``MediaIoBaseDownload`` in chunks (ranged requests),
  so a large file is never held in memory; Drive's MD5 is checked where Drive gives one.
* Sheets: only the header row and the subject's rows, read by row (``values.batchGet``) and re-checked
  against the subject before they go in: a row that no longer mentions the subject (the sheet was sorted or
  edited since the search) is left out and reported, so nobody else's row is disclosed.
"""
from __future__ import annotations

import base64
import csv
import email.parser
import email.policy
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Iterator

from googleapiclient.errors import HttpError
from googleapiclient.http import MediaIoBaseDownload

from ..errors import GoogleError

CHUNK = 8 * 1024 * 1024
GOOGLE_APPS = "application/vnd.google-apps."
SHEET = GOOGLE_APPS + "spreadsheet"
#: Google-native types and how to export them: first choice, then fallbacks (each a list of forms).
EXPORTS: dict[str, list[list[tuple[str, str]]]] = {
    GOOGLE_APPS + "document": [[("application/pdf", ".pdf")], [("text/plain", ".txt"), ("text/html", ".html")]],
    GOOGLE_APPS + "presentation": [[("application/pdf", ".pdf")], [("text/plain", ".txt")]],
    GOOGLE_APPS + "drawing": [[("application/pdf", ".pdf")], [("image/png", ".png")]],
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d[\d,]*)(\.\d+)?%?$")


class ExportError(GoogleError):
    """An item could not be put into the package; the message names the item."""


@dataclass
class Staged:
    """One file ready to go into the ZIP."""

    path: Path  # temporary file
    arcname: str
    source: str
    account: str
    item_id: str
    sha256: str
    size: int
    detail: dict[str, Any] = field(default_factory=dict)


class _HashingFile:
    """A write-only file that hashes what passes through (MediaIoBaseDownload writes into it)."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh, self.sha256, self.md5, self.size = fh, hashlib.sha256(), hashlib.md5(), 0

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        self.md5.update(data)
        self.size += len(data)
        return self.fh.write(data)


def safe_name(name: str, limit: int = 120) -> str:
    """A path component that cannot climb out of its folder or upset a file system."""
    name = re.sub(r"[\x00-\x1f\x7f/\\:*?\"<>|]+", "_", name).strip().strip(".")
    return (name or "unnamed")[:limit]


def safe_path(path: str) -> str:
    return "/".join(safe_name(p) for p in path.split("/") if p.strip() and p.strip() not in (".", ".."))


def neutralise(cell: str) -> str:
    """A CSV cell that spreadsheet programs will show as text, not run as a formula (numbers stay as they are)."""
    if cell and cell.startswith(_FORMULA_START) and not _NUMBER.match(cell.strip()):
        return "'" + cell
    return cell


def _status(e: HttpError) -> int:
    return int(getattr(e.resp, "status", 0) or 0)


class Stager:
    """Writes fetched content into ``workdir`` and names it uniquely inside the ZIP."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self._n = 0
        self._names: set[str] = set()

    def arcname(self, wanted: str) -> str:
        stem, dot, ext = wanted.rpartition(".")
        if not dot or "/" in ext:
            stem, ext = wanted, ""
        candidate, k = wanted, 2
        while candidate.lower() in self._names:
            candidate = f"{stem} ({k}).{ext}" if ext else f"{stem} ({k})"
            k += 1
        self._names.add(candidate.lower())
        return candidate

    def new_file(self) -> Path:
        self._n += 1
        return self.workdir / f"item-{self._n:06d}"

    def from_bytes(self, data: bytes, arcname: str, **meta: Any) -> Staged:
        path = self.new_file()
        path.write_bytes(data)
        return Staged(path, self.arcname(arcname), sha256=hashlib.sha256(data).hexdigest(), size=len(data), **meta)

    def download(self, request: Any, arcname: str, md5: str | None = None, **meta: Any) -> Staged:
        path = self.new_file()
        with open(path, "wb") as fh:
            sink = _HashingFile(fh)
            dl = MediaIoBaseDownload(sink, request, chunksize=CHUNK)
            done = False
            while not done:
                _, done = dl.next_chunk()
        if md5 and sink.md5.hexdigest() != md5.lower():
            path.unlink(missing_ok=True)
            raise ExportError(f"drive: the download of {arcname} does not match Drive's MD5 checksum; run the export again")
        return Staged(path, self.arcname(arcname), sha256=sink.sha256.hexdigest(), size=sink.size, **meta)


# -- Gmail -----------------------------------------------------------------------------------------
def message_headers(raw: bytes) -> dict[str, str]:
    msg = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)
    return {k: str(msg.get(k, "") or "") for k in ("Message-ID", "Date", "From", "To", "Subject")}


def fetch_message(gmail: Any, stager: Stager, item: dict) -> Staged | None:
    """The message's original bytes as ``gmail/<account>/<id>.eml``; None when it no longer exists."""
    try:
        msg = gmail.users().messages().get(userId="me", id=item["message_id"], format="raw").execute()
    except HttpError as e:
        if _status(e) == 404:
            return None
        raise
    raw = base64.urlsafe_b64decode(msg["raw"] + "=" * (-len(msg["raw"]) % 4))
    headers = message_headers(raw)
    return stager.from_bytes(
        raw, f"gmail/{safe_name(item['account'])}/{safe_name(item['message_id'])}.eml", source="gmail",
        account=item["account"], item_id=item["message_id"],
        detail={"subject": headers["Subject"], "date": headers["Date"], "from": headers["From"],
                "rfc822_message_id": headers["Message-ID"], "labels": msg.get("labelIds", [])})


# -- Drive -----------------------------------------------------------------------------------------
def fetch_file(drive: Any, stager: Stager, item: dict) -> tuple[list[Staged], str | None]:
    """(staged files, reason it was left out). A spreadsheet is represented by its matching rows only."""
    try:
        meta = drive.files().get(fileId=item["file_id"], fields="id,name,mimeType,size,md5Checksum,modifiedTime",
                                 supportsAllDrives=True).execute()
    except HttpError as e:
        if _status(e) == 404:
            return [], "no longer in Drive (deleted since the search)"
        raise
    mime = meta.get("mimeType", "")
    base = f"drive/{safe_name(item['account'])}/{safe_path(item.get('path') or meta.get('name') or item['file_id'])}"
    common = {"source": "drive", "account": item["account"], "item_id": item["file_id"]}
    if mime == SHEET:
        return [], "a spreadsheet: only the rows about the subject are included (sheets/ folder)"
    if mime.startswith(GOOGLE_APPS):
        forms = EXPORTS.get(mime)
        if not forms:
            return [], f"a Google {mime.removeprefix(GOOGLE_APPS)} file, which Drive cannot export"
        last: HttpError | None = None
        for option in forms:
            try:
                return [stager.download(drive.files().export_media(fileId=item["file_id"], mimeType=m), base + ext,
                                        detail={"form": f"exported as {m}", "name": meta.get("name"),
                                                "modified": meta.get("modifiedTime")}, **common)
                        for m, ext in option], None
            except HttpError as e:
                if _status(e) not in (400, 403, 415, 500, 501):
                    raise
                last = e
        return [], f"Drive could not export it ({_status(last) if last else '?'})"
    staged = stager.download(drive.files().get_media(fileId=item["file_id"], supportsAllDrives=True), base,
                             md5=meta.get("md5Checksum"),
                             detail={"form": "original file", "name": meta.get("name"), "mime_type": mime,
                                     "modified": meta.get("modifiedTime")}, **common)
    return [staged], None


# -- Sheets ----------------------------------------------------------------------------------------
def _a1_tab(tab: str) -> str:
    return "'" + tab.replace("'", "''") + "'"


MOVED = ("this row no longer mentions the subject (the sheet changed since the search); it was left out so "
         "that nobody else's row is disclosed")
UNREADABLE = "the spreadsheet or tab could not be read (deleted or renamed since the search); run the search again"


def fetch_rows(sheets: Any, matcher: Any, stager: Stager, account: str, file_id: str, path: str, tab: str,
               rows: list[int]) -> tuple[Staged | None, list[int], dict[int, str]]:
    """CSV of the header row and the rows (1-based) that still mention the subject:
    (staged, rows kept, {row left out: why})."""
    wanted = sorted(set(r for r in rows if r > 1))
    ranges = [f"{_a1_tab(tab)}!1:1"] + [f"{_a1_tab(tab)}!{r}:{r}" for r in wanted]
    values: list[list[list[Any]]] = []
    try:
        for i in range(0, len(ranges), 100):
            resp = sheets.spreadsheets().values().batchGet(
                spreadsheetId=file_id, ranges=ranges[i:i + 100], valueRenderOption="FORMATTED_VALUE",
                majorDimension="ROWS").execute()
            values += [vr.get("values", []) for vr in resp.get("valueRanges", [])]
    except HttpError as e:
        if _status(e) in (400, 404):
            return None, [], {r: UNREADABLE for r in sorted(set(rows))}
        raise
    header = [str(c) for c in (values[0][0] if values and values[0] else [])]
    kept: list[int] = []
    dropped: dict[int, str] = {}
    out: list[list[str]] = []
    if 1 in rows and header and matcher.match_row(header, None):
        kept.append(1)
    for r, vr in zip(wanted, values[1:]):
        cells = [str(c) for c in (vr[0] if vr else [])]
        if cells and matcher.match_row(cells, header or None):
            kept.append(r)
            out.append(cells)
        else:
            dropped[r] = MOVED
    if not kept:
        return None, [], dropped
    lines = _csv_text([header] + out)
    arc = f"sheets/{safe_name(account)}/{safe_path(path)}/{safe_name(tab)}.csv"
    staged = stager.from_bytes(lines.encode("utf-8"), arc, source="sheets", account=account,
                               item_id=f"{file_id}:{tab}", detail={"name": path, "sheet": tab, "rows": kept})
    return staged, kept, dropped


def _csv_text(rows: list[list[str]]) -> str:
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralise(c) for c in row])
    return buf.getvalue()


def group_rows(items: list[dict]) -> Iterator[tuple[tuple[str, str, str, str], list[int]]]:
    """Sheet items grouped per (account, file id, path, tab), with their row numbers."""
    groups: dict[tuple[str, str, str, str], list[int]] = {}
    for it in items:
        key = (it["account"], it["file_id"], it.get("path") or it.get("name") or it["file_id"], it["sheet"])
        groups.setdefault(key, []).append(int(it["row"]))
    yield from sorted(groups.items())
