"""Two ways to read every tab of a Google Sheet, and the choice between them per file.

- **Sheets API**: ``spreadsheets.get`` for the tab titles, then one ``values.batchGet`` of every tab: two
  requests against Sheets' quota (300 reads a minute per project, 60 per user).
- **Drive export**: one ``files.export`` to .xlsx holds every tab, against Drive's quota (12,000 queries a
  minute per project), read here by :mod:`.xlsx_tabs` (openpyxl's cell parser). Drive refuses an export over 10 MB (403
  ``exportSizeLimitExceeded``, "This file is too large to be exported.").

Both give the same :class:`Tab` list: each tab's exact title and its rows as the values API returns them
with ``FORMATTED_VALUE`` (strings, trailing empty cells and rows dropped, row *n* of the list is the sheet's
row *n*), so an item's ``sheet`` and 1-based ``row`` do not depend on the route. The choice: Drive unless
the file is larger than the export limit, the export is refused, its tab titles cannot be trusted (an .xlsx
holds at most 31 characters and none of ``\\ / * ? : [ ]``), or Drive's quota is backlogged while Sheets'
is idle. ``DSAR_SHEET_ROUTE=sheets`` keeps the Sheets API only (the route before this module).
"""
from __future__ import annotations

import datetime as dt
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from googleapiclient.errors import HttpError

from scopes.quotas import EXPORT_LIMIT_BYTES

from ..errors import ConfigError
from .xlsx_tabs import NotAWorkbook, worksheets

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROUTES = ("auto", "export", "sheets")
XLSX_TITLE_MAX = 31
#: Drive's backlog (seconds of queued calls) above which an idle Sheets quota is used instead
BACKLOG_S = 1.0


@dataclass
class Tab:
    title: str
    rows: list[list[str]]


def default_route() -> str:
    route = (os.environ.get("DSAR_SHEET_ROUTE") or "auto").strip().lower()
    if route not in ROUTES:
        raise ConfigError(f"DSAR_SHEET_ROUTE: {route!r} is not one of {', '.join(ROUTES)}")
    return route


def trim(rows: list[list[str]]) -> list[list[str]]:
    """As the values API answers: no trailing empty cells in a row, no trailing empty rows."""
    out = []
    for row in rows:
        while row and row[-1] == "":
            row = row[:-1]
        out.append(row)
    while out and not out[-1]:
        out.pop()
    return out


def tabs_from_values(titles: list[str], data: dict) -> list[Tab]:
    ranges = data.get("valueRanges", [])
    return [Tab(t, trim([[str(c) for c in r] for r in (vr.get("values") or [])])) for t, vr in zip(titles, ranges)]


def tabs_from_xlsx(data: bytes) -> list[Tab] | None:
    """Every tab of an exported workbook, or None when a title may have been shortened or changed."""
    try:
        tabs = []
        for title, cells in worksheets(data):
            if len(title) >= XLSX_TITLE_MAX or "_" in title:
                return None  # possibly cut to 31 or with a forbidden character replaced: ask Sheets
            rows: list[list[str]] = []
            for c in cells:  # placed by each cell's own coordinate: row n of the list is the sheet's row n
                text = cell_text(c.value, c.number_format)
                while len(rows) < c.row:
                    rows.append([])
                row = rows[c.row - 1]
                while len(row) < c.column:
                    row.append("")
                if text or not row[c.column - 1]:
                    row[c.column - 1] = text
            tabs.append(Tab(title, trim(rows)))
        return tabs
    except NotAWorkbook:  # damaged, encrypted, or a part openpyxl's parser cannot follow: ask Sheets
        return None


