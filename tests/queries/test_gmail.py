"""Gmail queries: wide enough for the written variants, and no subject string can change their meaning."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from addon.queries import gmail
from addon.subjects import Subject, make_subject
from addon.subjects.normalise import strip_marks, tokens, word_tokens

from .grammar import gmail_phrases, lex_gmail, phrase_finds
from .hostile import EXAMPLES, hostile

SUBJECT = make_subject(["Zoë O'Brien-Smith", "Jane Doe"], ["jane.doe@example.com"], ["07700 900123"],
                       ["CUST-004512"])


def all_phrases(subject: Subject, **kw) -> list[str]:
    return [p for q in gmail.queries_for(subject, **kw) for p in gmail_phrases(q, kw.get("in_anywhere", True))]


def found(text: str, subject: Subject = SUBJECT) -> bool:
    return any(phrase_finds(p, text) for p in all_phrases(subject))


def test_query_shape():
    (q,) = gmail.queries_for(make_subject(["Jane Doe"], identifiers=["CUST-004512"]))
    assert q == 'in:anywhere {"Jane Doe" "Doe Jane" "CUST 004512"}'
    (q,) = gmail.queries_for(make_subject(["Jane Doe"]), in_anywhere=False)
    assert q == '{"Jane Doe" "Doe Jane"}'


@pytest.mark.parametrize("text", [
    "Hello Jane Doe", "DOE, Jane", "DOE Jane", "From: Jane Doe <jd@x.org>", "Zoë O'Brien-Smith", "Zoe O’Brien-Smith",
    "O'BRIEN-SMITH, Zoë", "jane.doe@example.com", "To: JANE.DOE@EXAMPLE.COM", "ref CUST-004512", "cust 004512",
    "+44 7700 900123", "07700 900123", "07700900123", "+44 (0)7700 900123", "447700900123", "0044 7700 900123",
    "07700-900-123", "+447700900123", "07700 900 123", "0770 090 0123", "+44 7700 900 123",
])
def test_net_is_wide_enough_for_written_variants(text):
    assert found(text), text


@pytest.mark.parametrize("text", ["Jane Smith", "Zoe Smith", "07700 900124", "CUST 004513", "jane.roe@example.com"])
def test_net_does_not_find_unrelated_text(text):
    assert not found(text)


def test_no_clause_for_a_name_without_letters_or_digits():
    assert gmail.queries_for(Subject(names=("'-'",))) == []
    assert gmail.phrase_for("***") is None
    assert gmail.phrase_for("O'Brien") == '"O Brien"'


def test_underscore_variant_is_included():
    phrases = all_phrases(make_subject(["A B"], identifiers=["CUST_004512"]))
    assert "CUST 004512" in phrases and "CUST_004512" in phrases


def test_long_subjects_are_split_under_the_limit():
    names = [f"Person{i} Surname{i}" for i in range(80)]
    subject = make_subject(names, phones=["07700 900123"], identifiers=[f"ID-{i}" for i in range(30)])
    qs = gmail.queries_for(subject, max_len=300)
    assert len(qs) > 5
    assert all(len(q) <= 300 for q in qs)
    assert [p for q in qs for p in gmail_phrases(q)] == [p.strip('"') for p in gmail.clauses(subject)]
    assert all(len(q) <= gmail.MAX_QUERY_LEN for q in gmail.queries_for(subject))


def _allowed_tokens(*strings: str) -> set[str]:
    out: set[str] = set()
    for s in strings:
        for form in (s, strip_marks(s)):
            out.update(t.casefold() for t in tokens(form) + word_tokens(form))
    return out


@pytest.mark.parametrize("s", EXAMPLES)
def test_hostile_examples_stay_phrases(s):
    _check_hostile(s, s)


@settings(max_examples=150, deadline=None)
@given(hostile, hostile)
def test_property_hostile_strings_never_become_operators(name, ident):
    _check_hostile(name, ident)


def _check_hostile(name: str, ident: str) -> None:
    subject = Subject(names=(name,), emails=(ident,), identifiers=(ident,))
    queries = gmail.queries_for(subject)
    phrases = [p for q in queries for p in gmail_phrases(q)]  # asserts the shape: only phrases inside { }
    allowed = _allowed_tokens(name, ident)
    for p in phrases:
        assert {t.casefold() for t in p.split()} <= allowed, (p, name, ident)
    if tokens(name):
        assert " ".join(tokens(name)) in phrases  # the name as written is searched for
    if not tokens(name) and not tokens(ident):
        assert queries == []


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=30))
def test_property_phrase_for_is_one_phrase_of_the_tokens(s):
    p = gmail.phrase_for(s)
    if not tokens(s):
        assert p is None
    else:
        assert lex_gmail(p) == [("phrase", " ".join(tokens(s)))]
