"""Word and phrase matching for the Calendar ``q`` parameter and the Chat/Forms fixtures, on the Gmail
tokeniser (:mod:`sandbox.gmail.text`), so every API agrees on what a word is. Deliberately never looser than
Google: a query word holding symbols (``jane.doe@x.com``, ``07700-900123``) is the phrase of its tokens within
one field, and every word must be found."""
from __future__ import annotations

import shlex

from .gmail.text import joined, phrase_in, tokens


def query_phrases(q: str) -> list[str]:
    """``q`` as the joined-token phrases that must all occur; quoted text is one phrase. Words with no letters
    or digits are dropped."""
    try:
        words = shlex.split(q, posix=True)
    except ValueError:  # an unbalanced quote: read the words as they stand
        words = q.replace('"', " ").split()
    out = []
    for w in words:
        toks = tokens(w)
        if toks:
            out.append(joined(toks))
    return out


def segments(values: list[str]) -> list[str]:
    return [joined(tokens(v)) for v in values if v]


def matches(phrases: list[str], segs: list[str]) -> bool:
    """Every phrase occurs inside some one segment (an empty query matches everything)."""
    return all(any(phrase_in(p, s) for s in segs) for p in phrases)
