"""The Drive ``q`` parser and the text index, without HTTP."""
from __future__ import annotations

import pytest

from sandbox.drive.query import And, Cond, Not, Or, QueryError, normalise_time, parse
from sandbox.drive.textindex import TextIndex, tokens


def test_terms_and_operators() -> None:
    assert parse("name contains 'Smith'") == Cond("name", "contains", "Smith")
    assert parse("trashed = false") == Cond("trashed", "=", False)
    assert parse("'abc' in parents") == Cond("parents", "in", "abc")
    assert parse('parents in "abc"') == Cond("parents", "in", "abc")  # the form gspread writes
    assert parse("mimeType != 'application/vnd.google-apps.folder'") == Cond(
        "mimeType", "!=", "application/vnd.google-apps.folder")
    assert parse("modifiedTime > '2024-01-02T03:04:05+01:00'") == Cond("modifiedTime", ">", "2024-01-02T02:04:05.000Z")


def test_precedence_and_grouping() -> None:
    q = parse("name contains 'a' or name contains 'b' and not trashed = true")
    assert q == Or((Cond("name", "contains", "a"),
                    And((Cond("name", "contains", "b"), Not(Cond("trashed", "=", True))))))
    q = parse("(name contains 'a' or name contains 'b') and starred = true")
    assert isinstance(q, And) and isinstance(q.items[0], Or)
    assert parse("NAME contains 'x'".replace("NAME", "name") + " AND trashed = false") == And(
        (Cond("name", "contains", "x"), Cond("trashed", "=", False)))


def test_string_escapes_single_and_double_quotes() -> None:
    assert parse(r"fullText contains 'O\'Brien'") == Cond("fullText", "contains", "O'Brien")
    assert parse(r"name = 'quinn\'s paper\\essay'") == Cond("name", "=", "quinn's paper\\essay")
    assert parse('name = "Please don\'t"') == Cond("name", "=", "Please don't")
    assert parse(r'name = "say \"hi\""') == Cond("name", "=", 'say "hi"')
    # a quote inside the value can never end the literal and widen the query
    assert parse(r"fullText contains 'x\' or name contains \'y'") == Cond("fullText", "contains", "x' or name contains 'y")


@pytest.mark.parametrize("q", [
    "name contains", "name contains 'x", "fullText = 'x'", "bogus = 'x'", "name contains 'a' and", "(name = 'a'",
    "trashed = 'yes'", "name = true", "modifiedTime > 'yesterday'", "name contains 'a' name contains 'b'",
    "'x' in", "not", "name ~ 'a'",
])
def test_malformed_queries_are_refused(q: str) -> None:
    with pytest.raises(QueryError):
        parse(q)


def test_empty_query_means_everything() -> None:
    assert parse("") is None and parse("   ") is None


def test_times_normalise_to_utc_milliseconds() -> None:
    assert normalise_time("2012-06-04T12:00:00-08:00") == "2012-06-04T20:00:00.000Z"
    assert normalise_time("2012-06-04") == "2012-06-04T00:00:00.000Z"
    assert normalise_time("2012-06-04T12:00:00.5Z") == "2012-06-04T12:00:00.500Z"


def test_tokens_are_letter_digit_runs() -> None:
    assert tokens("Hello_world O'Brien café-42") == ["hello", "world", "o", "brien", "café", "42"]


def test_index_phrase_and_prefix() -> None:
    idx = TextIndex()
    idx.put("a", "HelloWorld notes", ["Call with Mary O'Brien", "about the boiler"])
    idx.put("b", "Hello World", ["O'Brien Mary"])
    assert idx.phrase(["mary", "o", "brien"]) == {"a"}
    assert idx.phrase(["o", "brien"]) == {"a", "b"}
    assert idx.phrase(["brien", "about"]) == set()  # never across two text blocks
    assert idx.phrase(["helloworld"]) == {"a"} and idx.phrase(["hello"]) == {"b"}
    assert idx.name_prefix(["hello"]) == {"a", "b"}
    assert idx.name_prefix(["world"]) == {"b"}  # prefix of a token, not a substring
    assert idx.name_prefix(["wor", "hel"]) == {"b"}
    idx.remove("b")
    assert idx.phrase(["o", "brien"]) == {"a"} and idx.name_prefix(["world"]) == set()
