"""IAM Credentials ``signBlob``: Google signs bytes with a service account's key for a caller holding
Service Account Token Creator on it. Keyless domain-wide delegation rests on it: the runtime has the
delegation JWT signed as the DWD account, and the token endpoint verifies it against that account's key."""
from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from flask import Blueprint

from ..errors import ApiError
from ..routing import Call, api_route, sandbox
from ..state import Workspace
from .grants import oauth_state
from .identity import service_account_client_id
from .metadata import runtime_service_account

bp = Blueprint("iamcredentials", __name__)
SIGN_BLOB = "iamcredentials.projects.serviceAccounts.signBlob"
_PERMISSION = "iam.serviceAccounts.signBlob"
_BASE64 = re.compile(r"[A-Za-z0-9+/\-_]*={0,2}")
_FIELDS = ("payload", "delegates")


def token_creators(ws: Workspace, dwd_email: str) -> frozenset[str]:
    """Who may sign as the DWD service account: by default only the runtime account."""
    found = oauth_state(ws).token_creators
    return frozenset({runtime_service_account(dwd_email)}) if found is None else found


def _bad_request(field: str, message: str) -> ApiError:
    return ApiError(400, message, details=[{
        "@type": "type.googleapis.com/google.rpc.BadRequest",
        "fieldViolations": [{"field": field, "description": message}],
    }])


def decode_payload(value: Any) -> bytes:
    """Proto3 JSON ``bytes``: standard or URL-safe base64, padding optional; absent is empty."""
    if value is None:
        return b""
    failed = _bad_request("payload", f"Invalid value at 'payload' (TYPE_BYTES), Base64 decoding failed for {value!r}")
    if not isinstance(value, str) or not _BASE64.fullmatch(value):
        raise failed
    text = value.rstrip("=").replace("-", "+").replace("_", "/")
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise failed from None


def _body(call: Call) -> dict[str, Any]:
    """The request as Google's front end parses it: unknown fields and bad base64 fail before any IAM check."""
    body = call.json()
    for name in body:
        if name not in _FIELDS:
            message = f'Invalid JSON payload received. Unknown name "{name}": Cannot find field.'
            raise ApiError(400, message, details=[{"@type": "type.googleapis.com/google.rpc.BadRequest",
                                                   "fieldViolations": [{"description": message}]}])
    delegates = body.get("delegates")
    if delegates is not None and (not isinstance(delegates, list) or not all(isinstance(d, str) for d in delegates)):
        raise _bad_request("delegates", "Invalid value at 'delegates' (TYPE_STRING): expected a list of strings.")
    return body


def _denied() -> ApiError:
    return ApiError(403, f"Permission '{_PERMISSION}' denied on resource (or it may not exist).", details=[{
        "@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "IAM_PERMISSION_DENIED",
        "domain": "iam.googleapis.com", "metadata": {"permission": _PERMISSION},
    }])


@api_route(bp, SIGN_BLOB, style="rpc")
def sign_blob(call: Call, projectsId: str, serviceAccountsId: str) -> dict[str, str]:
    """RSA PKCS#1 v1.5 SHA-256 over the payload with the DWD account's key, as Google's signBlob does."""
    body = _body(call)
    payload = decode_payload(body.get("payload"))
    keys = sandbox().keys
    dwd = keys.service_account_email
    if projectsId != "-":
        raise ApiError(400, "Invalid resource name: the project must be the '-' wildcard "
                            f"(projects/-/serviceAccounts/{serviceAccountsId}); a project ID is invalid.")
    target = serviceAccountsId.lower()
    if target not in (dwd.lower(), service_account_client_id(dwd)):
        raise ApiError(404, f"Not found; Gaia id not found for email {serviceAccountsId}")
    if call.user.lower() not in token_creators(call.ws, dwd):
        raise _denied()
    if body.get("delegates"):
        # Delegation chains are not modelled: refuse rather than sign without checking the chain.
        raise _bad_request("delegates", "The sandbox does not support delegation chains: 'delegates' must be empty.")
    if not payload:
        raise _bad_request("payload", "Request contains an invalid argument: 'payload' (bytes to sign) is required.")
    pair = keys.service_account
    signature = pair.private.sign(payload, padding.PKCS1v15(), hashes.SHA256())
    return {"keyId": pair.kid, "signedBlob": base64.b64encode(signature).decode("ascii")}
