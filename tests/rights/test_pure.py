"""The rights modules' pure parts: finding and fixing a wrong value, marks added once and lifted exactly,
suppression hashing input and the marketing policy's errors."""
from __future__ import annotations

import pytest

from addon.errors import InputError
from addon.rights import marks, suppression_list as sl
from addon.rights.corrections import fix_text, kind_of, parse
from addon.rights.errors import PolicyError
from addon.rights.marketing_policy import parse as parse_policy
from addon.rights.rectify_plan import expected_row, sheet_entries
from addon.subjects.identifiers import Subject
from addon.subjects.matching import Matcher


def test_wrong_phone_found_however_written_and_replaced_whole():
    [c] = parse([{"field": "phone", "wrong": "07700 900999", "correct": "07700 900123"}])
    assert c.kind == "phone"
    assert fix_text("+44 7700 900999", c) == "07700 900123"  # the cell is the wrong value: becomes the correct one
    assert fix_text("call 07700-900-999 after 5", c) == "call 07700 900123 after 5"
    assert fix_text("07700 900998", c) is None  # one digit off: another number


def test_malformed_wrong_values_are_matched_as_text():
    [c] = parse([{"field": "any", "wrong": "07700 90099", "correct": "07700 900999"}])  # a digit short
    assert c.kind == "text" and fix_text("Tel 07700 90099", c) == "Tel 07700 900999"
    assert kind_of("any", "jane@example.com") == "email" and kind_of("postcode", "LS28 7TH") == "text"
    [p] = parse([{"field": "postcode", "wrong": "LS28 7TH", "correct": "LS28 7TJ"}])
    assert fix_text("4 Mill Lane, LS28 7THX", p) is None  # not the whole token
    assert fix_text("4 Mill Lane, ls28 7th.", p) == "4 Mill Lane, LS28 7TJ."


def test_sheet_rows_about_someone_else_are_reviewed_not_changed():
    cs = parse([{"field": "postcode", "wrong": "LS28 7TH", "correct": "LS28 7TJ"}])
    rows = [["Customer no", "First name", "Last name", "Postcode"], ["CUST-1", "Jane", "Doe", "LS28 7TH"],
            ["CUST-2", "Sam", "Hill", "LS28 7TH"], ["CUST-3", "Jane", "Doe", "=1+1"]]
    actions, review = sheet_entries({"file_id": "F", "account": "a@x"}, "T", rows, cs,
                                    Matcher(Subject(names=("Jane Doe",))))
    assert [a["row"] for a in actions] == [2] and [r["row"] for r in review] == [3]
    assert actions[0]["cells"] == [{"col": 3, "a1": "D2", "before": "LS28 7TH", "after": "LS28 7TJ", "corrections": [0]}]
    assert expected_row(rows[1], actions[0]["cells"]) == ["CUST-1", "Jane", "Doe", "LS28 7TJ"]


def test_marks_are_added_once_and_lifted_exactly():
    ref = "DSAR-2026-0007"
    d = marks.marked_description(ref, "Staff text")
    assert d == "[DSAR restricted DSAR-2026-0007] Staff text" and marks.marked_description(ref, d) is None
    assert marks.unmarked_description(ref, d) == "Staff text" and marks.unmarked_description(ref, "Staff text") is None
    assert marks.marked_property(ref, "DSAR-2026-0003") == "DSAR-2026-0003,DSAR-2026-0007"
    assert marks.unmarked_property(ref, "DSAR-2026-0003,DSAR-2026-0007") == (True, "DSAR-2026-0003")
    assert marks.unmarked_property(ref, ref) == (True, None)
    n = marks.marked_note(ref, "called twice")
    assert marks.marked_note(ref, n) is None and marks.unmarked_note(ref, n) == "called twice"
    assert marks.unmarked_note(ref, marks.marked_note(ref, None)) == ""
    assert marks.unmarked_note(ref, "called twice") is None


def test_suppression_identifiers_normalise_one_way():
    assert sl.normalise("Jane.Doe@Example.COM") == ("email", "jane.doe@example.com")
    assert sl.normalise("07700 900123") == sl.normalise("+44 7700 900123") == ("phone", "+447700900123")
    with pytest.raises(InputError, match="EMAIL|PHONE"):
        sl.normalise("not a thing")
    assert sl.has_plaintext([["jane@x.org"]]) and sl.has_plaintext([["+447700900123"]])
    assert not sl.has_plaintext([["ab" * 32, "email", "2026-12-07", "DSAR-2026-0001"]])


def test_marketing_policy_errors_name_the_list_and_key():
    ok = parse_policy('[[list]]\nspreadsheet="S"\ntab="T"\nowner="A@x.org"\naction="flag"\nflag_column="DNC"\n', "m.toml")
    assert ok[0].owner == "a@x.org" and ok[0].action == "flag"
    with pytest.raises(PolicyError, match=r"m.toml: \[\[list\]\] #1: action 'delete'"):
        parse_policy('[[list]]\nspreadsheet="S"\ntab="T"\nowner="a@x"\naction="delete"\n', "m.toml")
    with pytest.raises(PolicyError, match="needs flag_column"):
        parse_policy('[[list]]\nspreadsheet="S"\ntab="T"\nowner="a@x"\naction="flag"\n', "m.toml")
