"""Who a request is about: the identifiers staff type in, validated once so everything downstream can trust them.

Validation happens here (not in the CLI or the card) so every entry point gives the same message, naming the
option the user filled in (``--email``, ``--phone``, ``--name``, ``--identifier``).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Iterable

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from ..errors import InputError
from .normalise import collapse_space

MAX_LEN = 200


@dataclass(frozen=True)
class Subject:
    """A data subject. Emails are normalised by email-validator, phones are E.164, names and identifiers trimmed."""

    names: tuple[str, ...]
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()

    @property
    def display_name(self) -> str:
        return self.names[0] if self.names else ""


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
    name = _check_text("--name", "the name", value)
    if not any(c.isalpha() for c in name):
        raise InputError("--name", f"the name {name!r} has no letters")
    return unicodedata.normalize("NFC", name)


def normalise_email(value: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError("--email", "the email address must not be empty")
    raw = value.strip()
    try:
        # test_environment admits the reserved .test TLD (the sandbox's domains); nothing else is loosened.
        return validate_email(raw, check_deliverability=False, test_environment=True).normalized
    except EmailNotValidError as e:
        raise InputError("--email", f"{raw!r} is not a valid email address: {e}") from e


def normalise_phone(value: str, region: str = "GB") -> str:
    """E.164. Only *possible* numbers are required, not *valid* ones: Ofcom's drama ranges (07700 900xxx),
    which tests and demos use, are possible but deliberately not valid."""
    if not isinstance(value, str) or not value.strip():
        raise InputError("--phone", "the phone number must not be empty")
    raw = value.strip()
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as e:
        raise InputError("--phone", f"{raw!r} is not a valid phone number: {e}") from e
    if not phonenumbers.is_possible_number(number):
        raise InputError("--phone", f"{raw!r} is not a valid phone number: it has the wrong number of digits")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


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
    return Subject(
        names=_unique(name_list),
        emails=_unique(normalise_email(e) for e in _listed("--email", emails)),
        phones=_unique(normalise_phone(p, region.upper()) for p in _listed("--phone", phones)),
        identifiers=_unique(normalise_identifier(i) for i in _listed("--identifier", identifiers)),
    )
