"""Calendar, Contacts, Chat and Forms searched end to end against the sandbox: the planted subject is found
in each (with evidence), the decoys are not, every call is audited with its method and scopes, the scopes
are the narrowest per method, and a source switched off is neither searched nor asked for."""
from __future__ import annotations

from addon.search.service import run_search

from .conftest import AGENT, LEAD, SUBJECT

NEW = ("calendar", "contacts", "chat", "forms")


def _records(services) -> list:
    return list(services.trail.records())


def _by(items, source):
    return [i for i in items if i["source"] == source]


def test_subject_found_in_every_new_source_and_decoys_left(company):
    services = company.services()
    ref = company.open_case(services, "access")
    items = run_search(services, ref, AGENT, accounts=[AGENT, LEAD])

    events = _by(items, "calendar")
    assert {e["summary"] for e in events} == {"Callback: Jane Doe about CUST-004512", "Quarterly account review"}
    review = next(e for e in events if e["summary"] == "Quarterly account review")
    assert review["subject_attendees"] == [SUBJECT["email"]]
    assert [m["part"] for m in review["matched"]] == ["attendee"]
    callback = next(e for e in events if e["summary"].startswith("Callback"))
    assert {(m["kind"], m["part"]) for m in callback["matched"]} >= {("name", "title"), ("identifier", "title"),
                                                                     ("phone", "description")}
    assert all(e["account"] == AGENT and e["calendar_id"] and e["event_id"] for e in events)

    contacts = _by(items, "contacts")
    assert sorted(c["kind"] for c in contacts) == ["contact", "other_contact"]
    assert all(c["account"] == AGENT for c in contacts)
    assert {c["name"] for c in contacts} == {"Jane Doe", "J. Doe"}  # John Doe and Janet Dough left alone

    chat = _by(items, "chat")
    assert len(chat) == 2  # the line-3 message and "Is it Jane Doe again?"; John Doe's line is not hers
    assert {c["sender_email"] for c in chat} == {AGENT, LEAD}
    assert len({c["message"] for c in chat}) == 2  # seen by both members' units, kept once each
    assert all(m["part"] == "message" for c in chat for m in c["matched"])

    forms = _by(items, "forms")
    assert len(forms) == 1
    f = forms[0]
    assert f["account"] == AGENT and f["form_title"] == "Web enquiry form" and f["respondent_email"] == SUBJECT["email"]
    assert set(f["questions"]) == {"Your name", "Customer number"}
    assert {m["part"] for m in f["matched"]} == {"answer", "respondent"}


def test_every_call_is_audited_with_method_and_narrowest_scope(company):
    services = company.services()
    ref = company.open_case(services, "access")
    run_search(services, ref, AGENT, accounts=[AGENT, LEAD])
    recs = [r for r in _records(services) if r.get("case") == ref and r["api_method"].split(".")[0] in
            ("calendar", "people", "chat", "forms")]
    methods = {r["api_method"] for r in recs}
    assert {"calendar.calendarList.list", "calendar.events.list", "people.people.connections.list",
            "people.otherContacts.list", "chat.spaces.list", "chat.spaces.messages.list", "forms.forms.get",
            "forms.forms.responses.list"} <= methods
    short = {m: {s.rsplit("/", 1)[-1] for r in recs if r["api_method"] == m for s in r["scopes"]} for m in methods}
    assert short["calendar.events.list"] == {"calendar.events.owned.readonly", "calendar.calendarlist.readonly"}
    assert short["chat.spaces.messages.list"] == {"chat.spaces.readonly", "chat.messages.readonly"}
    assert short["forms.forms.responses.list"] == {"forms.body.readonly", "forms.responses.readonly"}
    assert short["people.otherContacts.list"] == {"contacts.readonly", "contacts.other.readonly"}
    assert all(r["outcome"] == "ok" for r in recs), [r for r in recs if r["outcome"] != "ok"][:2]
    # every call the sandbox served for these APIs has its audit record
    served = [e for e in company.log() if (e.get("api_method") or "").split(".")[0] in ("calendar", "people", "chat", "forms")]
    assert len(served) == len(recs) > 0


def test_switched_off_source_is_not_searched_nor_asked_for(company, monkeypatch):
    monkeypatch.setenv("DSAR_SOURCES", "calendar")
    services = company.services()
    ref = company.open_case(services, "access")
    items = run_search(services, ref, AGENT, accounts=[AGENT, LEAD])
    assert {i["source"] for i in items} & set(NEW) == {"calendar"}
    recs = [r for r in _records(services) if r.get("case") == ref]
    apis = {r["api_method"].split(".")[0] for r in recs}
    assert "calendar" in apis and not apis & {"people", "chat", "forms"}
    granted = {s.rsplit("/", 1)[-1] for r in recs for s in r["scopes"]}
    assert not {s for s in granted if s.startswith(("contacts", "chat.", "forms."))}
