"""The sidebar (issue 15 item 5): the Gmail contextual card offers "Open a request from this email" with the
type the subject line reads as, and the form opens each new type with its own fields."""
from __future__ import annotations

import datetime as dt
import json

from scopes.catalog import ADDON_BASE_SCOPES

from addon.web.cards.responses import cards_in
from addon.web.cards.schema import card_problems
from tests.web.conftest import STAFF, addon, demo_fixture, sandbox_server  # noqa: F401  (pytest fixtures)


def _card(resp) -> dict:
    assert resp.status_code == 200, resp.text
    (card,) = cards_in(resp.json())
    assert card_problems(card) == []
    return card


def _plant(addon, subject: str, when: dt.datetime) -> str:
    """Server-side set-up: a message arriving in the staff member's inbox (as Gmail would receive it)."""
    raw = (f"From: Pat Customer <pat.customer@example.com>\r\nTo: {STAFF}\r\nSubject: {subject}\r\n"
           f"Date: {when:%a, %d %b %Y %H:%M:%S +0000}\r\nMessage-ID: <{when.timestamp()}@example.com>\r\n"
           "Content-Type: text/plain\r\n\r\nPlease take me off your list.\r\n").encode()
    with addon.sandbox.ws.lock:
        return addon.sandbox.ws.mailboxes[STAFF].add_raw(raw, ["INBOX"], int(when.timestamp() * 1000))


def _open_card(addon, mid: str) -> dict:
    token = addon.oauth_token(STAFF, ADDON_BASE_SCOPES)
    gmail = {"messageId": "msg-f:" + str(int(mid, 16)), "threadId": "thread-f:1", "accessToken": "per-message"}
    return _card(addon.post("/addon/gmail", scopes=list(ADDON_BASE_SCOPES), oauth_token=token, gmail=gmail))


def _button(card: dict, text: str) -> dict:
    for s in card["sections"]:
        for w in s["widgets"]:
            for b in w.get("buttonList", {}).get("buttons", []):
                if b["text"] == text:
                    return b
    raise AssertionError(f"no button {text!r}: {json.dumps(card)[:500]}")


def test_an_unsubscribe_email_opens_a_marketing_optout_form(addon):
    when = dt.datetime(2026, 11, 30, 16, 5, tzinfo=dt.timezone.utc)
    card = _open_card(addon, _plant(addon, "Re: Winter offers - unsubscribe", when))
    params = {p["key"]: p["value"] for p in _button(card, "Open a request from this email")["onClick"]["action"]
              .get("parameters", [])}
    assert params["type"] == "marketing_optout" and params["email"] == "pat.customer@example.com"
    assert params["received"] == "2026-11-30"
    assert "Reads as: marketing opt-out" in json.dumps(card)

    form = _card(addon.post("/addon/case/form", params=params))
    dropdowns = {w["selectionInput"]["name"]: [i["value"] for i in w["selectionInput"]["items"] if i.get("selected")]
                 for s in form["sections"] for w in s["widgets"] if "selectionInput" in w}
    assert dropdowns["type"] == ["marketing_optout"]
    ms = int(dt.datetime(2026, 11, 30, tzinfo=dt.timezone.utc).timestamp() * 1000)
    opened = _card(addon.post("/addon/case/open", form={"type": "marketing_optout", "name": "Pat Customer",
                                                        "emails": "pat.customer@example.com",
                                                        "received": {"dateInput": {"msSinceEpoch": ms}}}))
    (case,) = addon.services.store.list()
    assert case.type == "marketing_optout" and case.received == dt.date(2026, 11, 30)
    assert opened["header"]["title"] == case.ref


def test_an_ordinary_email_preselects_nothing(addon):
    card = _open_card(addon, _plant(addon, "Call back about my bill", dt.datetime(2026, 11, 30, 9, tzinfo=dt.timezone.utc)))
    params = {p["key"] for p in _button(card, "Open a request from this email")["onClick"]["action"].get("parameters", [])}
    assert "type" not in params and "Reads as" not in json.dumps(card)


def test_the_form_opens_a_rectification_and_shows_errors_under_the_fields(addon):
    bad = _card(addon.post("/addon/case/open", form={"type": "rectification", "name": "Jane Doe",
                                                     "emails": "jane@example.com", "corrections": "just one value"}))
    assert "wrong value -&gt; correct value" in json.dumps(bad) or "wrong value -> correct value" in json.dumps(bad)
    assert addon.services.store.list() == []
    _card(addon.post("/addon/case/open", form={"type": "rectification", "name": "Jane Doe", "emails": "jane@example.com",
                                               "corrections": "12 Old Street -> 14 New Street"}))
    (case,) = addon.services.store.list()
    assert case.details == {"corrections": [{"field": "any", "wrong": "12 Old Street", "correct": "14 New Street"}]}
    bad = _card(addon.post("/addon/case/open", form={"type": "objection", "name": "Jane Doe"}))
    assert "is empty" in json.dumps(bad) and len(addon.services.store.list()) == 1
