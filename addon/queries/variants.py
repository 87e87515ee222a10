"""What to ask a token index for, per identifier: clauses made of the written forms in :mod:`addon.subjects.forms`.

Gmail and Drive index text as tokens (maximal runs of letters and digits, research/apis.md §1.3, §2.2) and match
a quoted phrase as adjacent tokens in order. So every form here is a tuple of such tokens, which is both what
makes the net wide enough (``O'Brien`` and ``O Brien`` are the same tokens) and what makes the queries safe: a
token cannot contain a quote, a backslash, a brace, a colon or a minus sign, so no name can become an operator.
Query syntax is applied later, by :mod:`.gmail` and :mod:`.drive`.

A :class:`Clause` is an AND of groups, each group an OR of token sequences. An email, phone or identifier is one
group. A name is one group per unit (``Siobhán`` / ``O'Connor``): a message holding some form of every unit, in
any order, is a candidate, which reaches "Last, First", "LAST First" and middle names or initials in one clause;
the local matcher then decides whether the units really form the name.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from ..errors import InputError
from ..subjects.forms import identifier_token_forms, name_groups, phone_token_forms
from ..subjects.identifiers import Subject
from ..subjects.normalise import strip_marks, tokens, word_tokens

Form = tuple[str, ...]


@dataclass(frozen=True)
class Clause:
    """One thing to search for: which identifier kind it came from, and the groups that must all be present."""

    kind: str  # "name" | "email" | "phone" | "identifier"
    groups: tuple[tuple[Form, ...], ...]


def text_variants(text: str) -> list[Form]:
    """The string's tokens, the same with diacritics removed (neither index is known to fold them), and, if it
    contains ``_``, the tokens an index that keeps ``_`` inside words would see."""
    out: list[Form] = []
    for form in (text, strip_marks(text)):
        out.append(tuple(tokens(form)))
        if "_" in form and tokens(form):  # a run of underscores alone is no search term
            out.append(tuple(t for t in word_tokens(form) if tokens(t)))
    return [t for t in out if t]


def _unique(forms: Iterable[Form]) -> tuple[Form, ...]:
    seen: dict[Form, Form] = {}
    for f in forms:
        if f:
            seen.setdefault(tuple(t.casefold() for t in f), f)
    return tuple(seen.values())


def identifier_variants(ident: str) -> list[Form]:
    return list(_unique(text_variants(ident) + identifier_token_forms(ident)
                        + identifier_token_forms(strip_marks(ident))))


def subject_clauses(subject: Subject) -> list[Clause]:
    """Every clause for the subject, de-duplicated (both indexes ignore case)."""
    out: list[Clause] = []
    for name in subject.names:
        groups = tuple(_unique(g) for g in name_groups(name))
        if groups and all(groups):
            out.append(Clause("name", groups))
    for email in subject.emails:
        out.append(Clause("email", (_unique(text_variants(email)),)))
    for phone in subject.phones:
        out.append(Clause("phone", (_unique(phone_token_forms(phone)),)))
    for ident in subject.identifiers:
        out.append(Clause("identifier", (_unique(identifier_variants(ident)),)))
    seen: set = set()
    unique = []
    for c in out:
        key = tuple(tuple(tuple(t.casefold() for t in f) for f in g) for g in c.groups)
        if c.groups and all(c.groups) and key not in seen:
            seen.add(key)
            unique.append(c)
    return unique


MAX_PIECES = 32  # queries one clause may become; beyond it a name's rarer spellings are left out


def render(clause: Clause, phrase: Callable[[Form], str], any_of: Callable[[list[str]], str],
           all_of: Callable[[list[str]], str], max_len: int) -> list[str]:
    """A clause as query text, split into several when it would not fit ``max_len``: (A1|A2) B is A1 B | A2 B,
    so the largest group is cut in halves until every piece fits. A one-group clause gives its phrases as
    separate items (they are OR-ed with everything else anyway). Should that take more than
    :data:`MAX_PIECES` queries (a long name of many units), each group keeps only its first (most common)
    forms: as typed, without marks, every joining; then the spellings with added marks."""
    groups = [tuple(g) for g in clause.groups]
    if len(groups) == 1:
        return [phrase(f) for f in groups[0]]
    smallest = all_of([any_of([phrase(g[0])]) for g in groups])
    if len(smallest) > max_len:
        raise InputError("search terms", f"one search clause is {len(smallest)} characters, over the {max_len} limit")
    keep = max(len(g) for g in groups)
    while True:
        trimmed = [g[:keep] for g in groups]
        out = _split(trimmed, phrase, any_of, all_of, max_len, MAX_PIECES)
        if out is not None:
            return out
        keep = max(1, keep // 2)


def _split(groups: list[tuple[Form, ...]], phrase, any_of, all_of, max_len: int, budget: int) -> list[str] | None:
    """The pieces, or None when more than ``budget`` would be needed."""
    text = all_of([any_of([phrase(f) for f in g]) for g in groups])
    if len(text) <= max_len:
        return [text]
    big = max(range(len(groups)), key=lambda i: len(groups[i]))
    if len(groups[big]) == 1 or budget < 2:
        return None
    half = len(groups[big]) // 2
    out: list[str] = []
    for piece in (groups[big][:half], groups[big][half:]):
        g = list(groups)
        g[big] = piece
        got = _split(g, phrase, any_of, all_of, max_len, budget - len(out) - 1)
        if got is None:
            return None
        out += got
        if len(out) > budget:
            return None
    return out


def pack(clauses: Iterable[str], joiner: str, wrap: tuple[str, str], max_len: int) -> list[str]:
    """Clauses joined into as few queries as fit ``max_len`` each (wrapper included), order kept."""
    head, tail = wrap
    out: list[str] = []
    current: list[str] = []
    size = len(head) + len(tail)
    for c in clauses:
        if len(head) + len(c) + len(tail) > max_len:
            raise InputError("search terms", f"one search clause is {len(c)} characters, over the {max_len} limit")
        extra = len(c) + (len(joiner) if current else 0)
        if current and size + extra > max_len:
            out.append(head + joiner.join(current) + tail)
            current, size = [], len(head) + len(tail)
            extra = len(c)
        current.append(c)
        size += extra
    if current:
        out.append(head + joiner.join(current) + tail)
    return out
