"""Written forms as data (addon.subjects.forms): every form that counts is both reached by the server-side
queries (evaluated as a token index would) and confirmed locally; the forms that do not count are neither
confirmed nor, for phones and identifiers, reached."""
from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from addon.queries import drive, gmail
from addon.subjects import Matcher, Subject, make_subject
from addon.subjects.forms import (identifier_parts, name_units, phone_token_forms, rendered_name_forms,
                                  rendered_phone_forms, spellings, word_parts)
from tests.queries.grammar import drive_tree, gmail_tree, tree_finds


def reached(subject: Subject, text: str) -> bool:
    g = any(tree_finds(gmail_tree(q), text) for q in gmail.queries_for(subject))
    d = any(tree_finds(drive_tree(q), text) for q in drive.queries_for(subject))
    assert g == d, (text, g, d)  # both indexes are asked for the same forms
    return g


def confirmed(subject: Subject, text: str, kind: str) -> list:
    return [h for h in Matcher(subject).match_text(f"Re: {text} (see notes)") if h.kind == kind]


def test_units_and_parts():
    assert name_units("Siobhán O'Connor") == [["Siobhán"], ["O", "Connor"]]
    assert name_units("Mc Donald") == [["Mc", "Donald"]] and word_parts("McDonald") == ["Mc", "Donald"]
    assert word_parts("MacDonald") == ["Mac", "Donald"] and word_parts("Mackenzie") == ["Mackenzie"]
    assert word_parts("Smith-Jones") == ["Smith", "Jones"]
    assert identifier_parts("CUST-004512") == ["CUST", "004512"]
    assert "Renée" in spellings("Renee") and "Siobhán" in spellings("Siobhan")


def test_phone_forms_are_the_trailing_runs():
    forms = phone_token_forms("+447700900461")
    assert ("900", "461") in forms and ("900461",) in forms and ("447700900461",) in forms
    assert all(sum(map(len, f)) >= 6 for f in forms)  # never a short run that would flood the candidates


given_names = st.sampled_from(["Siobhán", "Jane", "Zoë", "Renée", "Łukasz", "Seán", "Ana"])
surnames = st.sampled_from(["O'Connor", "Doe", "Smith-Jones", "Müller", "McDonald", "D'Arcy", "Ní Bhriain",
                            "Wójcik", "de la Cruz", "MacLeod"])


@settings(max_examples=60, deadline=None)
@given(given_names, surnames, st.booleans(), st.data())
def test_property_every_name_form_is_reached_and_confirmed(first, last, typed_plain, data):
    from addon.subjects.normalise import strip_marks

    typed = f"{strip_marks(first)} {strip_marks(last)}" if typed_plain else f"{first} {last}"
    subject = make_subject([typed])
    forms = rendered_name_forms(first, last)
    category = data.draw(st.sampled_from(sorted(forms)))
    text = data.draw(st.sampled_from(forms[category]))
    assert reached(subject, text), (typed, text)
    hits = confirmed(subject, text, "name")
    assert hits, (typed, text)
    assert hits[0].confidence == ("variant" if category == "middle" else "exact")


@pytest.mark.parametrize("text", ["Jane", "Doe", "J Doe", "J. Doe", "Mr Doe", "Jane Smith", "Jane and Doe",
                                  "Mary-Jane Doe", "Jane Doe-Smith"])
def test_name_near_misses_are_not_confirmed(text):
    assert not confirmed(make_subject(["Jane Doe"]), text, "name")


def test_mc_and_mac_are_different_surnames():
    subject = make_subject(["Ian McDonald"])
    for text in ["Ian McDonald", "Ian Mc Donald", "Ian MCDONALD", "McDonald, Ian"]:
        assert reached(subject, text) and confirmed(subject, text, "name"), text
    assert not confirmed(subject, "Ian MacDonald", "name")


mobiles = st.builds(lambda rest: "+447700900" + rest, st.text("0123456789", min_size=3, max_size=3))


@settings(max_examples=40, deadline=None)
@given(mobiles, st.data())
def test_property_every_phone_form_is_reached_and_confirmed(e164, data):
    subject = Subject(("A B",), phones=(e164,))
    forms = rendered_phone_forms(e164)
    category = data.draw(st.sampled_from(sorted(forms)))
    text = data.draw(st.sampled_from(forms[category]))
    assert reached(subject, text), text
    hits = confirmed(subject, text, "phone")
    assert hits, text
    bare = text.removesuffix(".0")
    assert hits[0].confidence == ("variant" if category == "spreadsheet" and bare.isdigit() else "exact")


@settings(max_examples=40, deadline=None)
@given(mobiles, st.data())
def test_property_one_digit_off_is_not_confirmed(e164, data):
    subject = Subject(("A B",), phones=(e164,))
    forms = rendered_phone_forms(e164)
    text = data.draw(st.sampled_from([t for v in forms.values() for t in v]))
    end = len(text) - 2 if text.endswith(".0") else len(text)  # the float's ".0" is not a digit of the number
    i = data.draw(st.sampled_from([k for k, c in enumerate(text[:end]) if c.isdigit()][-10:]))
    changed = text[:i] + str((int(text[i]) + data.draw(st.integers(1, 9))) % 10) + text[i + 1:]
    assert not confirmed(subject, changed, "phone"), changed


def test_scientific_notation_is_deliberately_not_a_phone():
    assert not confirmed(Subject(("A B",), phones=("+447700900461",)), "4.4770090046E+11", "phone")


@pytest.mark.parametrize("text", ["CUST-004512", "CUST 004512", "CUST004512", "cust_004512", "CUST/004512",
                                  "Ref: CUST.004512"])
def test_identifier_separators(text):
    subject = make_subject(["A B"], identifiers=["CUST-004512"])
    assert reached(subject, text) and confirmed(subject, text, "identifier"), text


@pytest.mark.parametrize("text", ["CUST-0045120", "CUST-04512", "CUST-004512-A", "XCUST-004512", "CUST 0045 12"])
def test_identifier_near_misses(text):
    assert not confirmed(make_subject(["A B"], identifiers=["CUST-004512"]), text, "identifier")


@pytest.mark.parametrize("text", ["From: \"Jane\" <JANE.DOE@EXAMPLE.COM>", "> On Mon, jane.doe@example.com wrote:",
                                  "mailto:Jane.Doe@example.com"])
def test_email_parts(text):
    subject = make_subject(["A B"], ["jane.doe@example.com"])
    assert reached(subject, text) and confirmed(subject, text, "email")


def test_example_numbers_of_every_gb_type():
    """phonenumbers' own example number for each GB type, in its own formats: all reached and confirmed."""
    for t in phonenumbers.PhoneNumberType.values():
        n = phonenumbers.example_number_for_type("GB", t)
        if n is None:
            continue
        e164 = phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164)
        subject = Subject(("A B",), phones=(e164,))
        for f in (phonenumbers.PhoneNumberFormat.NATIONAL, phonenumbers.PhoneNumberFormat.INTERNATIONAL,
                  phonenumbers.PhoneNumberFormat.E164):
            text = phonenumbers.format_number(n, f)
            assert reached(subject, text) and confirmed(subject, text, "phone"), text
