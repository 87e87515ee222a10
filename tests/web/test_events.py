"""Parsing Google's event object (research/addon.md §1.2) into a typed value; pure, no server."""
from __future__ import annotations

import datetime as dt

import pytest

from addon.web.events import EventError, parse_event

# Google's Gmail contextual-trigger example (addon.md §1.2), trailing commas removed, plus granular consent.
GMAIL_EXAMPLE = {
    "commonEventObject": {"hostApp": "GMAIL", "platform": "WEB"},
    "authorizationEventObject": {
        "userOAuthToken": "ya29...", "systemIdToken": "eyJhbGc...", "userIdToken": "jaaa45...",
        "authorizedScopes": ["https://www.googleapis.com/auth/gmail.addons.execute",
                             "https://www.googleapis.com/auth/script.locale"],
    },
    "gmail": {"messageId": "msg-f:1234567", "threadId": "thread-f:2345678", "accessToken": "xedf241..."},
}


def test_gmail_contextual_example():
    e = parse_event(GMAIL_EXAMPLE)
    assert e.host_app == "GMAIL" and e.platform == "WEB"
    assert e.user_oauth_token == "ya29..." and e.user_id_token == "jaaa45..." and e.system_id_token == "eyJhbGc..."
    assert e.authorized_scopes == frozenset(GMAIL_EXAMPLE["authorizationEventObject"]["authorizedScopes"])
    assert e.gmail.message_id == "msg-f:1234567" and e.gmail.thread_id == "thread-f:2345678"
    assert e.gmail.api_message_id == format(1234567, "x") == "12d687"
    assert e.gmail.access_token == "xedf241..."
    assert "ya29" not in repr(e) and "xedf241" not in repr(e)  # tokens never land in logs via repr


def test_api_message_ids_pass_unchanged():
    e = parse_event({**GMAIL_EXAMPLE, "gmail": {"messageId": "18c1f2a3b4c5d6e7"}})
    assert e.gmail.api_message_id == "18c1f2a3b4c5d6e7"


def test_without_granular_consent_scopes_are_unknown():
    e = parse_event({"commonEventObject": {"hostApp": "DRIVE"}, "authorizationEventObject": {}})
    assert e.authorized_scopes is None and e.gmail is None and e.drive is None


def test_form_inputs_and_parameters():
    ms = str(int(dt.datetime(2025, 3, 31, tzinfo=dt.timezone.utc).timestamp() * 1000))
    e = parse_event({"commonEventObject": {
        "hostApp": "GMAIL", "parameters": {"ref": "DSAR-2025-0001"},
        "timeZone": {"id": "Europe/London", "offset": 3600000},
        "formInputs": {"name": {"stringInputs": {"value": ["  Jane Doe "]}},
                       "emails": {"stringInputs": {"value": ["a@x.test", "b@x.test"]}},
                       "received": {"dateInput": {"msSinceEpoch": ms}}},
    }})
    assert e.param("ref") == "DSAR-2025-0001" and e.param("missing") == ""
    assert e.value("name") == "Jane Doe" and e.strings["emails"] == ("a@x.test", "b@x.test")
    assert e.value("unfilled") == ""
    assert e.dates["received"] == dt.date(2025, 3, 31)
    assert e.time_zone == "Europe/London"


def test_drive_selected_items():
    e = parse_event({"commonEventObject": {"hostApp": "DRIVE"}, "drive": {"selectedItems": [
        {"id": "f1", "title": "Call notes", "mimeType": "application/vnd.google-apps.document",
         "addonHasFileScopePermission": False}]}})
    assert [i["id"] for i in e.drive.selected] == ["f1"]
    cursor = parse_event({"commonEventObject": {"hostApp": "DRIVE"}, "drive": {"activeCursorItem": {"id": "f9"}}})
    assert cursor.drive.selected[0]["id"] == "f9"


@pytest.mark.parametrize("body, field", [
    ([], "event"),
    ({"commonEventObject": []}, "commonEventObject"),
    ({"commonEventObject": {"parameters": {"ref": 1}}}, "commonEventObject.parameters.ref"),
    ({"commonEventObject": {"formInputs": {"name": {"stringInputs": {"value": "x"}}}}},
     "commonEventObject.formInputs.name.stringInputs.value"),
    ({"commonEventObject": {"formInputs": {"d": {"dateInput": {"msSinceEpoch": "soon"}}}}},
     "commonEventObject.formInputs.d.dateInput.msSinceEpoch"),
    ({"authorizationEventObject": {"authorizedScopes": "gmail"}}, "authorizationEventObject.authorizedScopes"),
    ({"drive": {"selectedItems": [{"title": "no id"}]}}, "drive.selectedItems[0].id"),
    ({"gmail": {"messageId": 7}}, "gmail.messageId"),
])
def test_malformed_events_name_the_field(body, field):
    with pytest.raises(EventError) as err:
        parse_event(body)
    assert err.value.field == field
