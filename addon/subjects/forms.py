"""The written forms of a subject's identifiers, as data: what both sides of a search are built from.

A search has two halves that must agree: the server-side queries (:mod:`addon.queries`), which can only ask a
token index for runs of letters and digits, and the local confirmation (:mod:`.matching`), which reads the
text. This module says, once, which forms of a name, phone number or free identifier count, in two shapes:

* **units and parts** (for both halves): a name is a list of *units* (``Siobhán``, ``O'Connor``), each unit a
  list of *parts* that people write joined by an apostrophe, a hyphen, a space or nothing (``O|Connor``,
  ``Smith|Jones``, ``Mc|Donald``). An identifier is a list of parts too (``CUST|004512``).
* **token sequences** (for the queries): every way the parts can reach a token index, including diacritics
  added to a name typed without them (a Gmail or Drive index is not known to fold them), and, for a phone
  number, every grouping of its digits, reduced to the token runs that any grouping must end with.

Pure functions, no I/O. ``addon/subjects/README.md`` lists what counts and what deliberately does not.
"""
from __future__ import annotations

import itertools
import re
import unicodedata
from functools import lru_cache

import phonenumbers

from .normalise import APOSTROPHES, HYPHENS, strip_marks, tokens

# --- names: units and parts -------------------------------------------------------------------------------

#: A unit written on its own that is the first half of the next word (``Mc Donald``, ``O Connor``).
PARTICLES = frozenset({"mc", "mac", "o", "d", "l", "fitz", "ó", "ní", "ni", "nic", "mhic", "ua"})
#: Prefixes split off a word when a capital follows (``McDonald``, ``MacDonald``, ``OConnor``, ``DArcy``).
_CAMEL = re.compile(r"^(Mc|Mac|O|Ó|D|L|Fitz)(?=[A-Z\u00c0-\u00de][a-z\u00df-\u00ff])")
_JOIN = APOSTROPHES | HYPHENS


def word_parts(word: str) -> list[str]:
    """A written word's parts: split at apostrophes and hyphens, and after a ``Mc``/``Mac``/``O``/``D``
    prefix followed by a capital (``McDonald`` is ``Mc`` + ``Donald``; ``Mackenzie`` stays whole). ``Mc``
    followed by anything is split (``Mcdonald``): no English name starts with ``Mc`` otherwise."""
    parts = [p for p in re.split("[" + re.escape("".join(_JOIN)) + "]+", word) if p]
    out: list[str] = []
    for p in parts:
        m = _CAMEL.match(p)
        if m and len(p) > len(m.group(1)) + 1:
            out += [m.group(1), p[len(m.group(1)):]]
        elif p[:2].lower() == "mc" and len(p) > 3:
            out += [p[:2], p[2:]]
        else:
            out.append(p)
    return out


def name_units(name: str) -> list[list[str]]:
    """The units of a name, each a list of parts. A particle written as its own word joins the next one
    (``Mc Donald`` is one unit, so ``McDonald`` is found too)."""
    words = [word_parts(w) for w in name.split()]
    words = [w for w in words if w]
    out: list[list[str]] = []
    carry: list[str] = []
    for i, parts in enumerate(words):
        if len(parts) == 1 and parts[0].casefold() in PARTICLES and i + 1 < len(words):
            carry += parts
            continue
        out.append(carry + parts)
        carry = []
    if carry:
        out.append(carry)
    return out


# --- diacritics a name typed without them may carry in the text --------------------------------------------

#: Marked letters seen in names held by UK organisations (Irish, Scottish Gaelic, Welsh, French, German,
#: Spanish, Portuguese, Nordic, Polish, Czech, Romanian, Turkish, Hungarian).
MARKS: dict[str, str] = {
    "a": "áàâäãåąā", "e": "éèêëęěē", "i": "íìîïī", "o": "óòôöõøōő", "u": "úùûüůūű", "c": "çćč", "n": "ñńň",
    "s": "śšşș", "z": "źżž", "y": "ýÿŷ", "w": "ŵ", "l": "ł", "r": "ř", "g": "ğ", "t": "ţțť", "d": "ďđ",
}
#: The marks that occur twice in one word often enough to be searched for in pairs (Renée, Hélène, Müller).
PAIR_MARKS: dict[str, str] = {"a": "á", "e": "éè", "i": "í", "o": "óö", "u": "úü"}
MAX_SPELLINGS = 120  # per part; beyond this a part is searched for as written and without marks only


def _with_case(mark: str, like: str) -> str:
    return mark.upper() if like.isupper() else mark


