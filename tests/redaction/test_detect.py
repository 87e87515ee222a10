"""Detection on hand-written text: each rule of addon/redaction/detect.py, and the requester never hidden."""
from __future__ import annotations

import pytest

from addon.redaction import Part, Person, directory_people, header_people, propose, requester_filter
from addon.redaction.detect import Detector
from addon.redaction.model import redaction_id
from addon.subjects.identifiers import make_subject

JANE = make_subject(["Jane Doe"], ["jane.doe@example.com"], ["07700 900123"], ["CUST-004512"])
STAFF = directory_people([
    {"primaryEmail": "ellie.marsh@northwind-calls.test", "name": {"fullName": "Ellie Marsh"}},
    {"primaryEmail": "tom.reeves@northwind-calls.test", "aliases": ["tom@northwind-calls.test"],
     "name": {"givenName": "Tom", "familyName": "Reeves"}},
])


def hidden(text: str, people=STAFF, subject=JANE) -> list[tuple[str, str]]:
    return [(kind, text[a:b]) for a, b, kind in Detector(subject).spans(text, requester_filter(people, subject))]


def test_directory_names_and_addresses_in_their_written_forms():
    text = ("Ellie Marsh took the call; MARSH Ellie logged it. Marsh, Ellie (ellie.marsh@northwind-calls.test) "
            "and Tom M. Reeves <tom@northwind-calls.test>. Thanks, Ellie. Mr Reeves agreed.")
    got = hidden(text)
    assert ("directory", "Ellie Marsh") in got and ("directory", "MARSH Ellie") in got
    assert ("directory", "Marsh, Ellie") in got and ("directory", "ellie.marsh@northwind-calls.test") in got
    assert ("directory", "Tom M. Reeves") in got and ("directory", "tom@northwind-calls.test") in got
    assert ("directory", "Ellie") in got and ("directory", "Mr Reeves") in got


def test_any_email_and_phone_number_is_hidden_but_not_dates_amounts_or_references():
    text = ("Ring 07700 900555, +44 20 7946 0999, 0113 496 0000 or +33 1 23 45 67 89; CLI=447700900777. "
            "Write to someone@example.org. On 2025-06-11 we refunded GBP 65.00, order 12345678.")
    got = hidden(text)
    assert [k for k, _ in got] == ["phone"] * 5 + ["email"]
    assert ("email", "someone@example.org") in got and ("phone", "447700900777") in got


def test_the_requester_is_never_hidden_in_any_form():
    text = ("Jane Doe (jane.doe@example.com, 07700 900123, +44 (0)7700 900123, 447700900123, CUST-004512) — "
            "DOE Jane, Doe, Jane, Jane M. Doe, Dear Ms Doe, Jane.")
    people = STAFF + [Person("Jane Doe", ("jane.doe@example.com",)), Person("Peter Doe", ("p@example.net",)),
                      Person("Jane Smith", ())]
    assert hidden(text, people) == []


def test_look_alikes_of_the_requester_are_other_people():
    got = hidden("jane.doe2@example.com and 07700 900124 wrote", STAFF)
    assert got == [("email", "jane.doe2@example.com"), ("phone", "07700 900124")]


def test_header_people_and_quoted_reply_headers():
    people = header_people({"From": ["Ellie Marsh <ellie.marsh@northwind-calls.test>"],
                            "To": ["Jane Doe <jane.doe@example.com>"],
                            "Cc": ['"Wright, Oliver" <o.wright@example.net>, =?utf-8?q?Zo=C3=AB_Kay?= <zk@x.test>'],
                            "Reply-To": ["noreply@telephony.example"]},
                           "On Mon, 2 Jun 2025 at 09:14, Neil Hargreaves <neil@hargreaves.example> wrote:\n"
                           "> From: Carol Whitaker <carol@pennine.example>\n")
    names = {p.name for p in requester_filter(people, JANE)}
    assert names == {"Ellie Marsh", "Oliver Wright", "Zoë Kay", "Neil Hargreaves", "Carol Whitaker", ""}
    assert "Jane Doe" not in names  # the requester, found by her address, is not a third party
    got = hidden("Oliver said Neil Hargreaves and Mrs Whitaker will ring Zoe Kay.", people)
    assert [t for _, t in got] == ["Oliver", "Neil Hargreaves", "Mrs Whitaker", "Zoe Kay"]


def test_a_role_address_is_hidden_but_its_display_name_is_not_a_person():
    people = header_people({"From": ["Account Security <security@verify-login.example>"]})
    assert people == [Person("", ("security@verify-login.example",), "header")]


def test_a_single_word_of_the_requesters_name_is_never_hidden():
    people = [Person("Jane Smith", ("js@example.net",)), Person("Peter Doe", ("pd@example.net",))]
    got = hidden("Jane rang; Mr Doe too. Jane Smith and Peter Doe were cc'd. Peter.", people)
    assert [t for _, t in got] == ["Jane Smith", "Peter Doe", "Peter"]


def test_ids_are_stable_and_hold_no_text():
    parts = [Part("header:From", "Ellie Marsh <ellie.marsh@northwind-calls.test>"), Part("body", "Call 07700 900555")]
    a = propose("gmail:x:1", parts, JANE, STAFF)
    b = propose("gmail:x:1", parts, JANE, STAFF)
    assert a == b and [r.kind for r in a] == ["directory", "directory", "phone"]
    assert [r.id for r in a[:2]] == [redaction_id("gmail:x:1", "directory", n) for n in (0, 1)] and len(a[0].id) == 16
    assert all("Ellie" not in r.id and "0770" not in r.id for r in a)
    assert propose("gmail:x:2", parts, JANE, STAFF)[0].id != a[0].id


@pytest.mark.parametrize("text", ["", "nothing to see here", "call me at 9 or 12"])
def test_text_without_other_people_gives_nothing(text):
    assert hidden(text) == []
