"""Where other people's personal data sits in an item's text: every email address (a regex proposes,
email-validator confirms), every phone number (phonenumbers' ``PhoneNumberMatcher``, GB by default, plus
Ofcom's drama ranges), and the names of the people :mod:`.people` found, in the written forms the subject
matcher knows (``First Last``, ``Last, First``, ``LAST First``, a middle name or initial), the first name
alone and a title with the surname (``Mr Wright``).

The requester is protected first: every span :class:`~addon.subjects.matching.Matcher` finds for the case's
subject (names in their variant forms, emails, phones, identifiers) is never redacted, nor any address or
number of theirs, nor a single word of their names. Redactions hide spans only: the rest of a staff note
about the subject stays. Pure."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from ..subjects.forms import name_units
from ..subjects.identifiers import Subject, _is_drama
from ..subjects.matching import Matcher
from ..subjects.normalise import fold, fold_with_map, original_span
from .model import Part, Person, Redaction, redaction_id

#: Candidate addresses: RFC 5322 dot-atom local part, a dotted domain. email-validator decides.
_EMAIL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                    r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+")
_WORD = re.compile(r"[^\W_]+")
_TITLES = r"(?:mr|mrs|ms|miss|mx|dr|prof|sir|dame)"
_GIVEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")  # a first name as written: Heinz-Wilhelm
#: When two proposals overlap, the span keeps the more specific kind.
_PRIORITY = {"directory": 0, "name": 1, "email": 2, "phone": 3}
MIN_GIVEN = 3  # a first name alone shorter than this ("Al", "Jo") is too often something else


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    kind: str


def valid_email(candidate: str) -> str | None:
    """The address as email-validator normalises it, or None. A reserved domain (``.local``, ``.test``,
    ``.example``) still names a mailbox someone reads, so only the syntax is checked for those."""
    try:
        return validate_email(candidate, check_deliverability=False, globally_deliverable=False,
                              test_environment=True).normalized
    except EmailNotValidError as e:
        if "special-use" not in str(e) and "reserved" not in str(e):
            return None
    local, _, domain = candidate.rpartition("@")
    try:
        validate_email(f"{local}@example.com", check_deliverability=False)
    except EmailNotValidError:
        return None
    return f"{local}@{domain.lower()}" if "." in domain else None


def _emails(text: str, directory: set[str]) -> Iterable[_Span]:
    for m in _EMAIL.finditer(text):
        start, end = m.span()
        while end > start and text[end - 1] in ".-":
            end -= 1
        while start < end and text[start] in ".'`":
            start += 1
        addr = valid_email(text[start:end])
        if addr:
            yield _Span(start, end, "directory" if addr.casefold() in directory else "email")


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_numbers(text: str, region: str = "GB") -> Iterable[tuple[int, int, str]]:
    """(start, end, E.164) of every number in use (or in Ofcom's drama ranges) written in ``text``."""
    for m in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE):
        e164 = _e164(m.number)
        if phonenumbers.is_valid_number(m.number) or _is_drama(e164):
            yield m.start, m.end, e164
            continue
        digits = re.sub(r"\D", "", m.raw_string)
        if not m.raw_string.lstrip("(").startswith("+") and len(digits) > 10:  # 447700900123: a code without "+"
            try:
                n = phonenumbers.parse("+" + digits, None)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(n) or _is_drama(_e164(n)):
                yield m.start, m.end, _e164(n)


class _Names:
    """The written forms of the third parties' names, built once per item."""

    def __init__(self, people: Sequence[Person], requester_words: set[str]) -> None:
        self.full: list[tuple[str, Matcher, set[str]]] = []
        self.given: dict[str, str] = {}  # folded first name (as written, hyphens kept) -> kind
        self.surnames: dict[str, str] = {}
        seen: set[str] = set()
        for p in people:
            if not p.name:
                continue
            kind = "directory" if p.source == "directory" else "name"
            units = [" ".join(u) for u in name_units(p.name)]
            for name in _name_variants(p.name, units):
                if len(name.split()) >= 2 and fold(name) not in seen:
                    seen.add(fold(name))
                    words = {w for w in _WORD.findall(fold(name))}
                    self.full.append((kind, Matcher(Subject(names=(name,))), words))
            first, last = fold(p.name.split()[0]).strip(".,"), fold(p.name.split()[-1]).strip(".,")
            if len(first) >= MIN_GIVEN and _GIVEN.fullmatch(first) and not set(_WORD.findall(first)) & requester_words:
                self.given.setdefault(first, kind)
            if len(units) >= 2 and last not in requester_words and len(last) >= 2:
                self.surnames.setdefault(last, kind)

    def spans(self, text: str) -> Iterable[_Span]:
        folded, origin = fold_with_map(text)
        present = set(_WORD.findall(folded))
        for kind, matcher, words in self.full:
            if words & present:
                for h in matcher.match_text(text):
                    if h.kind == "name" and h.span:
                        yield _Span(*h.span, kind)
        for m in _GIVEN.finditer(folded):
            kind = self.given.get(m.group())
            if kind:
                a, b = original_span(origin, m.start(), m.end(), text)
                if text[a].isupper() and (b >= len(text) or not text[b].isalnum()):
                    yield _Span(a, b, kind)
        if self.surnames:
            for m in re.finditer(rf"\b{_TITLES}\.?\s+([^\W\d_][^\W\d_'\-]*(?:['\-][^\W\d_]+)*)", folded):
                kind = self.surnames.get(m.group(1))
                if kind:
                    a, b = original_span(origin, m.start(), m.end(), text)
                    s1 = original_span(origin, m.start(1), m.end(1), text)[0]
                    if text[s1].isupper():
                        yield _Span(a, b, kind)


