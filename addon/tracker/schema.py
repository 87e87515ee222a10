"""The tracker sheet's layout and rows, as pure data: columns, the row for a case, the batchUpdate
requests that format the sheet, and the monthly figures.

Every value we write is a string or a number and is sent with ``valueInputOption=RAW``, so nothing a
subject typed (a name like ``=HYPERLINK(...)``) can become a formula. Dates are written as date serial
numbers with a date format on the column, so the conditional formatting's ``TODAY()`` comparisons work
in Google Sheets and the DPO can sort by date.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Iterable, Union

from ..cases.lifecycle import STATUSES
from ..deadlines import DUE_SOON_DAYS

Cell = Union[str, int, float]

TITLE = "DSAR tracker"
TRACKER_TAB = "Tracker"
MONTHLY_TAB = "Monthly"
#: Per-type columns (issue 15): the identity step of every case, then one column per right that has facts of
#: its own. Trackers made before them lack these; the writer fills them where the header has them.
TYPE_COLUMNS: tuple[str, ...] = ("Identity", "Corrections", "Restriction", "Objection", "Suppressed")
COLUMNS: tuple[str, ...] = (
    "Ref", "Type", "Subject", "Received", "Clock start", "Due", "Extended due", "Status", "Assignee",
    "Items found (Gmail)", "Items found (Drive)", "Items found (Sheets)", "Action", "Closed", *TYPE_COLUMNS, "Notes",
)
#: Columns the tool writes; everything else (Notes, any column a DPO adds) belongs to people.
OWNED: tuple[str, ...] = COLUMNS[:-1]
#: Owned columns an older tracker's header may lack (written only where present).
OPTIONAL: frozenset[str] = frozenset(TYPE_COLUMNS)
DATE_COLUMNS = frozenset({"Received", "Clock start", "Due", "Extended due", "Closed"})
#: Statuses in which the subject has had the answer (or the request has ended): no longer overdue.
ANSWERED = ("responded", "erased", "verified", "closed", "refused", "withdrawn",
            # issue 15's rights: the action the subject asked for is taken (or decided) and they are told
            "rectified", "restricted", "lifted", "objection_upheld", "objection_rejected",
            "suppressed")
#: The monthly tab counts requests received per type too, in this order (the case types' names as people say them).
TYPE_LABELS = {"access": "Access", "erasure": "Erasure", "rectification": "Rectification",
               "restriction": "Restriction", "objection": "Objection", "marketing_optout": "Marketing opt-out"}
MONTHLY_COLUMNS = ("Month received", "Received", "Responded", "Responded on time", "Responded on time %",
                   "Overdue now", "Extensions", *TYPE_LABELS.values())
EPOCH = dt.date(1899, 12, 30)  # Sheets' date serial 0
MAX_CELL = 50_000  # Google Sheets' limit on characters in one cell


def serial(day: dt.date | None) -> Cell:
    """A date as the number Sheets stores (blank when there is no date)."""
    return "" if day is None else (day - EPOCH).days


def from_serial(value: object) -> dt.date | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return EPOCH + dt.timedelta(days=int(value))
    return None


def col_letter(index: int) -> str:
    """0-based column index -> A1 letters."""
    out, n = "", index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def quote_tab(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def text(value: object) -> str:
    """Any value as a plain string a cell can hold (never None, never over the cell limit)."""
    s = "" if value is None else str(value)
    return s if len(s) <= MAX_CELL else s[: MAX_CELL - 1] + "…"


@dataclass(frozen=True)
class RowFacts:
    """What the row of one case shows; gathered by the writer, turned into cells here."""

    ref: str
    type: str
    subject: str | None  # None once the identifiers were shredded
    received: dt.date
    clock_start: dt.date
    due: dt.date
    extended_due: dt.date
    extended: bool
    status: str
    assignee: str
    counts: dict[str, int] | None  # None when results are unreadable (shredded)
    closed: dt.date | None = None
    paused_since: dt.date | None = None
    exported: bool = False
    history: tuple[dict, ...] = field(default_factory=tuple)
    identity: str = ""  # "verified (document)", "waived", "requested 2026-03-02", or "" before the step
    details: dict = field(default_factory=dict)  # the case's sealed details ({} once shredded)
    estimate: str = ""  # the last 'dsar search REF --estimate' (counts and ETA; addon/search/estimate.py)


def type_cells(f: RowFacts) -> dict[str, Cell]:
    """The per-type columns: what a DPO needs at a glance, never the values themselves (a wrong address or the
    grounds of a decision stay in the sealed case; the tracker says which fields and which decision)."""
    corrections = f.details.get("corrections") or []
    decision = (f.details.get("decision") or {}).get("outcome", "")
    return {
        "Identity": text(f.identity),
        "Corrections": (f"{len(corrections)}: " + ", ".join(sorted({c['field'] for c in corrections})))
        if f.type == "rectification" and corrections else "",
        "Restriction": (f.details.get("reason", "") + {"restricted": "; restricted", "lifted": "; lifted"}
                        .get(f.status, "")) if f.type == "restriction" else "",
        "Objection": (decision or "awaiting the DPO's decision") if f.type == "objection" else "",
        "Suppressed": "yes" if f.status == "suppressed" or (f.type == "marketing_optout" and f.status == "closed")
        else ("pending" if f.type == "marketing_optout" else ""),
    }


_REVIEW_STEP = {
    "rectification": "Review where the wrong value is held and plan the correction",
    "restriction": "Review results and mark them restricted",
    "objection": "DPO to weigh the objection: dsar objection decide {ref} --upheld|--rejected --grounds TEXT",
    "marketing_optout": "Suppress the subject and remove them from marketing lists",
}


def action(f: RowFacts, today: dt.date | None = None) -> str:
    """The next step, in words a DPO can act on (no relative dates: they would go stale in the sheet).

    An extension is offered only while the first month runs (on or before ``due``, as moved by pauses): the
    notice, with reasons, must reach the subject within it (Art. 12(3); dsar_rules.md §1.3), and
    :meth:`addon.cases.clock.CaseClock.extend` refuses it afterwards."""
    today = today or dt.date.today()
    if f.paused_since:
        return (f"Clock paused since {f.paused_since.isoformat()} awaiting clarification; when it arrives: "
                f"dsar case resume {f.ref}")
    steps = {
        "received": f"Check identity if needed, then search: dsar search {f.ref}",
        "identity_check": f"Waiting for ID; when it arrives search: dsar search {f.ref}",
        "searching": f"Search running; re-run to resume: dsar search {f.ref}",
        "erasure_planned": "DPO to review and approve the erasure plan",
        "approved": "Run the approved erasure",
        "erasure_partial": f"Finish what remains by hand (e.g. Docs to redact), then verify: dsar erase verify {f.ref}",
        "erased": "Re-search to verify nothing is left",
        "rectification_planned": "DPO to review and approve the rectification plan",
        "plan_approved": "Run the approved rectification",
        "rectification_partial": "Make the manual edits flagged (Docs), then verify by re-searching",
        "rectified": "Re-search to verify the wrong value is gone; then tell the recipients (Art. 19)",
        "restricted": f"Restricted; tell recipients (Art. 19); lift only with the DPO: dsar case status {f.ref} lifted",
        "lifted": f"Tell the subject the restriction is lifted (Art. 18(3)), then: dsar case status {f.ref} closed",
        "objection_upheld": f"Stop the processing, send the letter: dsar letter {f.ref} --outcome done",
        "objection_rejected": f"Send the letter with the grounds: dsar letter {f.ref} --outcome refused",
        "suppressed": f"Suppressed; confirm to the subject: dsar letter {f.ref} --outcome done",
        "verified": f"Send the erasure confirmation, then: dsar case status {f.ref} closed",
        "responded": f"Answered; close when done: dsar case status {f.ref} closed",
        "closed": "Done",
        "refused": "Refused (reasons and the right to complain to the ICO given)",
        "withdrawn": "Withdrawn by the subject",
    }
    if f.status in ("received", "identity_check") and f.type != "access" and f.type != "erasure" and not f.identity:
        step = f"Record the identity check (or waive it) first: dsar case verify-id {f.ref} --method METHOD"
    elif f.status == "verified" and f.type == "rectification":
        step = (f"Tell the Art. 19 recipients, send the letter (dsar letter {f.ref} --outcome done), then: "
                f"dsar case status {f.ref} closed")
    elif f.status == "review" and f.type in _REVIEW_STEP:
        step = _REVIEW_STEP[f.type].format(ref=f.ref)
    elif f.status == "review":
        if f.type == "erasure":
            step = "Review results and plan the erasure"
        elif f.exported:
            step = f"Send the package to the subject, then: dsar case status {f.ref} responded"
        else:
            step = (f"Review the results (include, exclude, not a match): dsar review {f.ref}; then build the "
                    f"package: dsar export {f.ref}")
    else:
        step = steps.get(f.status, "")
    if f.estimate and f.status in ("received", "identity_check", "searching"):
        step += f" (search estimate: {f.estimate})"
    if f.status not in ANSWERED and not f.extended and today <= f.due:
        step += f" (extension possible: notice with reasons by {f.due.isoformat()})"
    return step


def row_cells(f: RowFacts, today: dt.date | None = None) -> dict[str, Cell]:
    """The owned cells of a case's row, by column name, as of ``today`` (default: the real today)."""
    counts = f.counts
    return {
        "Ref": f.ref,
        "Type": f.type,
        "Subject": text(f.subject if f.subject is not None else "(identifiers erased)"),
        "Received": serial(f.received),
        "Clock start": serial(f.clock_start),
        "Due": serial(f.due),
        "Extended due": serial(f.extended_due) if f.extended else "",
        "Status": f.status,
        "Assignee": text(f.assignee),
        "Items found (Gmail)": counts.get("gmail", 0) if counts is not None else "",
        "Items found (Drive)": counts.get("drive", 0) if counts is not None else "",
        "Items found (Sheets)": counts.get("sheets", 0) if counts is not None else "",
        "Action": text(action(f, today)),
        "Closed": serial(f.closed),
        **type_cells(f),
    }


