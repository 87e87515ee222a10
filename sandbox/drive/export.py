"""files.export conversions: a Google Doc to text, HTML or a plain PDF, a Google Sheet to CSV/TSV (first sheet, as
Drive does) or to .xlsx (every sheet, formulas kept as formulas with their values cached, as Google's export
does, number formats, merged ranges and hidden rows and sheets kept). An export over the limit (10 MB, as
Drive's files.export) is refused with Google's 403 ``exportSizeLimitExceeded``."""
from __future__ import annotations

import csv
import html
import io
import re

from scopes.quotas import EXPORT_LIMIT_BYTES

from ..sheets import cells
from ..sheets.model import Spreadsheet
from .store import DOC, SHEET, DriveFile

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ExportError(ValueError):
    """The requested conversion is not available for this file."""


class TooLarge(ExportError):
    """The export is over the limit (Drive answers 403 exportSizeLimitExceeded)."""


#: what files.export refuses above; the admin endpoint (PUT /_sandbox/quota {"export_limit": N}) lowers it.
LIMIT = {"bytes": EXPORT_LIMIT_BYTES}
_BAD_TITLE = re.compile(r"[\\/*?:\[\]]")


def xlsx_title(title: str) -> str:
    """A sheet title as an .xlsx can hold it: Excel forbids \\ / * ? : [ ] and more than 31 characters."""
    return _BAD_TITLE.sub("_", title)[:31] or "Sheet"


def sheet_size(book: Spreadsheet) -> int:
    """What Drive reports as a spreadsheet's ``size`` here: its cells' text plus a little per cell (Google
    reports the editor file's stored size; this stand-in grows with the content the same way)."""
    seen = getattr(book, "_size_at", None)
    if seen and seen[0] == book.version:
        return seen[1]
    size = 2048 + sum(len(str(cells.render(cell, "FORMATTED_VALUE"))) + 8
                      for s in book.sheets for _, _, cell in s.iter_values())
    book._size_at = (book.version, size)  # type: ignore[attr-defined]
    return size


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
            data = xlsx(f.spreadsheet)
            if len(data) > LIMIT["bytes"]:
                raise TooLarge(mime)
            return data, XLSX
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
    """Every tab as an .xlsx, as Google's export (sandbox/drive/xlsx_writer.py)."""
    from .xlsx_writer import write

    return write(book, xlsx_title)


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
