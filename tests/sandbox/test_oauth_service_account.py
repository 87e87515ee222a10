"""Service accounts with domain-wide delegation: google-auth's own service-account credentials, fed the
sandbox's key file, exchange signed assertions at the sandbox's token endpoint."""
from __future__ import annotations

import json
import time

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth import crypt
from google.auth import jwt as google_jwt
from google.auth.exceptions import RefreshError
from google.auth.transport.requests import Request
from google.oauth2 import id_token as google_id_token
from google.oauth2 import service_account
from googleapiclient.discovery import build_from_document
from googleapiclient.discovery_cache import get_static_doc
from googleapiclient.errors import HttpError

from .conftest import ADMIN, STAFF

DIRECTORY_RO = "https://www.googleapis.com/auth/admin.directory.user.readonly"
GMAIL_RO = "https://www.googleapis.com/auth/gmail.readonly"
EMAIL = "https://www.googleapis.com/auth/userinfo.email"


@pytest.fixture
def key_file(server) -> dict:
    return requests.get(server.url + "/_sandbox/service-account.json").json()


def directory(server, creds):
    doc = json.loads(get_static_doc("admin", "directory_v1"))
    doc["rootUrl"] = server.url + "/"
    doc.pop("mtlsRootUrl", None)
    return build_from_document(doc, credentials=creds)


def tokeninfo(server, token: str) -> dict:
    return requests.get(server.url + "/oauth2/v3/tokeninfo", params={"access_token": token}).json()


def test_key_file_is_a_standard_service_account_key(server, key_file):
    assert key_file["type"] == "service_account"
    assert key_file["token_uri"] == server.url + "/token"
    assert key_file["client_email"].endswith(".iam.gserviceaccount.com")
    assert key_file["private_key"].startswith("-----BEGIN PRIVATE KEY-----")
    assert key_file["client_id"].isdigit() and len(key_file["client_id"]) == 21
    certs = requests.get(key_file["client_x509_cert_url"]).json()
    assert list(certs) == [key_file["private_key_id"]]


def test_impersonated_admin_lists_users(server, key_file):
    creds = service_account.Credentials.from_service_account_info(
        key_file, scopes=[DIRECTORY_RO, EMAIL]).with_subject(ADMIN)
    creds.refresh(Request())
    assert creds.token.startswith("ya29.")
    info = tokeninfo(server, creds.token)
    assert info["email"] == ADMIN and info["azp"] == key_file["client_id"]
    assert set(info["scope"].split()) == {DIRECTORY_RO, EMAIL}
    users = directory(server, creds).users().list(customer="my_customer").execute()["users"]
    assert [u["primaryEmail"] for u in users] == [ADMIN, STAFF]
    log = requests.get(server.url + "/_sandbox/requests").json()
    assert ("oauth2.token", ADMIN) in [(e["api_method"], e["user"]) for e in log]


def test_impersonated_non_admin_is_not_authorized(server, key_file):
    creds = service_account.Credentials.from_service_account_info(
        key_file, scopes=[DIRECTORY_RO]).with_subject(STAFF)
    with pytest.raises(HttpError) as err:
        directory(server, creds).users().list(customer="my_customer").execute()
    assert err.value.resp.status == 403
    assert "Not Authorized to access this resource/api" in str(err.value)


@pytest.mark.parametrize("subject, error", [
    ("mallory@evil.test", "unauthorized_client"),  # outside the domain: no delegation there
    ("ghost@acme.test", "invalid_grant"),  # in the domain but no such user
])
def test_impersonation_outside_the_workspace_is_refused(key_file, subject, error):
    creds = service_account.Credentials.from_service_account_info(key_file, scopes=[GMAIL_RO]).with_subject(subject)
    with pytest.raises(RefreshError, match=error):
        creds.refresh(Request())


def test_without_subject_the_token_is_the_service_accounts_own(server, key_file):
    creds = service_account.Credentials.from_service_account_info(key_file, scopes=[DIRECTORY_RO])
    creds.refresh(Request())
    info = tokeninfo(server, creds.token)
    assert info["email"] == key_file["client_email"] and info["sub"] == key_file["client_id"]
    with pytest.raises(HttpError) as err:
        directory(server, creds).users().list(customer="my_customer").execute()
    assert err.value.resp.status == 403


def test_a_key_the_sandbox_did_not_issue_is_rejected(key_file):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = dict(key_file, private_key=other.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode())
    creds = service_account.Credentials.from_service_account_info(forged, scopes=[GMAIL_RO]).with_subject(ADMIN)
    with pytest.raises(RefreshError, match="Invalid JWT Signature"):
        creds.refresh(Request())


def _assertion(key_file: dict, **claims) -> str:
    """An assertion like google-auth's, with claims changed; the aud here is the key file's own token URI,
    which the sandbox accepts as well as Google's (what google-auth always sends)."""
    now = int(time.time())
    payload = {"iss": key_file["client_email"], "aud": key_file["token_uri"], "iat": now, "exp": now + 3600,
               "scope": GMAIL_RO, "sub": ADMIN}
    payload.update(claims)
    signer = crypt.RSASigner.from_service_account_info(key_file)
    return google_jwt.encode(signer, payload).decode()


@pytest.mark.parametrize("claims, error, words", [
    ({"aud": "https://login.example/token"}, "invalid_grant", "audience"),
    ({"exp": int(time.time()) + 7200}, "invalid_grant", "short-lived"),
    ({"iat": int(time.time()) - 7300, "exp": int(time.time()) - 3700}, "invalid_grant", "short-lived"),
    ({"scope": ""}, "invalid_scope", "scope"),
    ({"iss": "someone@else.iam.gserviceaccount.com"}, "invalid_grant", "account not found"),
])
def test_assertion_checks(server, key_file, claims, error, words):
    good = requests.post(key_file["token_uri"], data={
        "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": _assertion(key_file)})
    assert good.status_code == 200 and good.json()["token_type"] == "Bearer"
    r = requests.post(key_file["token_uri"], data={
        "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": _assertion(key_file, **claims)})
    assert r.status_code == 400 and r.json()["error"] == error and words in r.json()["error_description"]


def test_delegation_can_be_limited_to_some_scopes(server, key_file):
    r = requests.put(server.url + "/_sandbox/delegation", json={"scopes": [GMAIL_RO]})
    assert r.json() == {"scopes": [GMAIL_RO]}
    allowed = service_account.Credentials.from_service_account_info(key_file, scopes=[GMAIL_RO]).with_subject(STAFF)
    allowed.refresh(Request())
    refused = service_account.Credentials.from_service_account_info(
        key_file, scopes=[DIRECTORY_RO]).with_subject(ADMIN)
    with pytest.raises(RefreshError, match="unauthorized_client"):
        refused.refresh(Request())


def test_id_token_credentials_get_a_google_signed_id_token(server, key_file):
    aud = "https://addon.example/addon/homepage"
    creds = service_account.IDTokenCredentials.from_service_account_info(key_file, target_audience=aud)
    creds.refresh(Request())
    claims = google_id_token.verify_token(creds.token, Request(), audience=aud,
                                          certs_url=server.url + "/oauth2/v1/certs")
    assert claims["email"] == key_file["client_email"] and claims["email_verified"] is True
