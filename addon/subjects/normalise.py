"""Text folding shared by matching and query building.

People write the same name many ways: ``Zoë``/``Zoe``, ``O'Brien``/``O’Brien``, ``Smith-Jones``/``Smith–Jones``,
any case. Matching therefore compares *folded* text, but must report spans in the *original* text (so a reviewer
sees what matched), hence :func:`fold_with_map`. Query building instead needs the tokens a search engine sees:
Gmail and Drive index maximal runs of letters and digits, so :func:`tokens` is the one place that rule lives.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Characters people (and word processors) use for an apostrophe; all fold to "'".
APOSTROPHES = frozenset("'\u2019\u2018\u02bc\u02bb\u2032\u0060\u00b4\uff07\u201b")
# Hyphen and dash variants; all fold to "-".
HYPHENS = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u00ad")
# Letters NFKD does not decompose but which people routinely write without the mark.
_SPECIAL = {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i", "ħ": "h", "ŧ": "t"}

_TOKEN = re.compile(r"[^\W_]+")  # a maximal run of letters and digits
_WORD_TOKEN = re.compile(r"\w+")  # the same, but keeping "_" (an index may treat "a_b" as one token)


@lru_cache(maxsize=4096)
def fold_char(c: str) -> str:
    """One character folded: case, compatibility forms and diacritics removed, apostrophes/hyphens unified.

    Case-folding first, because it can itself produce combining marks (``İ`` -> ``i̇``)."""
    out = []
    for d in unicodedata.normalize("NFKD", c.casefold()):
        if unicodedata.combining(d):
            continue
        if d in APOSTROPHES:
            out.append("'")
        elif d in HYPHENS:
            out.append("-")
        else:
            out.append(_SPECIAL.get(d, d))
    return "".join(out)


def _table(text: str) -> dict[int, str]:
    return {ord(c): fold_char(c) for c in set(text)}


def fold(text: str) -> str:
    """Folded text, for comparisons."""
    return text.translate(_table(text))


def fold_with_map(text: str) -> tuple[str, list[int] | None]:
    """Folded text plus, for each folded character, the index of the original character it came from —
    or ``None`` when every character folds to exactly one (the usual case), so indexes are shared and a
    multi-megabyte document costs no per-character list."""
    table = _table(text)
    if all(len(v) == 1 for v in table.values()):
        return text.translate(table), None
    parts: list[str] = []
    origin: list[int] = []
    for i, c in enumerate(text):
        f = table[ord(c)]
        if f:
            parts.append(f)
            origin.extend([i] * len(f))
    return "".join(parts), origin


def original_span(origin: list[int] | None, start: int, end: int, text: str | None = None) -> tuple[int, int]:
    """The span in the original text covering folded characters ``start:end`` (end exclusive, non-empty).
    Given ``text``, the span also takes in combining marks after its last character (``b̈`` stays whole)."""
    a, b = (start, end) if origin is None else (origin[start], origin[end - 1] + 1)
    if text is not None:
        while b < len(text) and unicodedata.combining(text[b]):
            b += 1
    return a, b


def strip_marks(text: str) -> str:
    """Diacritics removed but case kept: the plain spelling a search engine without folding needs as well."""
    out = []
    for c in unicodedata.normalize("NFD", text):
        if unicodedata.combining(c):
            continue
        low = c.lower()
        if low in _SPECIAL:
            c = _SPECIAL[low] if c == low else _SPECIAL[low].capitalize()
        out.append(c)
    return "".join(out)


def tokens(text: str) -> list[str]:
    """Search tokens: maximal runs of letters and digits (NFC first, so a decomposed ``ë`` stays in its word)."""
    return _TOKEN.findall(unicodedata.normalize("NFC", text))


def word_tokens(text: str) -> list[str]:
    """Tokens if ``_`` is a word character, as some indexes (reportedly Gmail's) treat it."""
    return _WORD_TOKEN.findall(unicodedata.normalize("NFC", text))


def collapse_space(text: str) -> str:
    """Whitespace runs as one space, ends trimmed."""
    return " ".join(text.split())
