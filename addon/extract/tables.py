"""Spreadsheets as rows: .xlsx/.xlsm via openpyxl (cached values, as the file shows them, not formulas),
CSV and TSV via the csv module. Each row keeps its tab and 1-based number for the item it may become."""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
from typing import Any

from .errors import Corrupt, Encrypted
from .formats import open_zip
from .model import Extracted, Row
from .text import decode


def cell_text(value: Any) -> str:
    """A cell as a person reads it: whole floats without ``.0`` (a phone stored as a number), dates ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _trim(cells: list[str]) -> tuple[str, ...]:
    while cells and cells[-1] == "":
        cells.pop()
    return tuple(cells)


def read_xlsx(data: bytes) -> Extracted:
    open_zip(data, "Excel workbook")
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001 - openpyxl raises KeyError, InvalidFileException, ...
        if "encrypt" in str(e).lower():
            raise Encrypted("password-protected Excel workbook") from None
        raise Corrupt(f"damaged Excel workbook ({type(e).__name__})") from None
    rows: list[Row] = []
    try:
        for ws in wb.worksheets:
            for n, values in enumerate(ws.iter_rows(values_only=True), start=1):
                cells = _trim([cell_text(v) for v in values])
                if cells:
                    rows.append(Row(ws.title, n, cells))
    except Exception as e:  # noqa: BLE001
        raise Corrupt(f"damaged Excel workbook ({type(e).__name__})") from None
    finally:
        wb.close()
    return Extracted("", rows, tabular=True)


def read_delimited(data: bytes, name: str, delimiter: str | None = None) -> Extracted:
    """CSV or TSV; the delimiter is sniffed from the first lines when not given."""
    text = decode(data)
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    sheet = os.path.splitext(os.path.basename(name or ""))[0] or "Sheet1"
    rows = []
    try:
        for n, values in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            cells = _trim(list(values))
            if cells:
                rows.append(Row(sheet, n, cells))
    except csv.Error as e:
        raise Corrupt(f"damaged CSV ({str(e)[:60]})") from None
    return Extracted("", rows, tabular=True)