@lru_cache(maxsize=2048)
def spellings(part: str) -> tuple[str, ...]:
    """The part as typed, without its marks, and, when typed without any, with one mark (any letter of
    :data:`MARKS`) or two (from :data:`PAIR_MARKS`): the spellings a text may use for it."""
    plain = strip_marks(part)
    out = [part, plain]
    if plain == part and part.isascii():
        singles, pairs = [], []
        low = part.lower()
        for i, c in enumerate(low):
            for m in MARKS.get(c, ""):
                singles.append(part[:i] + _with_case(m, part[i]) + part[i + 1:])
        positions = [i for i, c in enumerate(low) if c in PAIR_MARKS]
        for i, j in itertools.combinations(positions, 2):
            for mi in PAIR_MARKS[low[i]]:
                for mj in PAIR_MARKS[low[j]]:
                    s = list(part)
                    s[i], s[j] = _with_case(mi, part[i]), _with_case(mj, part[j])
                    pairs.append("".join(s))
        extra = singles + pairs
        if len(extra) <= MAX_SPELLINGS:
            out += extra
        else:
            out += singles[:MAX_SPELLINGS]
    return tuple(dict.fromkeys(unicodedata.normalize("NFC", s) for s in out))


def joinings(parts: list[str]) -> list[tuple[str, ...]]:
    """Token sequences of the parts written with a separator (each part its own token) or run together, at
    every boundary (``O Connor``, ``OConnor``; ``Smith Jones``, ``SmithJones``)."""
    if not parts:
        return []
    if len(parts) > 4:  # beyond a few parts, only all apart or all together
        return list(dict.fromkeys([tuple(parts), ("".join(parts),)]))
    out = []
    for pattern in itertools.product((True, False), repeat=len(parts) - 1):
        toks, cur = [], parts[0]
        for p, sep in zip(parts[1:], pattern):
            if sep:
                toks.append(cur)
                cur = p
            else:
                cur += p
        toks.append(cur)
        out.append(tuple(toks))
    return list(dict.fromkeys(out))


def unit_token_forms(parts: list[str]) -> list[tuple[str, ...]]:
    """Every token sequence a unit may reach an index as: as typed and without marks, in every joining; and
    with marks added to one part at a time (the others plain), parts written apart (``Ó Connor``) or, for a
    unit of one part, as the one token. De-duplicated case-insensitively."""
    variants: list[tuple[list[str], bool]] = [(list(parts), True), ([strip_marks(p) for p in parts], True)]
    for k, p in enumerate(parts):
        for s in spellings(p):
            if s in (p, strip_marks(p)):
                continue
            v = [strip_marks(x) for x in parts]
            v[k] = s
            variants.append((v, False))
    out: dict[tuple[str, ...], tuple[str, ...]] = {}
    for v, every_joining in variants:
        for j in (joinings(v) if every_joining else [tuple(v)]):
            toks = tuple(t for part in j for t in tokens(part))
            if toks:
                out.setdefault(tuple(t.casefold() for t in toks), toks)
    return list(out.values())


def name_groups(name: str) -> list[list[tuple[str, ...]]]:
    """For the queries: one group per unit of the name, each the unit's token forms. A message or file is a
    candidate when it holds one form of *every* unit, in any order and with anything between: so "Last,
    First", "LAST First", middle names and initials (``Jane M. Doe``) are all reached by one clause."""
    return [g for g in (unit_token_forms(u) for u in name_units(name)) if g]


# --- phones ------------------------------------------------------------------------------------------------

MIN_TAIL_DIGITS = 6  # a run of trailing groups with this many digits is specific enough to search for alone


def _compositions(n: int, least: int = 2):
    """Every way to write n digits as consecutive groups of ``least`` or more digits."""
    if n == 0:
        yield ()
        return
    for first in range(least, n + 1):
        for rest in _compositions(n - first, least):
            yield (first,) + rest


