"""Who works at (and writes to) Northwind Call Handling: staff, client firms, and the pools filler text draws on.

Everything here is fictional on purpose: the domains use the reserved ``.test`` and ``.example`` TLDs and
``example.com/.net/.org`` (RFC 2606), and every phone number is in one of Ofcom's ranges reserved for drama,
so the fixture can be shared, printed and searched without touching a real person.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

DOMAIN = "northwind-calls.test"
COMPANY = "Northwind Call Handling Ltd"
MAIL_HOST = "mail." + DOMAIN
COMPANY_PHONE = "0113 496 0000"


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    role: str = ""
    admin: bool = False


def _staff(local: str, name: str, role: str, admin: bool = False) -> Person:
    return Person(name, f"{local}@{DOMAIN}", role, admin)


TOM = _staff("tom.reeves", "Tom Reeves", "Managing Director")
IT = _staff("it", "Gareth Price", "IT & Facilities", admin=True)
DPO = _staff("dpo", "Harriet Lowe", "Data Protection Officer")
AISHA = _staff("aisha.khan", "Aisha Khan", "Operations Manager")
DANIEL = _staff("daniel.okafor", "Daniel Okafor", "Call Handler")
ELLIE = _staff("ellie.marsh", "Ellie Marsh", "Call Handler")

#: The six mailboxes, in workspace.json order.
STAFF: tuple[Person, ...] = (TOM, IT, DPO, AISHA, DANIEL, ELLIE)
#: Share of filler mail each mailbox takes part in (the call handlers and operations are busiest).
MAIL_WEIGHT = {TOM.email: 3, IT.email: 2, DPO.email: 2, AISHA.email: 5, DANIEL.email: 4, ELLIE.email: 4}
#: Staff without a mailbox of their own who appear on rotas (part-timers share the handlers' inboxes).
ROTA_ONLY = ("Kwame Mensah", "Sophie Turner")


@dataclass(frozen=True)
class Client:
    """A business whose phones Northwind answers; its contact writes in and receives call messages."""

    firm: str
    domain: str
    contact: Person


CLIENTS: tuple[Client, ...] = tuple(
    Client(firm, dom, Person(contact, f"{contact.split()[0].lower()}@{dom}", "client"))
    for firm, dom, contact in (
        ("Hargreaves Plumbing & Heating", "hargreaves-plumbing.example", "Neil Hargreaves"),
        ("Dales Veterinary Practice", "dalesvets.example", "Fiona McRae"),
        ("Kirkgate Dental", "kirkgate-dental.example", "Raj Bhatt"),
        ("Pennine Lettings", "pennine-lettings.example", "Carol Whitaker"),
        ("Swale Electrical", "swale-electrical.example", "Martin Firth"),
        ("Moorside Care Agency", "moorside-care.example", "Denise Lumb"),
        ("Ouse Valley Solicitors", "ousevalley-law.example", "Gemma Stanhope"),
    )
)

#: Automated senders (category Updates / Promotions) and spammers.
NOTIFIERS = (
    Person("CallCentre Cloud", "noreply@telephony.example", "updates"),
    Person("Ledgerline Accounts", "invoices@ledgerline.example", "updates"),
    Person("Pennine Broadband", "no-reply@broadband.example", "updates"),
    Person("Google Workspace", "workspace-noreply@google.example", "updates"),
)
PROMOTERS = (
    Person("Office Supplies Direct", "offers@officesupplies.example", "promotions"),
    Person("Headset World", "news@headsetworld.example", "promotions"),
    Person("Yorkshire Business Awards", "hello@ybawards.example", "promotions"),
)
SPAMMERS = (
    Person("Parcel Delivery", "track@parcel-notice.example", "spam"),
    Person("Account Security", "security@verify-login.example", "spam"),
    Person("Dr. M. Okonkwo", "grant.office@charity-fund.example", "spam"),
)

# Filler names: none of them is a word of a data subject's or a decoy's name (see subjects.FORBIDDEN_WORDS),
# so every match in the fixture is one that expected.json lists.
FIRST_NAMES = (
    "Ahmed", "Olivia", "George", "Amelia", "Harry", "Isla", "Oliver", "Ava", "Jack", "Mia", "Noah", "Grace",
    "Leo", "Freya", "Arthur", "Lily", "Oscar", "Emily", "Charlie", "Sophia", "Thomas", "Evie", "William",
    "Ruby", "Mohammed", "Fatima", "Kieran", "Bethany", "Callum", "Megan", "Rhys", "Niamh", "Owen", "Chloe",
    "Ewan", "Hannah", "Yusuf", "Aaliyah", "Dylan", "Maisie", "Graham", "Lorraine", "Stuart", "Janet",
)
SURNAMES = (
    "Rahman", "Wilson", "Taylor", "Davies", "Evans", "Thomas", "Roberts", "Walker", "Wright", "Thompson",
    "Hughes", "Green", "Hall", "Wood", "Clarke", "Jackson", "Harrison", "Lewis", "Hussain", "Begum",
    "Ali", "Akhtar", "Nowak", "Kowalski", "Campbell", "Stewart", "Murray", "Morgan", "Jenkins", "Lloyd",
    "Barker", "Holmes", "Sutcliffe", "Ackroyd", "Metcalfe", "Pickering", "Nolan", "Fairclough",
)
STREETS = ("Kirkstall Road", "Otley Road", "Harrogate Road", "Station Lane", "Mill Street", "Church Walk",
           "Moor View", "Beck Side", "Low Lane", "High Street")
POSTCODES = ("LS6 2QT", "LS16 5JA", "HG1 2RE", "BD18 3AB", "YO30 4XX", "WF1 2LP", "HX3 6BN", "LS28 7TH")


class Numbers:
    """Hands out fictional phone numbers and customer numbers that no data subject or decoy uses."""

    def __init__(self, rng: random.Random, reserved_phones: set[str], reserved_ids: set[str]) -> None:
        self.rng = rng
        self._reserved_phones = set(reserved_phones)
        self._reserved_ids = set(reserved_ids)

    def mobile(self) -> str:
        """A mobile in the drama range 07700 900000-900999, written the common UK way."""
        while True:
            n = f"{self.rng.randrange(1000):03d}"
            if "+447700900" + n not in self._reserved_phones:
                return f"07700 900{n}"

    def landline(self) -> str:
        area, prefix = self.rng.choice((("020", "7946"), ("0113", "496"), ("0161", "496"), ("0114", "496")))
        while True:
            n = f"{self.rng.randrange(1, 1000):04d}"
            e164 = "+44" + area[1:] + prefix + n
            if e164 not in self._reserved_phones:
                return f"{area} {prefix} {n}"

    def phone(self) -> str:
        return self.mobile() if self.rng.random() < 0.7 else self.landline()

    def customer(self) -> str:
        while True:
            c = f"CUST-{self.rng.randrange(1000, 20000):06d}"
            if c not in self._reserved_ids:
                return c

    def employee(self) -> str:
        while True:
            c = f"EMP-{self.rng.randrange(100, 400):04d}"
            if c not in self._reserved_ids:
                return c


def full_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


def customer_email(name: str, rng: random.Random) -> str:
    first, last = name.lower().split()[0], name.lower().split()[-1]
    style = rng.randrange(3)
    local = (f"{first}.{last}", f"{first[0]}{last}{rng.randrange(10, 99)}", f"{first}{last[0]}")[style]
    return f"{local}@{rng.choice(('example.com', 'example.net', 'example.org'))}"