def _name_variants(name: str, units: list[str]) -> list[str]:
    """The name, and without its middle initials (``Barry A. Warsaw`` is also written ``Barry Warsaw``)."""
    out = [name]
    if len(units) >= 3 and all(len(u.strip(".")) <= 1 for u in units[1:-1]):
        out.append(f"{units[0]} {units[-1]}")
    return out


def requester_words(subject: Subject) -> set[str]:
    """Every word of the requester's names: a single word of theirs is never hidden."""
    return {w for n in subject.names + subject.partial_names for w in _WORD.findall(fold(n))}


def protected_spans(text: str, matcher: Matcher) -> list[tuple[int, int]]:
    return [h.span for h in matcher.match_text(text) if h.span]


def _merge(spans: Iterable[_Span]) -> list[_Span]:
    out: list[_Span] = []
    for s in sorted(spans, key=lambda s: (s.start, -(s.end - s.start), _PRIORITY[s.kind])):
        if out and s.start < out[-1].end:
            last = out[-1]
            kind = last.kind if _PRIORITY[last.kind] <= _PRIORITY[s.kind] else s.kind
            out[-1] = _Span(last.start, max(last.end, s.end), kind)
        else:
            out.append(s)
    return out


def _overlaps(a: tuple[int, int], spans: Iterable[tuple[int, int]]) -> bool:
    return any(a[0] < e and s < a[1] for s, e in spans)


class Detector:
    """Proposes redactions for the items of one case: build once with the subject and the directory."""

    def __init__(self, subject: Subject, region: str = "GB") -> None:
        self.subject = subject
        self.region = region
        self.matcher = Matcher(subject)
        self.words = requester_words(subject)
        self.emails = {e.casefold() for e in subject.emails}
        self.phones = set(subject.phones)
        self._names: dict[tuple[Person, ...], _Names] = {}

    def names(self, people: Sequence[Person]) -> _Names:
        """The written forms of ``people``'s names, built once per set of people (a directory of hundreds
        costs most of a second to compile, so the case's pool is built once, not per item)."""
        key = tuple(people)
        got = self._names.get(key)
        if got is None:
            if len(self._names) > 64:
                self._names.clear()
            got = self._names[key] = _Names(people, self.words)
        return got

    def spans(self, text: str, people: Sequence[Person], extra: Sequence[Person] = ()) -> list[tuple[int, int, str]]:
        """(start, end, kind) to hide in ``text``, merged, none touching the requester. ``extra``: people of
        this item only (its headers), kept apart from the case's pool so the pool's forms are reused."""
        if not text:
            return []
        people = list(people) + list(extra)
        directory = {e.casefold() for p in people if p.source == "directory" for e in p.emails}
        found: list[_Span] = []
        for s in _emails(text, directory):
            if text[s.start:s.end].casefold() not in self.emails and (valid_email(text[s.start:s.end]) or "").casefold() not in self.emails:
                found.append(s)
        for start, end, e164 in phone_numbers(text, self.region):
            if e164 not in self.phones:
                found.append(_Span(start, end, "phone"))
        found += self.names(people[:len(people) - len(extra)]).spans(text)
        if extra:
            found += self.names(extra).spans(text)
        mine = protected_spans(text, self.matcher)
        return [(s.start, s.end, s.kind) for s in _merge(found) if not _overlaps((s.start, s.end), mine)]

    def propose(self, item_key: str, parts: Sequence[Part], people: Sequence[Person],
                extra: Sequence[Person] = ()) -> list[Redaction]:
        """Every proposed redaction in an item, in part order, each with its stable id."""
        out: list[Redaction] = []
        counts: dict[str, int] = {}
        for part in parts:
            for start, end, kind in self.spans(part.text, people, extra):
                n = counts.get(kind, 0)
                counts[kind] = n + 1
                out.append(Redaction(redaction_id(item_key, kind, n), kind, part.name, (start, end)))
        return out


def propose(item_key: str, parts: Sequence[Part], subject: Subject, people: Sequence[Person],
            region: str = "GB") -> list[Redaction]:
    """One-off form of :meth:`Detector.propose`."""
    return Detector(subject, region).propose(item_key, parts, people)
