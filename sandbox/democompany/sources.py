"""The demo company's Calendar, Contacts, Chat and Forms (issue 17), written in Takeout's layout with planted
subjects and decoys, recorded in each subject's ``other_sources`` entry of expected.json.

Planted: Jane's callback event (attendee, phone in the description), her contact and other contact, a Chat
message with her number ("the caller on line 3, 07700 900123, ...") and one naming her in a DM, and her web
form response; Zoë in a calendar event, Siobhán in a contact, Bobby in a Chat message, Priya in her exit
interview event. Decoys differ in one way (Jane Smith, 07700 900124, jane.doe2@example.com ...). Filler uses
no subject or decoy word. Everything is fixed data: the same bytes on every run, whatever the scale.

Ground-truth item shapes (``other_sources.expected.<source>``), all with ``account`` (whose search finds it),
``how`` and ``evidence`` (the exact text the API returns):
calendar ``{"calendar": id, "ical_uid", "event_id", "summary"}``; contacts ``{"kind": "contact" |
"other_contact", "display_name", "file"}``; chat ``{"space", "space_name", "sender", "create_time",
"members"}`` (listed once per member, since each member's search reaches it); forms ``{"form", "path",
"response" (its id in the fixture file), "response_id" (the API's), "respondent"}``.
"""
from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import icalendar
import vobject

from ..calendar.store import event_id_for
from ..forms.loader import response_id
from .drive import DriveFile
from .people import AISHA, DANIEL, DOMAIN, DPO, ELLIE, IT, TOM
from .subjects import BOBBY, JANE, PRIYA, SIOBHAN, ZOE, Subject

UTC = dt.timezone.utc
LONDON = "Europe/London"
CALL_FLOOR = ("AAAANwCallFlr", "Call floor")
DM_ID = "xHd3Kq9TzAM"


@dataclass
class SourceLedger:
    hits: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)
    decoys: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def hit(self, s: Subject, source: str, item: dict[str, Any]) -> None:
        self.hits.setdefault(s.key, {k: [] for k in ("calendar", "contacts", "chat", "forms")})[source].append(item)

    def decoy(self, s: Subject, source: str, what: str, evidence: str, where: dict[str, Any]) -> None:
        self.decoys.setdefault(s.key, []).append({"source": source, "what": what, "evidence": evidence, **where})

    def attach(self, expected: dict[str, Any]) -> None:
        """Add ``other_sources`` to each subject of an expected.json document (existing keys untouched)."""
        for subj in expected["subjects"]:
            hits = self.hits.get(subj["key"], {k: [] for k in ("calendar", "contacts", "chat", "forms")})
            subj["other_sources"] = {"expected": hits, "decoys": self.decoys.get(subj["key"], [])}
        expected["notes"] = [*expected["notes"],  # a new list: to_json hands out the module's NOTES itself
            "Calendar, Contacts, Chat and Forms ground truth is under each subject's 'other_sources' ('expected' "
            "by source, and 'decoys'), apart from 'expected' so the Gmail/Drive/Sheets keys keep their meaning. "
            "Shapes: sandbox/democompany/sources.py."]


def _t(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, mo, d, h, mi, tzinfo=UTC)


@dataclass
class Ev:
    uid: str
    summary: str
    start: dt.datetime | dt.date
    end: dt.datetime | dt.date
    description: str = ""
    location: str = ""
    organizer: tuple[str, str] | None = None
    attendees: list[tuple[str, str]] = field(default_factory=list)
    rrule: dict[str, Any] | None = None


def ics(name: str, events: list[Ev]) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Google Inc//Google Calendar 70.9054//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", LONDON)
    for e in events:
        v = icalendar.Event()
        v.add("uid", e.uid)
        v.add("dtstamp", _t(2026, 3, 31, 18))
        v.add("dtstart", e.start)
        v.add("dtend", e.end)
        v.add("summary", e.summary)
        if e.description:
            v.add("description", e.description)
        if e.location:
            v.add("location", e.location)
        if e.organizer:
            v.add("organizer", "mailto:" + e.organizer[0], parameters={"CN": e.organizer[1]})
        for email, cn in e.attendees:
            v.add("attendee", "mailto:" + email, parameters={"CN": cn, "PARTSTAT": "ACCEPTED"})
        if e.rrule:
            v.add("rrule", e.rrule)
        when = e.start if isinstance(e.start, dt.datetime) else _t(e.start.year, e.start.month, e.start.day)
        v.add("created", when - dt.timedelta(days=2))
        v.add("last-modified", when - dt.timedelta(days=1))
        cal.add_component(v)
    return cal.to_ical()


