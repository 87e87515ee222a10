"""The written forms of each identifier that a token index can find, as token sequences.

Gmail and Drive index text as tokens (maximal runs of letters and digits, research/apis.md §1.3, §2.2) and match
a quoted phrase as adjacent tokens in order. So every variant here is a tuple of such tokens, which is both
what makes the net wide enough (``O'Brien`` and ``O Brien`` are the same tokens) and what makes the queries
safe: a token cannot contain a quote, a backslash, a brace, a colon or a minus sign, so no name can become an
operator. Query syntax is applied later, by :mod:`.gmail` and :mod:`.drive`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import phonenumbers

from ..errors import InputError
from ..subjects.identifiers import Subject
from ..subjects.normalise import strip_marks, tokens, word_tokens


@dataclass(frozen=True)
class Term:
    """One thing to search for: which identifier it came from and the tokens of one written form."""

    kind: str  # "name" | "email" | "phone" | "identifier"
    tokens: tuple[str, ...]


def text_variants(text: str) -> list[tuple[str, ...]]:
    """The string's tokens, the same with diacritics removed (neither index is known to fold them), and, if it
    contains ``_``, the tokens an index that keeps ``_`` inside words would see."""
    out: list[tuple[str, ...]] = []
    for form in (text, strip_marks(text)):
        out.append(tuple(tokens(form)))
        if "_" in form and tokens(form):  # a run of underscores alone is no search term
            out.append(tuple(t for t in word_tokens(form) if tokens(t)))
    return [t for t in out if t]


def name_variants(name: str) -> list[tuple[str, ...]]:
    """As written, and surname first (``Doe, Jane`` and ``DOE Jane`` are both the tokens ``Doe Jane``), trying
    every split so compound surnames (``de la Cruz``) are covered."""
    words = name.split()
    forms = [name] + [" ".join(words[k:] + words[:k]) for k in range(1, len(words))]
    return [v for f in forms for v in text_variants(f)]


_GROUPINGS = ((3,), (4,), (5,), (3, 4), (4, 3), (5, 3), (3, 3))  # leading group sizes people use; rest follows


def _grouped(digits: str) -> list[tuple[str, ...]]:
    out = []
    for lead in _GROUPINGS:
        if sum(lead) + 3 > len(digits):
            continue
        parts, i = [], 0
        for n in lead:
            parts.append(digits[i:i + n])
            i += n
        parts.append(digits[i:])
        out.append(tuple(parts))
    return out


def phone_variants(e164: str) -> list[tuple[str, ...]]:
    """The token sequences of the forms people write a number in.

    A phrase matches any adjacent run of tokens, so the national significant number's groups (``7700 900123``)
    also find ``+44 7700 900123``, ``+44 (0)7700 900123`` and ``0044 7700 900123``; the national form with its
    trunk prefix (``07700 900123``) and the unbroken digit strings (``07700900123``, ``447700900123``,
    ``7700900123``) are separate tokens and need their own clauses. Groupings other than phonenumbers' own and
    the common ones in ``_GROUPINGS`` (``07700 900 123``, ``0770 090 0123`` …) are not queried for; local
    matching accepts any grouping the query did find.
    """
    n = phonenumbers.parse(e164, None)
    nsn = phonenumbers.national_significant_number(n)
    national = "".join(c for c in phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.NATIONAL)
                       if c.isdigit())
    intl = phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    out: list[tuple[str, ...]] = [(national,), (str(n.country_code) + nsn,), (nsn,)]
    out.append(tuple(tokens(phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.NATIONAL))))
    out.append(tuple(tokens(intl))[1:])  # without the country code: a phrase may start anywhere
    trunk = national[: len(national) - len(nsn)] if national.endswith(nsn) else ""
    for g in _grouped(national):
        out.append(g)
        if trunk and g[0].startswith(trunk) and len(g[0]) > len(trunk):
            out.append((g[0][len(trunk):],) + g[1:])
    return [v for v in out if v]


def subject_terms(subject: Subject) -> list[Term]:
    """Every term for the subject, de-duplicated case-insensitively (both indexes ignore case)."""
    terms: list[Term] = []
    for name in subject.names:
        terms.extend(Term("name", v) for v in name_variants(name))
    for email in subject.emails:
        terms.extend(Term("email", v) for v in text_variants(email))
    for phone in subject.phones:
        terms.extend(Term("phone", v) for v in phone_variants(phone))
    for ident in subject.identifiers:
        terms.extend(Term("identifier", v) for v in text_variants(ident))
    seen: set[tuple[str, ...]] = set()
    out = []
    for t in terms:
        key = tuple(x.casefold() for x in t.tokens)
        if key not in seen:
            seen.add(key)
            out.append(t)
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
