"""Keeping the tracker in step with the case store: batched, paced writes that touch only our cells.

Why it works this way:

* People sort and filter the sheet, so a case's row is found by the value in its Ref column on every
  write, never remembered by position; columns are found by their header names.
* The DPO's own edits survive: we write only the cells of the columns we own, only where they differ,
  in the row we just found; Notes and any column the DPO adds are never written.
* Google allows 60 write requests per minute per user. One flush is one read, at most one
  ``values.batchUpdate`` for all changed rows plus the Monthly tab, and one ``values.append`` for new rows;
  :class:`WritePacer` also keeps a sliding window under the limit (the seam's token bucket alone would allow
  a burst of 60 on top of a minute's refill).
* Before writing, the spreadsheet's sharing is checked (:mod:`addon.tracker.sharing`).
* It is written as its owner where delegation allows (:mod:`addon.tracker.identity`), whoever acted; the
  audit record names the actor. A row that cannot be written is kept as pending (:mod:`addon.tracker.pending`)
  and goes out with the next tracker write or ``dsar tracker sync``.
"""
from __future__ import annotations

import collections
import datetime as dt
import logging
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from google.auth.exceptions import GoogleAuthError

from audit.context import Purpose, acting
from scopes.registry import scopes_for_operations

from ..errors import ConfigError, DsarError
from .schema import (
    COLUMNS, MONTHLY_TAB, OPTIONAL, OWNED, TRACKER_TAB, Cell, RowFacts, col_letter, from_serial, monthly_rows, quote_tab,
    row_cells, same_cell,
)
from .identity import can_ask_owner, explain_unreachable, writing_identity
from .pending import PendingWrites
from .sharing import check_sharing
from .sheet import TrackerConfig, TrackerError, TrackerSheet, load_config

log = logging.getLogger("dsar.tracker")
SCOPES_OPS = ("tracker.read", "tracker.write")
PURPOSE = "Keep the DPO's request tracker up to date (UK GDPR Art. 5(2) accountability; ICO request log)"
LEGAL_BASIS = "UK GDPR Art. 6(1)(c) legal obligation: Art. 5(2), 12 and 30 record keeping"


