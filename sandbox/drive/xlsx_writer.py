"""A Google Sheet as the .xlsx Drive's files.export gives: every tab (hidden ones marked hidden), values with
their number formats, formulas with their value cached (what a reader that does not recalculate sees),
merged ranges, hidden rows. Written as SpreadsheetML parts directly: openpyxl's writer costs ~15 ms per
workbook (styles, theme, a temporary file), which made the sandbox, not the quota, the limit of an
organisation-scale bench; this costs well under 1 ms for a small sheet. openpyxl reads the result back in
the tests (tests/sandbox/test_drive_api.py, tests/scale/test_sheet_routes.py)."""
from __future__ import annotations

import io
import re
import zipfile
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils import get_column_letter

from ..sheets import cells
from ..sheets.model import Spreadsheet

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def _text(s: str) -> str:
    return escape(_CONTROL.sub("", s))


def _cell(ref: str, entered: dict, style: int) -> str:
    s = f' s="{style}"' if style else ""
    if "formulaValue" in entered:
        formula = _text(entered["formulaValue"].removeprefix("="))
        eff = cells.effective(entered)
        if eff and "numberValue" in eff:
            return f'<c r="{ref}"{s}><f>{formula}</f><v>{cells._num(float(eff["numberValue"]))}</v></c>'
        return f'<c r="{ref}"{s} t="str"><f>{formula}</f><v>{_text(entered["formulaValue"])}</v></c>'
    if "numberValue" in entered:
        return f'<c r="{ref}"{s}><v>{cells._num(float(entered["numberValue"]))}</v></c>'
    if "boolValue" in entered:
        return f'<c r="{ref}"{s} t="b"><v>{int(bool(entered["boolValue"]))}</v></c>'
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{_text(str(entered.get("stringValue", "")))}</t></is></c>'


def write(book: Spreadsheet, title_of) -> bytes:
    """The workbook's bytes; ``title_of`` turns a tab title into one an .xlsx can hold."""
    formats: dict[str, int] = {}  # number format pattern -> style index (0 is General)
    sheets_xml: list[str] = []
    for sheet in book.sheets:
        covered: set[tuple[int, int]] = set()
        merges = []
        for m in sheet.merges:
            r0, r1 = m.get("startRowIndex", 0), m.get("endRowIndex", 0)
            c0, c1 = m.get("startColumnIndex", 0), m.get("endColumnIndex", 0)
            if r1 > r0 and c1 > c0 and (r1 - r0) * (c1 - c0) > 1:
                merges.append(f'<mergeCell ref="{get_column_letter(c0 + 1)}{r0 + 1}:{get_column_letter(c1)}{r1}"/>')
                covered |= {(r, c) for r in range(r0, r1) for c in range(c0, c1)} - {(r0, c0)}
        rows: dict[int, list[str]] = {}
        for r, c, cell in sheet.iter_values():
            if (r, c) in covered:
                continue  # inside a merge only the top-left cell holds a value, in Sheets as in Excel
            pattern = ((cell.get("userEnteredFormat") or {}).get("numberFormat") or {}).get("pattern")
            style = formats.setdefault(pattern, len(formats) + 1) if pattern else 0
            rows.setdefault(r, []).append(_cell(f"{get_column_letter(c + 1)}{r + 1}", cell["userEnteredValue"], style))
        hidden = {r for r, meta in sheet.row_meta.items() if meta.get("hiddenByUser")}
        body = []
        for r in sorted(set(rows) | hidden):
            attr = ' hidden="1"' if r in hidden else ""
            body.append(f'<row r="{r + 1}"{attr}>{"".join(rows.get(r, []))}</row>')
        merged = f'<mergeCells count="{len(merges)}">{"".join(merges)}</mergeCells>' if merges else ""
        sheets_xml.append(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}" '
                          f'xmlns:r="{_REL}"><sheetData>{"".join(body)}</sheetData>{merged}</worksheet>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        n = len(book.sheets)
        z.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.styles+xml"/>' + "".join(
                f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-'
                f'officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, n + 1)) + "</Types>"))
        z.writestr("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG}">'
                   f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        tabs = "".join(
            f'<sheet name={quoteattr(title_of(s.title))} sheetId="{i}"'
            + (' state="hidden"' if s.properties.get("hidden") else "") + f' r:id="rId{i}"/>'
            for i, s in enumerate(book.sheets, 1))
        z.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook '
                   f'xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>{tabs}</sheets></workbook>')
        rels = "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                       for i in range(1, n + 1))
        rels += f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
        z.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   f'<Relationships xmlns="{_PKG}">{rels}</Relationships>')
        z.writestr("xl/styles.xml", _styles(formats))
        for i, xml in enumerate(sheets_xml, 1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", xml)
    return out.getvalue()


def _styles(formats: dict[str, int]) -> str:
    ordered = sorted(formats.items(), key=lambda kv: kv[1])
    fmts = "".join(f'<numFmt numFmtId="{163 + i}" formatCode={quoteattr(p)}/>' for p, i in ordered)
    xfs = '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' + "".join(
        f'<xf numFmtId="{163 + i}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' for _, i in ordered)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{_MAIN}">'
            + (f'<numFmts count="{len(ordered)}">{fmts}</numFmts>' if ordered else "")
            + '<fonts count="1"><font><sz val="10"/><name val="Arial"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
            '</fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(ordered) + 1}">{xfs}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
