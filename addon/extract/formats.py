"""Which extractor reads a file: by MIME type first, by file-name extension when the type is generic
(mail clients often send ``application/octet-stream``), and the container checks every ZIP-based format
shares (a password-protected Office file is an OLE container, not a ZIP; a ZIP may expand enormously)."""
from __future__ import annotations

import io
import os
import zipfile

from .errors import Corrupt, Encrypted, TooLarge

#: Largest file read (bytes), and largest total a ZIP-based file may expand to: beyond, "could not read".
MAX_BYTES = 20 * 1024 * 1024
MAX_UNPACKED = 200 * 1024 * 1024

_OOXML = "application/vnd.openxmlformats-officedocument."
BY_MIME = {
    "application/pdf": "pdf",
    _OOXML + "wordprocessingml.document": "docx",
    "application/vnd.ms-word.document.macroenabled.12": "docx",
    _OOXML + "presentationml.presentation": "pptx",
    _OOXML + "spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-excel.sheet.macroenabled.12": "xlsx",
    "text/csv": "csv",
    "text/comma-separated-values": "csv",
    "text/tab-separated-values": "tsv",
    "application/vnd.oasis.opendocument.text": "odf",
    "application/vnd.oasis.opendocument.presentation": "odf",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/rtf": "rtf",
    "text/rtf": "rtf",
    "text/calendar": "ics",
    "message/rfc822": "eml",
    "text/html": "html",
    "application/json": "text",
    "application/xml": "text",
}
BY_EXT = {
    ".pdf": "pdf", ".docx": "docx", ".docm": "docx", ".pptx": "pptx", ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".odt": "odf", ".odp": "odf", ".ods": "ods", ".rtf": "rtf",
    ".ics": "ics", ".ical": "ics", ".eml": "eml", ".html": "html", ".htm": "html", ".txt": "text", ".md": "text",
    ".log": "text", ".json": "text", ".xml": "text",
}
ZIPPED = frozenset({"docx", "pptx", "xlsx", "odf", "ods"})
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def family(mime: str | None, name: str | None = "") -> str | None:
    """The extractor family for a file, or None when no library here reads it (images, audio...)."""
    mime = (mime or "").split(";")[0].strip().lower()
    fam = BY_MIME.get(mime)
    if fam:
        return fam
    ext = os.path.splitext(name or "")[1].lower()
    if ext in BY_EXT:
        return BY_EXT[ext]
    if mime.startswith("text/"):
        return "text"
    return None


def size_text(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{max(n // 1024, 1)} KB"


def check_size(data: bytes, limit: int | None = None) -> None:
    limit = MAX_BYTES if limit is None else limit
    if len(data) > limit:
        raise TooLarge(f"larger than the {size_text(limit)} read automatically ({size_text(len(data))})")


def open_zip(data: bytes, what: str) -> zipfile.ZipFile:
    """The ZIP container of an Office/OpenDocument file, refused when encrypted, damaged or a ZIP bomb."""
    if data.startswith(_OLE):
        raise Encrypted(f"password-protected {what} (an encrypted Office container)")
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        infos = z.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError) as e:
        raise Corrupt(f"damaged {what} ({str(e)[:80]})") from None
    if any(i.flag_bits & 0x1 for i in infos):
        raise Encrypted(f"password-protected {what}")
    if sum(i.file_size for i in infos) > MAX_UNPACKED:
        raise TooLarge(f"{what} expands to more than {MAX_UNPACKED // (1024 * 1024)} MB; not read")
    return z
