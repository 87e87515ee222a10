"""Gmail queries: wide enough for the written variants, and no subject string can change their meaning."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from addon.queries import gmail
from addon.subjects import Subject, make_subject
from addon.subjects.forms import identifier_parts, word_parts
from addon.subjects.normalise import strip_marks, tokens, word_tokens

from .grammar import gmail_phrases, gmail_tree, lex_gmail, tree_finds
from .hostile import EXAMPLES, hostile

SUBJECT = make_subject(["Zoë O'Brien-Smith", "Jane Doe"], ["jane.doe@example.com"], ["07700 900123"],
                       ["CUST-004512"])


def all_phrases(subject: Subject, **kw) -> list[str]:
    return [p for q in gmail.queries_for(subject, **kw) for p in gmail_phrases(q, kw.get("in_anywhere", True))]


def found(text: str, subject: Subject = SUBJECT) -> bool:
    return any(tree_finds(gmail_tree(q), text) for q in gmail.queries_for(subject))


def test_query_shape():
    (q,) = gmail.queries_for(make_subject(["Ann Li"], identifiers=["CUST-004512"]))
    tree = gmail_tree(q)
    assert tree[0][0][:2] == ["Ann", "Ann"] or tree[0][0][0] == "Ann"  # one group per unit of the name
    assert len(tree[0]) == 2 and "Li" in tree[0][1] and "Lí" in tree[0][1]  # diacritics the text may add
    assert [["CUST 004512"]] in tree and [["CUST004512"]] in tree
    assert q.startswith('in:anywhere {({"Ann" ') and q.endswith('"CUST 004512" "CUST004512"}')
    (q,) = gmail.queries_for(make_subject(["Ann Li"]), in_anywhere=False)
    assert q.startswith('{({"Ann"')


@pytest.mark.parametrize("text", [
    "Hello Jane Doe", "DOE, Jane", "DOE Jane", "From: Jane Doe <jd@x.org>", "Zoë O'Brien-Smith", "Zoe O’Brien-Smith",
    "O'BRIEN-SMITH, Zoë", "jane.doe@example.com", "To: JANE.DOE@EXAMPLE.COM", "ref CUST-004512", "cust 004512",
    "+44 7700 900123", "07700 900123", "07700900123", "+44 (0)7700 900123", "447700900123", "0044 7700 900123",
    "07700-900-123", "+447700900123", "07700 900 123", "0770 090 0123", "+44 7700 900 123",
    # issue 13: other groupings, word orders, joiners and the forms a spreadsheet makes
    "+447700 900 123", "+44 (0) 77 00 90 01 23", "(07700) 900123", "7700900123", "7700900123.0", "07700.900.123",
    "Jane M. Doe", "Jane Mary Doe", "JANE DOE", "Zoe OBrien Smith", "O Brien-Smith, Zoë", "Zoë OBrienSmith",
    "cust004512", "CUST_004512", "Mail JANE.DOE@EXAMPLE.COM",
])
def test_net_is_wide_enough_for_written_variants(text):
    assert found(text), text


@pytest.mark.parametrize("text", ["Jane Smith", "Zoe Smith", "07700 900124", "CUST 004513", "jane.roe@example.com",
                                  "CUST 0045120", "07700 900 124"])
def test_net_does_not_find_unrelated_text(text):
    assert not found(text)


def test_no_clause_for_a_name_without_letters_or_digits():
    assert gmail.queries_for(Subject(names=("'-'",))) == []
    assert gmail.phrase_for("***") is None
    assert gmail.phrase_for("O'Brien") == '"O Brien"'


def test_underscore_variant_is_included():
    phrases = all_phrases(make_subject(["A B"], identifiers=["CUST_004512"]))
    assert "CUST 004512" in phrases and "CUST_004512" in phrases and "CUST004512" in phrases


def test_diacritics_either_side():
    assert found("Siobhán O'Connor", make_subject(["Siobhan O'Connor"]))  # typed without, written with
    assert found("Siobhan OConnor", make_subject(["Siobhán O'Connor"]))  # typed with, written without
    assert found("Renée Doe", make_subject(["Renee Doe"]))  # two marks in one word


def test_long_subjects_are_split_under_the_limit():
    names = [f"Person{i} Surname{i}" for i in range(80)]
    subject = make_subject(names, phones=["07700 900123"], identifiers=[f"ID-{i}" for i in range(30)])
    qs = gmail.queries_for(subject, max_len=300)
    assert len(qs) > 5
    assert all(len(q) <= 300 for q in qs)
    assert [p for q in qs for p in gmail_phrases(q)] == [p for c in gmail.clauses(subject, 300)
                                                         for p in gmail_phrases("{" + c + "}", anywhere=False)]
    assert all(len(q) <= gmail.MAX_QUERY_LEN for q in gmail.queries_for(subject))


def _fold(t: str) -> str:
    return strip_marks(t).casefold()


def _allowed_tokens(*strings: str) -> set[str]:
    """Folded tokens of the strings, and runs of adjacent ones written together (``O Brien`` as ``OBrien``)."""
    out: set[str] = set()
    for s in strings:
        for form in (s, strip_marks(s)):
            parts = [t for w in form.split() for p in word_parts(w) for t in tokens(p)]
            for toks in (tokens(form), word_tokens(form), identifier_parts(form), parts):
                f = [_fold(t) for t in toks]
                out.update("".join(f[i:j]) for i in range(len(f)) for j in range(i + 1, len(f) + 1))
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
    phrases = [p for q in queries for p in gmail_phrases(q)]  # asserts the shape: phrases, { } and ( ) only
    allowed = _allowed_tokens(name, ident)
    for p in phrases:
        assert {_fold(t) for t in p.split()} <= allowed, (p, name, ident)
    if tokens(name):  # the name as written is found
        assert any(tree_finds(gmail_tree(q), name) for q in queries), name
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