def vcard(name: str, given: str, family: str, emails=(), phones=(), org: str = "", note: str = "") -> str:
    card = vobject.vCard()
    card.add("fn").value = name
    card.add("n").value = vobject.vcard.Name(family=family, given=given)
    for e in emails:
        item = card.add("email")
        item.value, item.type_param = e, "INTERNET"
    for p in phones:
        item = card.add("tel")
        item.value, item.type_param = p, "CELL"
    if org:
        card.add("org").value = [org]
    if note:
        card.add("note").value = note
    return card.serialize()


class SourcePlanter:
    def __init__(self, ledger: SourceLedger) -> None:
        self.ledger = ledger
        self.calendars: dict[tuple[str, str], list[Ev]] = {}  # (account, calendar name) -> events
        self.cards: dict[tuple[str, str], list[str]] = {}  # (account, label) -> vCards
        self.chat: dict[str, dict[str, Any]] = {}  # space id -> {"name", "members", "messages"}
        self.forms: list[DriveFile] = []

    # --- calendar -------------------------------------------------------------------------------------
    def event(self, account: str, ev: Ev, calendar: str | None = None) -> Ev:
        self.calendars.setdefault((account, calendar or account), []).append(ev)
        return ev

    def _cal_item(self, account: str, ev: Ev, how: str, evidence: str) -> dict[str, Any]:
        return {"account": account, "calendar": account, "ical_uid": ev.uid, "event_id": event_id_for(ev.uid),
                "summary": ev.summary, "how": how, "evidence": evidence}

    def calendar(self) -> None:
        d, e, a = DANIEL.email, ELLIE.email, AISHA.email
        ev = self.event(d, Ev("nwcb0604512@google.com", "Callback: boiler visit", _t(2025, 6, 3, 9), _t(2025, 6, 3, 9, 30),
                              "Ring back on 07700 900123 about the missed boiler visit (Hargreaves job).", "Phone",
                              (d, DANIEL.name), [(JANE.emails[0], JANE.name), (d, DANIEL.name)]))
        self.ledger.hit(JANE, "calendar", self._cal_item(d, ev, "attendee (email and name) and phone in description",
                                                         "07700 900123"))
        ev = self.event(d, Ev("nwcb0604513@google.com", "Callback: Jane Smith", _t(2025, 6, 4, 14), _t(2025, 6, 4, 14, 15),
                              "Ring back on 07700 900124.", organizer=(d, DANIEL.name)))
        self.ledger.decoy(JANE, "calendar", "same first name, number one digit off", "07700 900124",
                          {"account": d, "ical_uid": ev.uid, "event_id": event_id_for(ev.uid)})
        ev = self.event(e, Ev("nwvet0607731@google.com", "Dales Vets: appointment moved", _t(2025, 7, 8, 10), _t(2025, 7, 8, 10, 10),
                              "Client Zoë Ashworth-Brown asked to move her cat's appointment to Thursday.",
                              organizer=(e, ELLIE.name), attendees=[(ZOE.emails[0], ZOE.name), (e, ELLIE.name)]))
        self.ledger.hit(ZOE, "calendar", self._cal_item(e, ev, "name with diacritic in description, attendee email",
                                                        "Zoë Ashworth-Brown"))
        ev = self.event(e, Ev("nwvet0607732@google.com", "Dales Vets: new client", _t(2025, 7, 9, 11), _t(2025, 7, 9, 11, 10),
                              "New client Zoë Ashworth, reply to zoe.ad@example.org.", organizer=(e, ELLIE.name)))
        self.ledger.decoy(ZOE, "calendar", "surname only differs; email one character off", "zoe.ad@example.org",
                          {"account": e, "ical_uid": ev.uid, "event_id": event_id_for(ev.uid)})
        ev = self.event(a, Ev("nwexit0193@google.com", "Exit interview", _t(2025, 11, 20, 15), _t(2025, 11, 20, 16),
                              "Exit interview with Priya Patel (EMP-0193), last day 28 November.", "Meeting room 2",
                              (a, AISHA.name), [(PRIYA.emails[1], PRIYA.name), (a, AISHA.name)]))
        self.ledger.hit(PRIYA, "calendar", self._cal_item(a, ev, "employee number and name in description, attendee",
                                                          "Priya Patel (EMP-0193)"))
        for who, person in ((d, DANIEL), (e, ELLIE), (a, AISHA), (TOM.email, TOM), (DPO.email, DPO), (IT.email, IT)):
            self.event(who, Ev(f"nwbrief-{who.split('@')[0]}@google.com", "Team briefing", _t(2025, 6, 2, 8, 30),
                               _t(2025, 6, 2, 8, 45), "Weekly briefing: queue figures and rota changes.", "Ops room",
                               (a, AISHA.name), [(a, AISHA.name), (who, person.name)],
                               {"freq": "weekly", "count": 26, "byday": "MO"}))
        for i, (day, shift) in enumerate(((5, "Early"), (6, "Late"), (12, "Early"), (13, "Late"))):
            self.event(a, Ev(f"nwrota{i}", f"{shift} shift cover", _t(2025, 6, day, 7 if shift == "Early" else 14),
                             _t(2025, 6, day, 15 if shift == "Early" else 22)), calendar="Rota")
        self.event(TOM.email, Ev("nwboard2025q3@google.com", "Board meeting", _t(2025, 9, 30, 10), _t(2025, 9, 30, 12),
                                 "Quarterly figures; client renewals.", "Leeds office"))
        self.event(DPO.email, Ev("nwdpo-holiday", "Bank holiday", dt.date(2025, 8, 25), dt.date(2025, 8, 26)))

    # --- contacts -------------------------------------------------------------------------------------
    def card(self, account: str, label: str, text: str) -> None:
        self.cards.setdefault((account, label), []).append(text)

    def contacts(self) -> None:
        d, e = DANIEL.email, ELLIE.email
        mine = f"{d}/Contacts/My Contacts/My Contacts.vcf"
        self.card(d, "My Contacts", vcard(JANE.name, "Jane", "Doe", [JANE.emails[0]], ["07700 900123"],
                                          "Hargreaves Plumbing customer", "Customer ref CUST-004512"))
        self.ledger.hit(JANE, "contacts", {"account": d, "kind": "contact", "display_name": JANE.name, "file": mine,
                                           "how": "name, email, phone and customer number", "evidence": JANE.name})
        self.card(d, "My Contacts", vcard("Jane Smith", "Jane", "Smith", [], ["07700 900124"]))
        self.ledger.decoy(JANE, "contacts", "same first name, number one digit off", "07700 900124",
                          {"account": d, "kind": "contact", "display_name": "Jane Smith"})
        other = f"{d}/Contacts/Other Contacts/Other Contacts.vcf"
        self.card(d, "Other Contacts", vcard(JANE.name, "", "", [JANE.emails[0]]))
        self.ledger.hit(JANE, "contacts", {"account": d, "kind": "other_contact", "display_name": JANE.name,
                                           "file": other, "how": "address Gmail saved", "evidence": JANE.emails[0]})
        self.card(d, "Other Contacts", vcard("jane.doe2@example.com", "", "", ["jane.doe2@example.com"]))
        self.ledger.decoy(JANE, "contacts", "email one character off", "jane.doe2@example.com",
                          {"account": d, "kind": "other_contact", "display_name": "jane.doe2@example.com"})
        self.card(e, "My Contacts", vcard(SIOBHAN.name, "Siobhán", "O'Connor", [SIOBHAN.emails[0]], ["0113 496 0456"],
                                          "Pennine Lettings tenant"))
        self.ledger.hit(SIOBHAN, "contacts", {"account": e, "kind": "contact", "display_name": SIOBHAN.name,
                                              "file": f"{e}/Contacts/My Contacts/My Contacts.vcf",
                                              "how": "name with acute accent and apostrophe", "evidence": SIOBHAN.name})
        self.card(e, "My Contacts", vcard("Declan O'Connor", "Declan", "O'Connor", [], ["0113 496 0457"]))
        self.ledger.decoy(SIOBHAN, "contacts", "same surname, number one digit off", "Declan O'Connor",
                          {"account": e, "kind": "contact", "display_name": "Declan O'Connor"})
        for who in (d, e, AISHA.email):  # colleagues and client contacts, everybody's filler
            for p in (TOM, AISHA, DANIEL, ELLIE):
                if p.email != who:
                    self.card(who, "Coworkers", vcard(p.name, *p.name.split(" ", 1), [p.email]))
            self.card(who, "My Contacts", vcard("Neil Hargreaves", "Neil", "Hargreaves",
                                                ["neil@hargreaves-plumbing.example"], ["0113 496 0871"]))

    # --- chat -----------------------------------------------------------------------------------------
    def message(self, space: str, sender, when: dt.datetime, text: str) -> dict[str, Any]:
        msg = {"creator": {"name": sender.name, "email": sender.email, "user_type": "Human"},
               "created_date": when.strftime("%A, %-d %B %Y at %H:%M:%S UTC"), "text": text, "topic_id": "",
               "message_id": f"{space}/{len(self.chat[space]['messages']) + 1}"}
        self.chat[space]["messages"].append(msg)
        return msg

    def _chat_item(self, space: str, sender, when: dt.datetime, how: str, evidence: str) -> list[dict[str, Any]]:
        members = [m.email for m in self.chat[space]["members"]]
        return [{"account": m, "space": f"spaces/{space}", "space_name": self.chat[space]["name"],
                 "sender": sender.email, "create_time": when.strftime("%Y-%m-%dT%H:%M:%S.000000Z"),
                 "members": members, "how": how, "evidence": evidence} for m in members]

    def chat_spaces(self) -> None:
        sid, name = CALL_FLOOR
        self.chat[sid] = {"name": name, "members": [AISHA, DANIEL, ELLIE, TOM], "messages": []}
        self.chat[DM_ID] = {"name": "", "members": [DANIEL, ELLIE], "messages": []}
        plain = [(AISHA, _t(2025, 6, 3, 8, 2), "Morning all, queue is heavy, breaks staggered today"),
                 (ELLIE, _t(2025, 6, 3, 8, 5), "On it"), (TOM, _t(2025, 6, 3, 12, 0), "Thanks for covering lunch")]
        for who, when, text in plain[:2]:
            self.message(sid, who, when, text)
        when = _t(2025, 6, 3, 9, 41)
        text = "the caller on line 3, 07700 900123, is angry about the boiler callback"
        self.message(sid, DANIEL, when, text)
        for item in self._chat_item(sid, DANIEL, when, "phone number in message text", "07700 900123"):
            self.ledger.hit(JANE, "chat", item)
        when = _t(2025, 6, 3, 9, 44)
        self.message(sid, ELLIE, when, "line 4 is 07700 900124, different caller, all fine")
        self.ledger.decoy(JANE, "chat", "number one digit off", "07700 900124",
                          {"account": ELLIE.email, "space": f"spaces/{sid}", "sender": ELLIE.email})
        when = _t(2025, 6, 3, 11, 20)
        self.message(sid, AISHA, when, 'Robert "Bobby" Tables rang again about CUST-010042, escalate to Swale')
        for item in self._chat_item(sid, AISHA, when, "name with double quotes and customer number", "CUST-010042"):
            self.ledger.hit(BOBBY, "chat", item)
        self.message(sid, *plain[2])
        when = _t(2025, 6, 3, 14, 5)
        self.message(DM_ID, DANIEL, when, "can you take Jane Doe's callback at 3? I'm in training")
        for item in self._chat_item(DM_ID, DANIEL, when, "name in a direct message", "Jane Doe"):
            self.ledger.hit(JANE, "chat", item)
        self.message(DM_ID, ELLIE, _t(2025, 6, 3, 14, 7), "yes, put it in my calendar")

    # --- forms ----------------------------------------------------------------------------------------
    def form(self) -> None:
        owner, path = AISHA.email, "Forms/Web callback requests.form.json"
        body = {"description": "Website form: ask us to ring you back.",
                "questions": [{"id": "name", "title": "Your name", "kind": "text", "required": True},
                              {"id": "email", "title": "Email", "kind": "text"},
                              {"id": "phone", "title": "Phone number", "kind": "text", "required": True},
                              {"id": "topic", "title": "What is it about?", "kind": "choice",
                               "options": ["Boiler", "Appointment", "Billing", "Other"]},
                              {"id": "detail", "title": "Tell us more", "kind": "paragraph"}],
                "responses": [
                    {"id": "wcr-001", "submitted": "2025-05-30T18:12:00Z", "answers": {
                        "name": "Ahmed Rahman", "phone": "0113 496 0712", "topic": "Billing", "detail": "Invoice query"}},
                    {"id": "wcr-002", "submitted": "2025-06-02T07:55:00Z", "email": JANE.emails[0], "answers": {
                        "name": JANE.name, "email": JANE.emails[0], "phone": "07700 900123", "topic": "Boiler",
                        "detail": "Nobody came on Friday and the boiler is still not working."}},
                    {"id": "wcr-003", "submitted": "2025-06-02T09:30:00Z", "answers": {
                        "name": "Jane Smith", "phone": "07700 900124", "topic": "Appointment"}},
                    {"id": "wcr-004", "submitted": "2025-06-06T16:40:00Z", "answers": {
                        "name": "Olivia Hughes", "phone": "0113 496 0733", "topic": "Other"}}]}
        self.forms.append(DriveFile(owner, path, (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode(),
                                    dt.datetime(2025, 6, 6, 17, 0)))
        self.ledger.hit(JANE, "forms", {"account": owner, "form": "Web callback requests",
                                        "path": "Forms/Web callback requests", "response": "wcr-002",
                                        "response_id": response_id(owner, "Web callback requests", "wcr-002"),
                                        "respondent": JANE.emails[0], "how": "name, email and phone in answers",
                                        "evidence": "07700 900123"})
        self.ledger.decoy(JANE, "forms", "same first name, number one digit off", "07700 900124",
                          {"account": owner, "form": "Web callback requests", "response": "wcr-003",
                           "response_id": response_id(owner, "Web callback requests", "wcr-003")})

    def all(self) -> "SourcePlanter":
        self.calendar()
        self.contacts()
        self.chat_spaces()
        self.form()
        return self


def _write(path: Path, data: bytes, stamp: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (stamp, stamp))


def write_sources(root: Path, planter: SourcePlanter, stamp: float) -> None:
    """Calendar, Contacts and Chat folders (forms are Drive files, written with the Drive)."""
    for (account, name), evs in sorted(planter.calendars.items()):
        _write(root / account / "Calendar" / f"{name}.ics", ics(name, evs), stamp)
    for (account, label), cards in sorted(planter.cards.items()):
        _write(root / account / "Contacts" / label / f"{label}.vcf", "".join(cards).encode("utf-8"), stamp)
    for sid, space in sorted(planter.chat.items()):
        folder = ("Space " if space["name"] else "DM ") + sid
        info = {"members": [{"name": m.name, "email": m.email, "user_type": "Human",
                             **({"role": "manager"} if i == 0 and space["name"] else {})}
                            for i, m in enumerate(space["members"])]}
        if space["name"]:
            info = {"name": space["name"], **info}
        for m in space["members"]:  # Takeout gives every member their own copy
            base = root / m.email / "Google Chat" / "Groups" / folder
            _write(base / "group_info.json", (json.dumps(info, indent=2, ensure_ascii=False) + "\n").encode(), stamp)
            _write(base / "messages.json", (json.dumps({"messages": space["messages"]}, indent=2,
                                                       ensure_ascii=False) + "\n").encode(), stamp)


__all__ = ["DOMAIN", "SourceLedger", "SourcePlanter", "write_sources"]