# -- number formats, as Sheets' FORMATTED_VALUE shows them ---------------------------------------------
def cell_text(value: Any, number_format: str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return format_date(value, number_format or "yyyy-mm-dd")
    if isinstance(value, (int, float)):
        return format_number(value, number_format or "General")
    return str(value)


def general(n: float) -> str:
    """The "General" format: integers plainly, others to 15 significant digits."""
    if isinstance(n, int) or float(n).is_integer() and abs(n) < 1e15:
        return str(int(n))
    text = f"{n:.15g}"
    if "e" in text:
        mant, exp = text.split("e")
        return f"{mant}E{'+' if int(exp) >= 0 else '-'}{abs(int(exp)):02d}"
    return text


_LITERAL = re.compile(r'"([^"]*)"|\\(.)')


def format_number(n: float, fmt: str) -> str:
    fmt = fmt.split(";")[0]
    if fmt in ("", "General", "@"):
        return general(n)
    core = _LITERAL.sub("", fmt)
    digits = re.search(r"[#0][#0,]*(\.[0#]+)?%?", core)
    if not digits:
        return general(n)
    spec = digits.group(0)
    decimals = len(spec.split(".")[1].rstrip("%")) if "." in spec else 0
    if spec.endswith("%"):
        body = f"{n * 100:.{decimals}f}%"
    else:
        body = f"{n:,.{decimals}f}" if "," in spec else f"{n:.{decimals}f}"
    before, _, after = fmt.partition(spec)
    unquote = lambda text: _LITERAL.sub(lambda m: m.group(1) or m.group(2) or "", text)  # noqa: E731
    return unquote(before) + body + unquote(after)


def format_date(t: dt.datetime | dt.date | dt.time, pattern: str) -> str:
    if isinstance(t, dt.time):
        t = dt.datetime.combine(dt.date(1899, 12, 30), t)
    elif not isinstance(t, dt.datetime):
        t = dt.datetime.combine(t, dt.time())
    out, last = [], ""
    for tok in re.findall(r"yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|[^a-z]+|[a-z]", pattern.lower()):
        if tok in ("mm", "m") and last in ("hh", "h"):
            out.append(f"{t.minute:02d}" if tok == "mm" else str(t.minute))
        else:
            out.append({
                "yyyy": f"{t.year:04d}", "yy": f"{t.year % 100:02d}", "mmmm": t.strftime("%B"),
                "mmm": t.strftime("%b"), "mm": f"{t.month:02d}", "m": str(t.month), "dddd": t.strftime("%A"),
                "ddd": t.strftime("%a"), "dd": f"{t.day:02d}", "d": str(t.day), "hh": f"{t.hour:02d}",
                "h": str(t.hour), "ss": f"{t.second:02d}", "s": str(t.second),
                "am/pm": "AM" if t.hour < 12 else "PM"}.get(tok, tok.replace("\\", "").replace('"', "")))
        if tok.isalpha():
            last = tok
    return "".join(out)


# -- reading one spreadsheet -------------------------------------------------------------------------
@dataclass
class SheetReader:
    """Reads a spreadsheet's tabs by the cheaper route; ``stats`` counts what each file cost."""

    drive: Any  # Drive v3 resource, audited
    sheets: Any  # Sheets v4 resource, audited
    principal: str = ""
    pacer: Any = None  # the seam's pacer: its backlog says which quota has headroom
    route: str = field(default_factory=default_route)
    stats: Counter = field(default_factory=Counter)

    def __post_init__(self) -> None:
        # googleapiclient builds every method of a resource, docstrings included, on each ``files()`` or
        # ``spreadsheets()`` call (Sheets': ~11 MB and tens of ms, freed only by the cyclic GC): build each
        # once per reader, and the Sheets one only if a spreadsheet is read through Sheets at all
        self.files = self.drive.files()  # shared with the DriveUnit that owns this reader
        self._sheets_res = None

    @property
    def _sheets(self):
        if self._sheets_res is None:
            self._sheets_res = self.sheets.spreadsheets()
        return self._sheets_res

    def choose(self, f: dict) -> str:
        if self.route != "auto":
            return self.route
        if int(f.get("size") or 0) > EXPORT_LIMIT_BYTES:
            return "sheets"  # Drive would refuse it: do not spend a query to hear so
        if self.pacer is not None and hasattr(self.pacer, "backlog"):
            drive = self.pacer.backlog(self.principal, "drive")
            if drive > BACKLOG_S and self.pacer.backlog(self.principal, "sheets_read") == 0.0:
                return "sheets"
        return "export"

    def read(self, f: dict) -> list[Tab] | None:
        """The tabs, or None when the spreadsheet is gone (404)."""
        route = self.choose(f)
        if route == "export":
            tabs = self._export(f)
            if tabs is not None:
                self.stats["export"] += 1
                return tabs
            self.stats["fallback"] += 1
        self.stats["sheets"] += 1
        return self._values(f)

    def _export(self, f: dict) -> list[Tab] | None:
        try:
            data = self.files.export(fileId=f["id"], mimeType=XLSX).execute()
        except HttpError as e:
            if e.resp.status in (400, 403, 404):  # too large, not exportable, download restricted: Sheets
                self.stats[f"export_refused_{e.resp.status}"] += 1
                return None
            raise
        return tabs_from_xlsx(data)

    def _values(self, f: dict) -> list[Tab] | None:
        try:
            meta = self._sheets.get(spreadsheetId=f["id"], fields="sheets.properties(title,sheetId)").execute()
            titles = [s["properties"]["title"] for s in meta.get("sheets", [])]
            if not titles:
                return []
            ranges = ["'" + t.replace("'", "''") + "'" for t in titles]
            data = self._sheets.values().batchGet(
                spreadsheetId=f["id"], ranges=ranges, valueRenderOption="FORMATTED_VALUE", majorDimension="ROWS",
            ).execute()
        except HttpError as e:
            if e.resp.status == 404:
                return None
            raise
        return tabs_from_values(titles, data)
