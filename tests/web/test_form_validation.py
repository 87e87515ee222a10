"""The sidebar's case form checks what the CLI checks, with the same functions (issue 12 item 8): the error
appears under the field at fault and nothing typed is lost."""
from __future__ import annotations

import json

from .test_endpoints import _card, _widget_after


def _error_under(card: dict, field: str) -> str:
    widget = _widget_after(card, field) or {}
    return (widget.get("textParagraph") or {}).get("text", "")


def _values(card: dict) -> dict:
    return {w["textInput"]["name"]: w["textInput"].get("value") for s in card["sections"] for w in s["widgets"]
            if "textInput" in w}


def test_a_short_phone_is_refused_under_the_phone_field(addon):
    card = _card(addon.post("/addon/case/open", form={"name": "Jane Doe", "phones": "0771234567"}))
    text = _error_under(card, "phones")
    assert "read as +44 771234567" in text and "9 digits" in text
    assert _values(card)["phones"] == "0771234567"
    assert addon.services.store.list() == []


def test_a_single_word_name_alone_is_refused_and_with_an_email_is_a_label(addon):
    card = _card(addon.post("/addon/case/open", form={"name": "Jane"}))
    assert "single word" in _error_under(card, "name") and "other people" in _error_under(card, "name")
    card = _card(addon.post("/addon/case/open", form={"name": "x", "emails": "x@example.com"}))
    assert "single letter" in _error_under(card, "name")
    assert addon.services.store.list() == []

    body = addon.post("/addon/case/open", form={"name": "Jane Doe", "aliases": "Janey",
                                                "emails": "jane.doe@example.com"})
    assert body.status_code == 200, body.text
    [case] = addon.services.store.list()
    assert case.subject.names == ("Jane Doe",) and case.subject.partial_names == ("Janey",)
    assert "Janey" not in json.dumps(case.public()["subject"]["names"])
