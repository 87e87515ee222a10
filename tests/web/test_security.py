"""Only Google, signing for this endpoint as the add-on's service account, gets in; everything else is a 401
with a record on the audit trail. Tokens are real JWTs signed by the sandbox's key (or forged here)."""
from __future__ import annotations

import base64
import json
import time

import pytest
import requests
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from addon.web.security import SANDBOX_ADDON_CLIENT_ID

from .conftest import STAFF, id_token, make_event

HOME = "/addon/homepage"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _jwt(header: dict, claims: dict, key: rsa.RSAPrivateKey | None) -> str:
    signing_input = _b64(json.dumps(header).encode()) + "." + _b64(json.dumps(claims).encode())
    sig = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256()) if key else b""
    return signing_input + "." + _b64(sig)


def _claims_of(token: str) -> tuple[dict, dict]:
    h, c, _ = token.split(".")
    pad = lambda s: s + "=" * (-len(s) % 4)  # noqa: E731
    return json.loads(base64.urlsafe_b64decode(pad(h))), json.loads(base64.urlsafe_b64decode(pad(c)))


def _refused(addon, resp: requests.Response, reason_part: str) -> dict:
    assert resp.status_code == 401, resp.text
    assert reason_part in resp.json()["reason"]
    rec = addon.refusals()[-1]
    assert rec["outcome"] == "refused" and rec["status"] == 401 and rec["path_template"] == HOME
    assert reason_part in rec["detail"]
    return rec


def test_google_signed_request_is_served(addon):
    resp = addon.post(HOME, host_app="GMAIL")
    assert resp.status_code == 200, resp.text
    card = resp.json()["renderActions"]["action"]["navigations"][0]["pushCard"]
    assert card["header"]["title"] == "Data-subject requests"
    assert STAFF in card["header"]["subtitle"]
    assert addon.refusals() == []


def test_no_authorization_header(addon):
    _refused(addon, addon.post(HOME, auth=None), "no Authorization header")


def test_not_a_bearer_token(addon):
    _refused(addon, addon.post(HOME, auth="Basic dXNlcjpwYXNz"), "not a Bearer token")


def test_forged_token_signed_by_another_key(addon):
    real = id_token(addon.sandbox, addon.url + HOME)
    header, claims = _claims_of(real)  # same kid, same claims: only the key differs
    forged = _jwt(header, claims, rsa.generate_private_key(public_exponent=65537, key_size=2048))
    rec = _refused(addon, addon.post(HOME, auth="Bearer " + forged), "signature")
    assert forged not in json.dumps(rec)  # the token itself is never recorded


def test_tampered_claims_break_the_signature(addon):
    real = id_token(addon.sandbox, addon.url + HOME)
    h, c, s = real.split(".")
    claims = _claims_of(real)[1]
    claims["email"] = "someone@else.test"
    tampered = h + "." + _b64(json.dumps(claims).encode()) + "." + s
    _refused(addon, addon.post(HOME, auth="Bearer " + tampered), "signature")


def test_expired_token(addon):
    now = int(time.time())
    old = id_token(addon.sandbox, addon.url + HOME, iat=now - 7200, exp=now - 3600)
    _refused(addon, addon.post(HOME, auth="Bearer " + old), "expired")


@pytest.mark.parametrize("aud", ["/addon/gmail", "/addon/homepage?x=1", ""])
def test_token_for_another_audience(addon, aud):
    token = id_token(addon.sandbox, (addon.url + aud) if aud else "https://dsar.example.com/addon/homepage")
    _refused(addon, addon.post(HOME, auth="Bearer " + token), "wrong audience")


def test_unsigned_token(addon):
    header = {"alg": "none", "typ": "JWT"}
    claims = _claims_of(id_token(addon.sandbox, addon.url + HOME))[1]
    _refused(addon, addon.post(HOME, auth="Bearer " + _jwt(header, claims, None)), "request token")


def test_signed_for_someone_other_than_the_service_account(addon):
    token = id_token(addon.sandbox, addon.url + HOME, email=STAFF)
    _refused(addon, addon.post(HOME, auth="Bearer " + token), "not the add-on's service account")


def test_wrong_issuer_and_unverified_email(addon):
    bad_iss = id_token(addon.sandbox, addon.url + HOME, iss="https://evil.example")
    _refused(addon, addon.post(HOME, auth="Bearer " + bad_iss), "wrong issuer")
    unverified = id_token(addon.sandbox, addon.url + HOME, email_verified=False)
    _refused(addon, addon.post(HOME, auth="Bearer " + unverified), "email not verified")


def test_user_token_must_be_for_the_addon_client(addon):
    wrong_client = id_token(addon.sandbox, "some-other-client.apps", STAFF)
    resp = addon.post(HOME, make_event(user_token=wrong_client))
    _refused(addon, resp, "user token: wrong audience")
    ok = addon.post(HOME, make_event(user_token=id_token(addon.sandbox, SANDBOX_ADDON_CLIENT_ID, STAFF)))
    assert ok.status_code == 200


def test_user_outside_the_domain_is_refused(addon):
    outsider = id_token(addon.sandbox, SANDBOX_ADDON_CLIENT_ID, "mallory@elsewhere.test")
    _refused(addon, addon.post(HOME, make_event(user_token=outsider)), "outside the organisation")


def test_missing_user_identity_asks_for_the_email_scope(addon):
    resp = addon.post(HOME, make_event(user_token=None, scopes=["https://www.googleapis.com/auth/gmail.addons.execute"]))
    assert resp.json() == {"requesting_google_scopes": {"scopes": ["https://www.googleapis.com/auth/userinfo.email"]}}


def test_malformed_event_is_a_400_naming_the_field(addon):
    event = make_event(user_token=addon.user_token(), params={"ref": "x"})
    event["commonEventObject"]["parameters"]["ref"] = 5
    resp = addon.post(HOME, event)
    assert resp.status_code == 400
    assert "commonEventObject.parameters.ref" in resp.json()["reason"]


def test_certificates_are_fetched_once_through_the_seam(addon):
    for _ in range(3):
        assert addon.post(HOME).status_code == 200
    certs = [r for r in addon.services.trail.records() if r["api_method"] == "oauth2.certs"]
    assert len(certs) == 1 and certs[0]["outcome"] == "ok"
