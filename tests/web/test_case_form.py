"""The sidebar's case form shows every refusal of the subject's identifiers (phonenumbers' validity, a name
too vague to search on its own, a date that does not exist...) as a red line under the field it is about,
with the form as typed: never a 500, never an error card that loses what was typed."""
from __future__ import annotations

import json

import pytest

from addon.web.actions import form_field

from .test_endpoints import _card, _widget_after


@pytest.mark.parametrize("phone", ["12345", "0770090012"])  # too short: parsed, possible-looking, not valid
def test_an_invalid_phone_is_refused_under_the_phone_field(addon, phone):
    form = {"type": "access", "name": "Jane Doe", "emails": "jane.doe@example.com", "phones": phone}
    resp = addon.post("/addon/case/open", form=form)
    assert resp.status_code == 200
    card = _card(resp)
    assert card["header"]["title"] == "New data-subject request"
    error = json.dumps(_widget_after(card, "phones"))
    assert "textParagraph" in error and phone in error
    assert addon.services.store.list() == []  # nothing saved
    typed = {w["textInput"]["name"]: w["textInput"].get("value") for s in card["sections"] for w in s["widgets"]
             if "textInput" in w}
    assert typed["phones"] == phone and typed["emails"] == "jane.doe@example.com"  # the form comes back as typed


def test_a_validators_field_name_finds_its_form_field():
    assert [form_field(f) for f in ("--phone", "phone", "phones", "--email", "--identifier", "--alias", "--name",
                                    "--received", "region", None, "names[1]")] == [
        "phones", "phones", "phones", "emails", "identifiers", "aliases", "name", "received", "name", "name", "name"]
