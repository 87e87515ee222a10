"""People v1 in the sandbox through google-api-python-client: contacts and other contacts from Takeout .vcf
files, field masks, the documented prefix-phrase search, deletion, scopes and the per-user read quota."""
from __future__ import annotations

import time

import pytest
from googleapiclient.errors import HttpError

from sandbox.oauth.identity import subject_id
from sandbox.server import SandboxServer
from tests.sandbox import sources_fixture as sf

RO, OTHER, RW = ["contacts.readonly"], ["contacts.other.readonly"], ["contacts"]


@pytest.fixture
def server(tmp_path, sandbox_factory) -> SandboxServer:
    return sandbox_factory(sf.write(tmp_path))


def people(server, scopes=RO, who=sf.ANA):
    return sf.client(server, "people", "v1", who, scopes)


def names(resp, key="results") -> list[str]:
    items = [r["person"] for r in resp.get(key, [])] if key == "results" else resp.get(key, [])
    return [p["names"][0]["displayName"] if "names" in p else p["emailAddresses"][0]["value"] for p in items]


def test_connections_merge_labels_and_page(server):
    conn = people(server).people().connections()
    req, seen = conn.list(resourceName="people/me", personFields="names,memberships", pageSize=2), []
    while req is not None:
        page = req.execute()
        assert page["totalPeople"] == 3 and len(page["connections"]) <= 2
        seen += page["connections"]
        req = conn.list_next(req, page)
    assert sorted(p["names"][0]["displayName"] for p in seen) == ["Jane Doe", "Jane Smith", "Peter Doe"]
    jane = next(p for p in seen if p["names"][0]["displayName"] == "Jane Doe")  # in My Contacts and Starred: once
    assert jane["resourceName"].startswith("people/c") and "emailAddresses" not in jane
    assert [m["contactGroupMembership"]["contactGroupId"] for m in jane["memberships"]] == ["myContacts", "starred"]


def test_person_shape(server):
    page = people(server).people().connections().list(
        resourceName="people/me", personFields="names,emailAddresses,phoneNumbers,organizations,biographies").execute()
    jane = next(p for p in page["connections"] if p["names"][0]["displayName"] == "Jane Doe")
    assert jane["names"][0]["givenName"] == "Jane" and jane["names"][0]["familyName"] == "Doe"
    assert jane["names"][0]["metadata"]["source"]["type"] == "CONTACT"
    assert jane["emailAddresses"][0]["value"] == "jane.doe@example.com" and jane["emailAddresses"][0]["type"] == "home"
    assert jane["phoneNumbers"][0] == {**jane["phoneNumbers"][0], "value": "07700 900123", "canonicalForm": "+447700900123"}
    assert jane["organizations"][0]["name"] == "Hargreaves Plumbing"
    assert jane["biographies"][0] == {**jane["biographies"][0], "value": "Customer since 2024", "contentType": "TEXT_PLAIN"}


@pytest.mark.parametrize("mask, status", [(None, 400), ("names,shoeSize", 400), ("names", 200)])
def test_person_fields_mask_is_required_and_checked(server, mask, status):
    req = people(server).people().connections().list(resourceName="people/me", **({"personFields": mask} if mask else {}))
    if status == 200:
        assert req.execute()["connections"]
        return
    with pytest.raises(HttpError) as err:
        req.execute()
    assert err.value.resp.status == 400 and "personFields" in str(err.value)


@pytest.mark.parametrize("query, found", [
    ("j", ["Jane Doe", "Jane Smith"]), ("Jane", ["Jane Doe", "Jane Smith"]), ("jane d", ["Jane Doe"]),
    ("doe", ["Jane Doe", "Peter Doe"]), ("ane", []), ("oe", []), ("jane doe", ["Jane Doe"]), ("Doe Jane", []),
    ("hargreaves", ["Jane Doe"]), ("jane.doe@example.com", ["Jane Doe"]), ("peter.doe@", ["Peter Doe"]),
    ("07700 900123", ["Jane Doe"]), ("+447700900123", ["Jane Doe"]), ("077009001", ["Jane Doe", "Jane Smith"]),
    ("07700 900125", []),
])
def test_search_contacts_prefix_phrases(server, query, found):
    got = people(server).people().searchContacts(query=query, readMask="names").execute()
    assert sorted(names(got)) == found


