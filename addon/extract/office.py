"""Word (.docx/.docm) and PowerPoint (.pptx) text via python-docx and python-pptx: paragraphs, tables,
headers and footers, slide shapes, tables and speaker notes."""
from __future__ import annotations

import io

from .errors import Corrupt
from .formats import open_zip
from .model import Extracted


def read_docx(data: bytes) -> Extracted:
    open_zip(data, "Word document")
    import docx

    try:
        doc = docx.Document(io.BytesIO(data))
    except Exception as e:  # noqa: BLE001 - python-docx raises many types for a bad package
        raise Corrupt(f"damaged Word document ({type(e).__name__})") from None
    out = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        out += _table_text(table)
    for section in doc.sections:
        for part in (section.header, section.footer):
            try:
                out += [p.text for p in part.paragraphs]
                for table in part.tables:
                    out += _table_text(table)
            except Exception:  # noqa: BLE001 - a missing header part is not worth failing the file
                continue
    return Extracted("\n".join(out))


def _table_text(table) -> list[str]:
    out = []
    for row in table.rows:
        out.append("\t".join(cell.text for cell in row.cells))
        for cell in row.cells:
            for inner in cell.tables:
                out += _table_text(inner)
    return out


def read_pptx(data: bytes) -> Extracted:
    open_zip(data, "PowerPoint presentation")
    from pptx import Presentation

    try:
        prs = Presentation(io.BytesIO(data))
    except Exception as e:  # noqa: BLE001
        raise Corrupt(f"damaged PowerPoint presentation ({type(e).__name__})") from None
    out: list[str] = []
    for slide in prs.slides:
        for shape in slide.shapes:
            out += _shape_text(shape)
        if slide.has_notes_slide:
            out.append(slide.notes_slide.notes_text_frame.text if slide.notes_slide.notes_text_frame else "")
    return Extracted("\n".join(out))


def _shape_text(shape) -> list[str]:
    out = []
    if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
        out.append(shape.text_frame.text)
    if getattr(shape, "has_table", False) and shape.has_table:
        for row in shape.table.rows:
            out.append("\t".join(cell.text for cell in row.cells))
    for inner in getattr(shape, "shapes", ()):  # group shapes
        out += _shape_text(inner)
    return out
