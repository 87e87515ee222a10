"""Searching one user's Drive: full-text queries over the files they own, confirmed by reading each
candidate (Docs exported as text, other files downloaded where a library reads them), and every
spreadsheet they own read row by row, so a match is reported down to the sheet row."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from googleapiclient.errors import HttpError

from ..queries.drive import literal
from .content import file_text

FOLDER = "application/vnd.google-apps.folder"
SHEET = "application/vnd.google-apps.spreadsheet"
DOC = "application/vnd.google-apps.document"
MAX_DOWNLOAD = 20 * 1024 * 1024
FIELDS = "nextPageToken, files(id, name, mimeType, parents, owners(emailAddress), size, trashed, driveId)"


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

    def _list(self, q: str, key: str) -> list[dict]:
        """All files for q, resuming at the saved page token; listed files are kept in the state."""
        st = self.state.setdefault("lists", {})
        entry = st.setdefault(key, {"token": None, "files": [], "done": False})
        while not entry["done"]:
            resp = self.drive.files().list(
                q=q, pageSize=1000, fields=FIELDS, pageToken=entry["token"], spaces="drive", corpora="user",
            ).execute()
            entry["files"].extend(resp.get("files", []))
            entry["token"] = resp.get("nextPageToken")
            entry["done"] = not entry["token"]
            self.save(self.state)
        return entry["files"]

    def run(self) -> None:
        owner = literal(self.account) + " in owners"
        folders = {f["id"]: f for f in self._list(f"{owner} and mimeType = '{FOLDER}'", "folders")}
        candidates: dict[str, dict] = {}
        for i, q in enumerate(self.queries):
            for f in self._list(f"{owner} and ({q})", f"q{i}"):
                if f["mimeType"] not in (FOLDER, SHEET) and f["id"] not in self.exclude:
                    candidates.setdefault(f["id"], f)
        sheets = [f for f in self._list(f"{owner} and mimeType = '{SHEET}'", "sheets") if f["id"] not in self.exclude]
        self.progress("candidates", len(candidates) + len(sheets))
        done = set(self.state.setdefault("done", []))
        for f in list(candidates.values()) + sheets:
            if f["id"] in done:
                continue
            path = _path(f, folders)
            items = self._sheet_rows(f, path) if f["mimeType"] == SHEET else self._confirm_file(f, path)
            if items:
                self.emit(items)
            self.state["done"].append(f["id"])
            done.add(f["id"])
            self.progress("fetched", 1)
            self.save(self.state)

    def _confirm_file(self, f: dict, path: str) -> list[dict]:
        item = {"source": "drive", "account": self.account, "file_id": f["id"], "name": f["name"], "path": path,
                "mime_type": f["mimeType"], "trashed": bool(f.get("trashed"))}
        try:
            if f["mimeType"] == DOC:
                data = self.drive.files().export(fileId=f["id"], mimeType="text/plain").execute()
                text = file_text("text/plain", data)
            elif f["mimeType"].startswith("application/vnd.google-apps."):
                text = None
            elif int(f.get("size") or 0) <= MAX_DOWNLOAD:
                text = file_text(f["mimeType"], self.drive.files().get_media(fileId=f["id"]).execute())
            else:
                text = None
        except HttpError as e:
            if e.resp.status == 404:
                return []
            raise
        if text is None:
            item["confirmed_by"] = "drive-index"  # no library reads it here; Drive's full-text match stands
            return [item]
        return [item] if (self.matcher.match_text(text) or self.matcher.match_text(f["name"])) else []

    def _sheet_rows(self, f: dict, path: str) -> list[dict]:
        meta = self.sheets.spreadsheets().get(spreadsheetId=f["id"], fields="sheets.properties(title,sheetId)").execute()
        titles = [s["properties"]["title"] for s in meta.get("sheets", [])]
        if not titles:
            return []
        ranges = ["'" + t.replace("'", "''") + "'" for t in titles]
        data = self.sheets.spreadsheets().values().batchGet(
            spreadsheetId=f["id"], ranges=ranges, valueRenderOption="FORMATTED_VALUE", majorDimension="ROWS",
        ).execute()
        items = []
        for title, vr in zip(titles, data.get("valueRanges", [])):
            rows = vr.get("values", [])
            header = [str(c) for c in rows[0]] if rows else None
            for n, row in enumerate(rows, start=1):
                cells = [str(c) for c in row]
                if self.matcher.match_row(cells, None if n == 1 else header):
                    items.append({"source": "sheets", "account": self.account, "file_id": f["id"], "name": f["name"],
                                  "path": path, "sheet": title, "row": n})
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


