"""The subject found in Calendar, Contacts, Chat and Forms is exported in their own forms (.ics, .vcf, Chat
JSON + HTML, Forms CSV) and, where Google allows it, erased: the event cancelled or the subject taken off
the guest list, the contact deleted, the Chat messages deleted as their senders; "Other contacts" and Forms
responses are left for deletion by hand, with a link. The sandbox's own state is checked afterwards."""
from __future__ import annotations

import csv
import io
import json
import zipfile

import icalendar
import vobject
from googleapiclient.errors import HttpError

from addon.erasure.approve import approve_plan
from addon.erasure.execute import run_erasure
from addon.erasure.planner import plan_erasure
from addon.export.package import build_package
from addon.search.service import run_search
from scopes.model import CALENDAR_EVENTS_OWNED_READONLY, CHAT_MESSAGES_READONLY, CONTACTS_READONLY

from .conftest import AGENT, DPO, LEAD, SUBJECT


def _zip(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_access_package_holds_each_source_in_its_own_form(company):
    services = company.services()
    ref = company.open_case(services, "access")
    run_search(services, ref, AGENT, accounts=[AGENT, LEAD])
    result = build_package(services, ref, AGENT, include_undecided=True)
    files = _zip(result.path)

    ics = [n for n in files if n.startswith("calendar/") and n.endswith(".ics")]
    assert len(ics) == 2
    summaries = set()
    for n in ics:
        cal = icalendar.Calendar.from_ical(files[n])
        for ev in cal.walk("VEVENT"):
            summaries.add(str(ev["summary"]))
    assert summaries == {"Callback: Jane Doe about CUST-004512", "Quarterly account review"}

    vcfs = [n for n in files if n.startswith("contacts/") and n.endswith(".vcf")]
    cards = [vobject.readOne(files[n].decode("utf-8")) for n in vcfs]
    assert sorted(c.fn.value for c in cards) == ["J. Doe", "Jane Doe"]
    assert all(c.email.value == SUBJECT["email"] for c in cards)

    jsons = [n for n in files if n.startswith("chat/") and n.endswith("messages.json")]
    htmls = [n for n in files if n.startswith("chat/") and n.endswith("messages.html")]
    assert len(jsons) == len(htmls) == 1
    texts = [m["text"] for m in json.loads(files[jsons[0]])["messages"]]
    assert sorted(texts) == sorted(["The caller on line 3, 07700 900123, is angry",
                                    "Put her through to me. Is it Jane Doe again?"])
    assert "John Doe" not in files[htmls[0]].decode("utf-8")

    forms = [n for n in files if n.startswith("forms/") and n.endswith(".csv")]
    rows = list(csv.reader(io.StringIO(files[forms[0]].decode("utf-8"))))
    assert rows[0][:4] == ["Form", "Response ID", "Submitted", "Respondent email"]
    assert len(rows) == 2 and rows[1][3] == SUBJECT["email"] and "CUST-004512" in rows[1]
    assert "Jan Dobson" not in files[forms[0]].decode("utf-8")  # the other respondent stays out

    report = files["report.html"].decode("utf-8")
    assert "Calendar events" in report and "Google Chat messages" in report and "Form responses" in report
    assert "Vault&#39;s GROUPS corpus" in report or "Vault's GROUPS corpus" in report  # coverage statement
    # stated once: the methodology ("How we searched") points at the coverage table instead of repeating it
    assert "How we searched" in report and 'href="#coverage"' in report
    assert report.count("GROUPS corpus") == 1 and report.count("Meet audit log") <= 1
    assert "accounts suspended in the directory" in report  # what only the methodology says is still said
    index = files["index.csv"].decode("utf-8")
    assert index.count("calendar/") == 2 and "contacts/" in index and "forms/" in index


def test_erasure_deletes_where_google_allows_and_leaves_the_rest_by_hand(company):
    services = company.services()
    ref = company.open_case(services, "erasure")
    items = run_search(services, ref, AGENT, accounts=[AGENT, LEAD])
    planned = plan_erasure(services, ref, AGENT)
    acts = {a["key"]: a for a in planned.plan["actions"] if a["source"] in ("calendar", "contacts", "chat", "forms")}
    by = lambda src, action: [a for a in acts.values() if a["source"] == src and a["action"] == action]  # noqa: E731
    assert len(by("calendar", "delete_event")) == 1 and len(by("calendar", "remove_attendee")) == 1
    assert len(by("contacts", "delete_contact")) == 1
    other = by("contacts", "redact_manually")
    assert len(other) == 1 and "contacts.google.com/other" in other[0]["why"]
    chat = by("chat", "delete_message")
    assert {a["account"] for a in chat} == {AGENT, LEAD}  # each deleted by its sender
    form = by("forms", "redact_manually")
    assert len(form) == 1 and "delete by hand in Forms" in form[0]["why"] and form[0]["link"].startswith(
        "https://docs.google.com/forms/d/")
    assert any(w["code"] == "manual_deletion" for w in planned.plan["warnings"])

    approve_plan(services, ref, DPO, expected=planned.sha256[:12])
    before = services.trail.size()
    result = run_erasure(services, ref, AGENT)
    outcomes = {i["key"]: i["outcome"] for i in result["items"]}
    for a in by("calendar", "delete_event") + by("contacts", "delete_contact") + chat:
        assert outcomes[a["key"]] == "deleted"
    assert outcomes[by("calendar", "remove_attendee")[0]["key"]] == "attendee_removed"
    assert outcomes[other[0]["key"]] == outcomes[form[0]["key"]] == "manual"
    assert result["status"] == "erasure_partial"

    # the sandbox's own state, read with our own clients
    cal = company.api("calendar", AGENT, [CALENDAR_EVENTS_OWNED_READONLY])
    left = cal.events().list(calendarId="primary").execute().get("items", [])
    summaries = {e.get("summary") for e in left}
    assert "Callback: Jane Doe about CUST-004512" not in summaries
    review = next(e for e in left if e.get("summary") == "Quarterly account review")
    assert SUBJECT["email"] not in {a.get("email") for a in review.get("attendees", [])}
    assert LEAD in {a.get("email") for a in review.get("attendees", [])}  # the other guests stay
    assert "Callback: John Doe and Jane Smith" in summaries  # the decoy stays
    people = company.api("people", AGENT, [CONTACTS_READONLY])
    names = {p["names"][0]["displayName"] for p in people.people().connections().list(
        resourceName="people/me", personFields="names").execute().get("connections", [])}
    assert names == {"John Doe"}
    chat_api = company.api("chat", LEAD, [CHAT_MESSAGES_READONLY])
    space = next(i["space"] for i in items if i["source"] == "chat")
    texts = [m.get("text") for m in chat_api.spaces().messages().list(parent=space).execute().get("messages", [])]
    assert texts == ["Line 4 is John Doe, 07700 900124"]
    for a in chat:
        try:
            chat_api.spaces().messages().get(name=a["message"]).execute()
            raise AssertionError("a deleted message is still there")
        except HttpError as e:
            assert e.resp.status == 404

    # the verifying re-search finds only what was left for deletion by hand
    from addon.erasure.verify import verify_erasure

    ver = verify_erasure(services, ref, AGENT)
    assert not ver["remaining"] and not ver["verified"]
    assert {m["key"] for m in ver["manual"]} == {other[0]["key"], form[0]["key"]}
    notes = {m["source"]: m["note"] for m in ver["manual"]}  # worded per source, never "the Doc"
    assert notes["contacts"].startswith("awaiting deletion by hand") and "contacts.google.com/other" in notes["contacts"]
    assert notes["forms"].startswith("awaiting deletion by hand in Forms") and form[0]["link"] in notes["forms"]
    assert not any("Doc" in n for n in notes.values())

    # each action under its own step-scoped grant, on the audit trail with its method
    recs = [r for r in services.trail.records(before) if r.get("case") == ref]
    scopes = {r["api_method"]: {s.rsplit("/", 1)[-1] for s in r["scopes"]} for r in recs}
    assert scopes["calendar.events.delete"] == {"calendar.events.owned"}
    assert scopes["calendar.events.patch"] == {"calendar.events.owned"}
    assert scopes["people.people.deleteContact"] == {"contacts"}
    assert scopes["chat.spaces.messages.delete"] == {"chat.messages"}
    deleted_as = {r["detail"].rsplit("principal=", 1)[-1] for r in recs if r["api_method"] == "chat.spaces.messages.delete"}
    assert deleted_as == {AGENT, LEAD}  # as each message's own sender
