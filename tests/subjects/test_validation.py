"""Input checks a new user meets (issue 12 item 8): phones must be numbers in use, a single letter or a single
word is not a name to search for, a day must exist. Pure functions; the CLI and the sidebar both call them."""
from __future__ import annotations

import datetime as dt

import pytest

from addon.deadlines import parse_day
from addon.errors import InputError
from addon.subjects.identifiers import DRAMA_RANGES, make_subject, normalise_phone


@pytest.mark.parametrize("typed,e164", [
    ("07712 345678", "+447712345678"),     # a mobile in an allocated range
    ("020 7946 0123", "+442079460123"),     # London (Ofcom drama range, also valid)
    ("+33 1 23 45 67 89", "+33123456789"),  # abroad, with its country code
    ("07700 900123", "+447700900123"),      # Ofcom drama mobile: the demo company's and tests' numbers
    ("01632 960123", "+441632960123"),      # Ofcom drama area code
])
def test_numbers_in_use_and_drama_numbers_are_accepted(typed, e164):
    assert normalise_phone(typed) == e164


@pytest.mark.parametrize("typed,understood", [
    ("12345", "read as +44 12345, a United Kingdom number with 5 digits after +44"),
    ("0771234567", "read as +44 771234567, a United Kingdom number with 9 digits"),   # a mobile one digit short
    ("07700 90012", "9 digits after +44"),                                           # a drama mobile one short
    ("077009001234", "11 digits after +44"),                                         # and one too long
    ("0100 000 0000", "no number in use there starts like that"),                    # right length, no such range
])
def test_numbers_not_in_use_are_refused_showing_how_they_were_read(typed, understood):
    with pytest.raises(InputError) as e:
        normalise_phone(typed)
    assert e.value.field == "--phone" and understood in str(e.value)
    assert str(e.value).startswith(f"--phone: {typed!r} is not a valid phone number")


def test_drama_ranges_need_their_full_length():
    for prefix in DRAMA_RANGES:
        national = "0" + prefix[3:]
        assert normalise_phone(national + "123") == prefix + "123"
        with pytest.raises(InputError):
            normalise_phone(national + "12")


def test_a_single_letter_is_never_a_name():
    for name in ("x", "J", " J. ", "é"):
        with pytest.raises(InputError, match="single letter"):
            make_subject([name], emails=["a@example.com"], identifiers=["CUST-1"])


def test_a_single_word_needs_another_identifier_and_is_not_a_search_name():
    with pytest.raises(InputError) as e:
        make_subject(["Jane"])
    assert e.value.field == "--name" and "other people" in str(e.value) and "--email" in str(e.value)
    with pytest.raises(InputError, match="single word"):
        make_subject(["Jane Doe", "Jane"])  # a full name does not make a lone word safe to search
    for other in ({"emails": ["j@example.com"]}, {"phones": ["07712 345678"]}, {"identifiers": ["CUST-1"]}):
        s = make_subject(["O'Connor", "Siobhán O'Connor"], **other)
        assert s.names == ("Siobhán O'Connor",) and s.partial_names == ("O'Connor",)
        assert s.display_name == "Siobhán O'Connor"
    assert make_subject(["Ashworth-Brown"], identifiers=["CUST-1"]).display_name == "Ashworth-Brown"


def test_the_demo_companys_subjects_still_open():
    from sandbox.democompany.subjects import SUBJECTS

    for s in SUBJECTS:
        subject = make_subject(s.names[:1], s.emails, s.phones, s.identifiers)
        assert subject.names == tuple(s.names[:1]) and subject.partial_names == ()


@pytest.mark.parametrize("typed,message", [
    ("2026-02-30", "2026-02-30 is not a real date: February 2026 has 28 days"),
    ("2028-02-30", "February 2028 has 29 days"),
    ("2026-13-01", "there is no month 13"),
    ("2026-04-31", "April 2026 has 30 days"),
    ("02/03/2026", "is not a date in YYYY-MM-DD form"),
    ("20260302", "is not a date in YYYY-MM-DD form"),
])
def test_days_must_exist(typed, message):
    with pytest.raises(InputError) as e:
        parse_day("--received", typed, today=dt.date(2030, 1, 1))
    assert e.value.field == "--received" and message in str(e.value)


def test_future_days_are_refused_unless_allowed():
    today = dt.date(2026, 3, 2)
    assert parse_day("--received", "2026-03-02", today=today) == today
    with pytest.raises(InputError, match="in the future"):
        parse_day("--received", "2026-03-03", today=today)
    assert parse_day("--until", "2026-03-03", today=today, future=True) == dt.date(2026, 3, 3)
