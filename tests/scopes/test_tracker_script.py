"""Tracker.gs run under node with stand-ins for the Apps Script services it calls (SpreadsheetApp, Ui,
HtmlService): the menu wires existing functions, dates and due lists are right, dialogs escape HTML."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from scopes import manifest

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

HARNESS = r"""
const vm = require('vm');
const calls = [];
// A chainable stand-in: every method call is recorded and returns the stand-in again.
function chain(name, own) {
  own = own || {};
  return new Proxy(own, {
    get: (t, prop) => Object.hasOwn(t, prop) ? t[prop]
      : (...args) => { calls.push([name + '.' + String(prop), args]); return chain(name); },
  });
}
const values = INPUT.values;
const sheet = {
  getLastColumn: () => values[0].length,
  getMaxRows: () => 1000,
  getRange: (r, c, nr, nc) => nr === undefined
    ? { getValue: () => values[r - 1][c - 1] }
    : (r === 1 && nr === 1 ? chain('header', { getValues: () => [values[0].slice(0, nc)] }) : chain('range')),
  getDataRange: () => ({ getValues: () => values }),
  getActiveRange: () => ({ getRow: () => INPUT.activeRow }),
  setFrozenRows: (n) => calls.push(['setFrozenRows', [n]]),
  getConditionalFormatRules: () => [
    { getBooleanCondition: () => ({ getCriteriaValues: () => ['=AND(N("dsar:overdue")=0,$A2<TODAY())'] }) },
    { getBooleanCondition: () => ({ getCriteriaValues: () => ['=$B2>10'] }), keep: true },
  ],
  setConditionalFormatRules: (rules) => calls.push(['setConditionalFormatRules', [rules.filter(r => r.keep === true).length, rules.length]]),
  getProtections: () => [],
};
const ui = chain('ui', { ButtonSet: { OK: 'OK' } });
const ctx = {
  SpreadsheetApp: {
    getUi: () => ui,
    getActiveSpreadsheet: () => ({ getActiveSheet: () => sheet, getSheets: () => [sheet], toast: (m) => calls.push(['toast', [m]]) }),
    newConditionalFormatRule: () => chain('rule'),
    newDataValidation: () => chain('validation'),
    ProtectionType: { RANGE: 'RANGE' },
  },
  HtmlService: { createHtmlOutput: (html) => { calls.push(['html', [html]]); return chain('output'); } },
  Date, JSON, Math, String, Error, encodeURIComponent,
};
vm.createContext(ctx);
vm.runInContext(SOURCE, ctx);
const out = {};
for (const name of INPUT.run) {
  try { out[name] = { result: ctx[name].apply(null, (INPUT.args[name] || []).map(a => a && a.date ? new Date(a.date[0], a.date[1] - 1, a.date[2]) : a)) }; }
  catch (e) { out[name] = { error: String(e.message) }; }
}
out.defined = Object.keys(INPUT.expectFunctions).filter(n => typeof ctx[n] === 'function');
out.calls = calls;
process.stdout.write(JSON.stringify(out));
"""

HEADER = ["Ref", "Type", "Subject", "Received", "Clock start", "Due", "Extended due", "Status", "Assignee", "Notes"]


def run(run: list[str], values=None, args=None, active_row: int = 2) -> dict:
    src = manifest.tracker_source()
    payload = {"values": values or [HEADER], "run": run, "args": args or {}, "activeRow": active_row,
               "expectFunctions": {n: 1 for n in ("refreshFormatting", "openAuditReport", "showDueThisWeek")}}
    script = f"const SOURCE = {json.dumps(src)};\nconst INPUT = {json.dumps(payload)};\n" + HARNESS
    proc = subprocess.run([NODE, "-e", script], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def row(ref, due, status="searching", extended="", assignee="ann@acme.test"):
    return [ref, "access", "Alice Smith", "2024-05-01", "2024-05-01", due, extended, status, assignee, ""]


def test_menu_items_call_functions_that_exist():
    out = run(["onOpen"])
    items = [c[1] for c in out["calls"] if c[0] == "ui.addItem"]
    assert [i[1] for i in items] == ["refreshFormatting", "openAuditReport", "showDueThisWeek"]
    assert ["ui.createMenu", ["DSAR"]] in out["calls"]
    assert sorted(out["defined"]) == sorted(i[1] for i in items)


def test_dates_from_text_and_uk_format():
    out = run(["parseDate", "formatDate"], args={"parseDate": ["2024-02-30"], "formatDate": [{"date": [2024, 3, 9]}]})
    assert out["parseDate"]["result"] is None  # 30 February is not a date
    assert out["formatDate"]["result"] == "2024-03-09"


def test_due_this_week_uses_extended_due_and_skips_done_cases():
    values = [HEADER,
              row("DSAR-1", "2024-06-03"),                     # overdue by 2 days
              row("DSAR-2", "2024-06-07"),                     # due in 2 days
              row("DSAR-3", "2024-06-04", extended="2024-08-04"),  # extended: not due this week
              row("DSAR-4", "2024-06-06", status="responded"),  # answered
              row("DSAR-5", "12/06/2024"),                     # UK format, due in 7 days
              row("DSAR-6", "2024-06-13"),                     # 8 days: outside
              row("", "2024-06-06")]
    out = run(["dueThisWeek"], values, args={"dueThisWeek": [values, {"date": [2024, 6, 5]}]})
    due = out["dueThisWeek"]["result"]
    assert [(i["ref"], i["daysLeft"]) for i in due["overdue"]] == [("DSAR-1", -2)]
    assert [(i["ref"], i["daysLeft"]) for i in due["soon"]] == [("DSAR-2", 2), ("DSAR-5", 7)]
    assert due["soon"][0]["row"] == 3


def test_missing_columns_are_named():
    out = run(["findColumns"], args={"findColumns": [["Ref", "Status"]]})
    assert out["findColumns"]["error"] == 'Tracker: row 1 has no "Due" column'


def test_highlight_formulas_follow_the_columns_wherever_they_are():
    out = run(["highlightFormulas"], args={"highlightFormulas": [{"ref": 3, "due": 5, "extendedDue": 4, "status": 2}]})
    f = out["highlightFormulas"]["result"]
    assert f["overdue"].startswith('=AND(N("dsar:overdue")=0,LEN($E2)>0,$B2<>"responded"')
    assert "IF(LEN($D2),IFERROR(DATEVALUE($D2),$D2),IFERROR(DATEVALUE($E2),$E2))<TODAY()" in f["overdue"]
    assert "<=TODAY()+7" in f["soon"] and "N(\"dsar:due-soon\")" in f["soon"]


def test_refresh_formatting_replaces_only_its_own_rules():
    out = run(["refreshFormatting"], [HEADER, row("DSAR-1", "2024-06-03")])
    assert "error" not in out["refreshFormatting"], out["refreshFormatting"]
    kept, total = next(c[1] for c in out["calls"] if c[0] == "setConditionalFormatRules")
    assert (kept, total) == (1, 3)  # the user's own rule kept, our old one replaced by two fresh ones
    formulas = [c[1][0] for c in out["calls"] if c[0] == "rule.whenFormulaSatisfied"]
    assert len(formulas) == 2 and all("$H2" in f and "$F2" in f for f in formulas)
    statuses = next(c[1][0] for c in out["calls"] if c[0] == "validation.requireValueInList")
    from addon.cases.lifecycle import STATUSES

    assert statuses == list(STATUSES)  # the script's list is the lifecycle's (erasure_partial included)
    assert any(c[0] == "header.setDescription" for c in out["calls"])


def test_audit_report_link_is_escaped_and_needs_a_case_row():
    values = [HEADER, row('A&B<script>"1', "2024-06-03")]
    out = run(["openAuditReport"], values, active_row=2)
    html = next(c[1][0] for c in out["calls"] if c[0] == "html")
    assert "https://dsar.example.com/audit/cases/A%26B%3Cscript%3E%221" in html
    assert "A&amp;B&lt;script&gt;&quot;1" in html and "<script>\"1" not in html
    out = run(["openAuditReport"], values, active_row=1)
    assert not any(c[0] == "html" for c in out["calls"])
    assert any(c[0] == "ui.alert" for c in out["calls"])


def test_due_report_shows_refs_not_subject_names():
    out = run(["dueReportHtml"], args={"dueReportHtml": [{"overdue": [], "soon": [
        {"ref": "DSAR-9", "status": "review", "due": "2024-06-06", "daysLeft": 1, "assignee": "ann@acme.test"}]}]})
    html = out["dueReportHtml"]["result"]
    assert "DSAR-9" in html and "1 day<" in html and "Alice" not in html and "None." in html