class WritePacer:
    """At most ``limit`` write requests per user in any ``window`` seconds (sliding), across threads."""

    def __init__(self, limit: int = 50, window: float = 60.0, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.limit, self.window, self.clock, self.sleep = limit, window, clock, sleep
        self._stamps: dict[str, collections.deque] = collections.defaultdict(collections.deque)
        self._lock = threading.Lock()
        self.waited = 0.0

    def acquire(self, principal: str) -> float:
        waited = 0.0
        while True:
            with self._lock:
                q, now = self._stamps[principal.lower()], self.clock()
                while q and now - q[0] >= self.window:
                    q.popleft()
                if len(q) < self.limit:
                    q.append(now)
                    self.waited += waited
                    return waited
                wait = q[0] + self.window - now + 1e-3  # a millisecond past the edge: clocks and floats wobble
            self.sleep(wait)
            waited += wait


#: Shared by every writer in the process, so separate updates by one user are paced together.
PACER = WritePacer()


@dataclass
class SyncReport:
    spreadsheet_id: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    orphans: list[dict] = field(default_factory=list)  # rows whose Ref names no case
    duplicates: list[dict] = field(default_factory=list)
    differences: list[dict] = field(default_factory=list)  # sheet value != store value, before we wrote
    writes: int = 0
    pending_cleared: list[str] = field(default_factory=list)  # refs no longer pending after this write

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def result_counts(store) -> dict[str, dict[str, int]]:
    """Items found per case and source, counted in the case database without unsealing any item."""
    with sqlite3.connect(store.path, timeout=30) as db:
        rows = db.execute("SELECT ref, source, COUNT(*) FROM results WHERE run=0 GROUP BY ref, source").fetchall()
    counts: dict[str, dict[str, int]] = {}
    for ref, source, n in rows:
        counts.setdefault(ref, {})[source] = n
    return counts


def gather_facts(services, case: Any, clock: Any = None, counts: dict[str, dict[str, int]] | None = None) -> RowFacts:
    """What the row of ``case`` should show (reads the local store only)."""
    if counts is None:
        counts = result_counts(services.store)
    pause = clock.open_pause(case.ref) if clock is not None else None
    from ..export.package import export_log

    return RowFacts(
        ref=case.ref, type=case.type, subject=case.subject.display_name if case.subject else None,
        received=case.received, clock_start=case.clock_start, due=case.due, extended_due=case.extended_due,
        extended=bool(case.extended), status=case.status, assignee=case.assignee or case.created_by,
        counts=counts.get(case.ref, {}) if case.subject else None,
        closed=dt.date.fromisoformat(case.closed_at[:10]) if case.closed_at else None,
        paused_since=pause.paused_on if pause else None,
        exported=bool(export_log(services.settings.home, case.ref)), history=tuple(case.history),
        identity=identity_words(services.store, case.ref), details=dict(case.details),
        estimate=_estimate(services.store, case.ref),
    )


def _estimate(store, ref: str) -> str:
    from ..search.estimate import estimate_line, saved_estimate

    try:
        return estimate_line(saved_estimate(store, ref))
    except Exception:  # an estimate from an older release: the row is written without it
        return ""


def identity_words(store, ref: str) -> str:
    """The identity step for the tracker's Identity column (no note or reason: those are sealed)."""
    from ..cases.identity import Identity

    st = Identity(store).state(ref)
    if st["state"] == "verified":
        return f"verified ({st['method']}) {st['on']}" + (f"; ID received {st['id_received']}" if st.get("id_received") else "")
    if st["state"] == "waived":
        return f"waived {st['on']}"
    if st["state"] == "requested":
        return f"ID requested {st['on']}"
    return ""


def _plain(col: str, v: Cell | None) -> Any:
    """A cell as people read it in a report (dates as ISO days)."""
    if col in ("Received", "Clock start", "Due", "Extended due", "Closed"):
        d = from_serial(v)
        if d is not None:
            return d.isoformat()
    return "" if v is None else v


def _runs(indices: list[int]) -> list[tuple[int, int]]:
    """Contiguous runs [(first, last)] of sorted column indices."""
    runs: list[tuple[int, int]] = []
    for i in sorted(indices):
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


class TrackerWriter:
    """Writes rows for ``actor`` (named in the audit records) as ``principal`` (the Google identity: the
    tracker's owner wherever delegation allows, see :func:`writing_identity`)."""

    def __init__(self, services, cfg: TrackerConfig, actor: str, pacer: WritePacer | None = None,
                 today: dt.date | None = None, principal: str | None = None) -> None:
        self.services, self.cfg, self.actor = services, cfg, actor.lower()
        self.principal = (principal or writing_identity(services.settings, cfg, self.actor)).lower()
        self.pacer = pacer or PACER
        self.today = today or dt.date.today()

    def _sheet(self, principal: str | None = None) -> TrackerSheet:
        who = principal or self.principal
        gc = self.services.clients.gspread(who, scopes_for_operations(SCOPES_OPS))
        return TrackerSheet(gc, self.cfg.spreadsheet_id, lambda: self.pacer.acquire(who), who, self.cfg.owner.lower())

    def _owner_sheet(self, sheet: TrackerSheet) -> TrackerSheet | None:
        """The sheet as its owner sees it, when we can act as the owner (to tell 'deleted' from 'not shared')."""
        if not can_ask_owner(self.services.settings, self.cfg, self.principal):
            return None
        return sheet if sheet.principal == self.cfg.owner.lower() else self._sheet(self.cfg.owner.lower())

    def domain(self) -> str:
        s = self.services.settings
        return (s.domain or (s.actor or self.cfg.owner).rsplit("@", 1)[-1]).lower()

    def write(self, refs: Iterable[str] | None = None, case: str | None = None) -> SyncReport:
        """Bring the rows of ``refs`` (None: every case) and the Monthly tab up to date in one flush.
        ``case`` is the case the step was about (named in the audit records); by default the only ref."""
        from ..cases.clock import CaseClock

        store = self.services.store
        clock = CaseClock(store)
        cases = {c.ref: c for c in store.list()}
        counts = result_counts(store)
        facts = {ref: gather_facts(self.services, c, clock, counts) for ref, c in cases.items()}
        targets = list(cases) if refs is None else [r.strip().upper() for r in refs]
        one = case.strip().upper() if case else (targets[0] if len(targets) == 1 else None)
        one = one if one in cases else None
        purpose = Purpose(actor=self.actor, step="track", case=one, case_status=cases[one].status if one else None,
                          purpose=PURPOSE, legal_basis=LEGAL_BASIS)
        sheet = self._sheet()
        report = SyncReport(self.cfg.spreadsheet_id)
        with acting(purpose):
            try:
                self._flush(sheet, targets, cases, facts, report)
            except TrackerError as e:
                raise explain_unreachable(e, self.cfg, self._owner_sheet(sheet)) from e
        report.writes = sheet.writes
        return report

    def _flush(self, sheet: TrackerSheet, targets: list[str], cases: dict, facts: dict, report: SyncReport) -> None:
        check_sharing(sheet.permissions(), sheet.id, self.domain())
        table, monthly = sheet.read([quote_tab(TRACKER_TAB), quote_tab(MONTHLY_TAB)])
        header = [str(h).strip() for h in (table[0] if table else [])]
        updates, new_rows = self._plan(table, header, targets, cases, facts, report)
        month_block = monthly_rows(facts.values(), self.today)
        if not _same_block(month_block, monthly):
            updates.append((f"{quote_tab(MONTHLY_TAB)}!A1", _pad(month_block, monthly)))
        if updates:
            sheet.update(updates)
        if new_rows:
            sheet.append(new_rows, max(header.index(c) for c in OWNED if c in header) + 1)

    def _plan(self, table: list[list[Any]], header: list[str], targets: list[str], cases: dict, facts: dict,
              report: SyncReport) -> tuple[list[tuple[str, list[list[Cell]]]], list[list[Cell]]]:
        missing = [c for c in OWNED if c not in header and c not in OPTIONAL]
        if missing:
            raise DsarError(
                f"tracker: the header row of {self.cfg.spreadsheet_id} lacks {', '.join(missing)}; restore the "
                f"header ({', '.join(COLUMNS)}) or create a new tracker with 'dsar tracker init --force'")
        ref_col = header.index("Ref")
        rows_of: dict[str, list[int]] = collections.defaultdict(list)
        for n, row in enumerate(table[1:], start=2):
            ref = str(row[ref_col]).strip().upper() if len(row) > ref_col else ""
            if ref:
                rows_of[ref].append(n)
        for ref, rows in sorted(rows_of.items()):
            if ref not in cases:
                report.orphans += [{"row": r, "ref": ref} for r in rows]
            elif len(rows) > 1:
                report.duplicates.append({"ref": ref, "rows": rows})
        updates: list[tuple[str, list[list[Cell]]]] = []
        new_rows: list[list[Cell]] = []
        for ref in targets:
            if ref not in cases:
                continue
            cells = {c: v for c, v in row_cells(facts[ref], self.today).items() if c in header}
            if ref not in rows_of:
                width = max(header.index(c) for c in OWNED if c in header) + 1
                row: list[Cell] = [""] * width
                for col, value in cells.items():
                    row[header.index(col)] = value
                new_rows.append(row)
                report.added.append(ref)
                continue
            n = rows_of[ref][0]
            current = table[n - 1]
            changed = []
            for col, value in cells.items():
                i = header.index(col)
                theirs = current[i] if i < len(current) else ""
                if not same_cell(value, theirs):
                    changed.append(i)
                    if theirs not in ("", None):
                        report.differences.append({"ref": ref, "row": n, "column": col,
                                                   "sheet": _plain(col, theirs), "store": _plain(col, value)})
            if not changed:
                report.unchanged.append(ref)
                continue
            by_index = {header.index(c): v for c, v in cells.items()}
            for first, last in _runs(changed):
                rng = f"{quote_tab(TRACKER_TAB)}!{col_letter(first)}{n}:{col_letter(last)}{n}"
                updates.append((rng, [[by_index[i] for i in range(first, last + 1)]]))
            report.updated.append(ref)
        return updates, new_rows


def _same_block(ours: list[list[Cell]], theirs: list[list[Any]]) -> bool:
    if len(ours) != len(theirs):
        return False
    for a, b in zip(ours, theirs):
        if len(a) != len(b) or not all(same_cell(x, y) for x, y in zip(a, b)):
            return False
    return True


def _pad(block: list[list[Cell]], previous: list[list[Any]]) -> list[list[Cell]]:
    """The block as a rectangle, with blank cells over whatever the previous block covered beyond it."""
    width = max([len(r) for r in block] + [len(r) for r in previous] + [1])
    height = max(len(block), len(previous))
    rows = [list(r) + [""] * (width - len(r)) for r in block]
    return rows + [[""] * width for _ in range(height - len(rows))]


def open_writer(services, actor: str | None = None) -> TrackerWriter | None:
    cfg = load_config(services.settings.home)
    if cfg is None:
        return None
    return TrackerWriter(services, cfg, (actor or services.settings.actor or cfg.owner))


#: What a tracker write can fail with: the product's errors (Google refusals, sharing, the seam) and a
#: token Google would not issue (e.g. the owner's account suspended).
WRITE_FAILURES = (DsarError, GoogleAuthError)


def tracker_update(services, ref: str, *, actor: str | None = None, strict: bool = False) -> SyncReport | None:
    """Update the tracker row of ``ref`` after a step (search, export, erasure, status change), together with
    any rows still pending from earlier failures (one flush).

    A missing tracker is not an error (a log line says so). A tracker problem (sharing, quota, access) does not
    fail the step that called, unless ``strict``: the rows are kept as pending (``dsar case show`` says so,
    the next tracker write or ``dsar tracker sync`` retries them) and a warning says why, as whom, and what to do."""
    writer = open_writer(services, actor)
    if writer is None:
        log.info("tracker: not initialised in %s (run 'dsar tracker init'); no row written for %s",
                 services.settings.home, ref)
        return None
    ref = ref.strip().upper()
    queue = PendingWrites(services.settings.home)
    owed = [r for r in queue.rows() if r != ref]
    started = time.time()
    try:
        report = writer.write([ref, *owed], case=ref)
    except WRITE_FAILURES as e:
        reason = _reason(e, writer.principal)
        queue.add([ref, *owed], reason, writer.actor)
        if strict:
            raise
        log.warning("%s", pending_warning(ref, reason, len(owed)))
        return None
    queue.clear([ref, *owed], started)
    log.info("tracker: %s %s (%d write request(s))%s", ref,
             "added" if ref in report.added else "updated" if ref in report.updated else "unchanged", report.writes,
             f"; {len(owed)} pending row(s) written too" if owed else "")
    return report


def _reason(e: Exception, principal: str) -> str:
    return str(e) if isinstance(e, DsarError) else f"tracker: Google refused a token for {principal} ({e})"


def retry_pending(services, actor: str | None = None, failed_before: float | None = None) -> list[str]:
    """Write the rows still pending, if any (no Google call when none are); the refs written. Run after each
    case, search, erase and export command, so a pending row does not wait for the next status change; rows
    that failed after ``failed_before`` (during that very command) are left for the next one."""
    queue = PendingWrites(services.settings.home)
    owed = sorted(r for r, row in queue.rows().items() if failed_before is None or row.at < failed_before)
    writer = open_writer(services, actor) if owed else None
    if writer is None:
        return []
    started = time.time()
    try:
        writer.write(owed)
    except WRITE_FAILURES as e:
        queue.add(owed, _reason(e, writer.principal), writer.actor)
        log.warning("tracker: %d pending row(s) still not written (%s); 'dsar tracker status' says why, 'dsar "
                    "tracker sync' retries them.", len(owed), ", ".join(owed))
        return []
    return queue.clear(owed, started)


def pending_warning(ref: str, reason: str, others: int = 0) -> str:
    """The one line a command prints when its tracker row could not be written."""
    more = f" (with {others} other pending row(s))" if others else ""
    return (f"tracker: the row of {ref} is pending{more}, not written yet: {sentence(reason)} "
            "It is retried with the next tracker write and by 'dsar tracker sync'.")


def sentence(reason: str) -> str:
    """A reason as a sentence to continue after a colon: without the 'tracker: ' prefix, with a full stop."""
    text = reason.removeprefix("tracker: ").strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def sync_all(services, actor: str | None = None) -> SyncReport:
    """``dsar tracker sync``: write every case's row; pending rows are then no longer pending. On failure the
    rows already pending stay so, with this reason (the error is raised for the command to print)."""
    writer = open_writer(services, actor)
    if writer is None:
        raise ConfigError("tracker: none is set up in this data folder; create one with 'dsar tracker init'")
    queue = PendingWrites(services.settings.home)
    started = time.time()
    try:
        report = writer.write(None)
    except WRITE_FAILURES as e:
        reason = _reason(e, writer.principal)
        queue.add(list(queue.rows()), reason, writer.actor)
        raise
    report.pending_cleared = queue.clear(None, started)
    return report
