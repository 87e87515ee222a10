"""People v1 state: each user's contacts (``people/c…``, source CONTACT) and "other contacts" (``otherContacts/c…``,
source OTHER_CONTACT, the addresses Gmail saves by itself), with the fields a vCard carries."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field


def contact_number(owner: str, key: str) -> str:
    """A stable 19-digit contact number, as in ``people/c1234…``."""
    return str(int(hashlib.sha256(f"{owner.lower()}|{key}".encode()).hexdigest()[:15], 16)).rjust(19, "1")[:19]


@dataclass
class Contact:
    resource_name: str  # "people/c…" or "otherContacts/c…"
    other: bool
    display_name: str = ""
    given_name: str = ""
    family_name: str = ""
    middle_name: str = ""
    prefix: str = ""
    suffix: str = ""
    nicknames: list[str] = field(default_factory=list)
    emails: list[tuple[str, str]] = field(default_factory=list)  # (value, type)
    phones: list[tuple[str, str]] = field(default_factory=list)  # (value as written, type)
    organizations: list[tuple[str, str]] = field(default_factory=list)  # (name, title)
    addresses: list[tuple[str, str]] = field(default_factory=list)  # (formatted, type)
    notes: str = ""
    birthday: str = ""  # ISO date or --MM-DD
    groups: list[str] = field(default_factory=list)  # contact group ids ("myContacts", "starred", custom)
    updated: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    etag_n: int = 1

    @property
    def source_id(self) -> str:
        return hashlib.sha256(self.resource_name.encode()).hexdigest()[:16]


@dataclass
class ContactBook:
    owner: str
    contacts: dict[str, Contact] = field(default_factory=dict)  # resource name -> contact
    #: custom contact group id -> name (Takeout's label folders)
    groups: dict[str, str] = field(default_factory=dict)

    def mine(self, other: bool) -> list[Contact]:
        return [c for c in self.contacts.values() if c.other == other]


def book_of(ws, email: str) -> ContactBook:
    book = ws.contacts.get(email.lower())
    if book is None:
        book = ws.contacts[email.lower()] = ContactBook(email.lower())
    return book


