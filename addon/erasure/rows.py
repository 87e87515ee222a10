"""Sheet rows by content, not by number. People sort and filter tracker-style sheets all the time, so a row
number from the search (or the plan) says nothing by the time the erasure runs. A row is identified by the
SHA-256 of its values; the same hash is what the certificate records as "the content as it was".

Row hash: SHA-256 over the row's formatted cell values (as the Sheets API returns them with
``valueRenderOption=FORMATTED_VALUE``), trailing empty cells dropped, joined with U+001F (unit separator),
UTF-8. Pure functions only.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

SEP = "\x1f"


@dataclass(frozen=True)
class SheetRow:
    """A row about the subject, as read when the plan was made."""

    row: int  # 1-based, as the sheet showed it then
    sha256: str
    cells: tuple[int, ...]  # 0-based columns that mention the subject (what redaction blanks)


def row_cells(values: Sequence[Any]) -> list[str]:
    cells = ["" if v is None else str(v) for v in values]
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def row_sha256(values: Sequence[Any]) -> str:
    return hashlib.sha256(SEP.join(row_cells(values)).encode("utf-8")).hexdigest()


def matching_rows(rows: Sequence[Sequence[Any]], matcher: Any) -> list[SheetRow]:
    """The rows the subject's matcher finds, exactly as the search decides (row 1 is the header)."""
    header = [str(c) for c in rows[0]] if rows else None
    out = []
    for n, values in enumerate(rows, start=1):
        cells = [str(c) for c in values]
        hits = matcher.match_row(cells, None if n == 1 else header)
        if hits:
            cols = tuple(sorted({c for h in hits for c in h.cells}))
            out.append(SheetRow(n, row_sha256(values), cols))
    return out


def locate(rows: Sequence[Sequence[Any]]) -> dict[str, list[int]]:
    """Fingerprint -> the 1-based rows that have it now (identical rows share one fingerprint)."""
    where: dict[str, list[int]] = {}
    for n, values in enumerate(rows, start=1):
        where.setdefault(row_sha256(values), []).append(n)
    return where


def assign(wanted: Iterable[tuple[str, str]], where: dict[str, list[int]]) -> dict[str, int | None]:
    """Give each wanted (key, fingerprint) a current row, each row at most once; None = not there now."""
    free = {sha: list(rows) for sha, rows in where.items()}
    out: dict[str, int | None] = {}
    for key, sha in wanted:
        rows = free.get(sha) or []
        out[key] = rows.pop(0) if rows else None
    return out


def delete_requests(sheet_id: int, rows: Iterable[int]) -> list[dict]:
    """deleteDimension requests from the bottom row up, so no deletion moves a row still to delete."""
    return [{"deleteDimension": {"range": {"sheetId": sheet_id, "dimension": "ROWS",
                                           "startIndex": r - 1, "endIndex": r}}}
            for r in sorted(set(rows), reverse=True)]


def column(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


def quote_tab(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def redact_data(title: str, row: int, cols: Iterable[int]) -> list[dict]:
    """values.batchUpdate data blanking the given cells of one row (RAW "" leaves the cell empty)."""
    return [{"range": f"{quote_tab(title)}!{column(c)}{row}", "values": [[""]]} for c in sorted(set(cols))]


def unexpected_loss(before: Sequence[Sequence[Any]], after: Sequence[Sequence[Any]], deleted: Iterable[int]) -> int:
    """How many rows other than ``deleted`` vanished (or changed) between two reads around a deletion.
    Non-zero means someone edited the sheet at the same moment and the wrong rows may have gone."""
    gone = set(deleted)
    expected = Counter(row_sha256(v) for n, v in enumerate(before, start=1) if n not in gone)
    now = Counter(row_sha256(v) for v in after)
    return sum((expected - now).values())
