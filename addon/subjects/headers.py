"""What a sheet's header cells say about their columns: first name, middle name or surname, and which row is
the header (a title row often sits above it). Pure; used by :mod:`.matching` and the search."""
from __future__ import annotations

import re
from functools import lru_cache

from .normalise import fold



_FIRST = {"first", "first name", "firstname", "first names", "given", "given name", "given names", "givenname",
          "forename", "forenames", "fore name", "christian name", "fname"}
_MIDDLE = {"middle", "middle name", "middle names", "middlename", "other names"}
_LAST = {"last", "last name", "lastname", "surname", "surnames", "sur name", "family name", "familyname",
         "family", "lname"}


@lru_cache(maxsize=1024)
def header_kind(header: str) -> str | None:
    words = re.sub(r"[\W_]+", " ", fold(header)).split()
    for n in range(min(3, len(words)), 0, -1):  # "Customer first name" ends with "first name"
        tail = " ".join(words[-n:])
        for kind, names in (("first", _FIRST), ("middle", _MIDDLE), ("last", _LAST)):
            if tail in names:
                return kind
    return None


def header_row(rows: list[list[str]], look: int = 5) -> int:
    """Index of a table's header row: the first of its first ``look`` rows with both a first-name and a
    surname column (a title row or a blank row may sit above it), else the first row."""
    for i, row in enumerate(rows[:look]):
        kinds = {header_kind(str(c or "")) for c in row}
        if "first" in kinds and "last" in kinds:
            return i
    return 0
