"""Every card the add-on can produce is valid against Google's card schema: the ``GoogleAppsCardV1*``
definitions of the Chat v1 discovery document, converted to JSON Schema (unknown keys rejected, $refs
resolved, deprecated fields refused, one-of groups enforced). The builders are enumerated from the cards
package, so a new builder without samples here fails the test."""
from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterator

import pytest

from addon.cases.model import Case
from addon.subjects.identifiers import Subject
from addon.web.cards import cases, context, jobs, manage, notices, responses, review, rights
from addon.web.cards.cases import CaseForm
from addon.web.cards.context import FileVerdict, Sender
from addon.web.cards.links import Links
from addon.web.cards.manage import Manage, PlanSummary
from addon.web.cards.rights import RightsView
from addon.web.cards.review import ReviewView
from addon.web.cards.schema import card_problems, card_schema

TODAY = dt.date(2025, 6, 20)
LINKS = Links("https://dsar.example.org")
TRACKED = Links("https://dsar.example.org", tracker_id="1AbC_dEf-123")
HOSTILE = Subject(names=("<b>Eve</b> O'Brien & \"Co\"",), emails=("eve@example.com",), phones=("+447700900123",),
                  identifiers=("CUST-<script>",))


def _case(ref: str, status: str, due: dt.date, subject: Subject | None = HOSTILE, kind: str = "access") -> Case:
    return Case(ref=ref, type=kind, status=status, subject=subject, received=due - dt.timedelta(days=31),
                clock_start=due - dt.timedelta(days=31), due=due, extended_due=due + dt.timedelta(days=61),
                created_by="staff@example.org", created_at="2025-05-20T09:00:00+00:00")


CASES = [
    _case("DSAR-2025-0001", "received", TODAY + dt.timedelta(days=10)),
    _case("DSAR-2025-0002", "review", TODAY - dt.timedelta(days=3), kind="erasure"),
    _case("DSAR-2025-0003", "searching", TODAY),
    _case("DSAR-2025-0004", "closed", TODAY - dt.timedelta(days=40)),
    _case("DSAR-2025-0005", "review", TODAY + dt.timedelta(days=1), subject=None),
]
MANY = [_case(f"DSAR-2025-{i:04d}", "received", TODAY + dt.timedelta(days=i % 30)) for i in range(1, 60)]
ITEMS = ([{"source": "gmail", "account": "a@example.org", "message_id": f"m{i}", "rfc822_message_id": f"<{i}@x>"}
          for i in range(20)]
         + [{"source": "drive", "account": "b@example.org", "file_id": f"f{i}", "name": "Notes", "path": "Calls/Notes"}
            for i in range(12)]
         + [{"source": "sheets", "account": "b@example.org", "file_id": "s1", "name": "Log", "path": "Log",
             "sheet": "2025", "row": i} for i in range(2, 9)])
JOB = {"id": "addon-search-DSAR-2025-0001-ab12cd34", "ref": "DSAR-2025-0001", "updated_at": "2025-06-20T10:00:00+00:00"}
PROGRESS = {"progress": {"units_total": 12, "units_done": 5, "candidates": 140, "fetched": 61, "items": 9}}
FILES = [{"id": f"f{i}", "title": f"File {i}", "mimeType": "application/vnd.google-apps.document"} for i in range(25)]
PLAN = PlanSummary("ab" * 32, {"total_actions": 3, "total_exempt": 1, "manual": 1,
                               "actions": {"gmail": {"trash": 2}, "drive": {"redact_manually": 1}}},
                   warnings=tuple(f"<b>Trash</b> keeps items {i}" for i in range(7)), planned_by="staff@example.org",
                   planned_at="2025-06-20T10:00:00+00:00")
