"""Confirming a candidate locally: does this text (or sheet row) really mention the subject?

Server-side queries cast a wide net (:mod:`addon.queries`); this module decides, with no I/O, what counts as a
mention. It errs on the side of *precision per identifier* (a shared first name, an address with extra
characters, a phone number one digit off are not the subject) while accepting the many ways people write the
same identifier.

Rules (the ones a reviewer needs to know):

* **Email**: the whole address, any case; it must not be preceded or followed by a character that could
  continue the address (``xjane.doe@x.com`` and ``jane.doe@x.com.au`` are other addresses). A trailing full stop
  ends a sentence, not the address.
* **Phone**: phone-like digit runs are extracted (digits separated by at most three of ``space - . / ( )``) and
  every run of whole digit groups that ends with the number's national significant digits is parsed with
  ``phonenumbers``; it matches when it is the same E.164 number. A candidate may start mid-run only if it
  carries its own prefix (``0…``) and the run did not start with ``+``/``00``, so a number with a different
  or mistyped country code is not matched by its tail. So ``+44 7700 900123``, ``07700 900123``,
  ``07700900123``, ``+44 (0)7700 900123``, ``447700900123``, ``0044 7700 900123`` and ``07700-900-123`` all match,
  while ``07700 900124`` and ``077009001234`` do not.
* **Name**: compared after folding (case, diacritics ``Zoë = Zoe``, apostrophe and hyphen variants), with any
  whitespace run between words. The name **as given** must appear whole and in order (``Jane Mary Doe`` does
  not match ``Jane Doe``, nor the reverse: add each form the subject uses as another name), or surname first
  with a comma (``Doe, Jane``), or surname first in capitals (``DOE Jane``). Surname-first forms are not
  accepted when words run straight into both ends (``John Doe, Jane Smith`` is a list, not ``Doe, Jane``). A
  name must not be glued to other letters by a hyphen or apostrophe (``Mary-Jane Doe`` is someone else), but a
  possessive ``Jane Doe's`` is a mention. In a sheet row, the first name(s) in a column headed like
  first/given/forename (plus any middle-name column) and the surname in a column headed last/surname/family
  name also match. A first name or surname on its own never matches.
* **Free identifier** (customer number…): the whole token, any case; not glued to a letter or digit, nor to
  another token by ``-``, ``_`` or ``.`` (``CUST-004512-A`` is another identifier).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterator

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from .identifiers import Subject
from .forms import identifier_parts, name_units
from .headers import header_kind as _header_kind
from .headers import header_row as header_row
from .normalise import fold, fold_with_map, original_span


@dataclass(frozen=True)
class Hit:
    """One mention: which identifier (``kind`` and its ``index`` in the subject), where (``span`` in the text,
    or in the cell for sheet rows; ``None`` for a name split across columns) and, for rows, which ``cells``."""

    kind: str  # "name" | "email" | "phone" | "identifier"
    index: int
    span: tuple[int, int] | None
    cells: tuple[int, ...] = ()
    #: "exact" for a written form of the identifier as given; "variant" for a middle name or initial between
    #: the given name and surname, and for the forms a spreadsheet makes of a phone number (7700900123).
    confidence: str = "exact"


def _alnum(c: str) -> bool:
    return c.isalnum()


def _free_before(t: str, i: int, joiners: str) -> bool:
    """Nothing word-like runs into position i from the left."""
    if i == 0:
        return True
    p = t[i - 1]
    if _alnum(p) or p == "_":
        return False
    return not (p in joiners and i >= 2 and _alnum(t[i - 2]))


def _free_after(t: str, j: int, joiners: str, possessive: bool = False) -> bool:
    """Nothing word-like runs on from position j (exclusive end); optionally allow a possessive 's."""
    if j >= len(t):
        return True
    n = t[j]
    if _alnum(n) or n == "_":
        return False
    if n in joiners and j + 1 < len(t) and _alnum(t[j + 1]):
        if possessive and n == "'" and t[j + 1] == "s" and (j + 2 >= len(t) or not _alnum(t[j + 2])):
            return True
        return False
    return True


# --- names -----------------------------------------------------------------------------------------------