def same_cell(ours: Cell, theirs: object) -> bool:
    """Whether a cell read back (UNFORMATTED_VALUE, SERIAL_NUMBER dates) already holds our value."""
    if theirs is None:
        theirs = ""
    if isinstance(ours, (int, float)) and isinstance(theirs, (int, float)) and not isinstance(theirs, bool):
        return float(ours) == float(theirs)
    return str(ours) == str(theirs)


# -- sheet formatting (batchUpdate requests) ---------------------------------------------------------
def _rgb(r: float, g: float, b: float) -> dict:
    return {"red": r, "green": g, "blue": b}


def _col(name: str) -> str:
    return col_letter(COLUMNS.index(name))


def _due_expr(row: int = 2) -> str:
    due, ext = f"${_col('Due')}{row}", f"${_col('Extended due')}{row}"
    return f'IF({ext}<>"",{ext},{due})'


def _open_expr(row: int = 2) -> str:
    status = f"${_col('Status')}{row}"
    return ",".join(f'{status}<>"{s}"' for s in ANSWERED)


def overdue_formula() -> str:
    due = _due_expr()
    return f'=AND(${_col("Due")}2<>"",{due}<TODAY(),{_open_expr()})'


def due_soon_formula() -> str:
    due = _due_expr()
    return f'=AND(${_col("Due")}2<>"",{due}>=TODAY(),{due}-TODAY()<={DUE_SOON_DAYS},{_open_expr()})'