MANAGE = [
    Manage(statuses=("responded", "refused", "withdrawn"), can_pause=True, can_extend=True, can_export=True),
    Manage(statuses=("refused",), paused_since=TODAY, errors={"reason": "needs a <b>reason</b>",
                                                              "clock_reason": "already paused"}),
    Manage(statuses=("refused",), plan=PLAN, errors={"approve": "Not approved: plan changed"}),
    Manage(plan=PlanSummary("cd" * 32, {"total_actions": 0}, approved_by="dpo@example.org")),
    Manage(plan_problem="case: no erasure plan yet", can_export=True, errors={"export": "nothing found"}),
    Manage(),
]
PACKAGE = {"path": "/srv/dsar/exports/DSAR-2025-0001/DSAR-2025-0001.zip", "sha256": "ef" * 32, "files": 12,
           "counts": {"gmail": 7, "drive": 3, "sheets": 2}, "excluded": [], "encrypted": False}


def samples() -> Iterator[tuple[str, Callable, dict]]:
    """(builder name, builder, kwargs): representative inputs for every card builder."""
    for links in (LINKS, TRACKED):
        for role in ("staff", "dpo"):
            yield "homepage_card", cases.homepage_card, dict(links=links, user="staff@example.org", role=role,
                                                              cases=CASES, today=TODAY)
        yield "homepage_card", cases.homepage_card, dict(links=links, user="s@example.org", role="staff", cases=[],
                                                          today=TODAY)
        yield "case_list_card", cases.case_list_card, dict(links=links, cases=CASES, today=TODAY)
        yield "case_list_card", cases.case_list_card, dict(links=links, cases=MANY, today=TODAY)
        yield "case_list_card", cases.case_list_card, dict(links=links, cases=[], today=TODAY)
        for c in CASES:
            for job, found in ((None, None), (JOB, {"gmail": 3, "drive": 1}), (JOB, {})):
                yield "case_card", cases.case_card, dict(links=links, c=c, today=TODAY, job=job, found=found)
    for m in MANAGE:
        for c in CASES[:3]:
            yield "case_card", cases.case_card, dict(links=TRACKED, c=c, today=TODAY, job=JOB, found={"gmail": 1},
                                                     manage=m)
    for result in (PACKAGE, {**PACKAGE, "excluded": [{"what": f"<b>f{i}</b>", "reason": "too big"} for i in range(9)]}):
        yield "package_card", manage.package_card, dict(links=LINKS, ref="DSAR-2025-0001", result=result)
    yield "case_form_card", cases.case_form_card, dict(links=LINKS, form=CaseForm())
    yield "case_form_card", cases.case_form_card, dict(links=LINKS, form=CaseForm(
        type="erasure", name="<i>Jane</i>", aliases="J. Doe", emails="not-an-email", phones="123", identifiers="X",
        received=TODAY, errors={f: f"{f} is wrong <b>here</b>" for f in
                                ("type", "name", "aliases", "emails", "phones", "identifiers", "received")}))
    for status in ("queued", "running", "done", "failed", "interrupted"):
        yield "job_card", jobs.job_card, dict(links=LINKS, job={**JOB, "status": status, "state": PROGRESS,
                                                                "error": "quota exhausted" if status == "failed" else None})
    yield "job_card", jobs.job_card, dict(links=LINKS, job={**JOB, "status": "queued", "state": {}})
    for items in (ITEMS, ITEMS[:3], []):
        yield "results_card", jobs.results_card, dict(links=LINKS, ref="DSAR-2025-0001", items=items)
    for sender in (Sender("Jane <Doe>", "jane@example.com"), Sender("", "x@example.com"), None):
        yield "gmail_sender_card", context.gmail_sender_card, dict(links=LINKS, sender=sender, known=CASES[:2])
    yield "gmail_sender_card", context.gmail_sender_card, dict(links=LINKS, sender=Sender("A", "a@b.c"), known=[])
    for files, cs in ((FILES[:3], CASES), (FILES, CASES), ([], CASES), (FILES[:2], []), (FILES[:1], CASES[4:])):
        yield "drive_selection_card", context.drive_selection_card, dict(links=LINKS, selected=files, cases=cs,
                                                                          user="staff@example.org")
    verdicts = [FileVerdict("a.txt", "match"), FileVerdict("b", "no match"), FileVerdict("c.bin", "not checked",
                                                                                             "no reader")]
    for c in (CASES[1], CASES[4]):
        yield "drive_check_card", context.drive_check_card, dict(links=LINKS, case=c, verdicts=verdicts)
    yield "error_card", notices.error_card, dict(links=LINKS, title="Oops <x>", message="case: no case 'X'")
    yield "denied_card", notices.denied_card, dict(links=LINKS, user="a@b.c",
                                                             reason="role: searching needs the staff or dpo role")
    yield "sign_in_card", notices.sign_in_card, dict(links=LINKS, reason="Sign in once.", user="a@b.c")
    yield from rights_samples()
    yield from review_samples()


