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
from addon.web.cards import cases, context, jobs, notices, responses
from addon.web.cards.cases import CaseForm
from addon.web.cards.context import FileVerdict, Sender
from addon.web.cards.links import Links
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
        yield "drive_selection_card", context.drive_selection_card, dict(links=LINKS, selected=files, cases=cs)
    verdicts = [FileVerdict("a.txt", "match"), FileVerdict("b", "no match"), FileVerdict("c.bin", "not checked",
                                                                                             "no reader")]
    for c in (CASES[1], CASES[4]):
        yield "drive_check_card", context.drive_check_card, dict(links=LINKS, case=c, verdicts=verdicts)
    yield "error_card", notices.error_card, dict(links=LINKS, title="Oops <x>", message="case: no case 'X'")
    yield "denied_card", notices.denied_card, dict(links=LINKS, user="a@b.c",
                                                             reason="role: searching needs the staff or dpo role")
    yield "sign_in_card", notices.sign_in_card, dict(links=LINKS, reason="Sign in once.", user="a@b.c")


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
    return {name for mod in (cases, jobs, context, notices) for name, fn in inspect.getmembers(mod, inspect.isfunction)
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
