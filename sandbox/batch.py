"""Batch endpoints (``/batch``, ``/batch/gmail/v1``, ``/batch/drive/v3``): multipart/mixed in, each part
run through the same WSGI app as a normal call (so it is authenticated, charged, faulted and logged as its
own request), multipart/mixed out, exactly as googleapiclient's ``BatchHttpRequest`` writes and parses it."""
from __future__ import annotations

import email.parser
import email.policy
import itertools
import uuid
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, g, request
from werkzeug.test import EnvironBuilder, run_wsgi_app

from .errors import ApiError
from .routing import error_response

bp = Blueprint("batch", __name__)
MAX_PARTS = 100
_ids = itertools.count(1)


def _parse_part(payload: bytes) -> tuple[str, str, dict[str, str], bytes]:
    head, _, body = payload.replace(b"\r\n", b"\n").partition(b"\n\n")
    lines = head.decode("utf-8", "replace").split("\n")
    method, target, *_ = lines[0].split(" ")
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip()] = v.strip()
    return method.upper(), target, headers, body


def _run(method: str, target: str, headers: dict[str, str], body: bytes, batch_id: str) -> tuple[str, list[tuple[str, str]], bytes]:
    url = urlsplit(target)
    builder = EnvironBuilder(
        path=url.path, method=method, query_string=url.query, headers=headers, data=body or None,
        base_url=request.host_url,
    )
    environ = builder.get_environ()
    environ["sandbox.batch_id"] = batch_id
    # Flask reuses the envelope's app context (and so its ``g``) for the parts: give each part a clean slate
    # for the request log's fields and put the envelope's back afterwards.
    saved = {k: g.pop(k) for k in list(vars(g)) if k.startswith("sandbox_")}
    try:
        app_iter, status, resp_headers = run_wsgi_app(current_app.wsgi_app, environ)
        try:
            content = b"".join(app_iter)
        finally:
            close = getattr(app_iter, "close", None)
            if close:
                close()
    finally:
        for k in [k for k in vars(g) if k.startswith("sandbox_")]:
            g.pop(k)
        vars(g).update(saved)
    return status, list(resp_headers.items()), content


@bp.route("/batch", methods=["POST"])
@bp.route("/batch/<api>/<version>", methods=["POST"])
def batch(api: str | None = None, version: str | None = None) -> Response:
    ctype = request.headers.get("Content-Type", "")
    if not ctype.startswith("multipart/mixed"):
        return error_response(ApiError(400, "Batch requests must be multipart/mixed.", "badRequest"), "classic")
    msg = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(
        b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + request.get_data()
    )
    parts = msg.get_payload() if msg.is_multipart() else []
    if not parts:
        return error_response(ApiError(400, "Batch request has no parts.", "badRequest"), "classic")
    if len(parts) > MAX_PARTS:
        return error_response(ApiError(400, f"Too many requests in batch; the limit is {MAX_PARTS}.", "badRequest"), "classic")
    batch_id = f"b{next(_ids)}"
    outer_auth = request.headers.get("Authorization")
    boundary = "batch_" + uuid.uuid4().hex
    out: list[bytes] = []
    for part in parts:
        payload = part.get_payload(decode=False)
        if isinstance(payload, list):  # a nested message; not something clients send
            payload = payload[0].as_bytes()
        elif isinstance(payload, str):
            payload = payload.encode("utf-8", "surrogateescape")
        method, target, headers, body = _parse_part(payload)
        if outer_auth and not any(k.lower() == "authorization" for k in headers):
            headers["Authorization"] = outer_auth
        status, resp_headers, content = _run(method, target, headers, body, batch_id)
        cid = " ".join(part.get("Content-ID", "").split())  # clients fold long headers; unfold before echoing
        resp_cid = "<response-" + cid.strip("<>") + ">" if cid else ""
        head = [f"--{boundary}", "Content-Type: application/http"]
        if resp_cid:
            head.append(f"Content-ID: {resp_cid}")
        head += ["", f"HTTP/1.1 {status}"]
        head += [f"{k}: {v}" for k, v in resp_headers if k.lower() != "content-length"]
        head += [f"Content-Length: {len(content)}", "", ""]
        out.append("\r\n".join(head).encode() + content + b"\r\n")
    out.append(f"--{boundary}--\r\n".encode())
    resp = Response(b"".join(out), status=200)
    resp.headers["Content-Type"] = f"multipart/mixed; boundary={boundary}"
    return resp
