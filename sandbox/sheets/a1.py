"""A1 notation, pure: ``'It''s'!A1:B2``, whole columns ``A:C``, whole rows ``2:5``, open ranges ``A2:C``
and ``A1:1``, ``$`` markers, a bare sheet title, or a named range. Rows and columns are 0-based and
end-exclusive here, as in the API's GridRange; ``None`` means "to the edge of the grid"."""
from __future__ import annotations

import re
from dataclasses import dataclass

_REF = re.compile(r"^\$?([A-Za-z]{0,3})\$?(\d*)$")
_CELLISH = re.compile(r"^[A-Za-z]{1,3}\d+$|^[Rr]\d+[Cc]\d+$|^[Rr]\d*$|^[Cc]\d*$")
_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class A1Error(ValueError):
    """Not A1 notation; the API answers "Unable to parse range"."""


@dataclass(frozen=True)
class Cells:
    """The cell part of a range: bounds (None = open) on the sheet it names."""

    start_row: int | None = None
    start_col: int | None = None
    end_row: int | None = None
    end_col: int | None = None

    def bounded(self, rows: int, cols: int) -> tuple[int, int, int, int]:
        """Concrete (r0, c0, r1, c1) on a grid of ``rows`` x ``cols``."""
        return (
            self.start_row or 0,
            self.start_col or 0,
            rows if self.end_row is None else self.end_row,
            cols if self.end_col is None else self.end_col,
        )


@dataclass(frozen=True)
class Ref:
    """A parsed range: ``sheet`` (None = first visible sheet) and ``cells`` (None = whole sheet), or a
    ``name`` that is either a sheet title or a named range (the model decides)."""

    sheet: str | None
    cells: Cells | None
    name: str | None = None


def column_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def column_letters(index: int) -> str:
    out = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _ref(text: str) -> tuple[int | None, int | None]:
    m = _REF.match(text)
    if not m or not (m.group(1) or m.group(2)):
        raise A1Error(text)
    col = column_index(m.group(1)) if m.group(1) else None
    row = int(m.group(2)) - 1 if m.group(2) else None
    if row is not None and row < 0:
        raise A1Error(text)
    return row, col


def parse_cells(text: str) -> Cells:
    """The cell part alone (``A1``, ``A1:B2``, ``A:B``, ``2:3``, ``A2:B``, ``A1:1``)."""
    if ":" not in text:
        row, col = _ref(text)
        if row is None or col is None:
            raise A1Error(text)
        return Cells(row, col, row + 1, col + 1)
    left, right = text.split(":", 1)
    r0, c0 = _ref(left)
    r1, c1 = _ref(right)
    if r0 is not None and r1 is not None and r1 < r0:
        r0, r1 = r1, r0
    if c0 is not None and c1 is not None and c1 < c0:
        c0, c1 = c1, c0
    return Cells(r0, c0, None if r1 is None else r1 + 1, None if c1 is None else c1 + 1)


def split_sheet(text: str) -> tuple[str | None, str | None]:
    """``'A ''b'''!A1`` -> (``A 'b'``, ``A1``); ``Sheet1`` -> (None, ``Sheet1``) as an undecided name."""
    text = text.strip()
    if text.startswith("'"):
        i, title = 1, []
        while i < len(text):
            ch = text[i]
            if ch == "'":
                if text[i + 1 : i + 2] == "'":
                    title.append("'")
                    i += 2
                    continue
                break
            title.append(ch)
            i += 1
        else:
            raise A1Error(text)
        rest = text[i + 1 :]
        if rest == "":
            return "".join(title), None
        if not rest.startswith("!"):
            raise A1Error(text)
        return "".join(title), rest[1:] or None
    if "!" in text:
        title, cells = text.split("!", 1)
        return title, cells or None
    return None, text


def parse(text: str) -> Ref:
    if not text or not text.strip():
        raise A1Error(text)
    sheet, rest = split_sheet(text)
    if sheet is not None:
        if rest is None:
            return Ref(sheet, None)
        try:
            return Ref(sheet, parse_cells(rest))
        except A1Error:
            return Ref(sheet, None, name=rest)  # a named range written after a sheet
    assert rest is not None
    try:
        return Ref(None, parse_cells(rest), name=rest)
    except A1Error:
        return Ref(None, None, name=rest)


def quote_title(title: str) -> str:
    """Titles are quoted as the API writes them back: unless plain and not cell-like."""
    if _PLAIN.match(title) and not _CELLISH.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def format_range(title: str, r0: int, c0: int, r1: int, c1: int) -> str:
    """``Sheet1!A1:B2`` (a single cell as ``Sheet1!A1``)."""
    start = f"{column_letters(c0)}{r0 + 1}"
    end = f"{column_letters(max(c0, c1 - 1))}{max(r0, r1 - 1) + 1}"
    cells = start if (r1 - r0 <= 1 and c1 - c0 <= 1) else f"{start}:{end}"
    return f"{quote_title(title)}!{cells}"