_NAME_JOINERS = "-'"
_IN_UNIT = r"(?:\s*['\-]\s*|\s+|)"  # between a unit's parts: O'Connor, O Connor, OConnor, Smith - Jones
_BETWEEN = r"(?:\s*-\s*|\s+)"  # between units: Anne Marie, Anne-Marie
_MIDDLE_WORDS = r"(?P<m>(?:\s+[^\W\d_](?:[^\W\d_]|['\-](?=[^\W\d_]))*\.?){1,2})\s+"
#: Words that sit between a first name and a surname in running text without being a middle name.
_NOT_MIDDLE = frozenset(
    "and or to from the of with for at by cc re per via in on is was von van de la le da di del mr mrs ms dr".split())


@dataclass(frozen=True)
class _NameForm:
    regex: re.Pattern[str]
    surname_first: bool
    caps_surname: bool  # the surname part (group "s") must be in capitals in the original text
    middle: bool = False  # words between the given name(s) and the surname: a ``variant`` match


def _unit_re(parts: list[str]) -> str:
    return _IN_UNIT.join(re.escape(fold(p)) for p in parts)


def _name_forms(name: str) -> list[_NameForm]:
    units = [u for u in (_unit_re(u) for u in name_units(name)) if u]
    if not units:
        return []
    forms = [_NameForm(re.compile(_BETWEEN.join(units)), False, False)]
    for k in range(1, len(units)):
        given, surname = _BETWEEN.join(units[:k]), _BETWEEN.join(units[k:])
        forms.append(_NameForm(re.compile(rf"(?P<s>{surname})\s*,\s*{given}"), True, False))
        forms.append(_NameForm(re.compile(rf"(?P<s>{surname})\s+(?P<g>{given})"), True, True))
        forms.append(_NameForm(re.compile(rf"(?P<g>{given}){_MIDDLE_WORDS}{surname}"), False, False, middle=True))
    return forms


def _plausible_middle(text: str, origin: list[int] | None, m: re.Match[str]) -> bool:
    """Words between a given name and a surname are a middle name (or initial) only if they are not joining
    words and are capitalised as the given name is (``Jane M. Doe``, ``jane m doe``; not ``Jane to Doe``)."""
    words = m.group("m").split()
    if any(w.rstrip(".") in _NOT_MIDDLE for w in words):
        return False
    g0, _ = original_span(origin, *m.span("g"))
    given_upper = text[g0:g0 + 1].isupper()
    a, b = original_span(origin, *m.span("m"))
    for w in text[a:b].split():
        if given_upper and not w[:1].isupper():
            return False
    return True


def _is_upper(s: str) -> bool:
    return any(c.isalpha() for c in s) and not any(c.islower() for c in s)


def _words_on_both_sides(t: str, i: int, j: int, text: str, origin: list[int] | None) -> bool:
    """A capitalised word just before i and another just after j: a list like ``John Doe, Jane Smith``, in
    which ``Doe, Jane`` is not a person (``the note about Doe, Jane from May`` is)."""
    a = i
    while a > 0 and t[a - 1].isspace():
        a -= 1
    b = j
    while b < len(t) and t[b].isspace():
        b += 1
    if not (a < i and a > 0 and _alnum(t[a - 1]) and b > j and b < len(t) and _alnum(t[b])):
        return False
    w0 = a - 1
    while w0 > 0 and _alnum(t[w0 - 1]):
        w0 -= 1
    before = text[original_span(origin, w0, w0 + 1)[0]]
    after = text[original_span(origin, b, b + 1)[0]]
    return before.isupper() and after.isupper()


# --- phones ----------------------------------------------------------------------------------------------

_RUN = re.compile(r"[+(]?\d(?:\d|[ .\-/()]{1,3}(?=[\d(]))*")
_GROUP = re.compile(r"\d+")
_PREFIX_SLACK = 6  # digits a written form may add before the national significant number (+44, 0044, (0)…)


@dataclass(frozen=True)
class _Phone:
    e164: str
    nsn: str
    cc: str
    region: str


def _phone(e164: str) -> _Phone:
    n = phonenumbers.parse(e164, None)
    region = phonenumbers.region_code_for_country_code(n.country_code)
    return _Phone(e164, phonenumbers.national_significant_number(n), str(n.country_code), region)


