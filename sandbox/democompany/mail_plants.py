"""Mail that mentions a data subject (hits) or a look-alike (decoys), each recorded in the :class:`Ledger`.

Every hit is in a form a careful reader would call the subject's data: from or to their address, their name
in the body (plain, HTML-only, quoted-printable split by a soft line break, Latin-1, Windows-1252, surname
first, lowercase, without the diacritic), in the subject line only, in an attachment, in Trash, in Spam.
"""
from __future__ import annotations

import binascii
import datetime as dt
import html
from typing import Any

from . import mime
from .expected import Ledger
from .mail import Mail, Mailroom
from .people import AISHA, CLIENTS, COMPANY, DANIEL, DPO, ELLIE, IT, NOTIFIERS, STAFF, TOM, Numbers, Person
from .subjects import BOBBY, JANE, PRIYA, SIOBHAN, ZOE, Subject, written

HARGREAVES, DALES, PENNINE, SWALE = CLIENTS[0], CLIENTS[1], CLIENTS[3], CLIENTS[4]
TELEPHONY = NOTIFIERS[0]


def _p(s: Subject, email_index: int = 0) -> Person:
    return Person(s.name, s.emails[email_index], "customer")


def soft_break_text(before: list[str], name: str, after: str) -> str:
    """A paragraph whose quoted-printable encoding breaks a line (soft ``=``) inside ``name``: the name is in
    the decoded text but in no single encoded line. ``before`` holds alternative lead-ins; the first that
    splits the name wins (deterministic)."""
    pads = [a + b for a in ("", " today", " this morning", " earlier", " on the phone", " just now", " again")
            for b in ("", " (Tuesday)", " (again)", " \u2013 as promised \u2013")]
    for lead in before:
        for pad in pads:
            text = f"{lead}{pad} {name}{after}"
            enc = binascii.b2a_qp(text.encode("utf-8"), istext=True)
            if name.encode() not in enc and name.encode() in binascii.a2b_qp(enc):
                return text
    raise RuntimeError(f"cannot split {name!r} with a soft line break")


