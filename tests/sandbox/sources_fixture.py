"""A small Takeout-style fixture with Calendar, Contacts, Chat and Forms for the issue-17 sandbox tests, and a
client builder pointed at the sandbox exactly as addon/clients.py points the product's clients."""
from __future__ import annotations

import json
from pathlib import Path

from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build_from_document
from googleapiclient.discovery_cache import get_static_doc

from tests.conftest import mint_token

DOMAIN = "acme.test"
ANA, BEN, ROOT = f"ana@{DOMAIN}", f"ben@{DOMAIN}", f"root@{DOMAIN}"
AUTH = "https://www.googleapis.com/auth/"

PRIMARY_ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Google Inc//Google Calendar 70.9054//EN
X-WR-CALNAME:ana@acme.test
X-WR-TIMEZONE:Europe/London
BEGIN:VEVENT
UID:callback1@google.com
DTSTART:20250603T090000Z
DTEND:20250603T093000Z
SUMMARY:Callback: boiler
DESCRIPTION:Ring Jane back on 07700 900123 about the missed visit.
LOCATION:Phone
ORGANIZER;CN=Ana Agent:mailto:ana@acme.test
ATTENDEE;CN=Jane Doe;PARTSTAT=ACCEPTED:mailto:jane.doe@example.com
ATTENDEE;CN=Ana Agent;PARTSTAT=ACCEPTED:mailto:ana@acme.test
CREATED:20250601T120000Z
LAST-MODIFIED:20250602T120000Z
END:VEVENT
BEGIN:VEVENT
UID:decoy1@google.com
DTSTART;TZID=Europe/London:20250604T100000
DTEND;TZID=Europe/London:20250604T110000
SUMMARY:Callback: Jane Smith
DESCRIPTION:Number 07700 900124
END:VEVENT
BEGIN:VEVENT
UID:standup@google.com
DTSTART;TZID=Europe/London:20250602T093000
DTEND;TZID=Europe/London:20250602T094500
RRULE:FREQ=WEEKLY;COUNT=4;BYDAY=MO
SUMMARY:Team stand-up
END:VEVENT
BEGIN:VEVENT
UID:standup@google.com
RECURRENCE-ID;TZID=Europe/London:20250609T093000
DTSTART;TZID=Europe/London:20250609T093000
DTEND;TZID=Europe/London:20250609T094500
STATUS:CANCELLED
SUMMARY:Team stand-up
END:VEVENT
BEGIN:VEVENT
UID:holiday@google.com
DTSTART;VALUE=DATE:20250825
DTEND;VALUE=DATE:20250826
SUMMARY:Bank holiday
END:VEVENT
END:VCALENDAR
"""

ROTA_ICS = """BEGIN:VCALENDAR
VERSION:2.0
X-WR-CALNAME:Rota
BEGIN:VEVENT
UID:rota1
DTSTART:20250605T080000Z
DTEND:20250605T160000Z
SUMMARY:Early shift
END:VEVENT
END:VCALENDAR
"""

MY_CONTACTS = """BEGIN:VCARD
VERSION:3.0
FN:Jane Doe
N:Doe;Jane;;;
EMAIL;TYPE=INTERNET;TYPE=HOME:jane.doe@example.com
TEL;TYPE=CELL:07700 900123
ORG:Hargreaves Plumbing
NOTE:Customer since 2024
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Jane Smith
N:Smith;Jane;;;
TEL;TYPE=CELL:07700 900124
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Peter Doe
N:Doe;Peter;;;
EMAIL:peter.doe@example.com
END:VCARD
"""

OTHER_CONTACTS = """BEGIN:VCARD
VERSION:3.0
FN:Jane Doe
EMAIL:jane.doe@example.com
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:
EMAIL:jane.doe2@example.com
END:VCARD
"""


def chat_messages(*msgs: tuple[str, str, str]) -> dict:
    return {"messages": [{"creator": {"name": who.split("@")[0].title(), "email": who, "user_type": "Human"},
                          "created_date": when, "text": text, "topic_id": "t1", "message_id": f"m{i}"}
                         for i, (who, when, text) in enumerate(msgs)]}


def write(root: Path) -> Path:
    (root / "workspace.json").write_text(json.dumps({"domain": DOMAIN, "users": [
        {"email": ANA, "name": "Ana Agent"}, {"email": BEN, "name": "Ben Boss"},
        {"email": ROOT, "name": "Rosa Root", "admin": True}]}))
    cal = root / ANA / "Calendar"
    cal.mkdir(parents=True)
    (cal / f"{ANA}.ics").write_text(PRIMARY_ICS)
    (cal / "Rota.ics").write_text(ROTA_ICS)
    (cal / "broken.ics").write_text("this is not a calendar")
    for label, text in (("My Contacts", MY_CONTACTS), ("Starred", MY_CONTACTS.split("END:VCARD")[0] + "END:VCARD\n"),
                        ("Other Contacts", OTHER_CONTACTS)):
        d = root / ANA / "Contacts" / label
        d.mkdir(parents=True)
        (d / f"{label}.vcf").write_text(text)
    for who in (ANA, BEN):  # both members export the same space
        space = root / who / "Google Chat" / "Groups" / "Space AAAAcallfloor"
        space.mkdir(parents=True)
        (space / "group_info.json").write_text(json.dumps({"name": "Call floor", "members": [
            {"name": "Ana Agent", "email": ANA, "user_type": "Human", "role": "manager"},
            {"name": "Ben Boss", "email": BEN, "user_type": "Human"}]}))
        (space / "messages.json").write_text(json.dumps(chat_messages(
            (ANA, "Tuesday, 3 June 2025 at 10:15:02 UTC", "the caller on line 3, 07700 900123, is angry"),
            (BEN, "Tuesday, 3 June 2025 at 10:16:40 UTC", "I'll call her back"),
            (ANA, "2025-06-04T09:00:00Z", "line 2 is 07700 900124, a different caller"))))
    dm = root / BEN / "Google Chat" / "Groups" / "DM xyz123"
    dm.mkdir(parents=True)
    (dm / "group_info.json").write_text(json.dumps({"members": [{"name": "Ben Boss", "email": BEN},
                                                                {"name": "Rosa Root", "email": ROOT}]}))
    (dm / "messages.json").write_text("{not json")
    forms = root / ANA / "Drive" / "Forms"
    forms.mkdir(parents=True)
    (forms / "Callback request.form.json").write_text(json.dumps({
        "description": "Ask us to ring you back",
        "questions": [{"id": "name", "title": "Your name", "kind": "text", "required": True},
                      {"id": "phone", "title": "Phone", "kind": "text"},
                      {"id": "why", "title": "Reason", "kind": "choice", "options": ["Boiler", "Other"]}],
        "responses": [{"id": "r1", "submitted": "2025-06-02T08:00:00Z", "email": "jane.doe@example.com",
                       "answers": {"name": "Jane Doe", "phone": "07700 900123", "why": "Boiler"}},
                      {"id": "r2", "submitted": "2025-06-05T08:00:00Z",
                       "answers": {"name": "Jane Smith", "phone": "07700 900124", "why": ["Other"]}}]}))
    (forms / "Broken.form.json").write_text(json.dumps({"questions": [{"id": "a"}]}))
    return root


def client(server, api: str, version: str, email: str, scopes: list[str]):
    doc = json.loads(get_static_doc(api, version))
    doc["rootUrl"] = server.url + "/"
    doc.pop("mtlsRootUrl", None)
    token = mint_token(server, email, [s if s.startswith("http") else AUTH + s for s in scopes])
    return build_from_document(doc, credentials=Credentials(token=token))
