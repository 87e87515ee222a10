"""The seam: every call the sandbox served has exactly one audit record (batch parts, retries and token
refreshes included); calls without a purpose, outside the scopes or to other hosts are refused and recorded."""
from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
import requests

from addon.cli.case_cmd import open_case
from addon.search.service import run_search, search_purpose
from audit.context import acting
from audit.errors import AuditWriteError, CallRefused, EgressRefused
from tests.conftest import expected_subject


def _records(services):
    return [r for r in services.trail.records() if r.fields.get("outcome") not in ("checkpoint", "shred")]


def _served(server):
    return requests.get(server.url + "/_sandbox/requests", timeout=10).json()


def _open(services, fixture, key="jane"):
    s = expected_subject(fixture, key)
    return open_case(services, "access", s["names"], s["emails"], s["phones"], s["identifiers"],
                     dt.date(2026, 11, 2), services.settings.actor)


def test_served_equals_audited_under_faults(sandbox_factory, product, demo_fixture):
    server = sandbox_factory(demo_fixture, quota=False,
                             faults="429@gmail.*=0.08,503@drive.*=0.05,500@sheets.*=0.05,drop@gmail.users.messages.list=0.1,seed=11")
    services = product(server)
    case = _open(services, demo_fixture)
    run_search(services, case.ref, services.settings.actor)
    served = _served(server)
    records = _records(services)
    assert len(served) == len(records)
    assert Counter(e["api_method"] for e in served) == Counter(r.fields["api_method"] for r in records)
    assert any(r.fields["outcome"] == "retry" for r in records), "faults were injected, so some calls were retried"
    assert any(r.fields["api_method"] == "oauth2.token" for r in records), "token exchanges pass the seam"
    assert sum(1 for e in served if e["batch"]) == sum(1 for r in records if r.fields["batch"])


def test_records_hold_no_subject_identifiers(sandbox_factory, product, demo_fixture):
    server = sandbox_factory(demo_fixture, quota=False)
    services = product(server)
    case = _open(services, demo_fixture)
    run_search(services, case.ref, services.settings.actor)
    raw = (services.settings.home / "audit.db").read_bytes()
    for needle in (b"Jane Doe", b"jane.doe@example.com", b"CUST-004512", b"900123"):
        assert needle not in raw
    sealed = [r for r in services.trail.records() if r.fields.get("api_method") == "gmail.users.messages.list"]
    assert sealed and "Jane" in services.trail.unseal(sealed[0], "q")


def test_call_without_purpose_is_refused_and_recorded(sandbox_factory, product, demo_fixture):
    server = sandbox_factory(demo_fixture, quota=False)
    services = product(server)
    user = services.settings.admin
    gmail = services.clients.gmail(user, ("https://www.googleapis.com/auth/gmail.readonly",))
    with pytest.raises(CallRefused, match="no purpose"):
        gmail.users().labels().list(userId="me").execute()
    rec = _records(services)[-1].fields
    assert rec["outcome"] == "refused" and rec["api_method"] == "gmail.users.labels.list"
    assert all(e["api_method"] != "gmail.users.labels.list" for e in _served(server))


def test_scope_outside_operation_is_refused(sandbox_factory, product, demo_fixture):
    server = sandbox_factory(demo_fixture, quota=False)
    services = product(server)
    case = _open(services, demo_fixture)
    gmail = services.clients.gmail(services.settings.admin, ("https://www.googleapis.com/auth/gmail.metadata",))
    with acting(search_purpose(case, services.settings.actor, "searching")):
        with pytest.raises(CallRefused, match="missing scope"):
            gmail.users().messages().list(userId="me", q='"x"').execute()
        with pytest.raises(CallRefused):  # searching never trashes, whatever the token holds
            services.clients.gmail(services.settings.admin, ("https://www.googleapis.com/auth/gmail.modify",)) \
                .users().messages().trash(userId="me", id="x").execute()
    outcomes = {r.fields["api_method"]: r.fields["outcome"] for r in _records(services)}
    assert outcomes["gmail.users.messages.list"] == "refused"
    assert outcomes["gmail.users.messages.trash"] == "refused"
    assert not any(e["api_method"] in outcomes and e["api_method"].startswith("gmail.users.messages") for e in _served(server))


def test_egress_outside_google_is_refused(sandbox_factory, product, demo_fixture):
    server = sandbox_factory(demo_fixture, quota=False)
    services = product(server)
    with pytest.raises(EgressRefused):
        services.seam.plain_session().get("https://example.org/collect", timeout=5)
    rec = _records(services)[-1].fields
    assert rec["outcome"] == "refused" and "egress" in rec["detail"]


def test_audit_failure_refuses_the_call(sandbox_factory, product, demo_fixture, monkeypatch):
    server = sandbox_factory(demo_fixture, quota=False)
    services = product(server)
    case = _open(services, demo_fixture)
    drive = services.clients.drive(services.settings.admin, ("https://www.googleapis.com/auth/drive.readonly",))
    with acting(search_purpose(case, services.settings.actor, "searching")):
        drive.files().list(pageSize=1).execute()  # token exchange and one call succeed first

        def broken(*a, **k):
            raise OSError("disk full")

        monkeypatch.setattr(services.trail, "append", broken)
        with pytest.raises(AuditWriteError, match="call refused"):
            drive.files().list(pageSize=1).execute()
