"""Exporting records for auditors: JSON Lines (complete records, so anyone can recompute every leaf) and
CSV for spreadsheets, made safe against formula injection (a cell starting with ``= + - @``, tab or CR
gets a leading apostrophe, as OWASP recommends; sealed values are listed by name only)."""
from __future__ import annotations

import csv
from typing import IO, Iterable

from .canonical import canonical_json

CSV_COLUMNS = ("seq", "time", "actor", "case", "purpose", "legal_basis", "operation", "api_method", "http_method",
               "path_template", "scopes", "quota_units", "status", "item_count", "bytes", "latency_ms", "outcome",
               "attempt", "batch", "intent", "detail", "sealed_fields", "prev", "leaf")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A CSV cell a spreadsheet will never evaluate as a formula."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_row(record: dict) -> list:
    values = dict(record)
    values["scopes"] = " ".join(record.get("scopes") or ())
    values["sealed_fields"] = " ".join(sorted(record.get("sealed") or ()))
    return [safe_cell(values.get(c)) for c in CSV_COLUMNS]


def write_csv(records: Iterable[dict], out: IO[str]) -> int:
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    n = 0
    for r in records:
        w.writerow(csv_row(r))
        n += 1
    return n


def write_jsonl(records: Iterable[dict], out: IO[str]) -> int:
    n = 0
    for r in records:
        out.write(canonical_json(r).decode("utf-8") + "\n")
        n += 1
    return n