RECTIFY_PLAN = PlanSummary("12" * 32, {"update_cells": 2, "cells": 3, "edit_manually": 1, "cannot_edit": 1, "review": 1,
                                       "recipients": 1},
                           warnings=tuple(f"<b>Doc</b> {i} holds a wrong value" for i in range(7)),
                           planned_by="staff@example.org", planned_at="2025-06-20T10:00:00+00:00")
MARKS = {"gmail": {"marked": 3, "lifted": 0}, "drive": {"marked": 1, "lifted": 2}, "sheets": {"marked": 0, "lifted": 1}}
RIGHTS = [
    ("rectification", "review", RightsView(steps=("rectify_plan",), errors={"rights": "not <b>now</b>"})),
    ("rectification", "rectification_planned", RightsView(steps=("rectify_plan", "rectify_approve"), role="dpo",
                                                           plan=RECTIFY_PLAN, errors={"approve": "Tick the <b>box</b>"})),
    ("rectification", "rectification_planned", RightsView(steps=("rectify_plan",), plan=RECTIFY_PLAN, job={
        **JOB, "kind": "rights-rectify_plan", "status": "done"})),
    ("rectification", "plan_approved", RightsView(steps=("rectify_plan", "rectify_run"), plan=PlanSummary(
        "34" * 32, {"update_cells": 1}, approved_by="dpo@example.org"))),
    ("rectification", "rectified", RightsView(steps=("rectify_verify",), plan_problem="no plan <b>yet</b>")),
    ("rectification", "verified", RightsView(steps=("rectify_record",))),
    ("restriction", "review", RightsView(steps=("restrict_mark",))),
    ("restriction", "restricted", RightsView(steps=("restrict_mark", "restrict_lift"), role="dpo", marks=MARKS,
                                             errors={"lift_reason": "give a <b>reason</b>"})),
    ("restriction", "lifted", RightsView(marks=MARKS)),
    ("objection", "review", RightsView(steps=("objection_decide",), role="dpo", errors={"grounds": "too <b>short</b>"})),
    ("objection", "objection_upheld", RightsView(steps=("suppress_apply",), decision={
        "outcome": "upheld", "by": "dpo@example.org", "at": "2025-06-20T10:00:00+00:00"})),
    ("marketing_optout", "received", RightsView(steps=("suppress_apply",), errors={"rights": "<b>no</b> tracker"})),
    ("marketing_optout", "suppressed", RightsView()),
]
RIGHTS_RESULTS = {
    "rectify_plan": {"sha256": "56" * 32, "status": "rectification_planned", "counts": RECTIFY_PLAN.counts, "withdrawn": True},
    "rectify_run": {"status": "rectification_partial", "counts": {"corrected": 2, "changed": 1, "manual": 1}},
    "rectify_verify": {"verified": False, "found": 4, "remaining": 1, "manual": 0},
    "restrict_mark": {**MARKS, "added": 4},
    "restrict_lift": {**MARKS, "lifted": 3},
    "suppress_apply": {"lists": [{"name": "<b>Newsletter</b>", "action": "remove", "rows": 2},
                                 {"name": "Offers", "action": "flag", "rows": 1}], "hashes_added": 2, "hashes": 3},
}