def _same_number(written: str, digits: str, p: _Phone) -> bool:
    candidates = [written]
    if not written.lstrip("(").startswith("+") and digits.startswith(p.cc):
        candidates.append("+" + digits)  # 447700900123: the country code without the plus
    for c in candidates:
        try:
            n = phonenumbers.parse(c, p.region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164) == p.e164:
            return True
    return False


# --- identifiers / emails --------------------------------------------------------------------------------

_ID_JOINERS = "-_."
_ID_SEP = r"(?:\s?[-_./]\s?|\s|)"  # between an identifier's parts: CUST-004512, CUST 004512, CUST004512


def _identifier_re(ident: str) -> re.Pattern[str] | None:
    """The identifier's parts (:func:`~.forms.identifier_parts`) in order; between two parts what the subject
    wrote there, or any one common separator, or nothing."""
    folded = fold(ident).strip()
    parts = identifier_parts(folded)
    if not parts:
        return None
    out, pos = [], 0
    for k, p in enumerate(parts):
        at = folded.index(p, pos)
        if k:
            written = folded[pos:at]
            out.append(f"(?:{re.escape(written)}|{_ID_SEP})" if written else _ID_SEP)
        out.append(re.escape(p))
        pos = at + len(p)
    return re.compile("".join(out))


def _spreadsheet_form(t: str, i: int, j: int, p: "_Phone") -> bool:
    """A number as a spreadsheet leaves it: digits only, without its trunk 0 or ``+`` (7700900123,
    447700900123, 7700900123.0)."""
    written = t[i:j]
    return written.isdigit() and written in (p.nsn, p.cc + p.nsn)
_EMAIL_STRONG = ".+-_%"  # characters that, just before an address, continue its local part
_EMAIL_WEAK = "'`{|}~!#$&*/=?^"  # legal in a local part, but also ordinary punctuation around an address


def _email_free_before(t: str, i: int) -> bool:
    if i == 0:
        return True
    p = t[i - 1]
    if _alnum(p) or p in _EMAIL_STRONG:
        return False
    if p in _EMAIL_WEAK and i >= 2 and (_alnum(t[i - 2]) or t[i - 2] in _EMAIL_STRONG):
        return False
    return True


def _email_free_after(t: str, j: int) -> bool:
    if j >= len(t):
        return True
    n = t[j]
    if _alnum(n) or n in "-_":
        return False
    return not (n == "." and j + 1 < len(t) and (_alnum(t[j + 1]) or t[j + 1] == "-"))


def _email_needles(address: str) -> list[str]:
    out = [fold(address)]
    try:
        ascii_form = validate_email(address, check_deliverability=False).ascii_email
    except EmailNotValidError:
        ascii_form = None
    if ascii_form and fold(ascii_form) not in out:
        out.append(fold(ascii_form))
    return out


def _find_all(t: str, needle: str) -> Iterator[int]:
    if not needle:
        return
    i = t.find(needle)
    while i >= 0:
        yield i
        i = t.find(needle, i + 1)


def _cell_key(cell: str) -> str:
    return " ".join(fold(cell).split())


