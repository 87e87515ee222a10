"""What a request on the wire is, in audit terms: its API method (from the discovery documents' path
templates), the parts of a batch, the parameters that carry subject data (sealed, never logged plainly),
and what the response held (status, items, bytes). Pure functions over bytes and URLs."""
from __future__ import annotations

import email.parser
import email.policy
import json
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from scopes.discovery import classify

#: Non-discovery endpoints the product calls (OAuth, ID-token keys).
_AUTH_PATHS = {
    "/token": "oauth2.token", "/oauth2/v4/token": "oauth2.token", "/o/oauth2/token": "oauth2.token",
    "/revoke": "oauth2.revoke", "/o/oauth2/revoke": "oauth2.revoke",
    "/tokeninfo": "oauth2.tokeninfo", "/oauth2/v3/tokeninfo": "oauth2.tokeninfo", "/oauth2/v1/tokeninfo": "oauth2.tokeninfo",
    "/oauth2/v1/certs": "oauth2.certs", "/oauth2/v3/certs": "oauth2.certs",
    "/oauth2/v3/userinfo": "oauth2.userinfo", "/oauth2/v2/userinfo": "oauth2.userinfo",
}
#: The metadata server's service-account endpoints (identity, token); nothing else on it is called.
_METADATA_PREFIX = "/computeMetadata/v1/instance/service-accounts/"
#: Query parameters that may carry a data subject's identifiers: sealed under the case key.
SUBJECT_PARAMS = ("q", "query")


@dataclass
class Call:
    api_method: str
    http_method: str
    path_template: str
    params: dict[str, str] = field(default_factory=dict)  # non-subject query params worth recording
    sealed: dict[str, str] = field(default_factory=dict)
    content_id: str | None = None
    operation: str | None = None  # set once the seam has resolved it from the purpose


def classify_request(http_method: str, url: str, headers=None, body: bytes | str | None = None) -> Call:
    """``headers``/``body`` matter for googleapiclient's long GETs, sent as POST with
    ``X-HTTP-Method-Override: GET`` and the query string in the body."""
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    override = (headers or {}).get("X-HTTP-Method-Override") or (headers or {}).get("x-http-method-override")
    if override and http_method == "POST":
        http_method = override.upper()
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else (body or "")
        query.update({k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()})
    sealed = {k: query.pop(k) for k in SUBJECT_PARAMS if k in query}
    if parts.path in _AUTH_PATHS:
        return Call(_AUTH_PATHS[parts.path], http_method, parts.path, {}, {})
    if parts.path.startswith(_METADATA_PREFIX) and http_method == "GET":
        return Call("oauth2.metadata", http_method, _METADATA_PREFIX + "{account}/" + parts.path.rsplit("/", 1)[1], {}, {})
    if parts.path.startswith("/batch"):
        return Call("batch", http_method, parts.path, {}, {})
    info = classify(http_method, parts.path)
    if info is None:
        return Call("unknown", http_method, parts.path, {}, sealed)
    keep = {k: v for k, v in query.items() if k in ("format", "alt", "mimeType", "uploadType", "valueInputOption", "fields")}
    return Call(info.id, http_method, info.path, keep, sealed)


def _mime_parts(content_type: str, body: bytes) -> list[tuple[object, str]]:
    """(part, payload text) of each part of a multipart/mixed body, in order."""
    msg = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    )
    out = []
    for part in msg.get_payload() if msg.is_multipart() else []:
        payload = part.get_payload(decode=False)
        out.append((part, payload[0].as_string() if isinstance(payload, list) else payload))
    return out


def batch_parts(content_type: str, body: bytes) -> list[Call]:
    """The calls inside a multipart/mixed batch request body, in order."""
    calls = []
    for part, payload in _mime_parts(content_type, body):
        line = payload.lstrip().split("\n", 1)[0].strip()
        method, target = (line.split(" ") + ["", ""])[:2]
        call = classify_request(method.upper(), "http://x" + target)
        call.content_id = (part.get("Content-ID") or "").strip("<>") or None
        calls.append(call)
    return calls


def batch_statuses(content_type: str, body: bytes) -> list[tuple[int | None, bytes]]:
    """(status, body) of each part of a multipart/mixed batch response, in order."""
    out: list[tuple[int | None, bytes]] = []
    for _, payload in _mime_parts(content_type, body):
        raw = payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else payload
        status_line, _, rest = raw.partition(b"\n")
        try:
            status = int(status_line.split(b" ")[1])
        except (IndexError, ValueError):
            status = None
        _, _, content = rest.replace(b"\r\n", b"\n").partition(b"\n\n")
        out.append((status, content))
    return out


_LIST_KEYS = ("messages", "threads", "files", "labels", "users", "drives", "permissions", "valueRanges", "replies")


def item_count(api_method: str, status: int | None, content_type: str, body: bytes) -> int:
    """How many items of user data a successful response carried (messages, files, rows...)."""
    if status is None or status >= 300:
        return 0
    if "json" not in content_type:
        return 1 if body else 0
    if len(body) > 4_000_000:
        return 1
    try:
        data = json.loads(body)
    except ValueError:
        return 0
    if not isinstance(data, dict):
        return 1
    for key in _LIST_KEYS:
        if isinstance(data.get(key), list):
            items = data[key]
            if key == "valueRanges":
                return sum(len(v.get("values", [])) for v in items if isinstance(v, dict))
            return len(items)
    if isinstance(data.get("values"), list):
        return len(data["values"])
    if api_method.startswith("oauth2."):
        return 0
    return 1
