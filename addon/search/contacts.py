"""Searching one user's contacts: their own contacts (``people.connections.list``) and the "Other contacts"
Gmail saves by itself (``otherContacts.list``), every entry read and confirmed locally on its names, email
addresses, phone numbers, organisation, notes and custom fields.

Both are listed in full rather than searched: ``searchContacts`` and ``otherContacts.search`` match only
prefixes of names, emails and phones, return at most 30 people, and miss a subject named only in a note;
a listing is one call per 1,000 contacts and misses nothing. Checkpointed after every page.

Item: ``{"source": "contacts", "account", "resource_name" ("people/c…" or "otherContacts/c…"), "kind":
"contact"|"other_contact", "name", "etag", "matched"}``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from . import evidence

PAGE = 1000
PERSON_FIELDS = ("names,emailAddresses,phoneNumbers,organizations,biographies,addresses,userDefined,"
                 "externalIds,nicknames,metadata")
OTHER_FIELDS = "names,emailAddresses,phoneNumbers,metadata"  # the fields otherContacts.list can return
KINDS = {"contact": "connections", "other_contact": "other"}


def person_text(person: dict) -> str:
    """Every text field of a Person resource that can name someone, one per line."""
    lines: list[str] = []
    for n in person.get("names") or []:
        lines += [n.get("displayName", ""), f"{n.get('givenName', '')} {n.get('familyName', '')}",
                  n.get("displayNameLastFirst", "")]
    for fld, key in (("emailAddresses", "value"), ("phoneNumbers", "value"), ("phoneNumbers", "canonicalForm"),
                     ("biographies", "value"), ("addresses", "formattedValue"), ("nicknames", "value"),
                     ("externalIds", "value"), ("userDefined", "value"), ("organizations", "name"),
                     ("organizations", "title")):
        lines += [str(x.get(key, "")) for x in person.get(fld) or []]
    return "\n".join(line for line in lines if line and line.strip())


def display_name(person: dict) -> str:
    names = person.get("names") or []
    if names:
        return names[0].get("displayName") or ""
    emails = person.get("emailAddresses") or []
    return emails[0].get("value", "") if emails else ""


def contact_item(account: str, kind: str, person: dict, matched: list[dict]) -> dict:
    return {"source": "contacts", "account": account, "resource_name": person["resourceName"], "kind": kind,
            "name": display_name(person), "etag": person.get("etag", ""), "matched": matched}


@dataclass
class ContactsUnit:
    """One user's contacts and other contacts for one case; ``state`` is the JSON-able checkpoint."""

    account: str
    service: Any  # People v1 resource, audited (contacts.readonly + contacts.other.readonly)
    matcher: Any
    state: dict
    save: Callable[[dict], None]
    emit: Callable[[list[dict]], None]
    progress: Callable[[str, int], None] = lambda kind, n: None
    kinds: tuple[str, ...] = ("contact", "other_contact")

    def _page(self, kind: str, token: str | None) -> dict:
        if kind == "contact":
            return self.service.people().connections().list(
                resourceName="people/me", pageSize=PAGE, personFields=PERSON_FIELDS, pageToken=token).execute()
        return self.service.otherContacts().list(pageSize=PAGE, readMask=OTHER_FIELDS, pageToken=token).execute()

    def run(self) -> None:
        st = self.state.setdefault("pages", {})
        for kind in self.kinds:
            while st.get(kind) != "":
                resp = self._page(kind, st.get(kind) or None)
                people = resp.get("connections" if kind == "contact" else "otherContacts") or []
                items = []
                for person in people:
                    matched = evidence.from_hits(self.matcher.match_text(person_text(person)), "contact")
                    if matched:
                        items.append(contact_item(self.account, kind, person, matched))
                self.progress("candidates", len(people))
                self.progress("fetched", len(people))
                st[kind] = resp.get("nextPageToken") or ""
                if items:
                    self.emit(items)
                self.save(self.state)
