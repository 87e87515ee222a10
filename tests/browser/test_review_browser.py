"""The review page in real headless Chromium: keyboard decisions (j/k, p preview, n not a match, x exclude
with an exemption code and a note, i include) on a real search of the demo company, recorded with who
decided; the preview fetched through the audited seam; only staff and the DPO get in."""
from __future__ import annotations

import datetime as dt

import pytest
import requests

from addon.cli.case_cmd import open_case
from addon.review.service import review_list, review_store
from addon.search.service import run_search
from tests.web.conftest import AUDITOR, DPO, STAFF

from .conftest import screenshot

pytestmark = pytest.mark.browser


def _case(addon) -> str:
    case = open_case(addon.services, "access", ["Jane Doe"], ["jane.doe@example.com"], ["+447700900123"], [],
                     dt.date.today(), DPO)
    run_search(addon.services, case.ref, DPO)
    return case.ref


def _sign_in(page, url: str, email: str) -> None:
    page.goto(url)
    page.fill("input[name=email]", email)
    page.get_by_role("button", name="Review the results").click()


def test_keyboard_review_flow(page, addon):
    ref = _case(addon)
    _, groups = review_list(addon.services, ref)
    assert len(groups) >= 3
    _sign_in(page, f"{addon.url}/review/{ref}", STAFF)
    rows = page.locator("#items tr.item")
    assert rows.count() == len(groups)
    assert "undecided" in page.locator("#counts").inner_text()
    first, second, third = (rows.nth(i).get_attribute("data-id") for i in range(3))
    assert rows.nth(0).get_attribute("class").endswith("sel")

    seq = max(r["seq"] for r in addon.services.trail.records())
    page.keyboard.press("p")  # preview: fetched now, through the seam, under the export purpose
    page.locator("#preview-text").wait_for()
    assert page.locator("#preview-text").inner_text().strip() or page.locator("#preview dl").inner_text().strip()
    fetched = [r.to_dict() for r in addon.services.trail.records() if r["seq"] > seq
               and r["api_method"].startswith(("gmail.", "drive.", "sheets."))]
    assert fetched and all(r["case"] == ref and "before it is disclosed" in r["purpose"] for r in fetched), fetched

    page.keyboard.press("n")  # the first: not a match; selection moves on
    page.locator(f'tr.item[data-id="{first}"][data-status="not_a_match"]').wait_for()
    assert "sel" in rows.nth(1).get_attribute("class")

    page.keyboard.press("x")  # the second: exclude, with a code and a note
    dialog = page.locator("dialog#exclude")
    dialog.wait_for(state="visible")
    page.select_option("#code", "negotiations")
    page.get_by_role("button", name="Exclude").click()  # no note yet: refused, the dialog stays
    assert dialog.is_visible()
    page.fill("#note", "Our intended offer on her complaint; withheld while it is settled")
    page.get_by_role("button", name="Exclude").click()
    page.locator(f'tr.item[data-id="{second}"][data-status="exclude"]').wait_for()
    assert "negotiations" in page.locator(f'tr.item[data-id="{second}"] td.st').inner_text()

    page.keyboard.press("k")
    page.keyboard.press("j")
    page.keyboard.press("i")  # the third: include
    page.locator(f'tr.item[data-id="{third}"][data-status="include"]').wait_for()
    assert "1 included · 1 excluded · 1 not a match" in page.locator("#counts").inner_text()
    screenshot(page, "review-1280", "review.png")

    decided = review_store(addon.services).load(ref)
    _, groups = review_list(addon.services, ref)
    by_id = {g.id: g for g in groups}
    for gid, status in ((first, "not_a_match"), (second, "exclude"), (third, "include")):
        g = by_id[gid]
        assert g.status == status
        assert all(decided[k].by == STAFF for k in g.keys)  # every copy, by who pressed the key
    assert decided[by_id[second].keys[0]].note.startswith("Our intended offer")

    page.reload()  # decisions are kept, not just painted
    assert page.locator(f'tr.item[data-id="{second}"]').get_attribute("data-status") == "exclude"


def test_only_staff_and_the_dpo_review_and_decisions_need_the_page(page, addon):
    ref = _case(addon)
    _sign_in(page, f"{addon.url}/review/{ref}", AUDITOR)
    page.locator("#denied").wait_for()
    assert "may not review" in page.locator("#denied").inner_text()
    _, groups = review_list(addon.services, ref)
    r = requests.post(f"{addon.url}/review/{ref}/decide", json={"ids": [groups[0].id], "status": "include"},
                      timeout=10)
    assert r.status_code == 401  # no session: nobody signed in
    context = page.context
    cookies = {c["name"]: c["value"] for c in context.cookies()}
    r = requests.post(f"{addon.url}/review/{ref}/decide", json={"ids": [groups[0].id], "status": "include"},
                      cookies=cookies, timeout=10)
    assert r.status_code == 403
    assert review_store(addon.services).load(ref) == {}


def test_preview_shows_proposed_redactions_and_staff_change_them(page, addon):
    """The preview marks what the package would hide; staff keep one proposal visible (×) and hide a word of
    their own, as 'dsar redact remove|add' would, and the decision holds both."""
    from addon.review.preview import fetch_preview

    ref = _case(addon)
    case, groups = review_list(addon.services, ref)
    chosen = None
    for g in (g for g in groups if g.primary["source"] == "gmail"):
        body = fetch_preview(addon.services, case, g, STAFF)
        live = [r for p in body.get("parts", []) for r in p["redactions"] if not r["removed"]]
        if len(live) >= 2 and any(p["name"] == "body" and len(p["text"]) > 40 for p in body["parts"]):
            chosen = (g, live)
            break
    assert chosen, "no email of Jane's case names other people"
    g, live = chosen
    _sign_in(page, f"{addon.url}/review/{ref}", STAFF)
    page.locator(f'tr.item[data-id="{g.id}"]').click()
    page.keyboard.press("p")
    marks = page.locator("#preview mark.redaction:not(.removed)")
    marks.first.wait_for()
    assert marks.count() == len(live)
    assert "jane.doe@example.com" not in " ".join(marks.all_inner_texts()).lower()  # never the requester
    first = marks.first.get_attribute("data-rid")
    marks.first.locator("button.unredact").click()  # keep this one visible
    page.locator(f'#preview mark.redaction.removed[data-rid="{first}"]').wait_for()
    assert page.locator("#preview mark.redaction:not(.removed)").count() == len(live) - 1

    body_text = page.locator('#preview pre[data-part="body"]').inner_text()
    word = next(w.strip(".,;:!?()\"'") for w in body_text.split()
                if len(w.strip(".,;:!?()\"'")) >= 7 and w.strip(".,;:!?()\"'").isalpha() and "jane" not in w.lower())
    page.fill("#redact-text", word)
    page.click("#redact-add")
    page.locator('#preview mark.redaction[data-origin="staff"]').first.wait_for()
    assert word.lower() in page.locator('#preview mark.redaction[data-origin="staff"]').first.inner_text().lower()
    screenshot(page, "review-redactions-1280", "review-redactions.png")

    d = review_store(addon.services).load(ref)[g.keys[0]]
    assert d.redactions_removed == [first] and d.redactions_added == [{"kind": "name", "text": word}]
    assert d.by == STAFF
    page.click("#redact-clear")  # back to the proposals
    page.wait_for_function("n => document.querySelectorAll('#preview mark.redaction:not(.removed)').length === n "
                           "&& !document.querySelector('#preview mark.redaction.removed')", arg=len(live))
    assert review_store(addon.services).load(ref)[g.keys[0]].redactions_removed == []