def layout_requests(tracker_id: int, monthly_id: int, editors: Iterable[str]) -> list[dict]:
    """Frozen and protected header, date formats, Status validation, overdue/due-soon highlighting."""
    n = len(COLUMNS)
    body = {"sheetId": tracker_id, "startRowIndex": 1, "startColumnIndex": 0, "endColumnIndex": n}
    reqs: list[dict] = [
        {"updateSheetProperties": {"properties": {"sheetId": tracker_id, "gridProperties": {"frozenRowCount": 1}},
                                   "fields": "gridProperties.frozenRowCount"}},
        {"updateSheetProperties": {"properties": {"sheetId": monthly_id, "gridProperties": {"frozenRowCount": 1}},
                                   "fields": "gridProperties.frozenRowCount"}},
        {"repeatCell": {"range": {"sheetId": tracker_id, "startRowIndex": 0, "endRowIndex": 1,
                                  "startColumnIndex": 0, "endColumnIndex": n},
                        "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                        "fields": "userEnteredFormat.textFormat.bold"}},
        {"addProtectedRange": {"protectedRange": {
            "range": {"sheetId": tracker_id, "startRowIndex": 0, "endRowIndex": 1},
            "description": "DSAR tracker header: the dsar tool finds its columns by these names",
            "warningOnly": False,
            "editors": {"users": sorted({e.lower() for e in editors})},
        }}},
        {"setDataValidation": {
            "range": {**body, "startColumnIndex": COLUMNS.index("Status"), "endColumnIndex": COLUMNS.index("Status") + 1},
            "rule": {"condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": s} for s in STATUSES]},
                     "inputMessage": "A case status; the dsar tool sets it (dsar case status REF STATUS)",
                     "strict": True, "showCustomUi": True},
        }},
        {"addConditionalFormatRule": {"index": 0, "rule": {
            "ranges": [body],
            "booleanRule": {"condition": {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": overdue_formula()}]},
                            "format": {"backgroundColor": _rgb(0.96, 0.78, 0.76)}},
        }}},
        {"addConditionalFormatRule": {"index": 1, "rule": {
            "ranges": [body],
            "booleanRule": {"condition": {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": due_soon_formula()}]},
                            "format": {"backgroundColor": _rgb(1.0, 0.90, 0.60)}},
        }}},
    ]
    for name in sorted(DATE_COLUMNS, key=COLUMNS.index):
        i = COLUMNS.index(name)
        reqs.append({"repeatCell": {
            "range": {**body, "startColumnIndex": i, "endColumnIndex": i + 1},
            "cell": {"userEnteredFormat": {"numberFormat": {"type": "DATE", "pattern": "yyyy-mm-dd"}}},
            "fields": "userEnteredFormat.numberFormat"}})
    pct = MONTHLY_COLUMNS.index("Responded on time %")
    reqs.append({"repeatCell": {
        "range": {"sheetId": monthly_id, "startRowIndex": 1, "startColumnIndex": pct, "endColumnIndex": pct + 1},
        "cell": {"userEnteredFormat": {"numberFormat": {"type": "PERCENT", "pattern": "0.0%"}}},
        "fields": "userEnteredFormat.numberFormat"}})
    return reqs


# -- monthly figures ------------------------------------------------------------------------------
def answered_on(history: Iterable[dict]) -> dt.date | None:
    """The day the subject got the answer: the first move into an answered status."""
    for h in history:
        if h.get("to_status") in ANSWERED and h.get("to_status") != "withdrawn":
            return dt.date.fromisoformat(str(h["at"])[:10])
    return None


def monthly_rows(facts: Iterable[RowFacts], today: dt.date) -> list[list[Cell]]:
    """Header + one row per month of receipt: the ICO's "number received and % completed in time"."""
    months: dict[str, dict[str, int]] = {}
    for f in facts:
        m = months.setdefault(f.received.strftime("%Y-%m"), {"received": 0, "answered": 0, "on_time": 0,
                                                            "overdue": 0, "extended": 0})
        m["received"] += 1
        m["type:" + f.type] = m.get("type:" + f.type, 0) + 1
        m["extended"] += int(f.extended)
        due = f.extended_due if f.extended else f.due
        done = answered_on(f.history)
        if done is not None:
            m["answered"] += 1
            m["on_time"] += int(done <= due)
        elif f.status not in ANSWERED and f.paused_since is None and due < today:
            m["overdue"] += 1
    rows: list[list[Cell]] = [list(MONTHLY_COLUMNS)]
    for month in sorted(months, reverse=True):
        m = months[month]
        pct: Cell = round(m["on_time"] / m["answered"], 4) if m["answered"] else ""
        rows.append([month, m["received"], m["answered"], m["on_time"], pct, m["overdue"], m["extended"],
                     *(m.get("type:" + t, 0) for t in TYPE_LABELS)])
    rows.append([])
    rows.append([f"Figures computed by dsar on {today.isoformat()} from the case store (values, not formulas)."])
    return rows
