"""Subject validation: every bad value is refused with a message naming the option the user filled in."""
from __future__ import annotations

import pytest

from addon.errors import DsarError, InputError
from addon.subjects import Subject, make_subject


def test_valid_subject_is_normalised():
    s = make_subject(["  Jane   Doe "], ["Jane.Doe@Example.COM"], ["07700 900123", "+44 20 7946 0000"], [" CUST-004512 "])
    assert s == Subject(("Jane Doe",), ("Jane.Doe@example.com",), ("+447700900123", "+442079460000"), ("CUST-004512",))


def test_duplicates_are_dropped_in_order():
    s = make_subject(["Jane Doe", "jane doe", "Jane Mary Doe"], ["a@x.com", "A@x.com"], ["07700 900123", "+447700900123"])
    assert s.names == ("Jane Doe", "Jane Mary Doe")
    assert s.emails == ("a@x.com",)
    assert s.phones == ("+447700900123",)


def test_single_strings_are_not_split_into_letters():
    s = make_subject("Jane Doe", "jane@x.com", "07700 900123", "CUST-1")
    assert s.names == ("Jane Doe",) and s.emails == ("jane@x.com",) and s.identifiers == ("CUST-1",)


def test_phone_region_is_used_for_national_numbers():
    assert make_subject(["A B"], phones=["(212) 555-0100"], region="US").phones == ("+12125550100",)
    assert make_subject(["A B"], phones=["+1 212 555 0100"]).phones == ("+12125550100",)


@pytest.mark.parametrize("kw,field,fragment", [
    ({"names": []}, "--name", "at least one name"),
    ({"names": ["   "]}, "--name", "empty"),
    ({"names": ["Jane\nDoe"]}, "--name", "control character"),
    ({"names": ["Jane\x00Doe"]}, "--name", "control character"),
    ({"names": ["Jane\u2028Doe"]}, "--name", "control character"),
    ({"names": ["1234"]}, "--name", "no letters"),
    ({"names": ["J" * 201]}, "--name", "201 characters"),
    ({"names": ["x"]}, "--name", "single letter"),
    ({"names": ["Jane"]}, "--name", "single word"),
    ({"emails": ["jane@"]}, "--email", "'jane@' is not a valid email address: "),
    ({"emails": ["jane doe@x.com"]}, "--email", "is not a valid email address"),
    ({"emails": ["jane@localhost"]}, "--email", "is not a valid email address"),
    ({"emails": [""]}, "--email", "empty"),
    ({"phones": ["not a number"]}, "--phone", "'not a number' is not a valid phone number"),
    ({"phones": ["07700 9001234567"]}, "--phone", "14 digits after +44, where numbers there usually have 10"),
    ({"phones": ["123"]}, "--phone", "is not a valid phone number"),
    ({"identifiers": [""]}, "--identifier", "empty"),
    ({"identifiers": ["x" * 201]}, "--identifier", "201 characters"),
    ({"identifiers": ["---"]}, "--identifier", "no letters or digits"),
    ({"identifiers": ["A\tB"]}, "--identifier", "control character"),
    ({"region": "Narnia"}, "region", "region"),
])
def test_bad_input_names_the_field(kw, field, fragment):
    args = {"names": ["Jane Doe"], **kw}
    with pytest.raises(InputError) as e:
        make_subject(**args)
    assert e.value.field == field
    assert fragment in str(e.value)
    assert str(e.value).startswith(field + ": ")
    assert isinstance(e.value, DsarError)


def test_identifier_at_the_length_limit_is_accepted():
    assert make_subject(["A B"], identifiers=["x" * 200]).identifiers == ("x" * 200,)


def test_subject_is_immutable():
    s = make_subject(["Jane Doe"])
    with pytest.raises(AttributeError):
        s.names = ("X",)  # type: ignore[misc]
