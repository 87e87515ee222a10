"""Keyless domain-wide delegation, as on Cloud Run: google-auth's compute-engine credentials get the
runtime account's token from the sandbox's metadata server, IAM signBlob signs the delegation JWT as the
DWD service account, and the token endpoint accepts it. Real google-auth over real HTTP; Google's hosts
are rewritten to the sandbox by a transport adapter, as the product's audited transport does."""
from __future__ import annotations

import base64
from urllib.parse import urlsplit

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from google.auth import compute_engine, iam
from google.auth.compute_engine import _metadata
from google.auth.exceptions import RefreshError, TransportError
from google.auth.transport.requests import Request
from google.oauth2 import service_account

from sandbox.state import Workspace
from tests.conftest import mint_token

from .conftest import STAFF

GMAIL_RO = "https://www.googleapis.com/auth/gmail.readonly"
CLOUD = "https://www.googleapis.com/auth/cloud-platform"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
FLAVOR = {"Metadata-Flavor": "Google"}
REWRITTEN = ("http://metadata.google.internal/", "https://iamcredentials.googleapis.com/",
             "https://oauth2.googleapis.com/")


class ToSandbox(requests.adapters.HTTPAdapter):
    """Sends a request for a Google host to the sandbox instead: same path and query, sandbox origin."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base.rstrip("/")

    def send(self, request, **kw):  # type: ignore[override]
        parts = urlsplit(request.url)
        request.url = self.base + parts.path + ("?" + parts.query if parts.query else "")
        kw["proxies"] = {}  # loopback is never proxied
        return super().send(request, **kw)


@pytest.fixture
def request_(server) -> Request:
    session = requests.Session()
    for prefix in REWRITTEN:
        session.mount(prefix, ToSandbox(server.url))
    return Request(session)


@pytest.fixture
def runtime(server) -> dict:
    return requests.get(server.url + "/_sandbox/runtime").json()


def runtime_credentials(request_: Request) -> compute_engine.Credentials:
    """``universe_domain`` given: otherwise google-auth asks the metadata server with its own default
    transport (not ours), which would go to the real metadata.google.internal."""
    assert _metadata._get_metadata_root(False) == "http://metadata.google.internal/computeMetadata/v1/"
    creds = compute_engine.Credentials(universe_domain="googleapis.com")
    creds.refresh(request_)
    return creds


def sign_url(server, email: str, project: str = "-") -> str:
    return f"{server.url}/v1/projects/{project}/serviceAccounts/{email}:signBlob"


def test_runtime_credentials_come_from_the_metadata_server(server, request_, runtime):
    creds = runtime_credentials(request_)
    assert runtime["service_account"] == f"dsar-runtime@{runtime['project_id']}.iam.gserviceaccount.com"
    assert creds.service_account_email == runtime["service_account"]
    assert creds.token.startswith("ya29.") and creds.valid
    info = requests.post(server.url + "/oauth2/v3/tokeninfo", data={"access_token": creds.token}).json()
    assert info["scope"] == CLOUD
    assert _metadata.get_project_id(request_) == runtime["project_id"]
    log = requests.get(server.url + "/_sandbox/requests").json()
    assert [e["api_method"] for e in log] == ["metadata.service_account", "metadata.token", "oauth2.tokeninfo",
                                              "metadata.project"]
    assert log[1]["user"] == runtime["service_account"]


def test_keyless_domain_wide_delegation_reads_a_users_mailbox(server, request_, runtime):
    sa_email = runtime["delegated_service_account"]
    signer = iam.Signer(request_, runtime_credentials(request_), sa_email)
    creds = service_account.Credentials(signer, sa_email, GOOGLE_TOKEN_URI, scopes=[GMAIL_RO]).with_subject(STAFF)
    creds.refresh(request_)
    profile = requests.get(server.url + "/gmail/v1/users/me/profile",
                           headers={"Authorization": "Bearer " + creds.token})
    assert profile.status_code == 200 and profile.json()["emailAddress"] == STAFF
    methods = [e["api_method"] for e in requests.get(server.url + "/_sandbox/requests").json()]
    assert "iamcredentials.projects.serviceAccounts.signBlob" in methods and "oauth2.token" in methods


def test_signed_blob_verifies_against_the_service_accounts_certificate(server, request_, runtime):
    sa_email = runtime["delegated_service_account"]
    token = runtime_credentials(request_).token
    r = requests.post(sign_url(server, sa_email), headers={"Authorization": "Bearer " + token},
                      json={"payload": base64.b64encode(b"hello").decode()})
    assert r.status_code == 200
    body = r.json()
    certs = requests.get(f"{server.url}/service_accounts/v1/metadata/x509/{sa_email}").json()
    cert = x509.load_pem_x509_certificate(certs[body["keyId"]].encode())
    cert.public_key().verify(base64.b64decode(body["signedBlob"]), b"hello", padding.PKCS1v15(), hashes.SHA256())


def test_metadata_requests_need_the_flavor_header(server, runtime):
    base = server.url + "/computeMetadata/v1/instance/service-accounts/default/"
    r = requests.get(base + "token")
    assert r.status_code == 403 and "Missing Metadata-Flavor:Google header" in r.text
    assert r.headers["Metadata-Flavor"] == "Google"
    assert requests.get(base + "email", headers={"Metadata-Flavor": "google"}).status_code == 403
    email = requests.get(base + "email", headers=FLAVOR)
    assert email.status_code == 200 and email.text == runtime["service_account"]
    acct = f"{server.url}/computeMetadata/v1/instance/service-accounts/{runtime['service_account']}/"
    assert requests.get(acct, headers=FLAVOR, params={"recursive": "true"}).json() == {
        "aliases": ["default"], "email": runtime["service_account"], "scopes": [CLOUD]}
    other = server.url + "/computeMetadata/v1/instance/service-accounts/someone@x.iam.gserviceaccount.com/token"
    assert requests.get(other, headers=FLAVOR).status_code == 404
    assert requests.get(server.url + "/computeMetadata/v1/instance/zone", headers=FLAVOR).status_code == 404


def test_metadata_token_takes_scopes(server):
    r = requests.get(server.url + "/computeMetadata/v1/instance/service-accounts/default/token",
                     headers=FLAVOR, params={"scopes": f"{GMAIL_RO},{CLOUD}"})
    body = r.json()
    assert r.status_code == 200 and body["token_type"] == "Bearer" and 0 < body["expires_in"] <= 3600
    info = requests.post(server.url + "/oauth2/v3/tokeninfo", data={"access_token": body["access_token"]}).json()
    assert set(info["scope"].split()) == {GMAIL_RO, CLOUD}


def test_without_the_metadata_header_google_auth_cannot_refresh(server):
    session = requests.Session()

    class Stripping(ToSandbox):
        def send(self, request, **kw):  # type: ignore[override]
            request.headers.pop("metadata-flavor", None)
            return super().send(request, **kw)

    session.mount(REWRITTEN[0], Stripping(server.url))
    with pytest.raises(RefreshError, match="403"):
        compute_engine.Credentials(universe_domain="googleapis.com").refresh(Request(session))


def _sign(server, email: str, token: str, body: dict, project: str = "-") -> requests.Response:
    return requests.post(sign_url(server, email, project), headers={"Authorization": "Bearer " + token}, json=body)


def test_sign_blob_refusals(server, request_, runtime):
    sa_email = runtime["delegated_service_account"]
    ok = {"payload": base64.b64encode(b"x").decode()}
    user = mint_token(server, STAFF, [CLOUD])
    r = _sign(server, sa_email, user, ok)
    assert r.status_code == 403 and r.json()["error"]["status"] == "PERMISSION_DENIED"
    assert "Permission 'iam.serviceAccounts.signBlob' denied on resource" in r.json()["error"]["message"]

    runtime_token = runtime_credentials(request_).token
    r = _sign(server, "other@acme-sandbox.iam.gserviceaccount.com", runtime_token, ok)
    assert r.status_code == 404 and r.json()["error"]["status"] == "NOT_FOUND"
    assert "Gaia id not found for email other@" in r.json()["error"]["message"]

    narrow = mint_token(server, runtime["service_account"], [GMAIL_RO])
    r = _sign(server, sa_email, narrow, ok)
    assert r.status_code == 403 and r.json()["error"]["message"] == "Request had insufficient authentication scopes."
    assert 'error="insufficient_scope"' in r.headers["WWW-Authenticate"]

    for body in ({}, {"payload": ""}, {"payload": "not base64!"}, {"payload": 7}, {"payload": "eA==", "x": 1}):
        r = _sign(server, sa_email, runtime_token, body)
        assert r.status_code == 400 and r.json()["error"]["status"] == "INVALID_ARGUMENT", body
        assert ("'payload'" in r.json()["error"]["message"]) or ('"x"' in r.json()["error"]["message"])
    assert _sign(server, sa_email, runtime_token, ok, project=runtime["project_id"]).status_code == 400
    assert _sign(server, sa_email, runtime_token, {"payload": "eA"}).status_code == 200  # unpadded is fine


def test_google_auth_signer_surfaces_permission_denied(server, request_, runtime):
    sa_email = runtime["delegated_service_account"]
    requests.put(server.url + "/_sandbox/token-creators", json={"members": []})
    signer = iam.Signer(request_, runtime_credentials(request_), sa_email)
    creds = service_account.Credentials(signer, sa_email, GOOGLE_TOKEN_URI, scopes=[GMAIL_RO]).with_subject(STAFF)
    with pytest.raises(TransportError, match="PERMISSION_DENIED"):
        creds.refresh(request_)


def test_token_creators_can_be_changed(server, runtime):
    url = server.url + "/_sandbox/token-creators"
    assert requests.get(url).json() == {"members": [runtime["service_account"]]}
    r = requests.put(url, json={"members": ["user:Sam@acme.test", runtime["service_account"]]})
    assert r.json() == {"members": sorted([STAFF, runtime["service_account"]])}
    ok = {"payload": base64.b64encode(b"x").decode()}
    staff = mint_token(server, STAFF, [CLOUD])
    assert _sign(server, runtime["delegated_service_account"], staff, ok).status_code == 200
    assert requests.put(url, json={"members": "nobody"}).status_code == 400
    assert requests.put(url, json={"members": None}).json() == {"members": [runtime["service_account"]]}


def test_token_creators_survive_a_snapshot(sandbox_factory, tmp_path):
    snap = tmp_path / "ws.pickle"
    first = sandbox_factory(workspace=Workspace(domain="acme.test"), snapshot=snap)
    requests.put(first.url + "/_sandbox/token-creators", json={"members": [STAFF]})
    first.stop()
    second = sandbox_factory(snapshot=snap)
    assert requests.get(second.url + "/_sandbox/token-creators").json() == {"members": [STAFF]}
