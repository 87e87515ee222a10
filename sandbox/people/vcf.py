"""Loading Takeout's ``<user>/Contacts/<label>/<label>.vcf`` with vobject.

Takeout writes one folder per contact label, each with one vCard file: ``My Contacts``, ``Starred``, custom
labels, and ``Other Contacts`` (Gmail's saved addresses). The same person appears under every label they
carry, so contacts are merged across files by ``UID``, else by name plus first email/phone. ``Other
Contacts`` become ``otherContacts/…``; everything else ``people/…`` with memberships for the labels. A file
that does not parse, or a card with neither a name nor an address, is recorded in ``load_problems`` and
skipped (the rest of the file still loads)."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import vobject

from .store import Contact, ContactBook, book_of, contact_number

OTHER = "other contacts"
SYSTEM_GROUPS = {"my contacts": "myContacts", "starred": "starred", "all contacts": None, "friends": "friends",
                 "family": "family", "coworkers": "coworkers"}


def _values(card, name: str) -> list:
    return list(card.contents.get(name, []))


def _type(item, default: str = "other") -> str:
    types = [t.lower() for t in item.params.get("TYPE", []) if t.lower() not in ("internet", "pref", "voice")]
    return types[0] if types else default


def _text(value) -> str:
    return value if isinstance(value, str) else str(value or "")


def from_card(card, owner: str, other: bool) -> Contact:
    fn = _text(card.fn.value).strip() if hasattr(card, "fn") else ""
    if "@" in fn and " " not in fn:  # vCard 3.0 needs an FN: Takeout puts the address there when there is no name
        fn = ""
    emails = [(_text(e.value).strip().lower(), _type(e)) for e in _values(card, "email") if _text(e.value).strip()]
    phones = [(_text(p.value).strip(), _type(p, "mobile")) for p in _values(card, "tel") if _text(p.value).strip()]
    if not (fn or emails or phones or hasattr(card, "n")):
        raise ValueError("a card with no name, email or phone")
    uid = _text(card.uid.value) if hasattr(card, "uid") else ""
    key = uid or "|".join([fn, emails[0][0] if emails else "", phones[0][0] if phones else ""])
    prefix = "otherContacts/c" if other else "people/c"
    c = Contact(prefix + contact_number(owner, key), other, display_name=fn, emails=emails, phones=phones)
    if hasattr(card, "n"):
        n = card.n.value
        c.given_name, c.family_name = _text(n.given).strip(), _text(n.family).strip()
        c.middle_name, c.prefix, c.suffix = _text(n.additional).strip(), _text(n.prefix).strip(), _text(n.suffix).strip()
    if not c.display_name:
        c.display_name = " ".join(p for p in (c.given_name, c.family_name) if p)
    c.nicknames = [_text(v.value) for v in _values(card, "nickname") if _text(v.value)]
    titles = [_text(t.value) for t in _values(card, "title")]
    for i, org in enumerate(_values(card, "org")):
        name = org.value[0] if isinstance(org.value, list) and org.value else _text(org.value)
        c.organizations.append((name, titles[i] if i < len(titles) else ""))
    for adr in _values(card, "adr"):
        a = adr.value
        parts = [a.street, a.city, a.region, a.code, a.country]
        c.addresses.append((", ".join(_text(p).strip() for p in parts if _text(p).strip()), _type(adr, "home")))
    c.notes = "\n".join(_text(n.value) for n in _values(card, "note"))
    if hasattr(card, "bday"):
        c.birthday = _text(card.bday.value)
    if hasattr(card, "rev"):
        try:
            c.updated = dt.datetime.fromisoformat(_text(card.rev.value).replace("Z", "+00:00"))
        except ValueError:
            pass
    return c


def _merge(book: ContactBook, c: Contact, group: str | None) -> None:
    have = book.contacts.get(c.resource_name)
    if have is None:
        book.contacts[c.resource_name] = have = c
    if group and group not in have.groups:
        have.groups.append(group)


def _group_id(book: ContactBook, label: str) -> str | None:
    low = label.strip().lower()
    if low in SYSTEM_GROUPS:
        return SYSTEM_GROUPS[low]
    gid = re.sub(r"[^0-9a-f]", "", contact_number(book.owner, "group:" + label))[:14]
    book.groups.setdefault(gid, label)
    return gid


def load_vcf(book: ContactBook, path: Path, label: str, problems: list[tuple[str, str]]) -> None:
    other = label.strip().lower() == OTHER
    try:
        text = path.read_bytes().decode("utf-8-sig", "replace")
        cards = list(vobject.readComponents(text, ignoreUnreadable=True))
    except Exception as e:  # noqa: BLE001 - a damaged file is reported, never fatal
        problems.append((str(path), f"not a vCard file: {type(e).__name__}: {e}"[:300]))
        return
    if not cards and text.strip():
        problems.append((str(path), "not a vCard file: no BEGIN:VCARD"))
    group = None if other else _group_id(book, label)
    for n, card in enumerate(cards, 1):
        try:
            if card.name.upper() != "VCARD":
                raise ValueError(f"a {card.name} component, not a VCARD")
            c = from_card(card, book.owner, other)
        except Exception as e:  # noqa: BLE001
            problems.append((f"{path}#{n}", f"skipped card: {e}"[:300]))
            continue
        if not other:
            c.groups = []
            if "myContacts" not in c.groups:
                c.groups.append("myContacts")
        _merge(book, c, group)


def load_contacts(ws, owner: str, folder: Path) -> None:
    """Every ``<label>/*.vcf`` (and any ``*.vcf`` directly in ``Contacts/``, read as My Contacts)."""
    book = book_of(ws, owner)
    root = Path(folder)
    for path in sorted(root.glob("*.vcf")):
        load_vcf(book, path, "My Contacts", ws.load_problems)
    for sub in sorted(p for p in root.iterdir() if p.is_dir()):
        for path in sorted(sub.glob("*.vcf")):
            load_vcf(book, path, sub.name, ws.load_problems)
