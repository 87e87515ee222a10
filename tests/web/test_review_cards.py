"""Review decisions in the sidebar over real HTTP with signed events: the review card lists the undecided
things a page at a time with why each matched; Include, Not a match and Exclude (an exemption code from
the organisation's list and a required note, refused under the field otherwise) decide every copy, as
``dsar review`` does; "include all undecided of this source" only while the count on the button holds.
Auditors are refused, unsigned requests get 401, and nothing is decided for them."""
from __future__ import annotations

import datetime as dt
import json

from addon.cli.case_cmd import open_case
from addon.review.exemptions import load_exemptions
from addon.review.service import review_list, review_store
from addon.search.service import run_search
from addon.web.cards.review import PAGE_SIZE

from .conftest import AUDITOR, STAFF
from .test_endpoints import _card, _widget_after
from .test_manage import _buttons, _params, _show



def _searched(addon) -> str:
    case = open_case(addon.services, "access", ["Jane Doe"], ["jane.doe@example.com"], ["+447700900123"], [],
                     dt.date.today(), STAFF)
    run_search(addon.services, case.ref, STAFF)
    return case.ref


def _items(card: dict) -> dict[str, dict]:
    """Item id -> its section."""
    return {s["header"].removeprefix("Item "): s for s in card["sections"] if s.get("header", "").startswith("Item ")}


def _item_button(section: dict, label: str) -> dict:
    return next(b for w in section["widgets"] for b in w.get("buttonList", {}).get("buttons", []) if b["text"] == label)


def _press_button(addon, b: dict, form: dict | None = None, as_user: str = STAFF) -> dict:
    path = "/" + b["onClick"]["action"]["function"].split("/", 3)[3]
    return _card(addon.post(path, as_user=as_user, params=_params(b), form=form or {}))


def _notified(resp_card_call) -> str:
    return resp_card_call.json()["renderActions"]["action"].get("notification", {}).get("text", "")


def _open_review(addon, ref: str, who: str = STAFF) -> dict:
    case_card = _show(addon, ref, who)
    return _press_button(addon, _buttons(case_card)["Decide here"], as_user=who)


def test_decide_from_the_sidebar_as_the_cli_does(addon):
    ref = _searched(addon)
    _, groups = review_list(addon.services, ref)
    assert len(groups) >= 3
    card = _open_review(addon, ref)
    assert card["header"]["title"] == f"Review {ref}"
    items = _items(card)
    assert list(items) == [g.id for g in groups][:PAGE_SIZE]  # undecided, in the review list's order
    by_id = {g.id: g for g in groups}
    for gid, sec in items.items():  # why each matched, from the search's evidence
        why = sec["widgets"][0]["decoratedText"]["bottomLabel"]
        assert why.startswith("Matched: ") and by_id[gid].public()["why_matched"] in json.dumps(why)
    codes = [i["value"] for i in next(w for w in items[groups[1].id]["widgets"] if "selectionInput" in w)
             ["selectionInput"]["items"]]
    assert codes == ["", *load_exemptions(addon.services.settings)]

    first, second, third = groups[0], groups[1], groups[2]
    done = _press_button(addon, _item_button(items[first.id], "Include"))
    assert first.id not in _items(done)
    # exclude: no note -> refused under the note field; no code -> under the code field; nothing decided
    refused = _press_button(addon, _item_button(items[second.id], "Exclude"), {f"code_{second.id}": "negotiations"})
    assert "needs a note" in json.dumps(_widget_after(refused, f"note_{second.id}"))
    refused = _press_button(addon, _item_button(items[second.id], "Exclude"), {f"note_{second.id}": "offer open"})
    assert "exemption code" in json.dumps(_widget_after(refused, f"code_{second.id}"))
    refused = _press_button(addon, _item_button(items[second.id], "Exclude"),
                            {f"code_{second.id}": "made_up", f"note_{second.id}": "offer open"})
    assert "not an exemption code" in json.dumps(_widget_after(refused, f"code_{second.id}"))
    assert set(review_store(addon.services).load(ref)) == set(first.keys)
    _press_button(addon, _item_button(items[second.id], "Exclude"),
                  {f"code_{second.id}": "negotiations", f"note_{second.id}": "Our offer on her complaint"})
    last = _press_button(addon, _item_button(items[third.id], "Not a match"))
    assert not {first.id, second.id, third.id} & set(_items(last))
    assert "1 included · 1 excluded · 1 not a match" in last["sections"][0]["widgets"][0]["decoratedText"]["text"]

    decided = review_store(addon.services).load(ref)
    for g, status in ((first, "include"), (second, "exclude"), (third, "not_a_match")):
        assert all(decided[k].status == status and decided[k].by == STAFF for k in g.keys)  # every copy
    assert {decided[k].code for k in second.keys} == {"negotiations"}
    assert decided[second.keys[0]].note == "Our offer on her complaint"

    # a stale card: pressing a decided thing again changes nothing and says so
    resp = addon.post("/addon/review/decide", as_user=STAFF,
                      params={"ref": ref, "id": first.id, "status": "not_a_match", "page": "0"})
    assert "decided meanwhile" in _notified(resp)
    assert review_store(addon.services).load(ref)[first.keys[0]].status == "include"