def rights_samples() -> Iterator[tuple[str, Callable, dict]]:
    for kind, status, view in RIGHTS:
        c = _case("DSAR-2025-0009", status, TODAY + dt.timedelta(days=5), kind=kind)
        yield "case_card", cases.case_card, dict(links=TRACKED, c=c, today=TODAY,
                                                 rights=rights.rights_sections(TRACKED, c, view))
    for step, result in RIGHTS_RESULTS.items():
        for status in ("queued", "running", "done", "failed", "interrupted"):
            yield "rights_job_card", rights.rights_job_card, dict(links=LINKS, job={
                **JOB, "kind": "rights-" + step, "status": status, "state": {**PROGRESS, "result": result},
                "error": "case: <b>busy</b>" if status == "failed" else None})
    for n in (0, 2, 9):
        yield "record_card", rights.record_card, dict(links=LINKS, ref="DSAR-2025-0009", record={
            "json": "/srv/dsar/exports/DSAR-2025-0009/rectification-record-DSAR-2025-0009.json",
            "html": "/srv/x.html", "sha256": "78" * 32, "corrected": 2,
            "recipients": [{"domain": f"<b>firm{i}</b>.example", "count": 1, "how": ["emailed"]} for i in range(n)]})


REVIEW_ITEMS = [{"id": f"{i:08x}", "fold": f"msg:{i}@x", "status": "undecided", "source": src,
                 "where": f"<b>Eve</b> O'Brien's call {i}", "why_matched": "name in body; <script> in subject",
                 "check": "<b>check</b> by hand" if i % 2 else "",
                 "copies": [{"key": f"gmail:a:m{i}", "account": "a@example.org", "where": "x"}] * (1 + i % 3),
                 "code": None, "note": None, "by": None, "at": None}
                for i, src in enumerate(["gmail", "gmail", "drive", "sheets", "gmail"])]
CODES = [("Third-party data (<b>third_party</b>)", "third_party"), ("Negotiations", "negotiations")]


def review_samples() -> Iterator[tuple[str, Callable, dict]]:
    base = dict(ref="DSAR-2025-0001", subject="<b>Eve</b> O'Brien", status="review", codes=CODES)
    views = [
        ReviewView(**base, items=REVIEW_ITEMS, counts={"undecided": 23, "include": 2}, page=1, pages=5,
                   undecided_by_source={"gmail": 14, "drive": 5, "sheets": 4},
                   errors={REVIEW_ITEMS[0]["id"]: {"note": "an exclusion needs a <b>note</b>"},
                           REVIEW_ITEMS[1]["id"]: {"code": "an exclusion needs an exemption <b>code</b>"}}),
        ReviewView(**base, items=REVIEW_ITEMS[:2], counts={"undecided": 2}, undecided_by_source={"gmail": 2}),
        ReviewView(**base, items=REVIEW_ITEMS[:1], counts={"undecided": 11}, page=2, pages=3,
                   undecided_by_source={"drive": 11}),
        ReviewView(**base, counts={"undecided": 0, "include": 4, "exclude": 1, "not_a_match": 2}),
        ReviewView(**{**base, "status": "received"}, reviewable=False),
    ]
    for v in views:
        yield "review_card", review.review_card, dict(links=LINKS, v=v)


def rendered_markup(card: dict) -> Iterator[str]:
    """Every string Google renders as (simple) HTML: header, section headers, paragraphs, decorated text.
    Input values, button labels and dropdown items are plain text and are not among them."""
    yield card["header"]["title"]
    yield card["header"].get("subtitle", "")
    for s in card["sections"]:
        yield s.get("header", "")
        for w in s["widgets"]:
            if "textParagraph" in w:
                yield w["textParagraph"]["text"]
            for k in ("text", "topLabel", "bottomLabel"):
                yield w.get("decoratedText", {}).get(k, "")


def builders() -> set[str]:
    return {name for mod in (cases, jobs, context, notices, manage, rights, review)
            for name, fn in inspect.getmembers(mod, inspect.isfunction)
            if name.endswith("_card") and fn.__module__ == mod.__name__}


def test_every_builder_has_samples():
    assert builders() == {name for name, _, _ in samples()}


