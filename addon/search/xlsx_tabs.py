"""The cells of an exported .xlsx, read from only the parts a search needs.

openpyxl's ``load_workbook`` (read-only included) builds the whole workbook model first: the stylesheet's
fonts, fills and borders, named styles, the theme, the manifest. On a small Drive export that is ~17 ms of
CPU before one cell is read, and the organisation search reads thousands of exports on one core. This
reads the four parts that decide what a cell shows, the content types, the workbook and its relations,
the cell formats and the shared strings, and hands each sheet to openpyxl's own cell parser
(``WorkSheetParser``: types, shared strings, dates and the 1904 epoch exactly as ``load_workbook``
gives them). Every XML part goes through openpyxl's own parser functions, lxml with entities left
unresolved or defusedxml (a dependency): an export holds whatever its owner typed, it is not trusted input.
``tests/scale/test_xlsx_tabs.py`` compares it with ``load_workbook`` on workbooks other projects wrote.
"""
from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.reader.strings import read_string_table
from openpyxl.xml.functions import fromstring

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
WORKBOOK_TYPES = tuple(f"application/vnd.ms-excel.{k}.main+xml" for k in ("sheet.macroEnabled", "template.macroEnabled")) + \
    tuple(f"application/vnd.openxmlformats-officedocument.spreadsheetml.{k}.main+xml" for k in ("sheet", "template"))
SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
#: what a damaged or hostile part raises in zipfile, ElementTree/lxml/defusedxml and openpyxl's parser
#: (a shared-string index past the table is an IndexError)
_BROKEN = (zipfile.BadZipFile, KeyError, IndexError, ValueError, OSError, SyntaxError)


class NotAWorkbook(ValueError):
    """The bytes are not an .xlsx this reader can open, raised from the first part that fails (the caller
    asks the Sheets API instead)."""


@dataclass
class Cell:
    row: int  # 1-based, as in the sheet
    column: int
    value: object  # str, int, float, bool, datetime/date/time/timedelta, or None
    number_format: str


def _xml(zf: zipfile.ZipFile, name: str):
    try:
        return fromstring(zf.read(name))
    except KeyError:
        return None


def _target(base: str, target: str) -> str:
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """id -> (type, resolved target) of a part's relations."""
    root = _xml(zf, posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels"))
    if root is None:
        return {}
    return {r.get("Id"): (r.get("Type", ""), _target(part, r.get("Target", "")))
            for r in root.iter(f"{PKG_REL}Relationship")}


def _parts(zf: zipfile.ZipFile) -> tuple[str, str | None]:
    """(the workbook part, the shared-strings part), found by content type as openpyxl finds them."""
    root = _xml(zf, "[Content_Types].xml")
    if root is None:
        raise NotAWorkbook("no [Content_Types].xml")
    overrides = {o.get("ContentType"): o.get("PartName", "").lstrip("/") for o in root.iter(f"{CT}Override")}
    workbook = next((overrides[t] for t in WORKBOOK_TYPES if t in overrides), None)
    if workbook is None:
        defaults = {d.get("ContentType") for d in root.iter(f"{CT}Default")}
        if not defaults & set(WORKBOOK_TYPES):
            raise NotAWorkbook("no workbook part")
        workbook = "xl/workbook.xml"
    return workbook, overrides.get(SHARED_STRINGS)


def _formats(zf: zipfile.ZipFile) -> tuple[list[str], set[int], set[int]]:
    """Each cell style's number format code; which styles are dates, and which durations."""
    root = _xml(zf, "xl/styles.xml")  # openpyxl reads the stylesheet from this fixed name too
    if root is None:
        return [], set(), set()
    custom = {int(n.get("numFmtId")): n.get("formatCode", "") for n in root.iter(f"{MAIN}numFmt")}
    xfs = root.find(f"{MAIN}cellXfs")
    codes = []
    for xf in (xfs if xfs is not None else []):
        fid = int(xf.get("numFmtId") or 0)
        codes.append(custom.get(fid) or BUILTIN_FORMATS.get(fid) or "General")
    dates = {i for i, c in enumerate(codes) if is_date_format(c)}
    return codes, dates, {i for i in dates if is_timedelta_format(codes[i])}


def worksheets(data: bytes) -> Iterator[tuple[str, Iterator[Cell]]]:
    """(title, its cells in order) for every worksheet in workbook order, hidden ones included and chart
    sheets left out, as ``load_workbook(...).worksheets`` lists them."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        workbook_part, strings_part = _parts(zf)
        wb = _xml(zf, workbook_part)
        if wb is None:
            raise NotAWorkbook("no workbook part")
        names = set(zf.namelist())
        pr = wb.find(f"{MAIN}workbookPr")
        epoch = CALENDAR_MAC_1904 if pr is not None and pr.get("date1904") in ("1", "true") else WINDOWS_EPOCH
        strings: list = []
        if strings_part and strings_part in names:
            with zf.open(strings_part) as src:
                strings = read_string_table(src)
        codes, dates, durations = _formats(zf)
        rels = _rels(zf, workbook_part)
    except _BROKEN as e:
        raise NotAWorkbook(str(e)) from None
    for sheet in wb.iter(f"{MAIN}sheet"):
        rid = sheet.get(f"{REL}id")
        if not rid or rid not in rels:
            continue
        kind, target = rels[rid]
        if target not in names or "chartsheet" in kind:
            continue
        yield sheet.get("name", ""), _cells(zf, target, strings, epoch, codes, dates, durations)


def _cells(zf, target, strings, epoch, codes, dates, durations) -> Iterator[Cell]:
    try:
        with zf.open(target) as src:
            parser = WorkSheetParser(src, strings, data_only=True, epoch=epoch, date_formats=dates,
                                     timedelta_formats=durations)
            for _, row in parser.parse():
                for c in row:
                    sid = c["style_id"] or 0
                    yield Cell(c["row"], c["column"], c["value"], codes[sid] if sid < len(codes) else "General")
    except _BROKEN as e:
        raise NotAWorkbook(f"{target}: {e}") from None