class MailPlanter:
    def __init__(self, room: Mailroom, ledger: Ledger, numbers: Numbers) -> None:
        self.room, self.ledger, self.numbers = room, ledger, numbers

    def send(self, when: dt.datetime, sender: Person, to: Person | tuple[Person, ...], subject: str,
             body: str | bytes, **kw: Any) -> Mail:
        """A message; a ``str`` body becomes a plain-text part."""
        return self.room.send(when=when, sender=sender, to=to if isinstance(to, tuple) else (to,), subject=subject,
                              body=mime.text_part(body) if isinstance(body, str) else body, **kw)

    def hit(self, s: Subject, how: str, evidence: str, mail: Mail) -> Mail:
        for account in mail.deliveries:
            self.ledger.gmail(s, account, mail.msgid, how, evidence)
        return mail

    def decoy(self, s: Subject, what: str, evidence: str, mail: Mail) -> Mail:
        for account in mail.deliveries:
            self.ledger.decoy(s, what, evidence, {"source": "gmail", "account": account,
                                                 "rfc822_message_id": mail.msgid})
        return mail

    def mixed(self, text: str, filename: str, data: bytes, mimetype: str) -> bytes:
        return mime.multipart("mixed", [mime.text_part(text), mime.attachment(filename, data, mimetype)],
                              self.room.boundary())

    def call_message(self, me: Person, client_i: int, when: dt.datetime, caller: str, phone: str,
                     extra: str = "") -> Mail:
        client = CLIENTS[client_i]
        text = (f"Message for {client.firm}\n\nCaller: {caller}\nTel: {phone}\n{extra}"
                f"Message: please call back today.\nTaken by: {me.name} at {when:%H:%M}\n\n{COMPANY}\n")
        return self.send(when, me, client.contact, f"Call message: {caller} ({when:%d/%m %H:%M})", text)

    def all(self) -> None:
        self.jane()
        self.zoe()
        self.siobhan()
        self.bobby()
        self.priya()

    def jane(self) -> None:
        s, jane, t = JANE, _p(JANE), dt.datetime
        text = ("Dear Ms Doe,\n\nHargreaves Plumbing & Heating asked us to arrange your boiler callback. "
                "An engineer will ring you on Friday between 9 and 12.\n\nEllie\n" + COMPANY + "\n")
        page = mime.html_page(["Dear Ms Doe,", "Hargreaves Plumbing &amp; Heating asked us to arrange your boiler "
                               "callback. An engineer will ring you on Friday between 9 and 12.", "Ellie"])
        j0 = self.hit(s, "to: the subject's address (multipart/alternative)", s.emails[0],
                      self.send(t(2025, 6, 2, 9, 14), ELLIE, jane, "Your boiler callback",
                                mime.alternative(text, page, self.room.boundary())))
        self.hit(s, "from: the subject's address, a reply threaded with In-Reply-To/References", s.emails[0],
                 self.send(t(2025, 6, 2, 11, 40), jane, ELLIE, "Re: Your boiler callback", reply_to=j0, body=(
                     "Friday morning is no good, I work until 1. Can it be after 2pm?\n\nJane\n\n> Dear Ms Doe,\n"
                     "> Hargreaves Plumbing & Heating asked us to arrange your boiler callback.\n")))
        self.hit(s, "body only, surname first: 'Doe, Jane'", "Doe, Jane",
                 self.send(t(2025, 6, 3, 8, 30), AISHA, DANIEL, "Callback list Tuesday",
                           cc=(TOM, HARGREAVES.contact), body=(  # a client's contact in Cc: a third party to redact
                     "Morning Daniel,\n\nStill outstanding:\n- Doe, Jane (Hargreaves) \u2013 boiler, wants after 2pm "
                     "Friday\n- Kirkgate Dental: two recalls\n\nNeil Hargreaves is copied in; his direct line is "
                     "0113 496 0234.\n\nAisha\n")))
        csv_data = ("time,caller,phone,client\n09:12,Mrs J. D.,07700900123,Hargreaves\n"
                    f"10:05,Mr O. Wright,{self.numbers.mobile()},Kirkgate Dental\n").encode()
        self.hit(s, "attachment content only (CSV, phone written 07700900123)", written(s.phones[0], "compact"),
                 self.send(t(2025, 6, 5, 17, 2), DANIEL, AISHA, "Today's callbacks", self.mixed(
                     "Today's callbacks attached.\n\nDaniel\n", "callbacks-2025-06-05.csv", csv_data, "text/csv")))
        self.hit(s, "subject line only, lowercase", "jane doe",
                 self.send(t(2025, 6, 9, 10, 20), AISHA, TOM, "complaint from jane doe - can you call her?",
                           "She's unhappy about the missed callback. Details are in the complaints log.\n"))
        esc = ("<ul><li><b>Jane</b> Doe &ndash; missed boiler callback, complaint logged</li>"
               "<li>Kirkgate Dental &ndash; out-of-hours script wrong</li></ul>")
        self.hit(s, "HTML-only body, name split by a tag ('<b>Jane</b> Doe')", "Jane Doe",
                 self.send(t(2025, 6, 10, 16, 45), TOM, DPO, "Escalations this week",
                           mime.text_part(mime.html_page(["Harriet, FYI:", esc]), "html")))
        trunk = written(s.phones[0], "trunk")
        self.hit(s, "body only, phone as '+44 (0)7700 900123', in Trash", trunk,
                 self.send(t(2025, 6, 11, 14, 2), TELEPHONY, ELLIE, "Missed call",
                           f"Missed call at 14:02 from {trunk}. No voicemail.\n",
                           labels={ELLIE.email: ("Trash", "Opened", "Category Updates")}))
        para = soft_break_text(["Aisha, I have spoken to Neil at Hargreaves about the complaint from",
                                "Aisha, I've spoken to Neil at Hargreaves about the complaint from"],
                               s.name, " and we\u2019ll refund the call-out fee as a goodwill gesture.")
        self.hit(s, "quoted-printable body; a soft line break falls inside the name", s.name,
                 self.send(t(2025, 6, 12, 9, 5), TOM, AISHA, "Hargreaves complaint - next steps", cc=(DPO,),
                           body=mime.text_part(para + "\n\nTom\n", cte="quoted-printable")))
        # decoys
        self.decoy(s, "email one character different (jane.doe2@) from a different person, Jane Doherty",
                   s.decoy_emails[0],
                   self.send(t(2025, 6, 4, 12, 0), Person("Jane Doherty", s.decoy_emails[0]), ELLIE,
                             "Booking reference",
                             "Hi, this is Jane Doherty \u2013 could you confirm my service booking?\n"))
        self.decoy(s, "same first name only: Jane Smith", "Jane Smith",
                   self.call_message(DANIEL, 0, t(2025, 6, 6, 10, 31), "Jane Smith", self.numbers.mobile()))
        off = written(s.decoy_phones[0], "national")
        self.decoy(s, "same surname only (Peter Doe), phone one digit off, customer number one digit off", off,
                   self.call_message(DANIEL, 0, t(2025, 6, 6, 11, 2), "Peter Doe", off,
                                     f"Customer no: {s.decoy_identifiers[0]}\n"))
        self.decoy(s, "a longer double-barrelled name containing the subject's (Jane Doe-Smith)", "Jane Doe-Smith",
                   self.send(t(2025, 7, 1, 9, 0), HARGREAVES.contact, AISHA, "New office manager",
                             "Hi Aisha,\n\nPlease note Jane Doe-Smith is our new office manager from Monday; put admin "
                             "queries through to her.\n\nNeil\n"))

    def zoe(self) -> None:
        s, zoe, t = ZOE, _p(ZOE), dt.datetime
        mobile, landline = written(s.phones[1], "national"), written(s.phones[0], "national")
        z1_text = ("Hello,\n\nI'm writing to move Bramble's booster from Thursday to the following Monday if "
                   "possible. Please call me on my mobile, the landline is being repaired.\n\n"
                   f"Thank you,\n{s.name}\n{mobile}\n")
        z1 = self.hit(s, "from: the subject (ISO-8859-1 encoded-word headers and quoted-printable Latin-1 body)",
                      s.emails[0],
                      self.send(t(2025, 3, 11, 8, 52), zoe, DANIEL, "Appointment change - Bramble",
                                mime.text_part(z1_text, charset="iso-8859-1", cte="quoted-printable"),
                                header_charset="iso-8859-1"))
        quoted = "\n".join("> " + line for line in z1_text.splitlines())
        self.hit(s, "to: the subject; base64 UTF-8 body quoting her message", s.emails[0],
                 self.send(t(2025, 3, 11, 10, 15), DANIEL, zoe, "Re: Appointment change - Bramble", reply_to=z1,
                           body=mime.text_part(f"Hi Zo\u00eb,\n\nDone \u2013 Monday 10:40 with Fiona.\n\nDaniel\n\n"
                                               f"{quoted}\n", cte="base64")))
        self.hit(s, "from: the subject's address, filtered to Spam", s.emails[0],
                 self.send(t(2025, 3, 20, 21, 37), zoe, AISHA, "Invoice??",
                           "Why have I been charged twice? Click to see https://bit.example/x\n",
                           labels={AISHA.email: ("Spam", "Unread")}))
        plain_name = s.name.replace("\u00eb", "e")
        z4 = f"{plain_name} rang me directly about her invoice \u2013 can you check what happened?\n\nTom\n"
        self.hit(s, "body only, name written without the diacritic (Zoe)", plain_name,
                 self.send(t(2025, 4, 2, 13, 10), TOM, AISHA, "Dales Vets invoice",
                           mime.alternative(z4, mime.html_page([html.escape(z4)]), self.room.boundary())))
        page = mime.html_page(["Please update the record for zo&euml; ashworth-brown &ndash; new landline below.",
                               f"Tel: {landline}", "Fiona"])
        self.hit(s, "HTML-only base64 body, lowercase, diacritic as an HTML entity", "zo\u00eb ashworth-brown",
                 self.send(t(2025, 4, 8, 9, 30), DALES.contact, ELLIE, "Record update",
                           mime.text_part(page, "html", cte="base64")))
        self.hit(s, "body only, landline phone (020 7946 0321); the name appears as surname only", landline,
                 self.call_message(ELLIE, 1, t(2025, 4, 14, 15, 3), "Mrs Ashworth-Brown", landline))
        card = b"Vaccination card\nPet: Bramble (cocker spaniel)\nDHP booster: 03/2025\nLepto L4: 03/2025\n"
        self.hit(s, "attachment file name only (RFC 2231 encoded, non-ASCII)", s.name,
                 self.send(t(2025, 3, 12, 11, 0), DALES.contact, DANIEL, "Vaccination card", self.mixed(
                     "As requested.\n\nFiona\n", f"{s.name} \u2013 vaccination card.txt", card, "text/plain")))
        # decoys
        self.decoy(s, "a different person, Zo\u00eb Ashworth; landline one digit off; customer number one digit off",
                   "Zo\u00eb Ashworth",
                   self.call_message(ELLIE, 1, t(2025, 4, 15, 9, 41), "Zo\u00eb Ashworth",
                                     written(s.decoy_phones[0], "national"),
                                     f"Customer no: {s.decoy_identifiers[0]}\n"))
        self.decoy(s, "same surname only: Liam Ashworth-Brown", "Liam Ashworth-Brown",
                   self.send(t(2025, 5, 2, 10, 0), DALES.contact, DANIEL, "Collection",
                             "Liam Ashworth-Brown will collect the dog today.\n\nFiona\n"))
        self.decoy(s, "email one character different (zoe.ad@)", s.decoy_emails[0],
                   self.send(t(2025, 5, 6, 14, 22), Person("Zoe Adamson", s.decoy_emails[0]), ELLIE, "Opening hours?",
                             "Are you open on bank holidays?\n"))

    def siobhan(self) -> None:
        s, sio, t = SIOBHAN, _p(SIOBHAN), dt.datetime
        request = ("Dear Sir or Madam,\n\nI am making a subject access request under the UK GDPR for all personal "
                   "data you hold about me, including call recordings and notes.\n\n"
                   f"{s.name}\nFlat 3, 12 Mill Street, Leeds LS6 2QT\n")
        s1 = self.hit(s, "from: the subject (UTF-8 quoted-printable); user label Requests/2025", s.emails[0],
                      self.send(t(2025, 2, 3, 19, 12), sio, DPO, "Subject access request",
                                mime.text_part(request, cte="quoted-printable"),
                                labels={DPO.email: ("Inbox", "Opened", "Important", "Starred", "Category Personal",
                                                    "Requests/2025")}))
        ack = ("Dear Ms O'Connor,\n\nWe received your subject access request on 3 February 2025 and will respond "
               "by 3 March 2025.\n\nHarriet Lowe\nData Protection Officer\n").encode()
        self.hit(s, "to: the subject, with a .txt attachment", s.emails[0],
                 self.send(t(2025, 2, 4, 9, 0), DPO, sio, "Re: Subject access request", reply_to=s1,
                           body=self.mixed("Please find our acknowledgement attached.\n",
                                           "Acknowledgement - O'Connor.txt", ack, "text/plain"),
                           labels={DPO.email: ("Sent", "Requests/2025")}))
        curly = s.name.replace("'", "\u2019")
        chase = (f"Harriet \u2013 {curly} from Pennine Lettings rang again\u2026 she wants to know where her request "
                 "is.\n\nTom\n")
        self.hit(s, "Windows-1252 8bit body, curly apostrophe (O\u2019Connor)", curly,
                 self.send(t(2025, 2, 4, 16, 30), TOM, DPO, "Tenant chasing",
                           mime.text_part(chase, charset="windows-1252", cte="8bit")))
        self.hit(s, "body only, SURNAME first in capitals", "O'CONNOR Siobh\u00e1n",
                 self.send(t(2025, 2, 20, 8, 15), AISHA, (DANIEL, ELLIE), "Caller verification",
                           "Verification note: O'CONNOR Siobh\u00e1n (flat 3) \u2013 only speak to her directly, not "
                           "her landlord.\n\nAisha\n"))
        self.hit(s, "body only, customer number; user label Complaints", s.identifiers[0],
                 self.send(t(2025, 3, 5, 11, 45), PENNINE.contact, AISHA, "Complaint from a tenant",
                           f"Hi Aisha,\n\nOur tenant (your ref {s.identifiers[0]}) says her messages were not passed "
                           "on. Can you look into it?\n\nCarol\n",
                           labels={AISHA.email: ("Inbox", "Opened", "Category Personal", "Complaints")}))
        dashes = written(s.phones[1], "dashes")
        self.hit(s, "body only, mobile written 07700-900-321", dashes,
                 self.call_message(DANIEL, 3, t(2025, 3, 6, 12, 1), "Mrs O'Connor", dashes))
        # decoys
        self.decoy(s, "same surname only (Declan O'Connor); landline one digit off; customer number one digit off",
                   "Declan O'Connor",
                   self.call_message(ELLIE, 3, t(2025, 3, 7, 9, 3), "Declan O'Connor",
                                     written(s.decoy_phones[0], "national"),
                                     f"Customer no: {s.decoy_identifiers[0]}\n"))
        self.decoy(s, "same first name only: Siobh\u00e1n Kelly", "Siobh\u00e1n Kelly",
                   self.call_message(DANIEL, 3, t(2025, 3, 7, 15, 30), "Siobh\u00e1n Kelly", self.numbers.mobile()))
        self.decoy(s, "same local part, different domain (siobhan.oconnor@example.com)", s.decoy_emails[0],
                   self.send(t(2025, 3, 9, 18, 0), Person("S. O'Connor", s.decoy_emails[0]), DPO, "Newsletter",
                             "Please remove me from your mailing list.\n"))

    def bobby(self) -> None:
        s, bob, t = BOBBY, _p(BOBBY), dt.datetime
        self.hit(s, "from: the subject; display name with escaped quotes", s.emails[0],
                 self.send(t(2025, 9, 12, 13, 55), bob, ELLIE, "Rewire quote",
                           "Hi, I had a message from your office about the rewire quote. Please have Swale call me "
                           "back.\n\nBobby\n"))
        self.hit(s, "body only, the name with its double quotes", s.name,
                 self.send(t(2025, 9, 12, 14, 20), DANIEL, ELLIE, "Swale callback",
                           f"{s.name} rang twice about the rewire quote \u2013 can you pick it up?\n"))
        page = mime.html_page([f"Customer {html.escape(s.name)} has accepted the quote.", "Martin"])
        self.hit(s, "HTML-only body, quotes written as &quot;", s.name,
                 self.send(t(2025, 9, 15, 9, 0), SWALE.contact, AISHA, "Quote follow-up", mime.text_part(page, "html")))
        intl = written(s.phones[0], "intl")
        self.hit(s, "body only, phone +44 7700 900789 (caller gave a first name only)", intl,
                 self.call_message(ELLIE, 4, t(2025, 9, 16, 10, 12), "Bobby", intl))
        # decoys
        self.decoy(s, "both words of the name, but not the name ('Robert ... the tables')", "booked the tables",
                   self.send(t(2025, 11, 20, 12, 0), TOM, tuple(p for p in STAFF if p is not TOM), "Christmas do",
                             "Robert at the Fox booked the tables for the 19th \u2013 menus to follow.\n\nTom\n"))
        self.decoy(s, "same first name only (Robert Fields); phone one digit off; customer number one digit off",
                   "Robert Fields",
                   self.call_message(ELLIE, 4, t(2025, 9, 18, 11, 11), "Robert Fields",
                                     written(s.decoy_phones[0], "intl"), f"Customer no: {s.decoy_identifiers[0]}\n"))
        self.decoy(s, "email one character different (bobby.table@)", s.decoy_emails[0],
                   self.send(t(2025, 9, 19, 8, 45), Person("B Table", s.decoy_emails[0]), ELLIE, "Quote",
                             "Do you do quotes for sockets?\n"))

    def priya(self) -> None:
        s, home, work, t = PRIYA, _p(PRIYA, 0), _p(PRIYA, 1), dt.datetime
        rota = "name,week 1,week 2,week 3,week 4\nPriya Patel,E,E,L,OFF\nEllie Marsh,L,L,E,E\nDaniel Okafor,E,OFF,L,L\n"
        self.hit(s, "to: the subject's former work address; a rota CSV attachment", s.emails[1],
                 self.send(t(2025, 8, 28, 16, 0), AISHA, (DANIEL, ELLIE, work), "September rota", self.mixed(
                     "Rota for September attached.\n\nAisha\n", "rota-september.csv", rota.encode(), "text/csv")))
        self.hit(s, "from: the subject's former work address", s.emails[1],
                 self.send(t(2025, 10, 20, 17, 31), work, AISHA, "Resignation",
                           "Hi Aisha,\n\nPlease accept this as my notice; my last day will be 21 November.\n\nPriya\n"))
        self.hit(s, "from: the subject's personal address", s.emails[0],
                 self.send(t(2025, 11, 28, 10, 2), home, IT, "Returning my laptop",
                           "Hi Gareth, I'll drop the laptop and badge in on Monday.\n"))
        self.hit(s, "subject line and body", s.name,
                 self.send(t(2025, 12, 8, 9, 40), Person("Lisa Crowther", "lisa@talentbridge.example"), TOM,
                           f"Reference request: {s.name}",
                           f"Dear Mr Reeves,\n\n{s.name} has applied for a role with our client and named you as a "
                           "referee.\n\nLisa\n"))
        self.hit(s, "body: SURNAME first in capitals and employee number; user label Legal hold", "PATEL Priya",
                 self.send(t(2026, 1, 15, 11, 0), TOM, DPO, "ACAS early conciliation",
                           f"Harriet,\n\nWe've had an ACAS notice re PATEL Priya ({s.identifiers[0]}). Please put "
                           "everything on hold.\n\nTom\n",
                           labels={TOM.email: ("Sent", "Legal hold"),
                                   DPO.email: ("Inbox", "Opened", "Important", "Category Personal", "Legal hold")}))
        self.hit(s, "body only, the subject's former work address", s.emails[1],
                 self.send(t(2026, 2, 2, 12, 30), IT, TOM, "Old account",
                           f"Tom \u2013 ok to delete the mailbox archive for {s.emails[1]}? It's been 60 days.\n\n"
                           "Gareth\n"))
        # decoys
        self.decoy(s, "same first name only (Priya Shah, a current employee); employee number one digit off",
                   "Priya Shah",
                   self.send(t(2025, 10, 1, 9, 0), AISHA, TOM, "Probation review",
                             f"Priya Shah passed her probation review ({s.decoy_identifiers[0]}). Well done her!\n"))
        self.decoy(s, "same surname only: Anil Patel", "Anil Patel",
                   self.call_message(DANIEL, 2, t(2025, 10, 3, 15, 5), "Anil Patel", self.numbers.mobile()))
        self.decoy(s, "surname one letter different (Priya Patil); phone one digit off", "Priya Patil",
                   self.call_message(ELLIE, 2, t(2025, 10, 6, 9, 12), "Priya Patil",
                                     written(s.decoy_phones[0], "compact")))
