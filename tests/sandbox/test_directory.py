"""Admin SDK Directory users.list through google-api-python-client, plus its query and paging rules."""
from __future__ import annotations

import json

import pytest
import requests
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build_from_document
from googleapiclient.discovery_cache import get_static_doc
from googleapiclient.errors import HttpError

from sandbox.directory import list_users, parse_query
from sandbox.errors import ApiError
from sandbox.state import User, Workspace
from tests.conftest import mint_token

SCOPE = "https://www.googleapis.com/auth/admin.directory.user.readonly"
PEOPLE = [("ada@acme.test", "Ada Lovelace", True), ("alan@acme.test", "Alan Turing", False),
          ("grace@acme.test", "Grace Brewster Hopper", False), ("edsger@acme.test", "Edsger Dijkstra", False),
          ("barbara@acme.test", "Barbara Liskov", True), ("donald@acme.test", "Donald Knuth", False),
          ("ken@acme.test", "Ken Thompson", False)]


def make_workspace() -> Workspace:
    ws = Workspace(domain="acme.test")
    for email, name, admin in PEOPLE:
        ws.users[email] = User(email, name, admin)
    return ws


@pytest.fixture
def server(sandbox_factory):
    return sandbox_factory(workspace=make_workspace())


def directory(server, email: str, scopes=(SCOPE,)):
    doc = json.loads(get_static_doc("admin", "directory_v1"))
    doc["rootUrl"] = server.url + "/"
    doc.pop("mtlsRootUrl", None)
    return build_from_document(doc, credentials=Credentials(token=mint_token(server, email, list(scopes))))


def emails(result: dict) -> list[str]:
    return [u["primaryEmail"] for u in result.get("users", [])]


def test_admin_pages_through_every_user_in_email_order(server):
    users = directory(server, "ada@acme.test").users()
    req = users.list(customer="my_customer", maxResults=3, orderBy="email")
    seen, pages = [], 0
    while req is not None:
        page = req.execute()
        assert page["kind"] == "admin#directory#users" and len(page["users"]) <= 3
        seen += emails(page)
        pages += 1
        req = users.list_next(req, page)
    assert seen == sorted(e for e, _, _ in PEOPLE) and pages == 3


def test_user_resource_shape(server):
    page = directory(server, "ada@acme.test").users().list(domain="acme.test", query="email:grace*").execute()
    (grace,) = page["users"]
    assert grace["name"] == {"givenName": "Grace Brewster", "familyName": "Hopper", "fullName": "Grace Brewster Hopper"}
    assert grace["isAdmin"] is False and grace["suspended"] is False and grace["orgUnitPath"] == "/"
    assert grace["id"].isdigit() and len(grace["id"]) == 21 and "nextPageToken" not in page


def test_non_admin_and_wrong_scope_are_refused(server):
    with pytest.raises(HttpError) as err:
        directory(server, "alan@acme.test").users().list(customer="my_customer").execute()
    assert err.value.resp.status == 403 and "Not Authorized to access this resource/api" in str(err.value)
    gmail_only = ("https://www.googleapis.com/auth/gmail.readonly",)
    with pytest.raises(HttpError) as err:
        directory(server, "ada@acme.test", gmail_only).users().list(customer="my_customer").execute()
    assert err.value.resp.status == 403 and err.value.error_details[0]["reason"] == "insufficientPermissions"


@pytest.mark.parametrize("params, status", [
    ({}, 400), ({"customer": "my_customer", "maxResults": "501"}, 400),
    ({"customer": "my_customer", "maxResults": "0"}, 400), ({"domain": "other.test"}, 403),
    ({"customer": "C0nope"}, 404), ({"customer": "my_customer", "query": "shoeSize:9"}, 400),
    ({"customer": "my_customer", "pageToken": "garbage"}, 400),
])
def test_bad_parameters_get_google_errors(server, params, status):
    token = mint_token(server, "ada@acme.test", [SCOPE])
    r = requests.get(server.url + "/admin/directory/v1/users", params=params,
                     headers={"Authorization": "Bearer " + token})
    assert r.status_code == status and r.json()["error"]["code"] == status


def test_served_calls_are_logged_with_method_and_user(server):
    directory(server, "barbara@acme.test").users().list(customer="my_customer").execute()
    log = requests.get(server.url + "/_sandbox/requests").json()
    assert [(e["api_method"], e["user"], e["status"]) for e in log] == [
        ("directory.users.list", "barbara@acme.test", 200)]


@pytest.mark.parametrize("query, expected", [
    ("", [e for e, _, _ in PEOPLE]),
    ("isAdmin=true", ["ada@acme.test", "barbara@acme.test"]),
    ("name:'Grace Brewster Hopper'", ["grace@acme.test"]),
    ("givenName:Al*", ["alan@acme.test"]),
    ("familyName=knuth", ["donald@acme.test"]),
    ("email:a*", ["ada@acme.test", "alan@acme.test"]),
    ("ken", ["ken@acme.test"]),
    ("a isAdmin=false", ["alan@acme.test"]),
    ("email:ad", []),  # without * the whole value must match
])
def test_query_terms(query, expected):
    ws = make_workspace()
    preds = parse_query(query)
    assert sorted(u.email for u in ws.users.values() if all(p(u) for p in preds)) == sorted(expected)


def test_page_tokens_are_tied_to_their_query():
    ws = make_workspace()
    first = list_users(ws, {"customer": "my_customer", "maxResults": "2", "query": "isAdmin=false"})
    assert len(first["users"]) == 2 and first["nextPageToken"]
    with pytest.raises(ApiError):
        list_users(ws, {"customer": "my_customer", "maxResults": "2", "pageToken": first["nextPageToken"]})
    desc = list_users(ws, {"customer": "my_customer", "orderBy": "familyName", "sortOrder": "DESCENDING"})
    assert [u["name"]["familyName"] for u in desc["users"]][:2] == ["Turing", "Thompson"]
