"""Text out of files, for confirming that a candidate mentions the data subject: pure functions from bytes
(with the MIME type and file name) to :class:`Extracted` text or rows, one small module per family.

Formats: PDF (pypdf), Word .docx/.docm (python-docx), PowerPoint .pptx (python-pptx), Excel .xlsx/.xlsm
(openpyxl), CSV/TSV, OpenDocument .odt/.odp/.ods (odfpy), RTF (striprtf), calendar .ics (icalendar),
attached messages .eml / ``message/rfc822`` (stdlib ``email``, recursively), plain text and HTML.
Everything else (images, audio, archives, legacy binary .doc/.xls) gives ``None``: no text is read, and
scanned images are out of scope (no OCR).

Every failure is an :class:`Unreadable` (encrypted, damaged, too large, nested too deep) with a reason and
what staff should check by hand; nothing else escapes :func:`extract`.
"""
from __future__ import annotations
from typing import Callable

from . import formats, ical, mail, office, opendoc, pdf, rtf, tables, text
from .errors import Corrupt, Encrypted, TooDeep, TooLarge, Unreadable
from .formats import MAX_BYTES, family
from .model import Extracted, Row

__all__ = ["Corrupt", "Encrypted", "Extracted", "MAX_BYTES", "Row", "TooDeep", "TooLarge", "Unreadable",
           "extract", "family", "readable"]


def readable(mime: str | None, name: str | None = "") -> bool:
    """Whether a library here reads this kind of file (so it is worth downloading)."""
    return family(mime, name) is not None


def extract(data: bytes, mime: str | None, name: str | None = "", depth: int = 0,
            limit: int | None = None) -> Extracted | None:
    """The text (or rows) of a file; None for a kind no library here reads; raises only :class:`Unreadable`."""
    fam = family(mime, name)
    if fam is None:
        return None
    formats.check_size(data, formats.MAX_BYTES if limit is None else limit)
    try:
        return _read(fam, data, name or "", depth)
    except Unreadable:
        raise
    except RecursionError:
        raise Corrupt("damaged file (nested too deeply to read)") from None
    except Exception as e:  # noqa: BLE001 - a library bug on hostile input must not end a search
        raise Corrupt(f"could not be read ({type(e).__name__})") from None


#: Family (from :mod:`addon.extract.formats`) -> reader of (data, name, depth); plain text for the rest.
_READERS: dict[str, Callable[[bytes, str, int], Extracted]] = {
    "pdf": lambda d, n, k: pdf.read(d),
    "docx": lambda d, n, k: office.read_docx(d),
    "pptx": lambda d, n, k: office.read_pptx(d),
    "xlsx": lambda d, n, k: tables.read_xlsx(d),
    "csv": lambda d, n, k: tables.read_delimited(d, n),
    "tsv": lambda d, n, k: tables.read_delimited(d, n, "\t"),
    "odf": lambda d, n, k: opendoc.read_odf(d),
    "ods": lambda d, n, k: opendoc.read_ods(d),
    "rtf": lambda d, n, k: rtf.read(d),
    "ics": lambda d, n, k: ical.read(d),
    "eml": lambda d, n, k: mail.read(d, k, _nested),
    "html": lambda d, n, k: text.read_html(d),
}


def _read(fam: str, data: bytes, name: str, depth: int) -> Extracted:
    return _READERS.get(fam, lambda d, n, k: text.read_text(d))(data, name, depth)


def _nested(data: bytes, mime: str, name: str, depth: int) -> Extracted | None:
    return extract(data, mime, name, depth)
