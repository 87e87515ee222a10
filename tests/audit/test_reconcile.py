"""The comparison with Google's token audit log, on its own: one-to-one pairing within the skew, cells
per user x API x method x hour, Google-only calls as alarms, ours-only calls with their reason (lag,
edition, error answer, lost by Google) and the tolerance for Google's losses."""
from __future__ import annotations

import datetime as dt

from audit.reconcile import (Seen, Tolerances, google_from_activities, hour_of, ours_from_records, reconcile)

T0 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.timezone.utc).timestamp()
DAY = (T0 - 3600, T0 + 23 * 3600)
NOW = T0 + 2 * 86400
U, V = "aisha@x.test", "tom@x.test"
GET, LIST = "gmail.users.messages.get", "gmail.users.messages.list"


def test_normal_day_matches_everything():
    ours = [Seen(U, GET, T0 + i * 60 + 0.3, 200) for i in range(30)] + [Seen(V, LIST, T0 + 5000, 200)]
    google = [Seen(U, GET, T0 + i * 60) for i in range(30)] + [Seen(V, LIST, T0 + 4999.5)]
    r = reconcile(ours, google, *DAY, now=NOW)
    assert r.unexplained == 0 and r.google_only == [] and r.ours_only == []
    assert sum(c["count"] for c in r.matched) == 31
    assert {(c["user"], c["method"], c["hour"], c["count"]) for c in r.matched} == {
        (U, GET, "2026-12-01T10:00Z", 30), (V, LIST, "2026-12-01T11:00Z", 1)}


def test_foreign_call_is_an_alarm_with_user_method_hour():
    ours = [Seen(U, GET, T0 + 10, 200)]
    google = [Seen(U, GET, T0 + 10), Seen(V, LIST, T0 + 7200 + 5)]
    r = reconcile(ours, google, *DAY, now=NOW)
    assert r.alarms == 1 and r.unexplained == 1
    assert r.google_only == [{"user": V, "api": "gmail", "method": LIST, "hour": "2026-12-01T12:00Z", "count": 1}]
    assert "1 on Google's side only" in r.summary()


def test_hour_boundary_within_skew_is_not_an_alarm_but_beyond_it_is():
    edge = T0 + 3600
    r = reconcile([Seen(U, GET, edge - 0.2, 200)], [Seen(U, GET, edge + 0.1)], *DAY, now=NOW)
    assert r.unexplained == 0 and r.matched[0]["hour"] == hour_of(edge + 0.1)
    far = reconcile([Seen(U, GET, edge - 500, 200)], [Seen(U, GET, edge + 1)], *DAY, now=NOW,
                    tol=Tolerances(skew_s=120))
    assert far.alarms == 1 and far.ours_only[0]["reason"] == "missing"
    wide = reconcile([Seen(U, GET, edge - 500, 200)], [Seen(U, GET, edge + 1)], *DAY, now=NOW,
                     tol=Tolerances(skew_s=600))
    assert wide.unexplained == 0


def test_ours_only_reasons():
    google = [Seen(V, LIST, T0 + 100)]
    ours = [Seen(V, LIST, T0 + 100.5, 200),
            Seen(U, GET, NOW - 60, 200),  # recent: lag
            Seen(U, GET, T0 + 300, 503),  # an error answer
            Seen(U, GET, T0 + 400, 200),  # Google lost it
            Seen(U, GET, T0 + 500, None, possible=True)]  # an unanswered call Google never served
    r = reconcile(ours, google, T0 - 3600, NOW, now=NOW)
    assert sorted(c["reason"] for c in r.ours_only) == ["error", "lag", "missing"]
    assert r.not_served == 1 and r.missing == 1 and r.unexplained == 1
    assert reconcile(ours, google, T0 - 3600, NOW, now=NOW, tol=Tolerances(max_missing=1)).unexplained == 0


def test_no_google_events_at_all_is_the_edition():
    r = reconcile([Seen(U, GET, T0 + 10, 200)], [], *DAY, now=NOW)
    assert [c["reason"] for c in r.ours_only] == ["edition"] and r.unexplained == 0
    assert "Enterprise" in r.to_dict()["caveat"]


def test_an_unknown_outcome_that_google_served_is_matched():
    r = reconcile([Seen(U, GET, T0 + 10, None, possible=True)], [Seen(U, GET, T0 + 9.9)], *DAY, now=NOW)
    assert r.unexplained == 0 and r.matched[0]["count"] == 1


def test_sides_from_records_and_activities():
    t = "2026-12-01T10:00:01.000000Z"
    records = [
        {"api_method": GET, "outcome": "ok", "status": 200, "time": t, "detail": "principal=Aisha@x.test"},
        {"api_method": GET, "outcome": "intent", "status": None, "time": t, "detail": "principal=aisha@x.test"},
        {"api_method": GET, "outcome": "refused", "status": None, "time": t, "detail": "x principal=aisha@x.test"},
        {"api_method": "oauth2.token", "outcome": "ok", "status": 200, "time": t, "detail": "principal=aisha@x.test"},
        {"api_method": "batch", "outcome": "ok", "status": 200, "time": t, "detail": "principal=aisha@x.test"},
        {"api_method": GET, "outcome": "unknown", "status": None, "time": t, "detail": "no outcome principal=a@x.test"},
    ]
    ours = ours_from_records(records)
    assert [(s.user, s.possible) for s in ours] == [(U, False), ("a@x.test", True)]
    items = [{"id": {"time": "2026-12-01T10:00:00.500Z"}, "actor": {"email": "Aisha@x.test"},
              "events": [{"name": "activity", "parameters": [
                  {"name": "method_name", "value": GET}, {"name": "client_id", "value": "ours"},
                  {"name": "num_response_bytes", "intValue": "10"}]}]},
             {"id": {"time": "2026-12-01T10:00:00.500Z"}, "actor": {"email": "x@x.test"},
              "events": [{"name": "activity", "parameters": [
                  {"name": "method_name", "value": GET}, {"name": "client_id", "value": "another app"}]}]},
             {"id": {"time": "2026-12-01T10:00:00.500Z"}, "actor": {"email": "x@x.test"},
              "events": [{"name": "authorize", "parameters": [{"name": "client_id", "value": "ours"}]}]}]
    google = google_from_activities(items, ["ours"])
    assert [(g.user, g.method) for g in google] == [(U, GET)]