def test_paging_and_include_a_whole_source(addon):
    ref = _searched(addon)
    _, groups = review_list(addon.services, ref)
    card = _open_review(addon, ref)
    undecided = [g for g in groups if g.status == "undecided"]
    assert len(undecided) > PAGE_SIZE  # Jane is found in more things than one page holds
    nxt = _press_button(addon, _buttons(card)["Next"])  # the next page shows the next things
    assert list(_items(nxt)) == [g.id for g in undecided[PAGE_SIZE:2 * PAGE_SIZE]]
    assert "Previous" in _buttons(nxt)
    gmail = [g for g in undecided if any(i.get("source") == "gmail" for i in g.items)]
    assert gmail, "Jane's search finds emails"
    label = f"Include all {len(gmail)} undecided from Gmail"
    bulk = _buttons(card)[label]
    stale = addon.post("/addon/review/bulk", as_user=STAFF, params={**_params(bulk), "count": str(len(gmail) + 1)})
    assert "The list changed" in _notified(stale) and review_store(addon.services).load(ref) == {}
    resp = addon.post("/addon/review/bulk", as_user=STAFF, params=_params(bulk))
    assert f"Included {len(gmail)} Gmail" in _notified(resp)
    after = _card(resp)
    assert not any(b.startswith("Include all") and "Gmail" in b for b in _buttons(after))
    decided = review_store(addon.services).load(ref)
    assert {k for g in gmail for k in g.keys} == set(decided)
    assert all(d.status == "include" and d.by == STAFF for d in decided.values())


def test_auditors_and_unsigned_requests_decide_nothing(addon):
    ref = _searched(addon)
    _, groups = review_list(addon.services, ref)
    params = {"ref": ref, "id": groups[0].id, "status": "include", "page": "0"}
    for path, extra in (("/addon/review", {}), ("/addon/review/decide", {}),
                        ("/addon/review/bulk", {"source": "gmail", "count": "1"})):
        card = _card(addon.post(path, as_user=AUDITOR, params={**params, **extra}))
        assert card["header"]["title"] == "Not allowed"
    assert addon.post("/addon/review/decide", auth=None, params=params).status_code == 401
    assert addon.post("/addon/review/decide", auth="Bearer forged", params=params).status_code == 401
    assert review_store(addon.services).load(ref) == {}


def test_a_case_not_yet_searched_is_not_reviewed(addon):
    case = open_case(addon.services, "access", ["Jane Doe"], ["jane.doe@example.com"], [], [], dt.date.today(), STAFF)
    card = _card(addon.post("/addon/review", as_user=STAFF, params={"ref": case.ref}))
    assert "results are reviewed once the search has finished" in json.dumps(card)
    assert "Include all" not in json.dumps(card)
