"""Sheet rows by content: fingerprints, assignment of planned rows after a re-sort, bottom-up deletion."""
from __future__ import annotations

from hypothesis import given, strategies as st

from addon.erasure.rows import (assign, column, delete_requests, locate, matching_rows, redact_data, row_sha256,
                                unexpected_loss)
from addon.subjects.identifiers import make_subject
from addon.subjects.matching import Matcher


def test_fingerprint_ignores_trailing_blanks_but_not_inner_ones():
    assert row_sha256(["a", "b", "", ""]) == row_sha256(["a", "b"])
    assert row_sha256(["a", "", "b"]) != row_sha256(["a", "b"])
    assert row_sha256(["ab", "c"]) != row_sha256(["a", "bc"])


def test_assign_follows_content_after_a_sort():
    before = [["name", "phone"], ["Jane Doe", "1"], ["Ann", "2"], ["Jane Doe", "1"], ["Bob", "3"]]
    after = [before[0], before[4], before[2], before[1], before[3]]  # sorted differently
    wanted = [("k1", row_sha256(before[1])), ("k2", row_sha256(before[3]))]
    placed = assign(wanted, locate(after))
    assert sorted(placed.values()) == [4, 5]
    assert assign([("k", row_sha256(["gone"]))], locate(after)) == {"k": None}


def test_delete_requests_go_bottom_up_once_each():
    reqs = delete_requests(7, [3, 10, 5, 10])
    starts = [r["deleteDimension"]["range"]["startIndex"] for r in reqs]
    assert starts == [9, 4, 2]
    assert all(r["deleteDimension"]["range"]["sheetId"] == 7 for r in reqs)


@given(st.lists(st.integers(1, 40), min_size=1, max_size=15, unique=True), st.integers(41, 60))
def test_bottom_up_deletion_removes_exactly_the_rows(rows, height):
    sheet = [[f"r{i}"] for i in range(1, height + 1)]
    for r in delete_requests(0, rows):
        rng = r["deleteDimension"]["range"]
        del sheet[rng["startIndex"]:rng["endIndex"]]
    assert [c[0] for c in sheet] == [f"r{i}" for i in range(1, height + 1) if i not in rows]


def test_columns_and_redaction_ranges():
    assert [column(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    assert redact_data("Jane's tab", 4, [2, 0]) == [
        {"range": "'Jane''s tab'!A4", "values": [[""]]}, {"range": "'Jane''s tab'!C4", "values": [[""]]}]


def test_unexpected_loss_spots_a_wrong_row_going():
    before = [["h"], ["a"], ["b"], ["c"]]
    assert unexpected_loss(before, [["h"], ["a"], ["c"]], [3]) == 0
    assert unexpected_loss(before, [["h"], ["a"]], [3]) == 1


def test_matching_rows_uses_the_search_matcher_and_reports_columns():
    m = Matcher(make_subject(("Jane Doe",), ("jane.doe@example.com",), (), ()))
    rows = [["First name", "Last name", "Email"], ["Jane", "Doe", "x@y.z"], ["Ann", "Lee", "jane.doe@example.com"],
            ["Jane", "Smith", ""]]
    got = matching_rows(rows, m)
    assert [(r.row, r.cells) for r in got] == [(2, (0, 1)), (3, (2,))]
    assert got[0].sha256 == row_sha256(rows[1])
