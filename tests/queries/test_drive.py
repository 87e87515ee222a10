"""Drive queries: escaped literals, only contains-clauses, wide enough for the written variants."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from addon.queries import drive
from addon.subjects import Subject, make_subject
from addon.subjects.normalise import strip_marks, tokens, word_tokens

from .grammar import drive_clauses, lex_drive, phrase_finds
from .hostile import EXAMPLES, hostile

SUBJECT = make_subject(["Zoë O'Brien-Smith", "Jane Doe"], ["jane.doe@example.com"], ["07700 900123"],
                       ["CUST-004512"])


def clauses(subject: Subject) -> list[tuple[str, str]]:
    return [c for q in drive.queries_for(subject) for c in drive_clauses(q)]


def test_query_shape():
    (q,) = drive.queries_for(make_subject(["Jane Doe"], identifiers=["X1"]))
    assert q == ("fullText contains '\"Jane Doe\"' or name contains 'Jane Doe' or "
                 "fullText contains '\"Doe Jane\"' or name contains 'Doe Jane' or "
                 "fullText contains 'X1' or name contains 'X1'")
    assert "trashed" not in q  # trashed files are still held


@pytest.mark.parametrize("value,expected", [
    ("Valentine's Day", r"'Valentine\'s Day'"),
    ("quinn's paper\\essay", r"'quinn\'s paper\\essay'"),  # the example in Google's search-files guide
    ("\\'", r"'\\\''"),
])
def test_literal_escapes_backslash_then_quote(value, expected):
    assert drive.literal(value) == expected


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40) | hostile)
def test_property_literal_round_trips(s):
    assert lex_drive("name contains " + drive.literal(s)) == [("word", "name"), ("word", "contains"), ("string", s)]


def _fulltext_phrases(subject: Subject) -> list[str]:
    return [v.strip('"') for f, v in clauses(subject) if f == "fullText"]


@pytest.mark.parametrize("text", [
    "Hello Jane Doe", "DOE, Jane", "Zoe O’Brien-Smith", "jane.doe@example.com", "CUST-004512", "+44 7700 900123",
    "07700 900123", "07700900123", "+44 (0)7700 900123", "447700900123", "0044 7700 900123", "07700-900-123",
])
def test_net_is_wide_enough_for_written_variants(text):
    assert any(phrase_finds(p, text) for p in _fulltext_phrases(SUBJECT)), text


def test_long_subjects_are_split_under_the_limit():
    subject = make_subject([f"Person{i} Surname{i}" for i in range(60)], phones=["07700 900123"])
    qs = drive.queries_for(subject, max_len=400)
    assert len(qs) > 5 and all(len(q) <= 400 for q in qs)
    assert [c for q in qs for c in drive_clauses(q)] == [c for x in drive.clauses(subject) for c in drive_clauses(x)]


def _check_hostile(name: str, ident: str) -> None:
    subject = Subject(names=(name,), emails=(ident,), identifiers=(ident,))
    allowed: set[str] = set()
    for s in (name, ident):
        for form in (s, strip_marks(s)):
            allowed.update(t.casefold() for t in tokens(form) + word_tokens(form))
    got = clauses(subject)  # asserts the shape: only `field contains 'literal'` joined by `or`
    for field, value in got:
        words = value[1:-1].split(" ") if value.startswith('"') else value.split(" ")
        if value.startswith('"'):
            assert value.endswith('"') and len(words) > 1
        assert all(w and w.casefold() in allowed for w in words), (value, name, ident)
    if tokens(name):
        assert ("name", " ".join(tokens(name))) in got


@pytest.mark.parametrize("s", EXAMPLES)
def test_hostile_examples_stay_literals(s):
    _check_hostile(s, s)


@settings(max_examples=150, deadline=None)
@given(hostile, hostile)
def test_property_hostile_strings_never_become_operators(name, ident):
    _check_hostile(name, ident)
