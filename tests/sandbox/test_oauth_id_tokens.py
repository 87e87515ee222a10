"""ID tokens from ``POST /_sandbox/id-token`` (what the add-on's incoming requests carry in tests), checked
with google-auth's verifier against the sandbox's certs; forged and expired tokens must fail."""
from __future__ import annotations

import base64
import time

import pytest
import requests
from cryptography import x509
from google.auth.transport.requests import Request
from google.oauth2 import id_token as google_id_token

from sandbox.oauth.keys import KeyPair
from sandbox.state import User, Workspace

AUD = "https://addon.example/addon/homepage"


@pytest.fixture
def server(sandbox_factory):
    ws = Workspace(domain="acme.test")
    ws.users["sam@acme.test"] = User("sam@acme.test", "Sam Staff")
    return sandbox_factory(workspace=ws)


def mint(server, **body) -> str:
    r = requests.post(server.url + "/_sandbox/id-token", json={"aud": AUD, **body})
    assert r.status_code == 200, r.text
    return r.json()["id_token"]


def verify(server, token: str, audience: str = AUD) -> dict:
    return google_id_token.verify_token(token, Request(), audience=audience, certs_url=server.url + "/oauth2/v1/certs")


def test_default_token_is_the_addon_service_account(server):
    claims = verify(server, mint(server))
    assert claims["iss"] == "https://accounts.google.com" and claims["aud"] == AUD
    assert claims["email"] == server.context.keys.service_account_email and claims["email_verified"] is True
    assert claims["exp"] - claims["iat"] == 3600


def test_email_can_be_chosen(server):
    assert verify(server, mint(server, email="sam@acme.test"))["email"] == "sam@acme.test"


def test_expired_wrong_audience_and_forged_tokens_fail(server):
    now = int(time.time())
    with pytest.raises(ValueError, match="expired"):
        verify(server, mint(server, iat=now - 7200, exp=now - 3600))
    with pytest.raises(ValueError, match="audience"):
        verify(server, mint(server), audience="https://other.example/")
    real_kid = server.context.keys.google.kid
    forger = KeyPair.generate("forger")
    forger.kid = real_kid  # same key id, different key: only the signature can tell
    forged = forger.sign_jwt({"iss": "https://accounts.google.com", "aud": AUD, "email": "x@acme.test",
                              "email_verified": True, "iat": now, "exp": now + 600})
    with pytest.raises(ValueError):
        verify(server, forged)
    r = requests.get(server.url + "/oauth2/v3/tokeninfo", params={"id_token": forged})
    assert r.status_code == 400 and r.json()["error_description"] == "Invalid Value"


def test_tokeninfo_reads_a_valid_id_token(server):
    info = requests.get(server.url + "/tokeninfo", params={"id_token": mint(server, email="sam@acme.test")}).json()
    assert info["email"] == "sam@acme.test" and info["email_verified"] == "true" and info["aud"] == AUD
    assert info["alg"] == "RS256" and info["kid"] == server.context.keys.google.kid


def test_jwks_and_pem_certs_carry_the_same_key(server):
    pem = requests.get(server.url + "/oauth2/v1/certs").json()
    jwks = requests.get(server.url + "/oauth2/v3/certs").json()["keys"]
    assert [k["kid"] for k in jwks] == list(pem)
    nums = x509.load_pem_x509_certificate(next(iter(pem.values())).encode()).public_key().public_numbers()
    n = int.from_bytes(base64.urlsafe_b64decode(jwks[0]["n"] + "=="), "big")
    assert n == nums.n and jwks[0]["alg"] == "RS256"


def test_openid_configuration_points_at_the_sandbox(server):
    conf = requests.get(server.url + "/.well-known/openid-configuration").json()
    assert conf["issuer"] == "https://accounts.google.com"
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri", "revocation_endpoint", "userinfo_endpoint"):
        assert conf[key].startswith(server.url + "/"), key
    assert requests.get(conf["jwks_uri"]).json()["keys"]


def test_bad_id_token_requests_name_the_field(server):
    r = requests.post(server.url + "/_sandbox/id-token", json={"email": "sam@acme.test"})
    assert r.status_code == 400 and "'aud'" in r.json()["error"]
    r = requests.post(server.url + "/_sandbox/id-token", json={"aud": AUD, "exp": "tomorrow"})
    assert r.status_code == 400 and "'exp'" in r.json()["error"]
    assert requests.post(server.url + "/_sandbox/id-token", data="nope").status_code == 400
