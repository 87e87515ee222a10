"""The pure parts: which sources are on, the coverage statement, Calendar queries, scopes per step, the
renderers (.ics, .vcf, Chat HTML, Forms CSV) and the erasure plan's actions."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import icalendar
import pytest
import vobject

from addon.config import Settings
from addon.erasure.workspace import plan_action
from addon.errors import ConfigError
from addon.export.workspace import chat_html, event_ics, forms_csv, person_vcf
from addon.search.calendar import calendar_queries
from addon.search.coverage import coverage_statement, enabled_sources
from addon.subjects.identifiers import make_subject
from scopes import registry


def _settings(**extra) -> Settings:
    return Settings(home=Path("/nonexistent"), extra=extra)


def test_sources_default_to_the_core_three_and_name_a_bad_one(monkeypatch):
    monkeypatch.delenv("DSAR_SOURCES", raising=False)
    assert enabled_sources(_settings()) == ("gmail", "drive", "sheets")
    assert enabled_sources(_settings(sources=["gmail", "chat", "calendar"])) == ("gmail", "drive", "sheets", "calendar", "chat")
    monkeypatch.setenv("DSAR_SOURCES", "forms, Contacts")
    assert enabled_sources(_settings()) == ("gmail", "drive", "sheets", "contacts", "forms")
    monkeypatch.setenv("DSAR_SOURCES", "calendar,vault")
    with pytest.raises(ConfigError, match="DSAR_SOURCES: unknown source 'vault'"):
        enabled_sources(_settings())


def test_coverage_statement_says_searched_off_and_unreachable_with_advice(monkeypatch):
    monkeypatch.setenv("DSAR_SOURCES", "chat")
    st = {e["source"]: e for e in coverage_statement(_settings())}
    assert st["chat"]["status"] == st["gmail"]["status"] == "searched" and not st["chat"]["advice"]
    assert st["calendar"]["status"] == "off" and "CALENDAR corpus" in st["calendar"]["advice"]
    assert st["contacts"]["status"] == "off" and "Vault does not cover Contacts" in st["contacts"]["advice"]
    for s in ("groups", "sites", "voice", "meet", "keep"):
        assert st[s]["status"] == "unreachable" and st[s]["advice"]
    assert "GROUPS corpus" in st["groups"]["advice"]
    # what a job actually searched wins over today's settings
    assert {e["source"] for e in coverage_statement(_settings(), searched=("gmail", "forms")) if e["status"] == "searched"} \
        == {"gmail", "drive", "sheets", "forms"}


def test_calendar_queries_are_quoted_tokens_or_a_full_listing():
    s = make_subject(names=['Jane "OR" Doe'], emails=["jane.doe@example.com"], identifiers=["CUST-004512"])
    qs = calendar_queries(s)
    assert qs and all(q.count('"') % 2 == 0 and "OR" not in q.replace('"OR"', "") for q in qs)
    assert '"jane doe example com"' in qs and '"CUST004512"' in qs
    assert calendar_queries(make_subject(names=["Jane Doe"], phones=["07700 900123"])) is None


def test_optional_scopes_only_when_enabled_and_in_the_manifest():
    from scopes.manifest import deployment_scopes

    core = set(registry.scopes_for_step("search"))
    assert not {s for s in core if "/calendar" in s or "/contacts" in s or "/chat." in s or "/forms." in s}
    cal = set(registry.scopes_for_step("search", sources=["calendar"])) - core
    assert {s.rsplit("/", 1)[1] for s in cal} == {"calendar.calendarlist.readonly", "calendar.events.owned.readonly"}
    erase = {s.rsplit("/", 1)[1] for s in set(registry.scopes_for_step("erase", sources=["chat", "contacts"]))
             - set(registry.scopes_for_step("erase"))}
    assert erase == {"chat.messages", "contacts"}
    declared = {s.rsplit("/", 1)[1] for s in deployment_scopes()}
    assert {"chat.messages.readonly", "forms.responses.readonly", "contacts.other.readonly",
            "calendar.events.owned"} <= declared
    assert registry.consistency_problems() == []


def test_renderers_round_trip_through_their_readers():
    ev = {"id": "e1", "iCalUID": "u1@google.com", "summary": "Callback, Jane; line 3", "status": "confirmed",
          "start": {"date": "2026-11-02"}, "end": {"date": "2026-11-03"},
          "attendees": [{"email": "jane.doe@example.com", "displayName": "Jane Doe", "responseStatus": "accepted"}]}
    got = icalendar.Calendar.from_ical(event_ics([ev])).walk("VEVENT")[0]
    assert str(got["summary"]) == "Callback, Jane; line 3" and str(got["uid"]) == "u1@google.com"
    person = {"resourceName": "people/c1", "names": [{"displayName": "Jane Doe", "givenName": "Jane", "familyName": "Doe"}],
              "emailAddresses": [{"value": "jane.doe@example.com"}],
              "biographies": [{"value": "Rang twice; angry, wants a call\nback " + "é" * 60}]}
    card = vobject.readOne(person_vcf(person).decode("utf-8"))
    assert card.fn.value == "Jane Doe" and card.note.value.startswith("Rang twice; angry, wants a call\nback é")
    page = chat_html("<b>Team</b>", [{"text": "<script>x</script>", "createTime": "2026-11-02T09:00:00Z",
                                     "sender": {"name": "users/1"}}], {"users/1": "sam@x.test"}).decode()
    assert "<script>" not in page and "&lt;script&gt;" in page and "&lt;b&gt;Team" in page
    rows = list(csv.reader(io.StringIO(forms_csv("F", {"q1": "Name"}, [
        {"responseId": "r1", "answers": {"q1": {"textAnswers": {"answers": [{"value": "=1+1"}]}}}}]).decode())))
    assert rows == [["Form", "Response ID", "Submitted", "Respondent email", "Name"], ["F", "r1", "", "", "'=1+1"]]


def test_plan_actions_follow_what_google_allows():
    me = "sam@x.test"
    guest = {"source": "calendar", "account": me, "calendar_id": me, "event_id": "e1", "organizer": me,
             "subject_attendees": ["jane@example.com"], "matched": [{"kind": "email", "part": "attendee"}]}
    assert plan_action(guest)["action"] == "remove_attendee"
    colleague = plan_action({**guest, "organizer": "boss@x.test"})  # only the organiser edits the guest list
    assert colleague["action"] == "remove_attendee" and colleague["account"] == "boss@x.test"
    assert plan_action({**guest, "organizer": "them@elsewhere.example"})["action"] == "delete_event"  # our copy
    assert plan_action({**guest, "matched": [{"kind": "name", "part": "title"}]})["action"] == "delete_event"
    other = plan_action({"source": "contacts", "account": me, "resource_name": "otherContacts/c1", "kind": "other_contact"})
    assert other["action"] == "redact_manually" and "contacts.google.com/other" in other["why"]
    msg = {"source": "chat", "account": me, "space": "spaces/A", "message": "spaces/A/messages/B",
           "sender_email": "pat@x.test", "sender_type": "HUMAN"}
    assert plan_action(msg)["action"] == "delete_message" and plan_action(msg)["account"] == "pat@x.test"
    assert plan_action({**msg, "sender_email": ""})["action"] == "redact_manually"
    form = plan_action({"source": "forms", "account": me, "form_id": "F1", "response_id": "R1"})
    assert form["action"] == "redact_manually" and form["link"] == "https://docs.google.com/forms/d/F1/edit#responses"


def test_queued_search_fans_the_enabled_sources_out_too():
    from addon.scale.fanout import unit_keys

    state = {"accounts": ["a@x.test", "b@x.test"], "shared_drives": {"d1": {}}, "sources": ["chat", "forms"]}
    assert unit_keys(state) == ["gmail:a@x.test", "drive:a@x.test", "gmail:b@x.test", "drive:b@x.test", "shared:d1",
                                "chat:a@x.test", "chat:b@x.test", "forms:organisation"]
    assert unit_keys({**state, "sources": []})[-1] == "shared:d1"  # a job from before these sources


def test_by_hand_items_are_worded_per_source():
    from addon.erasure.workspace import awaiting_note, awaiting_summary

    assert awaiting_note({"source": "drive"}) == "awaiting manual redaction (the Doc still mentions the subject)"
    assert "Other contact" in awaiting_note({"source": "contacts"})
    assert "sender or a space manager" in awaiting_note({"source": "chat"})
    assert awaiting_note({"source": "forms", "form_id": "F1"}).endswith("docs.google.com/forms/d/F1/edit#responses)")
    got = awaiting_summary([{"source": "drive"}, {"source": "forms"}, {"source": "forms"}, {"source": "chat"}])
    assert got == ("1 Doc awaiting manual redaction, 2 Forms responses awaiting deletion by hand, "
                   "1 Chat message awaiting deletion by its sender")
