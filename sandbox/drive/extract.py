"""Turning fixture files into Drive content, pure (bytes in, text or a spreadsheet out): text decoding,
HTML to text, CSV and .xlsx to the Sheets model, and text extraction from PDF and .docx for search."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from typing import Any

from ..filetext import decode_text
from ..sheets import cells
from ..sheets.model import DEFAULT_COLS, DEFAULT_ROWS, Sheet, Spreadsheet

_LEADING_ZERO = re.compile(r"^[+-]?0\d")




def html_text(markup: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup(["script", "style"]):
        tag.decompose()
    return soup.get_text("\n").strip()


def csv_value(text: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """A CSV cell converted as Drive converts an upload (numbers, dates, TRUE/FALSE, formulas), except
    that digits with a leading zero stay text (Sheets would drop the zero from a phone number)."""
    if _LEADING_ZERO.match(text.strip()) and not text.strip().startswith(("0.", "-0.", "+0.")):
        return {"stringValue": text}, None
    if text.strip().isdigit() and len(text.strip()) > 15:
        return {"stringValue": text}, None
    return cells.user_entered(text)


def csv_sheet(book: Spreadsheet, title: str, data: bytes) -> None:
    rows = list(csv.reader(io.StringIO(decode_text(data), newline="")))
    width = max((len(r) for r in rows), default=0)
    sheet = Sheet.new(0, title, 0, max(DEFAULT_ROWS, len(rows)), max(DEFAULT_COLS, width))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            value, fmt = csv_value(text)
            if value is not None:
                sheet.set_value(r, c, value, fmt)
    book.sheets = [sheet]


def xlsx_sheets(book: Spreadsheet, data: bytes) -> None:
    """Every worksheet as a tab; formulas stay formulas, dates become serial numbers with a date format."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), data_only=False, read_only=False)
    book.sheets = []
    for i, ws in enumerate(wb.worksheets):
        sheet = Sheet.new(0 if i == 0 else book.new_sheet_id(), ws.title, i,
                          max(DEFAULT_ROWS, ws.max_row or 0), max(DEFAULT_COLS, ws.max_column or 0))
        book.sheets.append(sheet)
        for row in ws.iter_rows():
            for cell in row:
                value, fmt = xlsx_value(cell.value, cell.data_type)
                if value is not None:
                    sheet.set_value(cell.row - 1, cell.column - 1, value, fmt)
        if ws.freeze_panes:
            frozen = ws[ws.freeze_panes]
            if frozen.row > 1:
                sheet.grid["frozenRowCount"] = frozen.row - 1
            if frozen.column > 1:
                sheet.grid["frozenColumnCount"] = frozen.column - 1
    if not book.sheets:
        book.sheets = [Sheet.new(0, "Sheet1", 0)]


def xlsx_value(value: Any, data_type: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    if value is None or value == "":
        return None, None
    if data_type == "f" or isinstance(value, str) and value.startswith("=") and data_type == "f":
        return {"formulaValue": str(value)}, None
    if isinstance(value, bool):
        return {"boolValue": value}, None
    if isinstance(value, (int, float)):
        return {"numberValue": value}, None
    if isinstance(value, dt.datetime):
        serial = (value - dt.datetime(1899, 12, 30)).total_seconds() / 86400
        has_time = value.time() != dt.time()
        return {"numberValue": serial if has_time else int(serial)}, {
            "type": "DATE_TIME" if has_time else "DATE", "pattern": "yyyy-mm-dd hh:mm:ss" if has_time else "yyyy-mm-dd"}
    if isinstance(value, dt.date):
        return {"numberValue": (value - cells.EPOCH).days}, {"type": "DATE", "pattern": "yyyy-mm-dd"}
    if isinstance(value, dt.time):
        return {"numberValue": (value.hour * 3600 + value.minute * 60 + value.second) / 86400}, {
            "type": "TIME", "pattern": "hh:mm:ss"}
    return {"stringValue": str(value)}, None


def pdf_text(data: bytes) -> str | None:
    """Text of a PDF via pypdf when it is installed (None when it is not)."""
    try:
        from pypdf import PdfReader
    except ImportError:
        return None
    reader = PdfReader(io.BytesIO(data))
    return "\n".join((page.extract_text() or "") for page in reader.pages)


def docx_text(data: bytes) -> str:
    """Paragraph text of a .docx (WordprocessingML) read straight from its XML."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S)
    out = []
    for p in paragraphs:
        out.append("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p)))
    from html import unescape

    return unescape("\n".join(out))


def is_texty(mime: str) -> bool:
    return mime.startswith("text/") or mime in ("application/json", "application/xml", "application/x-yaml")


def text_of(name: str, mime: str, data: bytes) -> str | None:
    """Searchable text of a stored-as-is file, where a library (or the format) allows: every format
    Drive's full-text index reads that ``sandbox.filetext`` knows (PDF, Office, OpenDocument, RTF, ...)."""
    if is_texty(mime) and not mime.startswith("text/calendar") and not mime.startswith("text/rtf"):
        return decode_text(data)
    from ..filetext import text_of as file_text_of

    return file_text_of(name, mime, data)
