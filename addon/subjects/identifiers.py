"""Who a request is about: the identifiers staff type in, validated once so everything downstream can trust them.

Validation happens here (not in the CLI or the card) so every entry point gives the same message, naming the
option the user filled in (``--email``, ``--phone``, ``--name``, ``--identifier``).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Iterable

import phonenumbers
from phonenumbers import geocoder
from email_validator import EmailNotValidError, validate_email

from ..errors import InputError
from .normalise import collapse_space

MAX_LEN = 200


@dataclass(frozen=True)
class Subject:
    """A data subject. Emails are normalised by email-validator, phones are E.164, names and identifiers trimmed.

    ``partial_names`` are single-word names (a first name or surname alone) given together with an email, phone
    or identifier: kept with the case as a label, never a search term of their own (they match other people)."""

    names: tuple[str, ...]
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()
    partial_names: tuple[str, ...] = ()

    @property
    def display_name(self) -> str:
        return self.names[0] if self.names else (self.partial_names[0] if self.partial_names else "")


def _has_control(text: str) -> bool:
    # Cc: C0/C1 controls (incl. newline, tab); Zl/Zp: line/paragraph separators; Cs/Co/Cn: not text at all.
    return any(unicodedata.category(c) in ("Cc", "Zl", "Zp", "Cs", "Co", "Cn") for c in text)


def _check_text(field: str, what: str, value: str) -> str:
    if not isinstance(value, str):
        raise InputError(field, f"{what} must be text, not {type(value).__name__}")
    if _has_control(value):
        raise InputError(field, f"{what} {value!r} contains a control character (such as a newline or tab)")
    value = collapse_space(value)
    if not value:
        raise InputError(field, f"{what} must not be empty")
    if len(value) > MAX_LEN:
        raise InputError(field, f"{what} is {len(value)} characters long; the limit is {MAX_LEN}")
    if not any(c.isalnum() for c in value):
        raise InputError(field, f"{what} {value!r} has no letters or digits, so it cannot be searched for")
    return value


def normalise_name(value: str) -> str:
    """A trimmed NFC name; a single letter is refused (it would match almost every message and file)."""
    name = _check_text("--name", "the name", value)
    if not any(c.isalpha() for c in name):
        raise InputError("--name", f"the name {name!r} has no letters")
    if sum(c.isalnum() for c in name) == 1:
        raise InputError("--name", f"{name!r} is a single letter, not a name: it would match almost every message "
                                   "and file. Give the subject's full name")
    return unicodedata.normalize("NFC", name)


def is_single_word(name: str) -> bool:
    """True for a first name or surname alone ("Jane", "O'Connor", "Ashworth-Brown")."""
    return len([w for w in name.split() if any(c.isalnum() for c in w)]) == 1


SINGLE_WORD_WHY = ("a first name or surname alone also matches other people's mail and files, so it is never "
                   "searched on its own")


def normalise_email(value: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError("--email", "the email address must not be empty")
    raw = value.strip()
    try:
        # test_environment admits the reserved .test TLD (the sandbox's domains); nothing else is loosened.
        return validate_email(raw, check_deliverability=False, test_environment=True).normalized
    except EmailNotValidError as e:
        raise InputError("--email", f"{raw!r} is not a valid email address: {e}") from e


#: Ofcom's numbers reserved for drama (TV, radio, tests): complete, never a real subscriber's, yet not "valid" to
#: phonenumbers. The demo company and tests use them; accepted at their full length only.
DRAMA_RANGES = ("+447700900", "+441632960", "+441154960")
_DRAMA_LENGTH = 13  # "+44" and ten digits


def _is_drama(e164: str) -> bool:
    return len(e164) == _DRAMA_LENGTH and e164.startswith(DRAMA_RANGES)


def normalise_phone(value: str, region: str = "GB") -> str:
    """E.164 of a number in use (phonenumbers' ``is_valid_number``: right length *and* an allocated range), or
    of an Ofcom drama number. The message shows how the number was read, so a missing digit is easy to see."""
    if not isinstance(value, str) or not value.strip():
        raise InputError("--phone", "the phone number must not be empty")
    raw = value.strip()
    if _has_control(raw):
        raise InputError("--phone", f"the phone number {raw!r} contains a control character (such as a newline)")
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as e:
        raise InputError("--phone", f"{raw!r} is not a valid phone number: {e}") from e
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if phonenumbers.is_valid_number(number) or _is_drama(e164):
        return e164
    read = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    raise InputError("--phone", f"{raw!r} is not a valid phone number: read as {read}, {_why_invalid(number)}. "
                                "Check the digits; give a number from another country with its + code")


def _why_invalid(number: phonenumbers.PhoneNumber) -> str:
    """Why a parsed number is not in use, in terms of its country's usual length (from phonenumbers' example)."""
    region = phonenumbers.region_code_for_country_code(number.country_code)
    example = phonenumbers.example_number(region) if region != phonenumbers.UNKNOWN_REGION else None
    if example is None:
        return f"but +{number.country_code} is not a country code in use"
    country = geocoder.country_name_for_number(example, "en") or region
    digits = len(phonenumbers.national_significant_number(number))
    usual = len(phonenumbers.national_significant_number(example))
    if digits != usual:
        return (f"a {country} number with {digits} digits after +{number.country_code}, where numbers there "
                f"usually have {usual}")
    return f"a {country} number, but no number in use there starts like that"


def normalise_identifier(value: str) -> str:
    return _check_text("--identifier", "the identifier", value)


def _unique(values: Iterable[str], key=lambda v: v.casefold()) -> tuple[str, ...]:
    seen: set[str] = set()
    out = []
    for v in values:
        k = key(v)
        if k not in seen:
            seen.add(k)
            out.append(v)
    return tuple(out)


def _listed(field: str, values: Iterable[str] | str | None) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):  # a single string is a common slip; iterating it would validate letters
        return [values]
    return list(values)


def make_subject(
    names: Iterable[str] | str,
    emails: Iterable[str] | str | None = (),
    phones: Iterable[str] | str | None = (),
    identifiers: Iterable[str] | str | None = (),
    region: str = "GB",
) -> Subject:
    """A validated :class:`Subject`; raises :class:`~addon.errors.InputError` naming the first bad field."""
    if not isinstance(region, str) or region.upper() not in phonenumbers.SUPPORTED_REGIONS:
        raise InputError("region", f"{region!r} is not a region phonenumbers knows (use a code such as GB)")
    name_list = [normalise_name(n) for n in _listed("--name", names)]
    if not name_list:
        raise InputError("--name", "at least one name is required")
    emails_ = _unique(normalise_email(e) for e in _listed("--email", emails))
    phones_ = _unique(normalise_phone(p, region.upper()) for p in _listed("--phone", phones))
    identifiers_ = _unique(normalise_identifier(i) for i in _listed("--identifier", identifiers))
    single = [n for n in name_list if is_single_word(n)]
    if single and not (emails_ or phones_ or identifiers_):
        raise InputError("--name", f"{single[0]!r} is a single word: {SINGLE_WORD_WHY}. Give the subject's full "
                                   "name, or add --email, --phone or --identifier (the single word is then kept "
                                   "with the case as a label)")
    return Subject(
        names=_unique(n for n in name_list if not is_single_word(n)),
        emails=emails_, phones=phones_, identifiers=identifiers_,
        partial_names=_unique(single),
    )
