"""Binary office documents for the demo company, written by the real libraries (python-docx, pypdf), so
the search must read inside files, not only Docs and text."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

_FIXED = dt.datetime(2025, 1, 1)


def docx(title: str, paragraphs: list[str]) -> bytes:
    import docx as _docx

    d = _docx.Document()
    props = d.core_properties
    props.author = props.last_modified_by = "Northwind"
    props.created = props.modified = _FIXED
    d.add_heading(title, 1)
    for p in paragraphs:
        d.add_paragraph(p)
    out = io.BytesIO()
    d.save(out)
    return _fixed_zip(out.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same package with fixed member times, so the fixture is the same bytes on every run."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=_FIXED.timetuple()[:6]), src.read(info),
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def pdf(lines: list[str]) -> bytes:
    """A one-page PDF (Helvetica, WinAnsi) with ``lines`` of text."""
    from pypdf import PdfWriter
    from pypdf.generic import ContentStream, DictionaryObject, NameObject

    w = PdfWriter()
    page = w.add_blank_page(595, 842)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica"),
                             NameObject("/Encoding"): NameObject("/WinAnsiEncoding")})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject(
        {NameObject("/F1"): w._add_object(font)})})
    ops = [b"BT /F1 11 Tf 14 TL 60 780 Td"]
    for line in lines:
        esc = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("cp1252")
        ops.append(b"(" + esc + b") Tj T*")
    ops.append(b"ET")
    cs = ContentStream(None, w)
    cs.set_data(b"\n".join(ops))
    page[NameObject("/Contents")] = w._add_object(cs)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()