@pytest.mark.parametrize("name, build, kwargs", list(samples()), ids=lambda v: v if isinstance(v, str) else "")
def test_card_is_valid_against_googles_schema(name, build, kwargs):
    card = build(**kwargs)
    assert card_problems(card) == []
    widgets = sum(len(s["widgets"]) for s in card["sections"])
    assert 0 < widgets <= 100, "Google ignores sections beyond 100 widgets per card"
    for s in card["sections"]:
        assert s["widgets"], "empty sections are dropped"
    for envelope in (responses.push(card), responses.update(card, notify="n"), responses.home(card)):
        assert responses.cards_in(envelope) == [card]
    shown = " ".join(rendered_markup(card))
    assert "<b>Eve</b>" not in shown and "<script>" not in shown and "<i>Jane</i>" not in shown  # user text escaped
    assert "<b>Trash</b>" not in shown and "<b>f0</b>" not in shown and "<b>reason</b>" not in shown
    assert not any(f"<b>{w}</b>" in shown for w in ("Doc", "now", "box", "yet", "short", "no", "busy", "Newsletter",
                                                     "firm0", "check", "note", "code"))


def test_schema_rejects_what_google_rejects():
    ok = {"header": {"title": "t"}, "sections": [{"widgets": [{"textParagraph": {"text": "x"}}]}]}
    assert card_problems(ok) == []
    bad = [
        ({"header": {"title": "t", "colour": "red"}}, "header"),  # unknown key
        ({"sections": [{"widgets": [{"textParagraph": {"text": "x"}, "divider": {}}]}]}, "sections/0/widgets/0"),
        ({"sections": [{"widgets": [{}]}]}, "sections/0/widgets/0"),  # a widget of no kind
        ({"sections": [{"widgets": [{"decoratedText": {"text": "x", "icon": {"knownIcon": "EMAIL"}}}]}]},
         "decoratedText"),  # deprecated field
        ({"sections": [{"widgets": [{"textInput": {"name": "n", "type": "SHORT"}}]}]}, "type"),  # enum
        ({"sections": [{"widgets": [{"dateTimePicker": {"name": "d", "valueMsEpoch": 17}}]}]}, "valueMsEpoch"),
        ({"sections": [{"widgets": [{"buttonList": {"buttons": [{"text": "b", "onClick": {}}]}}]}]}, "onClick"),
        ({"sections": [{"uncollapsibleWidgetsCount": "2", "widgets": []}]}, "uncollapsibleWidgetsCount"),
    ]
    for card, where in bad:
        problems = card_problems(card)
        assert problems and any(where in p for p in problems), (card, problems)


def test_schema_covers_the_card_definitions():
    defs = card_schema()["$defs"]
    assert {"GoogleAppsCardV1Card", "GoogleAppsCardV1Widget", "GoogleAppsCardV1DecoratedText", "Color"} <= set(defs)
    assert defs["GoogleAppsCardV1Card"]["additionalProperties"] is False


def test_request_scopes_envelope():
    assert responses.request_scopes(["b", "a", "a"]) == {"requesting_google_scopes": {"scopes": ["a", "b"]}}


def test_dpo_sections_carry_the_hash_they_show():
    card = cases.case_card(LINKS, CASES[1], TODAY, manage=MANAGE[2])
    approve = [b for s in card["sections"] for w in s["widgets"] for b in w.get("buttonList", {}).get("buttons", [])
               if b["text"] == "Approve this plan"]
    assert len(approve) == 1
    params = {p["key"]: p["value"] for p in approve[0]["onClick"]["action"]["parameters"]}
    assert params == {"ref": CASES[1].ref, "hash": PLAN.sha256}
    shown = [w["decoratedText"]["text"] for s in card["sections"] for w in s["widgets"]
             if w.get("decoratedText", {}).get("topLabel", "").startswith("Plan SHA-256")]
    assert shown == [PLAN.sha256]  # the whole hash is on the card, the same the button sends
    assert "3 action(s) (gmail 2 trash · drive 1 redact_manually); 1 exempt; 1 for manual redaction" in str(card)
    staff = cases.case_card(LINKS, CASES[1], TODAY)
    assert "Approve this plan" not in str(staff) and "Change status" not in str(staff)