class Matcher:
    """Finds the subject's identifiers in text and sheet rows. Build once per case; it is immutable."""

    def __init__(self, subject: Subject) -> None:
        self.subject = subject
        self._names = [_name_forms(n) for n in subject.names]
        self._name_words = [fold(n).split() for n in subject.names]
        self._emails = [_email_needles(e) for e in subject.emails]
        self._phones = [_phone(p) for p in subject.phones]
        self._ids = [_identifier_re(i) for i in subject.identifiers]

    # text --------------------------------------------------------------------------------------------
    def match_text(self, text: str) -> list[Hit]:
        """Every mention in ``text``, ordered by position; spans index the original ``text``."""
        if not text:
            return []
        t, origin = fold_with_map(text)
        hits: set[Hit] = set()
        for idx, forms in enumerate(self._names):
            for start, end, conf in self._name_spans(text, t, origin, forms):
                hits.add(Hit("name", idx, original_span(origin, start, end, text), confidence=conf))
        for idx, needles in enumerate(self._emails):
            for needle in needles:
                for i in _find_all(t, needle):
                    j = i + len(needle)
                    if _email_free_before(t, i) and _email_free_after(t, j):
                        hits.add(Hit("email", idx, original_span(origin, i, j, text)))
        if self._phones:
            digits = re.sub(r"\D", "", t)
            for idx, phone in enumerate(self._phones):
                if phone.nsn in digits:  # every written form contains the national digits contiguously
                    for i, j in self._phone_spans(t, phone):
                        conf = "variant" if _spreadsheet_form(t, i, j, phone) else "exact"
                        hits.add(Hit("phone", idx, original_span(origin, i, j, text), confidence=conf))
        for idx, regex in enumerate(self._ids):
            if regex is None:
                continue
            for m in regex.finditer(t):
                i, j = m.span()
                if _free_before(t, i, _ID_JOINERS) and _free_after(t, j, _ID_JOINERS):
                    hits.add(Hit("identifier", idx, original_span(origin, i, j, text)))
        return sorted(hits, key=lambda h: (h.span, h.kind, h.index))

    def _name_spans(self, text: str, t: str, origin: list[int] | None,
                    forms: list[_NameForm]) -> Iterator[tuple[int, int, str]]:
        for form in forms:
            for m in form.regex.finditer(t):
                i, j = m.span()
                if not (_free_before(t, i, _NAME_JOINERS) and _free_after(t, j, _NAME_JOINERS, possessive=True)):
                    continue
                if form.surname_first and not form.caps_surname and _words_on_both_sides(t, i, j, text, origin):
                    continue
                if form.caps_surname:
                    a, b = original_span(origin, *m.span("s"))
                    g0, g1 = original_span(origin, *m.span("g"))
                    if not _is_upper(text[a:b]) or _is_upper(text[g0:g1]):
                        continue
                if form.middle and not _plausible_middle(text, origin, m):
                    continue
                yield i, j, ("variant" if form.middle else "exact")

    def _phone_spans(self, t: str, p: _Phone) -> Iterator[tuple[int, int]]:
        for run in _RUN.finditer(t):
            if run.start() > 0 and _alnum(t[run.start() - 1]):
                continue  # glued to a word: part of a reference, not a phone number
            groups = list(_GROUP.finditer(run.group()))
            international = run.group().lstrip("(").startswith(("+", "00"))
            base = run.start()
            for e in range(len(groups)):
                end = base + groups[e].end()
                if end < len(t) and _alnum(t[end]):
                    continue
                digits = ""
                for s in range(e, -1, -1):
                    digits = groups[s].group() + digits
                    if len(digits) > len(p.nsn) + _PREFIX_SLACK:
                        break
                    if not digits.endswith(p.nsn):
                        continue
                    if s > 0 and (international or not digits.startswith("0")):
                        continue  # mid-run, only a number with its own prefix ("12/03 07700 900123")
                    start = base if s == 0 else base + groups[s].start()
                    if _same_number(t[start:end], digits, p):
                        yield start, end
                        break

    # sheet rows --------------------------------------------------------------------------------------
    def match_row(self, cells: list[str], header: list[str] | None = None) -> list[Hit]:
        """Mentions in any cell, plus a name split over first-name and surname columns (needs ``header``)."""
        hits: list[Hit] = []
        for ci, cell in enumerate(cells):
            if cell:
                hits.extend(replace(h, cells=(ci,)) for h in self.match_text(str(cell)))
        if header:
            hits.extend(self._split_name_hits(cells, header))
        return hits

    def _split_name_hits(self, cells: list[str], header: list[str]) -> Iterator[Hit]:
        cols: dict[str, list[int]] = {"first": [], "middle": [], "last": []}
        for ci, h in enumerate(header[: len(cells)]):
            kind = _header_kind(str(h or ""))
            if kind:
                cols[kind].append(ci)
        if not cols["first"] or not cols["last"]:
            return
        middle = " ".join(k for k in (_cell_key(str(cells[c] or "")) for c in cols["middle"]) if k)
        for idx, words in enumerate(self._name_words):
            done = False
            for fi in cols["first"]:
                first = _cell_key(str(cells[fi] or ""))
                if not first or done:
                    continue
                given = f"{first} {middle}" if middle else first
                for li in cols["last"]:
                    last = _cell_key(str(cells[li] or ""))
                    if last and any(given == " ".join(words[:k]) and last == " ".join(words[k:])
                                    for k in range(1, len(words))):
                        yield Hit("name", idx, None, (fi, li))
                        done = True
                        break

