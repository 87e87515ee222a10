"""Calendar, Contacts, Chat and Forms state: counted by /_sandbox/health, restored by /_sandbox/reset, kept by
snapshots, and the loader's problems reported with their paths while the rest loads."""
from __future__ import annotations

import requests

from sandbox.server import SandboxServer, load_snapshot
from tests.sandbox import sources_fixture as sf


def test_health_counts_and_reset_restores_erased_items(tmp_path, sandbox_factory):
    server = sandbox_factory(sf.write(tmp_path))
    health = requests.get(server.url + "/_sandbox/health", timeout=10).json()
    assert health["sources"] == {"calendars": 4, "events": 5, "contacts": 3, "other_contacts": 2, "chat_spaces": 2,
                                 "chat_messages": 3, "forms": 1, "form_responses": 2}
    problems = {p.rsplit("/", 1)[-1] for p in (x["path"] for x in health["load_problems"])}
    assert problems == {"broken.ics", "messages.json", "Broken.form.json"}
    pe = sf.client(server, "people", "v1", sf.ANA, ["contacts"]).people()
    rname = pe.searchContacts(query="peter", readMask="names").execute()["results"][0]["person"]["resourceName"]
    pe.deleteContact(resourceName=rname).execute()
    sf.client(server, "calendar", "v3", sf.ANA, ["calendar.events"]).events().delete(
        calendarId="primary", eventId="callback1").execute()
    assert requests.post(server.url + "/_sandbox/reset", timeout=30).json() == {"status": "reset"}
    assert pe.searchContacts(query="peter", readMask="names").execute()["results"]
    ev = sf.client(server, "calendar", "v3", sf.ANA, ["calendar.readonly"]).events()
    assert ev.get(calendarId="primary", eventId="callback1").execute()["status"] == "confirmed"


def test_snapshot_keeps_the_sources(tmp_path):
    (tmp_path / "fx").mkdir()
    fixture = sf.write(tmp_path / "fx")
    snap = tmp_path / "ws.pickle"
    with SandboxServer(fixture, port=0, snapshot=snap) as server:
        ch = sf.client(server, "chat", "v1", sf.ANA, ["chat.messages"]).spaces().messages()
        first = ch.list(parent="spaces/AAAAcallfloor").execute()["messages"][0]["name"]
        ch.delete(name=first).execute()
    ws = load_snapshot(snap)
    assert ws.chat.spaces["AAAAcallfloor"].messages[first.rsplit("/", 1)[-1]].deleted is not None
    assert len(ws.forms) == 1 and ws.calendars.calendars[sf.ANA].events["callback1"].summary == "Callback: boiler"
    assert len(ws.contacts[sf.ANA].contacts) == 5
