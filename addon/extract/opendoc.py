"""OpenDocument text, presentations (.odt, .odp) and spreadsheets (.ods) via odfpy. An encrypted
OpenDocument keeps a readable ZIP whose manifest declares the encryption: reported, not guessed at."""
from __future__ import annotations

import io

from .errors import Corrupt, Encrypted
from .formats import open_zip
from .model import Extracted, Row


def _load(data: bytes, what: str):
    z = open_zip(data, what)
    try:
        manifest = z.read("META-INF/manifest.xml")
    except KeyError:
        manifest = b""
    if b"encryption-data" in manifest:
        raise Encrypted(f"password-protected {what}")
    from odf.opendocument import load

    try:
        return load(io.BytesIO(data))
    except Exception as e:  # noqa: BLE001 - odfpy raises KeyError, XML errors, ...
        raise Corrupt(f"damaged {what} ({type(e).__name__})") from None


def read_odf(data: bytes) -> Extracted:
    from odf import teletype
    from odf.text import H, P

    doc = _load(data, "OpenDocument file")
    out = [teletype.extractText(el) for kind in (H, P) for el in doc.getElementsByType(kind)]
    return Extracted("\n".join(out))


def read_ods(data: bytes) -> Extracted:
    from odf import teletype
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = _load(data, "OpenDocument spreadsheet")
    rows: list[Row] = []
    for table in doc.spreadsheet.getElementsByType(Table):
        title = table.getAttribute("name") or "Sheet1"
        n = 0
        for tr in table.getElementsByType(TableRow):
            repeat = min(int(tr.getAttribute("numberrowsrepeated") or 1), 10_000)
            cells: list[str] = []
            for tc in tr.getElementsByType(TableCell):
                times = min(int(tc.getAttribute("numbercolumnsrepeated") or 1), 1024)
                value = "\n".join(teletype.extractText(p) for p in tc.getElementsByType(P))
                cells += [value] * times
            while cells and cells[-1] == "":
                cells.pop()
            for _ in range(repeat):
                n += 1
                if cells:
                    rows.append(Row(title, n, tuple(cells)))
    return Extracted("", rows, tabular=True)