def test_search_warmup_page_size_and_masks(server):
    p = people(server).people()
    assert p.searchContacts(query="", readMask="names").execute() == {}  # the documented warm-up request
    assert len(p.searchContacts(query="j", readMask="names", pageSize=1).execute()["results"]) == 1
    assert len(p.searchContacts(query="j", readMask="names", pageSize=99).execute()["results"]) == 2  # capped at 30
    with pytest.raises(HttpError) as err:
        p.searchContacts(query="j").execute()
    assert err.value.resp.status == 400


def test_other_contacts_list_and_search(server):
    oc = people(server, OTHER).otherContacts()
    listed = oc.list(readMask="names,emailAddresses").execute()
    assert listed["totalSize"] == 2 and all(p["resourceName"].startswith("otherContacts/c") for p in listed["otherContacts"])
    assert listed["otherContacts"][0]["emailAddresses"][0]["metadata"]["source"]["type"] == "OTHER_CONTACT"
    assert sorted(names(oc.search(query="jane.doe@", readMask="emailAddresses").execute())) == [
        "jane.doe2@example.com", "jane.doe@example.com"]
    assert names(oc.search(query="jane.doe@example.com", readMask="emailAddresses").execute()) == ["jane.doe@example.com"]
    for bad in (dict(readMask="names,organizations"), dict()):
        with pytest.raises(HttpError) as err:
            oc.list(**bad).execute()
        assert err.value.resp.status == 400


def test_scopes_per_method(server):
    with pytest.raises(HttpError) as err:
        people(server, RO).otherContacts().list(readMask="names").execute()
    assert err.value.resp.status == 403 and "insufficient authentication scopes" in str(err.value)
    with pytest.raises(HttpError) as err:
        people(server, OTHER).people().connections().list(resourceName="people/me", personFields="names").execute()
    assert err.value.resp.status == 403
    rname = people(server).people().searchContacts(query="peter", readMask="names").execute()["results"][0]["person"]["resourceName"]
    with pytest.raises(HttpError) as err:
        people(server, RO).people().deleteContact(resourceName=rname).execute()
    assert err.value.resp.status == 403


def test_delete_contact_then_get_is_404(server):
    p = people(server, RW).people()
    rname = p.searchContacts(query="peter", readMask="names").execute()["results"][0]["person"]["resourceName"]
    assert p.get(resourceName=rname, personFields="names").execute()["names"][0]["displayName"] == "Peter Doe"
    assert p.deleteContact(resourceName=rname).execute() == {}
    with pytest.raises(HttpError) as err:
        p.get(resourceName=rname, personFields="names").execute()
    assert err.value.resp.status == 404 and "Requested entity was not found." in str(err.value)
    assert p.searchContacts(query="peter", readMask="names").execute() == {}
    with pytest.raises(HttpError) as err:
        p.deleteContact(resourceName=rname).execute()
    assert err.value.resp.status == 404


def test_people_me_is_the_profile(server):
    me = people(server, ["userinfo.profile"]).people().get(resourceName="people/me", personFields="names,emailAddresses").execute()
    assert me["resourceName"] == f"people/{subject_id(sf.ANA)}" and me["names"][0]["displayName"] == "Ana Agent"


def test_critical_read_quota_per_user(server):
    p = people(server).people()
    t0, served = time.monotonic(), 0
    with pytest.raises(HttpError) as err:  # 90 per minute per user, refilling at 1.5/s
        for _ in range(500):
            p.searchContacts(query="jane", readMask="names").execute()
            served += 1
    assert 90 <= served <= 90 + 1.5 * (time.monotonic() - t0) + 1
    assert err.value.resp.status == 429 and "Critical read requests" in str(err.value)
    assert people(server, who=sf.BEN).people().searchContacts(query="x", readMask="names").execute() == {}  # per user
