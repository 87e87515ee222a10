"""The suppression list's content, pure: identifiers normalised the one way every caller agrees on (an
email lower-cased after email-validator's normalisation, a phone in E.164 via phonenumbers, UK by default)
and then only ever kept as a keyed hash. HMAC-SHA256 under a key of its own from the product's key store
(:func:`suppression_key_name`: wrapped under the master key like every case key, rotated with them, and not
any case's key, so shredding a case never lifts a suppression). Without the key a hash cannot be tested
against a guessed address, which a plain SHA-256 of an email could."""
from __future__ import annotations

import datetime as dt

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from ..errors import InputError

TAB = "Suppression"
HEADER = ["Hash (HMAC-SHA256)", "Kind", "Added", "Case", "Reason"]
KEY_NAME = "SUPPRESSION-LIST"  # the key store entry (a pseudo-case that no case reference can equal)
REASONS = {"marketing_optout": "Art. 21(3) direct-marketing opt-out", "objection": "Art. 21(1) objection upheld"}


def suppression_key_name() -> str:
    return KEY_NAME


def normalise(value: str, region: str = "GB") -> tuple[str, str]:
    """("email"|"phone", normalised value) of what someone asks about; refuses anything else by name."""
    raw = (value or "").strip()
    if not raw:
        raise InputError("EMAIL|PHONE", "give an email address or a phone number to check")
    if "@" in raw:
        try:
            return "email", validate_email(raw, check_deliverability=False, test_environment=True).normalized.lower()
        except EmailNotValidError as e:
            raise InputError("EMAIL|PHONE", f"{raw!r} is not a valid email address: {e}") from None
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as e:
        raise InputError("EMAIL|PHONE", f"{raw!r} is neither an email address nor a phone number: {e}") from None
    if not phonenumbers.is_possible_number(number):
        raise InputError("EMAIL|PHONE", f"{raw!r} is not a possible phone number (read as "
                                        f"{phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)})")
    return "phone", phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def lookup_text(kind: str, value: str) -> str:
    """What is hashed: the kind and the normalised value, so an email can never collide with a number."""
    return f"{kind}:{value}"


def rows_to_add(hashes: dict[str, str], present: set[str], ref: str, reason: str, today: dt.date) -> list[list[str]]:
    """New rows (hash, kind, day, case, reason) for the hashes not yet in the tab; nothing else is written."""
    return [[h, kind, today.isoformat(), ref, REASONS.get(reason, reason)]
            for h, kind in sorted(hashes.items()) if h not in present]


def has_plaintext(rows: list[list[str]]) -> bool:
    """Whether any cell looks like an identifier rather than a hash (a check the tests and the DPO can run)."""
    for r in rows:
        for c in r:
            text = str(c)
            if "@" in text or sum(ch.isdigit() for ch in text) >= 9 and not all(ch in "0123456789abcdef" for ch in text):
                return True
    return False
