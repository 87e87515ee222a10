"""The auditor view at a laptop's size with a real trail of more than 600 records: the page stays a few
screens high (the timeline is paginated on the server), no cell grows taller than four lines (the Detail
column used to wrap one character a line), nothing overflows sideways, and the filters survive paging."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from addon.cli.case_cmd import open_case
from addon.search.service import run_search
from tests.web.conftest import AUDITOR, DPO

from .conftest import screenshot

pytestmark = pytest.mark.browser
WIDTH, HEIGHT = 1280, 800
MAX_LINES = 4
MAX_PAGE_HEIGHT = 4 * 1000  # a few screens; 601 records on one page made ~50,000 px

#: Per cell: its content height and line height; per table: how far it sticks out of its panel.
LAYOUT_JS = """() => {
  const cells = [...document.querySelectorAll('#timeline td, #summaries td')].map(td => {
    const cs = getComputedStyle(td);
    const inner = td.clientHeight - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom);
    return {table: td.closest('table').id, col: td.cellIndex, h: inner, lh: parseFloat(cs.lineHeight),
            text: td.innerText.slice(0, 60)};
  });
  const tables = [...document.querySelectorAll('table')].map(t => ({id: t.id,
    over: t.scrollWidth - t.parentElement.clientWidth}));
  const heads = [...document.querySelectorAll('#timeline th')].map(th => ({t: th.innerText, w: th.offsetWidth}));
  return {cells, tables, heads, pageH: document.documentElement.scrollHeight,
          pageW: document.documentElement.scrollWidth, viewW: window.innerWidth};
}"""


def _trail_of(addon, at_least: int) -> str:
    """A real search's calls, then the same records again (as more searches would add) past ``at_least``."""
    case = open_case(addon.services, "access", ["Jane Doe"], ["jane.doe@example.com"], ["+447700900123"], [],
                     dt.date.today(), DPO)
    run_search(addon.services, case.ref, DPO)
    addon.post("/addon/homepage", auth="Bearer forged.token.here")  # a refusal with a long detail
    trail = addon.services.trail
    base = [r.to_dict() for r in trail.records()]
    drop = {"seq", "time", "prev", "leaf", "sealed_fields", "lookup", "sealed", "v"}
    again = [({k: v for k, v in r.items() if k not in drop}, None) for r in base if r.get("case") == case.ref]
    while trail.size() <= at_least:
        trail.append_many(again)
    failed = {**again[-1][0], "outcome": "error", "status": 503, "detail": "HttpError " + "backend unavailable; " * 12
              + "principal=aisha.khan@northwind-calls.test"}  # a long detail: cut to two lines, opens in place
    trail.append(failed)
    trail.checkpoint()
    return case.ref


def _layout(page) -> dict:
    return page.evaluate(LAYOUT_JS)


def _check(layout: dict) -> None:
    assert layout["pageW"] <= layout["viewW"], "the page scrolls sideways"
    for t in layout["tables"]:
        assert t["over"] <= 1, f"table {t['id']} is {t['over']} px wider than its panel"
    tall = [c for c in layout["cells"] if c["h"] > MAX_LINES * c["lh"] + 1]
    assert not tall, f"cells taller than {MAX_LINES} lines: {tall[:5]}"
    narrow = [h for h in layout["heads"] if h["w"] < 44]
    assert not narrow, f"columns too narrow to read: {narrow}"
    detail = next(h for h in layout["heads"] if h["t"] == "Detail")
    assert detail["w"] >= 150, detail
    assert layout["pageH"] <= MAX_PAGE_HEIGHT, f"page is {layout['pageH']} px high"


def test_audit_page_is_bounded_and_readable_at_1280(chromium, addon):
    ref = _trail_of(addon, 600)
    total = sum(1 for _ in addon.services.trail.records())  # write-ahead intents are not listed as calls
    context = chromium.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    page = context.new_page()
    try:
        page.goto(addon.url + "/audit")
        page.fill("input[name=email]", AUDITOR)
        page.get_by_role("button", name="View the audit trail").click()
        page.locator("#verdict").wait_for()
        assert page.locator("#count").inner_text() == f"{total} records"
        assert page.locator("#timeline tbody tr").count() == 50
        assert f"1–50 of {total}" in page.locator("#range").inner_text()
        _check(_layout(page))
        page.set_viewport_size({"width": WIDTH, "height": 1500})  # the README's picture: badge to timeline
        screenshot(page, "auditor-1280", "auditor.png")
        page.set_viewport_size({"width": WIDTH, "height": HEIGHT})

        # a long detail opens in place, and closes again
        long = page.locator("#timeline td.detail details")
        assert long.count() == 1
        long.locator("summary").click()
        assert long.get_attribute("open") is not None
        long.locator("summary").click()

        # filters survive paging: a case's calls, page 2, still that case
        page.select_option("select[name=case]", ref)
        page.get_by_role("button", name="Filter").click()
        page.locator("#page-pager").wait_for()
        kept = int(re.search(r"(\d+) records", page.locator("#count").inner_text()).group(1))
        first_seq = page.locator("#timeline tbody tr td").first.inner_text()
        page.locator("#page-pager a[rel=next]").click()
        page.wait_for_url(re.compile(r"page=2"))
        assert f"case={ref}" in page.url
        assert page.locator("select[name=case]").input_value() == ref
        assert f"51–{min(100, kept)} of {kept}" in page.locator("#range").inner_text()
        cases = page.locator("#timeline tbody tr .case").all_inner_texts()
        assert len(cases) == page.locator("#timeline tbody tr").count() > 0 and set(cases) == {ref}
        assert int(page.locator("#timeline tbody tr td").first.inner_text()) < int(first_seq)  # newest first
        _check(_layout(page))
        # the downloads still hold every record the filters keep, whatever the page
        href = page.locator("#csv").get_attribute("href")
        assert "page=" not in href and f"case={ref}" in href
    finally:
        context.close()
