"""Calendar v3 in the sandbox through google-api-python-client: calendar list, q, time windows, recurring
series, paging, deletion, attendee removal, scopes, quota and faults, over a Takeout-style fixture."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from googleapiclient.errors import HttpError

from sandbox.server import SandboxServer
from tests.sandbox import sources_fixture as sf

RO = ["calendar.readonly"]
RW = ["calendar.events"]


@pytest.fixture
def server(tmp_path, sandbox_factory) -> SandboxServer:
    return sandbox_factory(sf.write(tmp_path))


def events(server, scopes=RO, who=sf.ANA):
    return sf.client(server, "calendar", "v3", who, scopes).events()


def summaries(resp) -> list[str]:
    return [e.get("summary", "") for e in resp["items"]]


def test_calendar_list_primary_first_and_broken_file_reported(server):
    cal = sf.client(server, "calendar", "v3", sf.ANA, RO)
    page = cal.calendarList().list().execute()
    assert page["kind"] == "calendar#calendarList"
    ids = [c["id"] for c in page["items"]]
    assert ids[0] == sf.ANA and page["items"][0]["primary"] is True and page["items"][0]["accessRole"] == "owner"
    assert [c["summary"] for c in page["items"]] == [sf.ANA, "Rota"]
    assert ids[1].endswith("@group.calendar.google.com") and "primary" not in page["items"][1]
    assert summaries(cal.events().list(calendarId=ids[1]).execute()) == ["Early shift"]  # an id holding '@'
    assert [Path(p).name for p, _ in server.ws.load_problems if p.endswith(".ics")] == ["broken.ics"]
    # every user has a primary calendar, even without a file
    ben = sf.client(server, "calendar", "v3", sf.BEN, RO).calendarList().list().execute()
    assert [c["id"] for c in ben["items"]] == [sf.BEN]


def test_q_matches_words_and_phrases_in_the_documented_fields(server):
    ev = events(server)
    assert summaries(ev.list(calendarId="primary", q="07700 900123").execute()) == ["Callback: boiler"]
    assert summaries(ev.list(calendarId="primary", q='"07700 900124"').execute()) == ["Callback: Jane Smith"]
    assert summaries(ev.list(calendarId="primary", q="jane.doe@example.com").execute()) == ["Callback: boiler"]
    assert summaries(ev.list(calendarId="primary", q="Jane").execute()) == ["Callback: boiler", "Callback: Jane Smith"]
    assert summaries(ev.list(calendarId="primary", q="Jane Doe").execute()) == ["Callback: boiler"]  # attendee name
    assert summaries(ev.list(calendarId="primary", q="Phone").execute()) == ["Callback: boiler"]  # location
    assert ev.list(calendarId="primary", q="900").execute()["items"] == []  # whole tokens only
    assert ev.list(calendarId="primary", q="+447700900123").execute()["items"] == []  # no number normalising


def test_event_shape(server):
    item = events(server).list(calendarId="primary", q="boiler").execute()["items"][0]
    assert item["kind"] == "calendar#event" and item["status"] == "confirmed" and item["id"] == "callback1"
    assert item["iCalUID"] == "callback1@google.com" and item["htmlLink"].startswith("https://www.google.com/calendar/event?eid=")
    assert item["start"]["dateTime"] == "2025-06-03T09:00:00+00:00" and item["end"]["dateTime"].startswith("2025-06-03T09:30")
    assert item["organizer"] == {"email": sf.ANA, "displayName": "Ana Agent", "self": True}
    jane = next(a for a in item["attendees"] if a["email"] == "jane.doe@example.com")
    assert jane == {"email": "jane.doe@example.com", "displayName": "Jane Doe", "responseStatus": "accepted"}
    assert item["created"] == "2025-06-01T12:00:00.000Z" and item["updated"] == "2025-06-02T12:00:00.000Z"


def test_recurring_series_and_single_events(server):
    ev = events(server)
    series = ev.list(calendarId="primary", q="stand-up").execute()["items"]
    assert len(series) == 1 and series[0]["recurrence"] == ["RRULE:FREQ=WEEKLY;COUNT=4;BYDAY=MO"]
    inst = ev.list(calendarId="primary", q="stand-up", singleEvents=True, orderBy="startTime").execute()["items"]
    # four Mondays, the 9 June one cancelled by its RECURRENCE-ID override; BST offset kept
    assert [i["start"]["dateTime"] for i in inst] == ["2025-06-02T09:30:00+01:00", "2025-06-16T09:30:00+01:00",
                                                       "2025-06-23T09:30:00+01:00"]
    assert all(i["recurringEventId"] == "standup" and i["id"].startswith("standup_2025") for i in inst)
    got = ev.get(calendarId="primary", eventId=inst[1]["id"]).execute()
    assert got["originalStartTime"]["dateTime"] == "2025-06-16T09:30:00+01:00"


def test_time_window_and_bad_parameters(server):
    ev = events(server)
    got = ev.list(calendarId="primary", timeMin="2025-06-03T09:15:00Z", timeMax="2025-06-05T00:00:00Z").execute()
    assert summaries(got) == ["Callback: boiler", "Callback: Jane Smith"]
    allday = ev.list(calendarId="primary", timeMin="2025-08-25T12:00:00+01:00").execute()
    assert summaries(allday) == ["Bank holiday"] and allday["items"][0]["start"] == {"date": "2025-08-25"}
    for params in ({"timeMin": "2025-06-03T09:15:00"}, {"orderBy": "startTime"},
                   {"timeMin": "2025-06-05T00:00:00Z", "timeMax": "2025-06-01T00:00:00Z"}):
        with pytest.raises(HttpError) as err:
            ev.list(calendarId="primary", **params).execute()
        assert err.value.resp.status == 400, params
    with pytest.raises(HttpError) as err:
        events(server, who=sf.BEN).list(calendarId=sf.ANA).execute()  # someone else's calendar
    assert err.value.resp.status == 404 and err.value.error_details[0]["reason"] == "notFound"


def test_paging_covers_every_event_once(server):
    ev = events(server)
    req, seen = ev.list(calendarId="primary", maxResults=2, singleEvents=True), []
    while req is not None:
        page = req.execute()
        assert len(page["items"]) <= 2
        seen += [i["id"] for i in page["items"]]
        req = ev.list_next(req, page)
    assert len(seen) == len(set(seen)) == 6
    first = ev.list(calendarId="primary", maxResults=2).execute()
    with pytest.raises(HttpError) as err:  # a token from another query is refused, not reinterpreted
        ev.list(calendarId="primary", q="Jane", pageToken=first["nextPageToken"]).execute()
    assert err.value.resp.status == 400


def test_delete_cancels_and_a_second_delete_is_gone(server):
    ev = events(server, RW)
    assert ev.delete(calendarId="primary", eventId="callback1", sendUpdates="none").execute() == ""
    assert ev.list(calendarId="primary", q="boiler").execute()["items"] == []
    shown = ev.list(calendarId="primary", showDeleted=True).execute()["items"]
    assert {"id": "callback1", "status": "cancelled"}.items() <= next(i for i in shown if i["id"] == "callback1").items()
    with pytest.raises(HttpError) as err:
        ev.delete(calendarId="primary", eventId="callback1").execute()
    assert err.value.resp.status == 410 and err.value.error_details[0]["reason"] == "deleted"
    ev.delete(calendarId="primary", eventId="standup_20250616T083000Z").execute()  # one instance
    left = ev.list(calendarId="primary", q="stand-up", singleEvents=True).execute()["items"]
    assert [i["id"] for i in left] == ["standup_20250602T083000Z", "standup_20250623T083000Z"]


def test_patch_removes_the_subject_as_attendee(server):
    ev = events(server, RW)
    item = ev.get(calendarId="primary", eventId="callback1").execute()
    keep = [a for a in item["attendees"] if a["email"] != "jane.doe@example.com"]
    out = ev.patch(calendarId="primary", eventId="callback1", body={"attendees": keep}, sendUpdates="none").execute()
    assert [a["email"] for a in out["attendees"]] == [sf.ANA] and out["sequence"] == item["sequence"] + 1
    assert ev.list(calendarId="primary", q="jane.doe@example.com").execute()["items"] == []
    assert out["description"] == item["description"]  # patch leaves other fields alone
    with pytest.raises(HttpError) as err:
        ev.patch(calendarId="primary", eventId="callback1", body={"attendees": [{"displayName": "x"}]}).execute()
    assert err.value.resp.status == 400


def test_scopes_are_the_discovery_documents(server):
    with pytest.raises(HttpError) as err:
        events(server, ["calendar.events.readonly"]).delete(calendarId="primary", eventId="callback1").execute()
    assert err.value.resp.status == 403 and err.value.error_details[0]["reason"] == "insufficientPermissions"
    assert events(server, ["calendar.events.owned.readonly"]).list(calendarId="primary").execute()["items"]
    with pytest.raises(HttpError) as err:
        events(server, ["gmail.readonly"]).list(calendarId="primary").execute()
    assert err.value.resp.status == 403


def test_per_user_quota_and_faults(server, sandbox_factory):
    cal = sf.client(server, "calendar", "v3", sf.ANA, RO).calendarList()
    t0, served = time.monotonic(), 0
    with pytest.raises(HttpError) as err:  # 600 requests per minute per user, a minute of burst, 10/s refill
        for _ in range(2000):
            cal.list().execute()
            served += 1
    assert 600 <= served <= 600 + 10 * (time.monotonic() - t0) + 1
    assert err.value.resp.status == 403 and err.value.error_details[0]["reason"] == "userRateLimitExceeded"
    assert server.context.quotas.snapshot()["units"][sf.ANA]["calendar"] == served + 1
    faulty = sandbox_factory(server.fixture, faults="500@calendar.events.*=1")
    with pytest.raises(HttpError) as err:
        events(faulty).list(calendarId="primary").execute()
    assert err.value.resp.status == 500
    assert sf.client(faulty, "calendar", "v3", sf.ANA, RO).calendarList().list().execute()["items"]


def test_batch_requests_reach_each_method(server):
    cal = sf.client(server, "calendar", "v3", sf.ANA, RO)
    got: dict[str, object] = {}
    batch = cal.new_batch_http_request(callback=lambda rid, resp, exc: got.__setitem__(rid, exc or resp["id"]))
    batch.add(cal.events().get(calendarId="primary", eventId="callback1"), request_id="a")
    batch.add(cal.events().get(calendarId="primary", eventId="nosuch"), request_id="b")
    batch.execute()
    assert got["a"] == "callback1" and isinstance(got["b"], HttpError) and got["b"].resp.status == 404
