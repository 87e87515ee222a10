"""What Google's indexes read inside files, for Gmail full-text/``has:attachment`` search and Drive
``fullText``: PDF, Word, PowerPoint, Excel (.xlsx/.xlsm), CSV/TSV, OpenDocument (text, presentation,
spreadsheet), RTF, calendar invitations, attached messages (recursively, a few levels) and text. Written
for the sandbox on its own (the product has its own readers); the same well-kept libraries do the parsing.

A file that does not parse (encrypted, damaged) has no searchable content, as in Google: ``None``.
Images are not read (Google OCRs some; the sandbox does not).
"""
from __future__ import annotations

import io
import os
import zipfile

MAX_NESTING = 3
_OOXML = "application/vnd.openxmlformats-officedocument."
_KINDS = {
    "application/pdf": "pdf", _OOXML + "wordprocessingml.document": "docx",
    "application/vnd.ms-word.document.macroenabled.12": "docx", _OOXML + "presentationml.presentation": "pptx",
    _OOXML + "spreadsheetml.sheet": "xlsx", "application/vnd.ms-excel.sheet.macroenabled.12": "xlsx",
    "text/csv": "text", "text/tab-separated-values": "text", "application/vnd.oasis.opendocument.text": "odf",
    "application/vnd.oasis.opendocument.presentation": "odf", "application/vnd.oasis.opendocument.spreadsheet": "odf",
    "application/rtf": "rtf", "text/rtf": "rtf", "text/calendar": "ics", "message/rfc822": "eml",
    "text/html": "html",
}
_EXTS = {".pdf": "pdf", ".docx": "docx", ".docm": "docx", ".pptx": "pptx", ".xlsx": "xlsx", ".xlsm": "xlsx",
         ".odt": "odf", ".odp": "odf", ".ods": "odf", ".rtf": "rtf", ".ics": "ics", ".eml": "eml", ".csv": "text",
         ".tsv": "text", ".txt": "text", ".md": "text", ".htm": "html", ".html": "html"}


def kind_of(name: str, mime: str) -> str | None:
    mime = (mime or "").split(";")[0].strip().lower()
    kind = _KINDS.get(mime) or _EXTS.get(os.path.splitext(name or "")[1].lower())
    if kind is None and (mime.startswith("text/") or mime in ("application/json", "application/xml")):
        kind = "text"
    return kind


def text_of(name: str, mime: str, data: bytes, nesting: int = 0) -> str | None:
    """The searchable text of a file, or None when it is not a kind read here or does not parse."""
    kind = kind_of(name, mime)
    if kind is None or not data:
        return None
    try:
        return _READERS[kind](data, nesting)
    except Exception:  # noqa: BLE001 - an unparseable file is simply not indexed, as in Google
        return None


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, else Latin-1: never fails."""
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _text(data: bytes, nesting: int) -> str:
    return decode_text(data)


def _html(data: bytes, nesting: int) -> str:
    from bs4 import BeautifulSoup

    return BeautifulSoup(decode_text(data), "html.parser").get_text("\n")


def _pdf(data: bytes, nesting: int) -> str | None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        return None  # Google cannot read a password-protected PDF either
    return "\n".join(p.extract_text() or "" for p in reader.pages)


def _docx(data: bytes, nesting: int) -> str:
    import docx

    d = docx.Document(io.BytesIO(data))
    lines = [p.text for p in d.paragraphs]
    lines += [c.text for t in d.tables for r in t.rows for c in r.cells]
    for s in d.sections:
        lines += [p.text for p in s.header.paragraphs] + [p.text for p in s.footer.paragraphs]
    return "\n".join(lines)


def _pptx(data: bytes, nesting: int) -> str:
    from pptx import Presentation

    lines = []
    for slide in Presentation(io.BytesIO(data)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                lines.append(shape.text_frame.text)
            if getattr(shape, "has_table", False) and shape.has_table:
                lines += [c.text for r in shape.table.rows for c in r.cells]
        if slide.has_notes_slide:
            lines.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(lines)


def _xlsx(data: bytes, nesting: int) -> str:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return "\n".join(" ".join("" if v is None else str(v) for v in row)
                         for ws in wb.worksheets for row in ws.iter_rows(values_only=True))
    finally:
        wb.close()


def _odf(data: bytes, nesting: int) -> str | None:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        if b"encryption-data" in z.read("META-INF/manifest.xml"):
            return None
    from odf import teletype
    from odf.opendocument import load
    from odf.text import H, P

    doc = load(io.BytesIO(data))
    return "\n".join(teletype.extractText(e) for k in (H, P) for e in doc.getElementsByType(k))


def _rtf(data: bytes, nesting: int) -> str:
    from striprtf.striprtf import rtf_to_text

    return rtf_to_text(decode_text(data), errors="ignore")


def _ics(data: bytes, nesting: int) -> str:
    from icalendar import Calendar

    out = []
    for comp in Calendar.from_ical(data).walk():
        for key in ("SUMMARY", "DESCRIPTION", "LOCATION", "ORGANIZER", "ATTENDEE", "COMMENT"):
            v = comp.get(key)
            for x in v if isinstance(v, list) else ([v] if v is not None else []):
                out.append(str(x))
                if getattr(x, "params", None) and x.params.get("CN"):
                    out.append(str(x.params["CN"]))
    return "\n".join(out)


def _eml(data: bytes, nesting: int) -> str | None:
    """An attached message: the sandbox's own MIME reader, whose bodies include its readable attachments."""
    if nesting >= MAX_NESTING:
        return None
    from .gmail.mime import analyse

    a = analyse(data, nesting + 1)
    names = [x.name + " " + x.address for v in a.addresses.values() for x in v]
    return "\n".join([a.subject, *names, *a.bodies, *a.filenames])


_READERS = {"text": _text, "html": _html, "pdf": _pdf, "docx": _docx, "pptx": _pptx, "xlsx": _xlsx, "odf": _odf,
            "rtf": _rtf, "ics": _ics, "eml": _eml}
