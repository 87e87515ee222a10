"""Who the third parties in an item are: the organisation's directory (Admin Directory ``users.list``
resources), the addresses and display names in the email headers (From, To, Cc, Reply-To, Sender) and the
headers quoted in a reply or forward ("On ... Ellie Marsh <ellie@...> wrote:", "> From: ..."). The requester
is never one of them (:func:`requester_filter`). Pure."""
from __future__ import annotations

import re
from email.utils import getaddresses
from typing import Iterable, Mapping

from ..extract.mail import header_text
from ..subjects.identifiers import Subject
from ..subjects.matching import Matcher
from .model import Person

HEADERS = ("from", "to", "cc", "bcc", "reply-to", "sender")
_QUOTED_HEADER = re.compile(r"^[ \t>]*(?:from|to|cc|reply-to|sender|sent by)[ \t]*:[ \t]*(.+)$", re.I | re.M)
_WROTE = re.compile(r'^[ \t>]*(?:on\b[^\n]{0,80},[ \t]*)?("[^"\n]{2,80}"|[^\n<>",]{2,80}?)[ \t]*<([^<>\s@]+@[^<>\s]+)>[ \t]*wrote:',
                    re.I | re.M)
#: Local parts of addresses that belong to a function, not a person: their display name is not a person's
#: name ("Google Workspace", "Account Security"), though the address itself is still redacted.
ROLE_LOCALS = frozenset("""noreply no-reply donotreply do-not-reply info hello offers news newsletter invoices
accounts billing support help helpdesk admin team office contact enquiries sales marketing notifications alerts
track tracking security postmaster mailer-daemon""".split())


def _is_role(address: str) -> bool:
    local = address.split("@", 1)[0].casefold()
    return local in ROLE_LOCALS or any(local.startswith(r + "-") or local.endswith("-" + r) for r in ROLE_LOCALS)


def _person_name(display: str) -> str:
    """A display name as a person's name: quotes and whitespace tidied, "Last, First" kept; '' if none."""
    name = " ".join(display.strip().strip("'\"").split())
    if not name or "@" in name or not any(c.isalpha() for c in name):
        return ""
    last, comma, first = name.partition(",")
    if comma and first.strip() and "," not in first and len(last.split()) <= 2:
        name = f"{first.strip()} {last.strip()}"  # "Marsh, Ellie" is Ellie Marsh
    return name


def addresses(values: Iterable[str]) -> list[Person]:
    """People named in address header values (``Ellie Marsh <ellie@x>, bob@y``)."""
    out: list[Person] = []
    for display, addr in getaddresses([header_text(v) for v in values]):
        addr = addr.strip()
        if "@" not in addr:
            continue
        name = "" if _is_role(addr) else _person_name(header_text(display))
        out.append(Person(name, (addr,), "header"))
    return out


def header_people(headers: Mapping[str, list[str]] | Iterable[tuple[str, str]], body: str = "") -> list[Person]:
    """Everyone in the message's own address headers and in headers quoted in its body."""
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    values: list[str] = []
    for key, vals in pairs:
        if key.casefold() in HEADERS:
            values += [vals] if isinstance(vals, str) else list(vals)
    out = addresses(values)
    if body:
        out += addresses(m.group(1) for m in _QUOTED_HEADER.finditer(body) if "@" in m.group(1))
        for m in _WROTE.finditer(body):
            addr = m.group(2)
            name = "" if _is_role(addr) else _person_name(m.group(1))
            out.append(Person(name, (addr,), "header"))
    return merge(out)


def directory_people(users: Iterable[Mapping]) -> list[Person]:
    """People from Admin Directory user resources: primary email, aliases and full name."""
    out = []
    for u in users:
        name = (u.get("name") or {}).get("fullName") or " ".join(
            x for x in ((u.get("name") or {}).get("givenName"), (u.get("name") or {}).get("familyName")) if x)
        emails = tuple(e for e in (u.get("primaryEmail"), *(u.get("aliases") or ())) if e)
        if name or emails:
            out.append(Person(_person_name(name or ""), emails, "directory"))
    return merge(out)


def merge(people: Iterable[Person]) -> list[Person]:
    """One entry per person: the same address (any case) is the same person; the directory wins."""
    by_email: dict[str, Person] = {}
    named: dict[str, Person] = {}
    aliases: set[str] = set()
    out: list[Person] = []
    for p in sorted(people, key=lambda p: p.source != "directory"):
        key = next((e.casefold() for e in p.emails if e.casefold() in by_email), None)
        if key is None and p.name and not p.emails:
            key = "name:" + p.name.casefold()
            if key in named:
                continue
        if key is not None and key in by_email:
            old = by_email[key]
            if p.name and old.name and p.name.casefold() != old.name.casefold() and p.name not in aliases:
                aliases.add(p.name)  # the same address under another name ("Barry" and "Barry A. Warsaw")
                out.append(Person(p.name, (), old.source))
            new = Person(old.name or p.name, tuple(dict.fromkeys(old.emails + p.emails)), old.source)
            out[out.index(old)] = new
            for e in new.emails:
                by_email[e.casefold()] = new
            continue
        out.append(p)
        for e in p.emails:
            by_email[e.casefold()] = p
        if p.name and not p.emails:
            named["name:" + p.name.casefold()] = p
    return out


def requester_filter(people: Iterable[Person], subject: Subject) -> list[Person]:
    """The people who are not the requester: an address of the subject, or a display name that is one of
    the subject's names in any written form (:class:`~addon.subjects.matching.Matcher`), removes the person."""
    mine = {e.casefold() for e in subject.emails}
    matcher = Matcher(subject)
    out = []
    for p in people:
        if any(e.casefold() in mine for e in p.emails):
            continue
        if p.name and any(h.kind == "name" for h in matcher.match_text(p.name)):
            continue
        out.append(p)
    return out