def test_file_kinds_are_what_people_call_them():
    assert [context.file_kind(m) for m in (
        "application/vnd.google-apps.document", "application/vnd.google-apps.spreadsheet", "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "image/png", "image/svg+xml",
        "text/plain; charset=utf-8", "application/vnd.google-apps.folder", "application/x-unknown", None,
        "application/vnd.google-apps.new-thing")] == [
        "Google Doc", "Google Sheet", "PDF", "Word document", "Image (PNG)", "Image (SVG)", "Text file", "Folder",
        "File", "File", "Google New thing"]
    card = context.drive_selection_card(LINKS, FILES[:2], CASES)
    assert "application/vnd" not in str(card) and card["sections"][0]["widgets"][0]["decoratedText"]["topLabel"] == "Google Doc"


def _worked(c: Case, actor: str, at: str) -> Case:
    c.history = [{"from_status": "received", "to_status": "searching", "actor": actor, "role": "staff", "at": at,
                  "reason": None}]
    return c


def test_case_picker_preselects_the_last_worked_on_else_the_newest():
    old = _case("DSAR-2025-0001", "review", TODAY + dt.timedelta(days=2))
    new = _case("DSAR-2025-0007", "review", TODAY + dt.timedelta(days=20))
    mid = _case("DSAR-2025-0004", "searching", TODAY + dt.timedelta(days=9))

    def picked(cs, user):
        card = context.drive_selection_card(LINKS, FILES[:1], cs, user)
        items = next(w["selectionInput"]["items"] for s in card["sections"] for w in s["widgets"] if "selectionInput" in w)
        return [i["value"] for i in items if i["selected"]], items[0]["value"]

    assert picked([old, mid, new], "nobody@example.org") == (["DSAR-2025-0007"], "DSAR-2025-0007")  # newest, listed first
    _worked(mid, "Staff@Example.org", "2025-06-19T10:00:00+00:00")
    _worked(old, "staff@example.org", "2025-06-18T10:00:00+00:00")
    assert picked([old, mid, new], "staff@example.org")[0] == ["DSAR-2025-0004"]  # the one they last moved on
    assert context.default_case([], "a@b.c") is None


def test_results_name_emails_by_sender_date_subject_and_files_by_path():
    items = [{"source": "gmail", "account": "a@example.org", "message_id": "18c0ffee", "rfc822_message_id": "<1@x>",
              "from": "Jane Doe <jane@example.com>", "date": "2026-01-14T09:30:00Z", "subject": "My <b>account</b>"},
             {"source": "drive", "account": "b@example.org", "file_id": "1AbCdEfGh", "name": "Notes",
              "path": "Calls/2026/Notes"}]
    card = jobs.results_card(LINKS, "DSAR-2026-0001", items)
    rows = [w["decoratedText"]["text"] for s in card["sections"] if s.get("header") == "Items" for w in s["widgets"]]
    assert rows == ["Jane Doe &lt;jane@example.com&gt; · 2026-01-14 09:30 · My &lt;b&gt;account&lt;/b&gt;",
                    "Calls/2026/Notes"]
    assert "18c0ffee" not in str(card) and "<1@x>" not in str(card) and "1AbCdEfGh" not in str(card)


def test_results_say_why_each_item_matched():
    items = [{"source": "gmail", "account": "a@example.org", "message_id": "m1", "from": "x", "subject": "s",
              "matched": [{"kind": "name", "part": "header", "confidence": "exact"},
                          {"kind": "phone", "part": "attachment", "confidence": "variant"}]},
             {"source": "drive", "account": "b@example.org", "file_id": "f1", "name": "Notes", "path": "Notes"}]
    card = jobs.results_card(LINKS, "DSAR-2026-0001", items)
    rows = [w["decoratedText"] for s in card["sections"] if s.get("header") == "Items" for w in s["widgets"]]
    assert rows[0]["bottomLabel"] == "name in header; phone in attachment (variant)"
    assert "bottomLabel" not in rows[1]  # no evidence kept: no empty label
