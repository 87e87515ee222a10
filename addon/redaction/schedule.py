"""The redaction schedule: one line per redaction (which item, which part, what kind, under which exemption,
proposed or added by staff), never the hidden text, so the schedule itself can go to the requester and the
ICO. ``redactions.csv`` in the package and the "Other people's information" section of the report. Pure."""
from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from typing import Iterable

from .model import Redaction

DEFAULT_CODE = "sch2-para16-third-party"
COLUMNS = ("id", "item", "file", "part", "kind", "exemption", "origin")
KIND_LABEL = {"directory": "name or address of someone in our organisation", "name": "another person's name",
              "email": "another person's email address", "phone": "another person's telephone number"}


@dataclass(frozen=True)
class Entry:
    id: str
    item: str  # what the subject recognises: "email: subject", "path › tab › row 4"
    file: str  # the file in the package that carries the redacted copy
    part: str
    kind: str
    exemption: str
    origin: str

    def row(self) -> list[str]:
        return [self.id, self.item, self.file, self.part, self.kind, self.exemption, self.origin]


def entries(item: str, file: str, redactions: Iterable[Redaction], code: str = DEFAULT_CODE) -> list[Entry]:
    return [Entry(r.id, item, file, r.part, r.kind, code, r.origin) for r in redactions]


def _safe(cell: str) -> str:
    return "'" + cell if cell.startswith(("=", "+", "-", "@", "\t", "\r")) else cell


def schedule_csv(rows: Iterable[Entry]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(COLUMNS)
    for e in rows:
        w.writerow([_safe(c) for c in e.row()])
    return buf.getvalue().encode("utf-8")


def summary(rows: Iterable[Entry]) -> dict:
    """For the report: counts by kind and by item, and the codes used."""
    rows = list(rows)
    by_item: dict[tuple[str, str], Counter] = {}
    for e in rows:
        by_item.setdefault((e.item, e.file), Counter())[e.kind] += 1
    return {"total": len(rows), "by_kind": [(KIND_LABEL.get(k, k), n) for k, n in sorted(Counter(e.kind for e in rows).items())],
            "items": [{"item": i, "file": f, "kinds": ", ".join(f"{k} ×{n}" for k, n in sorted(c.items())),
                       "count": sum(c.values())} for (i, f), c in by_item.items()],
            "codes": sorted({e.exemption for e in rows}), "staff": sum(1 for e in rows if e.origin == "staff")}
