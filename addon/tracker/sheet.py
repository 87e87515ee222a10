"""Reading and writing the tracker spreadsheet with gspread, through the audited seam. Which spreadsheet
it is, and whose Drive it lives in (its owner, who ran ``dsar tracker init``), is remembered in
``DSAR_HOME/tracker.json``; :mod:`addon.tracker.identity` says as whom it is written."""
from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable

import gspread
from gspread.urls import DRIVE_FILES_API_V3_URL

from ..errors import ConfigError, GoogleError
from .schema import MONTHLY_TAB, TRACKER_TAB, Cell, col_letter, quote_tab


SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"


class TrackerError(GoogleError):
    """Google refused or failed a tracker read or write; the message names the spreadsheet, the identity
    used and what to do. ``code`` is Google's HTTP status (None when there was no answer)."""

    def __init__(self, message: str, code: int | None = None, doing: str = "") -> None:
        super().__init__(message)
        self.code, self.doing = code, doing


@dataclass
class TrackerConfig:
    spreadsheet_id: str
    owner: str
    created_at: str
    tracker_sheet_id: int
    monthly_sheet_id: int

    @property
    def url(self) -> str:
        return f"https://docs.google.com/spreadsheets/d/{self.spreadsheet_id}/edit"


def config_path(home: Path) -> Path:
    return Path(home) / "tracker.json"


def load_config(home: Path) -> TrackerConfig | None:
    path = config_path(home)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return TrackerConfig(**{k: data[k] for k in TrackerConfig.__dataclass_fields__})
    except (ValueError, KeyError, TypeError) as e:
        raise ConfigError(f"{path}: not a tracker record ({type(e).__name__}: {e}); "
                          "delete it and run 'dsar tracker init'") from None