@lru_cache(maxsize=256)
def phone_token_forms(e164: str) -> tuple[tuple[str, ...], ...]:
    """Token sequences that every written form of the number contains, whatever its grouping.

    A written number is its prefix (``+44``, ``0044``, ``44``, ``0``, ``(0)``, or none) and its national
    significant number split into groups by spaces, dots, hyphens, brackets or slashes; an index sees each
    group as a token, with a prefix's digits either their own token (``+44 7700…``) or glued to the first group
    (``+447700…``, ``07700…``). For each grouping into runs of two or more digits, the shortest run of trailing
    groups holding :data:`MIN_TAIL_DIGITS` digits is found wherever the number is written (a phrase matches
    anywhere); when that run needs the first group, the first group is given with each prefix glued on.
    ``+447700 900 461``, ``07700 900461``, ``(0) 77 00 90 04 61`` and ``7700900461`` are all reached."""
    n = phonenumbers.parse(e164, None)
    nsn = phonenumbers.national_significant_number(n)
    cc = str(n.country_code)
    national = "".join(c for c in phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.NATIONAL) if c.isdigit())
    trunk = national[: len(national) - len(nsn)] if national.endswith(nsn) and national != nsn else ""
    prefixes = ("", cc, "00" + cc) + ((trunk, cc + trunk) if trunk else ())
    out: dict[tuple[str, ...], None] = {}
    for comp in _compositions(len(nsn)):
        groups, i = [], 0
        for size in comp:
            groups.append(nsn[i:i + size])
            i += size
        digits = 0
        for k in range(len(groups) - 1, -1, -1):
            digits += len(groups[k])
            if digits >= MIN_TAIL_DIGITS:
                break
        if k > 0:
            out.setdefault(tuple(groups[k:]), None)
        else:
            for p in prefixes:
                out.setdefault((p + groups[0],) + tuple(groups[1:]), None)
    return tuple(out)


# --- free identifiers --------------------------------------------------------------------------------------

_ID_PART = re.compile(r"[^\W\d_]+|\d+")


def identifier_parts(ident: str) -> list[str]:
    """An identifier's parts: its letter runs and digit runs (``CUST-004512`` is ``CUST`` + ``004512``;
    ``AB12CD`` is ``AB`` + ``12`` + ``CD``). Between two parts any one common separator may be written
    (``-``, ``_``, ``.``, ``/``, a space) or none; the parts themselves are never split or changed (leading
    zeros count: ``CUST-4512`` is another identifier)."""
    return _ID_PART.findall(unicodedata.normalize("NFC", ident))


def identifier_token_forms(ident: str) -> list[tuple[str, ...]]:
    """Token sequences of an identifier: its parts as separate tokens and run together at each boundary."""
    return joinings(identifier_parts(ident))


# --- written forms, for tests and the README ----------------------------------------------------------------

def rendered_name_forms(given: str, surname: str) -> dict[str, list[str]]:
    """Written forms of a two-part name that must match, by category (used by the property tests)."""
    out = {
        "as_written": [f"{given} {surname}"],
        "last_first": [f"{surname}, {given}", f"{surname.upper()} {given}", f"{surname},{given}"],
        "case": [f"{given.upper()} {surname.upper()}", f"{given.lower()} {surname.lower()}"],
        "diacritics": [f"{strip_marks(given)} {strip_marks(surname)}"],
        "middle": [f"{given} M. {surname}", f"{given} Mary {surname}", f"{given} M {surname}"],
    }
    if any(c in _JOIN for c in surname):
        bare = re.sub("[" + re.escape("".join(_JOIN)) + "]", "", surname)
        spaced = re.sub("[" + re.escape("".join(_JOIN)) + "]", " ", surname)
        curly = surname.replace("'", "\u2019")
        out["joiners"] = [f"{given} {bare}", f"{given} {spaced}", f"{given} {curly}", f"{bare}, {given}"]
    return out


def rendered_phone_forms(e164: str) -> dict[str, list[str]]:
    """Written forms of a number that must match, by category: groupings, prefixes, spreadsheet forms."""
    n = phonenumbers.parse(e164, None)
    nsn = phonenumbers.national_significant_number(n)
    cc = str(n.country_code)
    nat = phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.NATIONAL)
    intl = phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    half = len(nsn) // 2
    return {
        "prefix": [nat, intl, e164, f"00{cc} {nsn}", f"+{cc} (0){nsn}", "0" + nsn, f"{cc} {nsn}"],
        "grouping": [f"+{cc}{nsn[:4]} {nsn[4:7]} {nsn[7:]}", f"0{nsn[:4]}-{nsn[4:7]}-{nsn[7:]}",
                     f"0{nsn[:4]}.{nsn[4:7]}.{nsn[7:]}", f"(0{nsn[:half]}) {nsn[half:]}",
                     f"+{cc} (0) {' '.join(nsn[i:i + 2] for i in range(0, len(nsn), 2))}"],
        "spreadsheet": [nsn, f"{cc}{nsn}", f"{nsn}.0", f"{cc}{nsn}.0"],
    }
