"""Drive queries: escaped literals, only contains-clauses, wide enough for the written variants."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from addon.queries import drive
from addon.subjects import Subject, make_subject
from addon.subjects.normalise import tokens

from .grammar import drive_tree, lex_drive, tree_finds
from .test_gmail import _allowed_tokens, _fold
from .hostile import EXAMPLES, hostile

SUBJECT = make_subject(["Zoë O'Brien-Smith", "Jane Doe"], ["jane.doe@example.com"], ["07700 900123"],
                       ["CUST-004512"])


def terms(subject: Subject) -> list[str]:
    return [t for q in drive.queries_for(subject) for alt in drive_tree(q) for grp in alt for t in grp]


def found(text: str, subject: Subject) -> bool:
    return any(tree_finds(drive_tree(q), text) for q in drive.queries_for(subject))


def test_query_shape():
    (q,) = drive.queries_for(make_subject(["Ann Li"], identifiers=["X1"]))
    assert q.startswith("((fullText contains 'Ann' or ") and " and (fullText contains 'Li' or " in q
    assert q.endswith(") or fullText contains 'X1' or fullText contains '\"X 1\"'")
    assert "trashed" not in q  # trashed files are still held
    assert drive_tree(q)[-2:] == [[["X1"]], [["X 1"]]]


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


@pytest.mark.parametrize("text", [
    "Hello Jane Doe", "DOE, Jane", "Zoe O’Brien-Smith", "jane.doe@example.com", "CUST-004512", "+44 7700 900123",
    "07700 900123", "07700900123", "+44 (0)7700 900123", "447700900123", "0044 7700 900123", "07700-900-123",
    "+447700 900 123", "7700900123", "Jane M. Doe", "Zoe OBrien-Smith letter.txt", "CUST004512",
])
def test_net_is_wide_enough_for_written_variants(text):
    assert found(text, SUBJECT), text


@pytest.mark.parametrize("text", ["Jane Smith", "07700 900124", "CUST 0045120", "jane.roe@example.com"])
def test_net_does_not_find_unrelated_text(text):
    assert not found(text, SUBJECT), text


def test_long_subjects_are_split_under_the_limit():
    subject = make_subject([f"Person{i} Surname{i}" for i in range(60)], phones=["07700 900123"])
    qs = drive.queries_for(subject, max_len=400)
    assert len(qs) > 5 and all(len(q) <= 400 for q in qs)
    assert [t for q in qs for a in drive_tree(q) for g in a for t in g] == [
        t for x in drive.clauses(subject, 400) for a in drive_tree(x) for g in a for t in g]


def _check_hostile(name: str, ident: str) -> None:
    subject = Subject(names=(name,), emails=(ident,), identifiers=(ident,))
    allowed = _allowed_tokens(name, ident)
    queries = drive.queries_for(subject)
    for q in queries:  # asserts the shape: only `fullText contains 'literal'` in and/or groups
        for alt in drive_tree(q):
            for grp in alt:
                for value in grp:
                    assert all(w and _fold(w) in allowed for w in value.split(" ")), (value, name, ident)
    if tokens(name):  # the name as written is found
        assert any(tree_finds(drive_tree(q), name) for q in queries), name


@pytest.mark.parametrize("s", EXAMPLES)
def test_hostile_examples_stay_literals(s):
    _check_hostile(s, s)


@settings(max_examples=150, deadline=None)
@given(hostile, hostile)
def test_property_hostile_strings_never_become_operators(name, ident):
    _check_hostile(name, ident)