def save_config(home: Path, cfg: TrackerConfig) -> Path:
    path = config_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({**asdict(cfg), "url": cfg.url}, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def _status(e: gspread.exceptions.APIError) -> int | None:
    return getattr(e, "code", None) or getattr(getattr(e, "response", None), "status_code", None)


def _explain(e: gspread.exceptions.APIError, spreadsheet_id: str | None, doing: str, principal: str = "",
             owner: str = "") -> TrackerError:
    """What failed, as whom, and advice that is true whatever the cause of a 403/404 turns out to be: that
    the sheet is gone is only said once its owner's Drive has been asked (:func:`addon.tracker.identity`)."""
    code = _status(e)
    what = f"the tracker spreadsheet {spreadsheet_id}" if spreadsheet_id else "the tracker spreadsheet"
    as_whom = f" as {principal}" if principal else ""
    if code in (403, 404) and spreadsheet_id:
        whose = f" (it is in {owner}'s Drive)" if owner and owner != principal else ""
        fix = (f"ask {owner} to share it with {principal} as an editor" if owner and owner != principal
               else "check that its owner still has it")
        hint = (f"it is not reachable{as_whom}{whose}; {fix}, or check the spreadsheet_id in tracker.json in the "
                "data folder (DSAR_HOME)")
    elif code in (403, 404):
        hint = f"Google refused{as_whom} ({code}); check the account's Drive access"
    elif code == 429:
        hint = "the Sheets quota was exhausted even after retries; run 'dsar tracker sync' again in a minute"
    else:
        hint = str(e)
    return TrackerError(f"tracker: {doing} {what} failed ({code}){as_whom}: {hint}", code, doing)


class TrackerSheet:
    """One tracker spreadsheet. ``before_write`` is called before every write request (the pacer)."""

    def __init__(self, gc: gspread.Client, spreadsheet_id: str, before_write: Callable[[], None] = lambda: None,
                 principal: str = "", owner: str = ""):
        self.gc = gc
        self.http = gc.http_client
        self.id = spreadsheet_id
        self.before_write = before_write
        self.principal, self.owner = principal, owner  # as whom we call Google; whose Drive holds the sheet
        self.writes = 0

    def _fail(self, e: gspread.exceptions.APIError, doing: str) -> TrackerError:
        return _explain(e, self.id, doing, self.principal, self.owner)

    @classmethod
    def create(cls, gc: gspread.Client, title: str, before_write: Callable[[], None] = lambda: None
               ) -> tuple["TrackerSheet", dict[str, int]]:
        """A new spreadsheet in the actor's Drive (Drive files.create, as gspread does) with its first tab
        renamed Tracker and a Monthly tab added; returns the sheet and the tabs' sheet ids."""
        before_write()
        try:
            created = gc.http_client.request(
                "post", DRIVE_FILES_API_V3_URL, params={"supportsAllDrives": True, "fields": "id,name,mimeType"},
                json={"name": title, "mimeType": SPREADSHEET_MIME}).json()
        except gspread.exceptions.APIError as e:
            raise _explain(e, None, "creating") from e
        sheet = cls(gc, created["id"], before_write)
        sheet.writes = 1
        first = next(iter(sheet.sheet_ids().values()), 0)
        reply = sheet.format([
            {"updateSheetProperties": {"properties": {"sheetId": first, "title": TRACKER_TAB, "index": 0},
                                       "fields": "title,index"}},
            {"addSheet": {"properties": {"title": MONTHLY_TAB, "index": 1}}},
        ])
        ids = {TRACKER_TAB: first}
        for r in reply.get("replies", []):
            props = (r or {}).get("addSheet", {}).get("properties")
            if props:
                ids[props["title"]] = int(props["sheetId"])
        if MONTHLY_TAB not in ids:
            ids = sheet.sheet_ids()
        return sheet, ids

    # -- reads ---------------------------------------------------------------------------------
    def sheet_ids(self) -> dict[str, int]:
        try:
            meta = self.http.spreadsheets_get(self.id, params={"fields": "sheets.properties(sheetId,title)"})
        except gspread.exceptions.APIError as e:
            raise self._fail(e, "reading") from e
        return {s["properties"]["title"]: int(s["properties"]["sheetId"]) for s in meta.get("sheets", [])}

    def permissions(self) -> list[dict]:
        try:
            return self.http.list_permissions(self.id)
        except gspread.exceptions.APIError as e:
            raise self._fail(e, "reading the sharing of") from e

    def drive_state(self) -> str:
        """'ok', 'trashed' or 'gone': the file as the caller's Drive sees it (drive.files.get). Asked as the
        owner, 'gone' means deleted (or a spreadsheet id that was never theirs)."""
        try:
            meta = self.http.request("get", f"{DRIVE_FILES_API_V3_URL}/{self.id}",
                                     params={"fields": "id,trashed", "supportsAllDrives": True}).json()
        except gspread.exceptions.APIError as e:
            if _status(e) == 404:
                return "gone"
            raise self._fail(e, "looking up") from e
        return "trashed" if meta.get("trashed") else "ok"

    def read(self, ranges: list[str]) -> list[list[list[Any]]]:
        """Values of each range as stored (numbers stay numbers, dates as serials): one read request."""
        try:
            data = self.http.values_batch_get(self.id, ranges, params={
                "valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER",
                "majorDimension": "ROWS"})
        except gspread.exceptions.APIError as e:
            raise self._fail(e, "reading") from e
        return [vr.get("values", []) for vr in data.get("valueRanges", [])]

    # -- writes --------------------------------------------------------------------------------
    def _write(self, doing: str, fn: Callable[[], Any]) -> Any:
        self.before_write()
        try:
            out = fn()
        except gspread.exceptions.APIError as e:
            raise self._fail(e, doing) from e
        self.writes += 1
        return out

    def share(self, email: str, role: str = "writer") -> Any:
        """Give a colleague (the DPO) access, without Google's notification email."""
        return self._write("sharing", lambda: self.http.insert_permission(self.id, email, "user", role, notify=False))

    def format(self, requests: list[dict]) -> Any:
        return self._write("formatting", lambda: self.http.batch_update(self.id, {"requests": requests}))

    def update(self, data: list[tuple[str, list[list[Cell]]]]) -> Any:
        """Write several ranges in one values.batchUpdate, RAW: text stays text."""
        body = {"valueInputOption": "RAW",
                "data": [{"range": rng, "majorDimension": "ROWS", "values": rows} for rng, rows in data]}
        return self._write("writing", lambda: self.http.values_batch_update(self.id, body))

    def append(self, rows: list[list[Cell]], width: int) -> Any:
        """Add rows after the table, RAW. OVERWRITE fills the empty rows below it (Google still grows the
        grid when needed); INSERT_ROWS would insert new rows above the formatted range, pushing the date
        formats, the Status validation and the highlighting down past the new rows."""
        rng = f"{quote_tab(TRACKER_TAB)}!A1:{col_letter(width - 1)}1"
        params = {"valueInputOption": "RAW", "insertDataOption": "OVERWRITE"}
        return self._write("adding rows to", lambda: self.http.values_append(
            self.id, rng, params, {"majorDimension": "ROWS", "values": rows}))



def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
