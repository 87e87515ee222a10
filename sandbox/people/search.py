"""``searchContacts`` / ``otherContacts.search`` matching, pure. The API documents "prefix phrases": a person
named "foo name" matches "f", "fo", "foo", "foo n", "nam" but not "oo n". Here: the query's tokens must match
consecutive tokens of one field value, all but the last exactly and the last as a prefix (case-insensitive,
no diacritic folding). A query of phone characters (digits, spaces, ``+ - ( ) .``) with at least three digits
is also tried as a digit prefix of the number in national (``07700900123``) and international
(``447700900123``) form. Contacts search names, nicknames, emails, phones and organisations; other contacts
names, emails and phones (as documented)."""
from __future__ import annotations

import re

import phonenumbers

from ..gmail.text import tokens
from .store import Contact

_PHONE_QUERY = re.compile(r"^\+?[\d\s().-]+$")


def prefix_phrase(query: list[str], value: list[str]) -> bool:
    if not query or len(query) > len(value):
        return False
    head, last = query[:-1], query[-1]
    for i in range(len(value) - len(query) + 1):
        if value[i: i + len(head)] == head and value[i + len(head)].startswith(last):
            return True
    return False


def phone_forms(phone: str) -> list[str]:
    """The digit strings a number is searchable by: as written, national and international."""
    forms = {re.sub(r"\D", "", phone)}
    try:
        n = phonenumbers.parse(phone, "GB")
        forms.add(re.sub(r"\D", "", phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164)))
        forms.add(re.sub(r"\D", "", phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.NATIONAL)))
    except phonenumbers.NumberParseException:
        pass
    return [f for f in forms if f]


def fields_of(c: Contact) -> list[str]:
    values = [c.display_name, c.given_name, c.family_name] + [e for e, _ in c.emails] + [p for p, _ in c.phones]
    if not c.other:
        values += c.nicknames + [n for n, _ in c.organizations] + [t for _, t in c.organizations]
    return [v for v in values if v]


def matches(c: Contact, query: str) -> bool:
    q = tokens(query)
    if not q:
        return False
    if any(prefix_phrase(q, tokens(v)) for v in fields_of(c)):
        return True
    digits = re.sub(r"\D", "", query)
    if _PHONE_QUERY.match(query.strip()) and len(digits) >= 3:
        return any(f.startswith(digits) for p, _ in c.phones for f in phone_forms(p))
    return False
