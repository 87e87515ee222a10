"""A small call-handling company in the sandbox with a subject planted in a calendar event, a contact, an
"other contact", Chat messages and a Forms response, and decoys beside each (Takeout layout, sandbox/README.md)."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from addon.config import Settings
from addon.services import Services, open_services
from tests.conftest import data_folder
from tests.user_clients import UserClients

DOMAIN = "northwind-calls.test"
AGENT = f"sam.agent@{DOMAIN}"
LEAD = f"pat.lead@{DOMAIN}"
DPO = f"dpo@{DOMAIN}"
ADMIN = f"it@{DOMAIN}"
SUBJECT = {"name": "Jane Doe", "email": "jane.doe@example.com", "phone": "07700 900123", "id": "CUST-004512"}

ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Google Inc//Google Calendar 70.9054//EN
X-WR-CALNAME:{me}
X-WR-TIMEZONE:Europe/London
BEGIN:VEVENT
UID:callback-jane@google.com
DTSTART:20261102T093000Z
DTEND:20261102T100000Z
SUMMARY:Callback: Jane Doe about CUST-004512
DESCRIPTION:She asked for a call back on 07700 900123.
ORGANIZER;CN=Sam Agent:mailto:{me}
ATTENDEE;CN=Sam Agent;PARTSTAT=ACCEPTED:mailto:{me}
END:VEVENT
BEGIN:VEVENT
UID:review-meeting@google.com
DTSTART:20261103T140000Z
DTEND:20261103T143000Z
SUMMARY:Quarterly account review
ORGANIZER;CN=Sam Agent:mailto:{me}
ATTENDEE;CN=Sam Agent;PARTSTAT=ACCEPTED:mailto:{me}
ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:jane.doe@example.com
ATTENDEE;CN=Pat Lead;PARTSTAT=ACCEPTED:mailto:{lead}
END:VEVENT
BEGIN:VEVENT
UID:decoy-john@google.com
DTSTART:20261104T110000Z
DTEND:20261104T113000Z
SUMMARY:Callback: John Doe and Jane Smith
DESCRIPTION:Ring 07700 900124 (CUST-004513).
ORGANIZER;CN=Sam Agent:mailto:{me}
END:VEVENT
END:VCALENDAR
"""

VCF_MINE = """BEGIN:VCARD
VERSION:3.0
FN:Jane Doe
N:Doe;Jane;;;
EMAIL;TYPE=INTERNET:jane.doe@example.com
TEL;TYPE=CELL:07700 900123
NOTE:Customer CUST-004512
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:John Doe
N:Doe;John;;;
EMAIL;TYPE=INTERNET:john.doe@example.com
TEL;TYPE=CELL:07700 900124
END:VCARD
"""

VCF_OTHER = """BEGIN:VCARD
VERSION:3.0
FN:J. Doe
EMAIL;TYPE=INTERNET:jane.doe@example.com
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Janet Dough
EMAIL;TYPE=INTERNET:janet.dough@example.org
END:VCARD
"""


def _chat(me: str, lead: str) -> tuple[dict, dict]:
    info = {"name": "Floor 2 team", "members": [{"name": "Sam Agent", "email": me, "user_type": "Human"},
                                                 {"name": "Pat Lead", "email": lead, "user_type": "Human"}]}
    msgs = {"messages": [
        {"creator": {"name": "Sam Agent", "email": me, "user_type": "Human"},
         "created_date": "Monday, 2 November 2026 at 09:41:02 UTC", "text": "The caller on line 3, 07700 900123, is angry"},
        {"creator": {"name": "Pat Lead", "email": lead, "user_type": "Human"},
         "created_date": "Monday, 2 November 2026 at 09:42:10 UTC", "text": "Put her through to me. Is it Jane Doe again?"},
        {"creator": {"name": "Pat Lead", "email": lead, "user_type": "Human"},
         "created_date": "Monday, 2 November 2026 at 09:43:00 UTC", "text": "Line 4 is John Doe, 07700 900124"},
    ]}
    return info, msgs


FORM = {  # the sandbox's form fixture (sandbox/forms/loader.py)
    "title": "Web enquiry form",
    "questions": [{"id": "q1", "title": "Your name", "kind": "text"},
                  {"id": "q2", "title": "Customer number", "kind": "text"},
                  {"id": "q3", "title": "Message", "kind": "paragraph"}],
    "responses": [
        {"id": "r1", "email": "jane.doe@example.com", "submitted": "2026-10-30T08:00:00Z",
         "answers": {"q1": "Jane Doe", "q2": "CUST-004512", "q3": "Please call me back"}},
        {"id": "r2", "email": "someone@example.org", "submitted": "2026-10-30T09:00:00Z",
         "answers": {"q1": "Jan Dobson", "q2": "CUST-004599", "q3": "=HYPERLINK(\"x\")"}},
    ],
}


def write_fixture(root: Path) -> Path:
    users = [{"email": AGENT, "name": "Sam Agent"}, {"email": LEAD, "name": "Pat Lead"},
             {"email": DPO, "name": "Dee Pio"}, {"email": ADMIN, "name": "IT Admin", "admin": True}]
    root.mkdir(parents=True, exist_ok=True)
    (root / "workspace.json").write_text(json.dumps({"domain": DOMAIN, "users": users}), encoding="utf-8")
    home = root / AGENT
    (home / "Calendar").mkdir(parents=True)
    (home / "Calendar" / f"{AGENT}.ics").write_text(ICS.format(me=AGENT, lead=LEAD).replace("\n", "\r\n"),
                                                    encoding="utf-8")
    for label, text in (("My Contacts", VCF_MINE), ("Other Contacts", VCF_OTHER)):
        (home / "Contacts" / label).mkdir(parents=True)
        (home / "Contacts" / label / f"{label}.vcf").write_text(text.replace("\n", "\r\n"), encoding="utf-8")
    space = home / "Google Chat" / "Groups" / "Space AAAA2222"
    space.mkdir(parents=True)
    info, msgs = _chat(AGENT, LEAD)
    (space / "group_info.json").write_text(json.dumps(info), encoding="utf-8")
    (space / "messages.json").write_text(json.dumps(msgs), encoding="utf-8")
    (home / "Drive").mkdir(parents=True)
    (home / "Drive" / "Enquiries.form.json").write_text(json.dumps(FORM), encoding="utf-8")
    for u in users:
        (root / u["email"]).mkdir(exist_ok=True)
    return root


@dataclass
class Company(UserClients):
    server: Any
    home: Path

    def services(self, actor: str = AGENT, **extra: Any) -> Services:
        return open_services(Settings(home=self.home, sandbox_url=self.server.url, actor=actor, domain=DOMAIN,
                                      admin=ADMIN, extra={"dpo": DPO, **extra}))

    def open_case(self, services: Services, kind: str) -> str:
        from addon.cli.case_cmd import open_case

        c = open_case(services, kind, [SUBJECT["name"]], [SUBJECT["email"]], [SUBJECT["phone"]], [SUBJECT["id"]],
                      dt.date.today(), AGENT)
        return c.ref


@pytest.fixture
def company(sandbox_factory, tmp_path, monkeypatch) -> Company:
    monkeypatch.setenv("DSAR_SOURCES", "calendar,contacts,chat,forms")
    monkeypatch.setenv("DSAR_DPO", DPO)
    fixture = write_fixture(tmp_path / "fixture")
    server = sandbox_factory(fixture)
    return Company(server, data_folder(tmp_path / "home"))
