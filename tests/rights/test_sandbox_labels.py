"""The sandbox's Gmail labels.create and labels.delete, as the real client library sees them: Google's
resource shape, 409 for a taken name, and deleting a label takes it off every message."""
from __future__ import annotations

import pytest
from googleapiclient.errors import HttpError

from scopes.model import GMAIL_MODIFY, GMAIL_READONLY

AISHA = "aisha.khan@northwind-calls.test"


def test_labels_create_and_delete(world):
    gmail = world.api("gmail", AISHA, [GMAIL_MODIFY]).users()
    made = gmail.labels().create(userId="me", body={"name": "DSAR restricted/TEST-1"}).execute()
    assert made["name"] == "DSAR restricted/TEST-1" and made["type"] == "user" and made["id"].startswith("Label_")
    with pytest.raises(HttpError) as e:
        gmail.labels().create(userId="me", body={"name": "dsar restricted/test-1"}).execute()
    assert e.value.resp.status == 409
    with pytest.raises(HttpError) as e:
        gmail.labels().delete(userId="me", id="INBOX").execute()
    assert e.value.resp.status == 400
    ids = [m["id"] for m in gmail.messages().list(userId="me", maxResults=3).execute()["messages"]]
    gmail.messages().batchModify(userId="me", body={"ids": ids, "addLabelIds": [made["id"]]}).execute()
    assert gmail.labels().get(userId="me", id=made["id"]).execute()["messagesTotal"] == 3
    gmail.labels().delete(userId="me", id=made["id"]).execute()
    assert all(made["id"] not in gmail.messages().get(userId="me", id=i, format="minimal").execute().get("labelIds", [])
               for i in ids)
    read_only = world.api("gmail", AISHA, [GMAIL_READONLY]).users()
    with pytest.raises(HttpError) as e:
        read_only.labels().create(userId="me", body={"name": "nope"}).execute()
    assert e.value.resp.status == 403
