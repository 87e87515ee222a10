"""files.export conversions: a Google Doc to text, HTML or a plain PDF, a Google Sheet to CSV/TSV (first sheet, as
Drive does) or to .xlsx (every sheet, formulas kept as formulas)."""
from __future__ import annotations

import csv
import html
import io

from openpyxl import Workbook

from ..sheets import cells
from ..sheets.model import Spreadsheet
from .store import DOC, SHEET, DriveFile

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ExportError(ValueError):
    """The requested conversion is not available for this file."""


def export(f: DriveFile, mime: str) -> tuple[bytes, str]:
    """(bytes, content type) of ``f`` converted to ``mime``."""
    if f.mimeType == DOC:
        text = f.text or ""
        if mime == "text/plain":
            return text.encode("utf-8"), "text/plain; charset=utf-8"
        if mime == "text/markdown":
            return text.encode("utf-8"), "text/markdown; charset=utf-8"
        if mime == "application/pdf":
            return text_pdf(text), "application/pdf"
        if mime == "text/html":
            body = f.html if f.html is not None else "".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n"))
            if f.html is None:
                body = f"<html><head><meta content=\"text/html; charset=UTF-8\" http-equiv=\"content-type\"></head><body>{body}</body></html>"
            return body.encode("utf-8"), "text/html; charset=utf-8"
    if f.mimeType == SHEET and f.spreadsheet is not None:
        if mime in ("text/csv", "text/tab-separated-values"):
            return delimited(f.spreadsheet, "," if mime == "text/csv" else "\t"), mime
        if mime == XLSX:
            return xlsx(f.spreadsheet), XLSX
    raise ExportError(mime)


def delimited(book: Spreadsheet, sep: str) -> bytes:
    sheet = book.sheets[0]
    rows, cols = sheet.used_extent()
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=sep, lineterminator="\r\n")
    for r in range(rows):
        writer.writerow([cells.render(sheet.cell(r, c), "FORMATTED_VALUE") for c in range(cols)])
    text = buf.getvalue()
    return text[:-2].encode("utf-8") if text.endswith("\r\n") else text.encode("utf-8")


def xlsx(book: Spreadsheet) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in book.sheets:
        ws = wb.create_sheet(title=sheet.title[:31])
        for r, c, cell in sheet.iter_values():
            entered = cell["userEnteredValue"]
            if "formulaValue" in entered:
                value = entered["formulaValue"]
            elif "numberValue" in entered:
                value = entered["numberValue"]
            elif "boolValue" in entered:
                value = entered["boolValue"]
            else:
                value = entered.get("stringValue", "")
            target = ws.cell(row=r + 1, column=c + 1)
            target.value = value
            if "stringValue" in entered and str(value).startswith("="):
                target.data_type = "s"  # a string that looks like a formula stays a string
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _pdf_string(line: str) -> bytes:
    raw = line.encode("cp1252", "replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def text_pdf(text: str, lines_per_page: int = 60, width: int = 95) -> bytes:
    """A plain PDF of the text (Helvetica 10pt, wrapped, paged): enough for a reader and for pypdf."""
    lines: list[str] = []
    for para in text.replace("\r\n", "\n").split("\n"):
        while len(para) > width:
            cut = para.rfind(" ", 0, width)
            cut = cut if cut > 0 else width
            lines.append(para[:cut])
            para = para[cut:].lstrip()
        lines.append(para)
    pages = [lines[i:i + lines_per_page] for i in range(0, len(lines), lines_per_page)] or [[]]
    objs: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b"",
                         b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    kids = []
    for page in pages:
        body = b"BT /F1 10 Tf 12 TL 50 800 Td " + b" ".join(_pdf_string(line) + b" '" for line in page) + b" ET"
        objs.append(b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream")
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                    b"/Resources << /Font << /F1 3 0 R >> >> >>" % len(objs))
        kids.append(len(objs))
    objs[1] = b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) + b"] /Count %d >>" % len(kids)
    out, offsets = b"%PDF-1.4\n", []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
