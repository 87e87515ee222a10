"""The five data subjects and their look-alikes (decoys), as pure data.

Each subject is someone a real DSAR could be about, with the awkward features searches get wrong: a plain
name (Jane Doe), a diacritic and a double-barrelled surname (Zoë Ashworth-Brown), an acute accent and an
apostrophe (Siobhán O'Connor), quotes that break naive query building (Robert "Bobby" Tables) and a former
employee known by an employee number (Priya Patel). Each decoy differs from its subject in exactly one way a
search must not blur: first name only, surname only, an email or phone or reference one character off.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Subject:
    key: str
    names: tuple[str, ...]
    emails: tuple[str, ...]
    phones: tuple[str, ...]  # E.164
    identifiers: tuple[str, ...]
    description: str
    hostile: str = ""  # why this subject's strings are hostile to query syntax, if they are
    # look-alikes that must NOT be matched, by kind
    decoy_people: tuple[str, ...] = field(default=())
    decoy_emails: tuple[str, ...] = field(default=())
    decoy_phones: tuple[str, ...] = field(default=())
    decoy_identifiers: tuple[str, ...] = field(default=())

    @property
    def name(self) -> str:
        return self.names[0]


JANE = Subject(
    "jane", ("Jane Doe",), ("jane.doe@example.com",), ("+447700900123",), ("CUST-004512",),
    "Customer of Hargreaves Plumbing; rang about a missed boiler callback and complained.",
    decoy_people=("Jane Smith", "Peter Doe", "Jane Doe-Smith", "Jane Doherty"),
    decoy_emails=("jane.doe2@example.com",),
    decoy_phones=("+447700900124",),
    decoy_identifiers=("CUST-004513",),
)
ZOE = Subject(
    "zoe", ("Zoë Ashworth-Brown",), ("zoe.ab@example.org",), ("+442079460321", "+447700900456"), ("CUST-007731",),
    "Dales Vets client; moved appointments, wrote in Latin-1, one of her emails went to spam.",
    decoy_people=("Zoë Ashworth", "Liam Ashworth-Brown"),
    decoy_emails=("zoe.ad@example.org",),
    decoy_phones=("+442079460322",),
    decoy_identifiers=("CUST-007732",),
)
SIOBHAN = Subject(
    "siobhan", ("Siobhán O'Connor",), ("siobhan.oconnor@example.net",), ("+441134960456", "+447700900321"),
    ("CUST-002208",),
    "Pennine Lettings tenant; made an earlier subject access request (2025) and a complaint.",
    hostile="apostrophe in the name (Drive q needs \\' escaping; curly and straight apostrophes both occur)",
    decoy_people=("Siobhán Kelly", "Declan O'Connor"),
    decoy_emails=("siobhan.oconnor@example.com",),
    decoy_phones=("+441134960457",),
    decoy_identifiers=("CUST-002209",),
)
BOBBY = Subject(
    "bobby", ('Robert "Bobby" Tables',), ("bobby.tables@example.com",), ("+447700900789",), ("CUST-010042",),
    "Swale Electrical customer whose name contains double quotes (and the word 'Tables').",
    hostile='double quotes inside the name: an unescaped Gmail/Drive query would end the phrase early',
    decoy_people=("Robert Fields",),
    decoy_emails=("bobby.table@example.com",),
    decoy_phones=("+447700900788",),
    decoy_identifiers=("CUST-010043",),
)
PRIYA = Subject(
    "priya", ("Priya Patel",), ("priya.patel.home@example.org", "priya.patel@northwind-calls.test"),
    ("+447700900654",), ("EMP-0193",),
    "Former call handler (left November 2025); rota, absence records, reference request, exit interview.",
    decoy_people=("Priya Shah", "Anil Patel", "Priya Patil"),
    decoy_emails=("priya.patel.home@example.com",),
    decoy_phones=("+447700900655",),
    decoy_identifiers=("EMP-0194",),
)

SUBJECTS: tuple[Subject, ...] = (JANE, ZOE, SIOBHAN, BOBBY, PRIYA)


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[^\W_]+", text)}


#: Name words filler text must never use, so that only planted text can mention a subject or decoy.
FORBIDDEN_WORDS: frozenset[str] = frozenset(
    w for s in SUBJECTS for n in s.names + s.decoy_people for w in _words(n)
) | {"zoe", "siobhan", "bobby"}
#: Phones and references filler must never hand out.
RESERVED_PHONES: frozenset[str] = frozenset(p for s in SUBJECTS for p in s.phones + s.decoy_phones)
RESERVED_IDS: frozenset[str] = frozenset(i for s in SUBJECTS for i in s.identifiers + s.decoy_identifiers)


def written(e164: str, style: str) -> str:
    """A UK number the way people write it: ``intl`` +44 7700 900123, ``national`` 07700 900123, ``compact``
    07700900123, ``trunk`` +44 (0)7700 900123, ``digits`` 447700900123, ``dashes`` 07700-900-123."""
    nsn = e164[3:]
    if nsn.startswith("7"):
        a, b = nsn[:4], nsn[4:]
    elif nsn.startswith("20"):
        a, b = nsn[:2], nsn[2:6] + " " + nsn[6:]
    else:
        a, b = nsn[:3], nsn[3:6] + " " + nsn[6:]
    forms = {
        "intl": f"+44 {a} {b}",
        "national": f"0{a} {b}",
        "compact": "0" + nsn,
        "trunk": f"+44 (0){a} {b}",
        "digits": "44" + nsn,
        "dashes": f"0{a}-{b[:3]}-{b[3:]}" if nsn.startswith("7") else f"0{a}-{b.replace(' ', '-')}",
    }
    return forms[style]
