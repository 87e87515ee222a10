"""The wrong values of a rectification as things to find: each correction becomes a matcher of its own, so
a wrong phone number is found however it is written (``07700 900999`` = ``+44 7700 900999``), a wrong
email whole and in any case, and any other value (a postcode, an address) as whole tokens. Pure.

A wrong value is often malformed (a number one digit short is *why* it is wrong), so a value that does not
validate as an email or phone is matched as written text instead of being refused.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..errors import InputError
from ..subjects.identifiers import Subject, is_single_word, normalise_email, normalise_phone
from ..subjects.matching import Matcher

EMAIL_FIELDS = frozenset({"email", "e-mail", "email address", "mail"})
PHONE_FIELDS = frozenset({"phone", "telephone", "mobile", "phone number", "tel"})
NAME_FIELDS = frozenset({"name", "full name", "surname", "last name", "first name"})


def kind_of(field: str, wrong: str) -> str:
    """email | phone | name | text: how the wrong value is matched."""
    f = (field or "any").strip().lower()
    if f in EMAIL_FIELDS or (f == "any" and "@" in wrong):
        return "email"
    if f in PHONE_FIELDS:
        return "phone"
    if f in NAME_FIELDS:
        return "name"
    if f == "any":
        try:
            normalise_phone(wrong)
            return "phone"
        except InputError:
            return "text"
    return "text"


def subject_for(kind: str, wrong: str) -> Subject:
    """A pseudo-subject whose only identifier is the wrong value (the search engine's input)."""
    if kind == "email":
        try:
            return Subject(names=(), emails=(normalise_email(wrong),))
        except InputError:
            pass
    if kind == "phone":
        try:
            return Subject(names=(), phones=(normalise_phone(wrong),))
        except InputError:
            pass
    if kind == "name" and not is_single_word(wrong):
        return Subject(names=(wrong,))
    return Subject(names=(), identifiers=(wrong,))


@dataclass(frozen=True)
class Correction:
    index: int
    field: str
    wrong: str
    correct: str
    kind: str

    @property
    def matcher(self) -> Matcher:
        return Matcher(subject_for(self.kind, self.wrong))

    def public(self) -> dict:
        return {"index": self.index, "field": self.field, "kind": self.kind, "wrong": self.wrong,
                "correct": self.correct}


def parse(corrections: Sequence[dict]) -> list[Correction]:
    if not corrections:
        raise InputError("--wrong", "the case records no correction (wrong value and correct one)")
    return [Correction(i, c.get("field") or "any", c["wrong"], c["correct"], kind_of(c.get("field") or "any", c["wrong"]))
            for i, c in enumerate(corrections)]


def search_subject(corrections: Sequence[Correction]) -> Subject:
    """Every wrong value at once, for one search job (queries and matcher)."""
    parts = [subject_for(c.kind, c.wrong) for c in corrections]
    uniq = lambda xs: tuple(dict.fromkeys(xs))  # noqa: E731
    return Subject(names=uniq(n for p in parts for n in p.names), emails=uniq(e for p in parts for e in p.emails),
                   phones=uniq(x for p in parts for x in p.phones),
                   identifiers=uniq(i for p in parts for i in p.identifiers))


def fix_text(text: str, c: Correction, matcher: Matcher | None = None) -> str | None:
    """``text`` with every mention of the wrong value replaced by the correct one; None if it has none. A
    cell that *is* the wrong value (however written) becomes exactly the correct value."""
    hits = sorted({h.span for h in (matcher or c.matcher).match_text(text) if h.span}, reverse=True)
    if not hits:
        return None
    stripped = text.strip()
    lead = len(text) - len(text.lstrip())
    if len(hits) == 1 and hits[0] == (lead, lead + len(stripped)):
        return c.correct
    out = text
    last = len(text) + 1
    for i, j in hits:  # right to left, so earlier spans keep their offsets; overlapping spans skipped
        if j <= last:
            out = out[:i] + c.correct + out[j:]
            last = i
    return out


def fix_cell(cell: str, corrections: Sequence[Correction], matchers: Sequence[Matcher]) -> tuple[str, list[int]] | None:
    """(new cell text, indexes of the corrections applied), or None when the cell holds no wrong value."""
    new, used = cell, []
    for c, m in zip(corrections, matchers):
        got = fix_text(new, c, m)
        if got is not None and got != new:
            new, used = got, used + [c.index]
    return (new, used) if used else None
