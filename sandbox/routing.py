"""The sandbox's API seam: every Google API handler is registered with :func:`api_route`, which, in
Google's order, injects faults, authenticates the bearer token, checks the token's scopes against the
method's discovery scopes, charges quota, runs the handler and shapes errors like Google."""
from __future__ import annotations

import json
import re
import socket
import time
from dataclasses import dataclass
from functools import wraps
from typing import Any, Callable

from flask import Blueprint, Response, current_app, g, request

from scopes.discovery import MethodInfo, methods

from .errors import ApiError
from .faults import fault_error
from .state import Grant, Workspace

_VAR = re.compile(r"\{(\+?)([A-Za-z0-9_]+)\}")
AUTH_REALM = 'Bearer realm="https://accounts.google.com/"'


def flask_rule(path: str) -> str:
    """Discovery path template to a Flask rule: ``{x}`` -> ``<x>``, ``{+x}`` and ranges -> ``<path:x>``."""
    return _VAR.sub(lambda m: f"<path:{m.group(2)}>" if m.group(1) or m.group(2) == "range" else f"<{m.group(2)}>", path)


def sandbox() -> "SandboxContext":
    return current_app.extensions["sandbox"]


@dataclass
class Call:
    """One authenticated API call as a handler sees it."""

    info: MethodInfo
    grant: Grant
    ws: Workspace

    @property
    def user(self) -> str:
        return self.grant.email

    @property
    def args(self):  # werkzeug MultiDict of query parameters
        return request.args

    def json(self) -> dict[str, Any]:
        if not request.data:
            return {}
        try:
            body = json.loads(request.data)
        except ValueError as e:
            raise ApiError(400, f"Invalid JSON payload received. {e}", "parseError") from None
        if not isinstance(body, dict):
            raise ApiError(400, "Invalid JSON payload received. Expected an object.", "parseError")
        return body

    def has_scope(self, *scopes: str) -> bool:
        return any(s in self.grant.scopes for s in scopes)

    def resolve_user(self, user_id: str) -> str:
        """Gmail's ``userId``: ``me`` or the token's own address; anyone else is refused as Google does."""
        email = self.user if user_id == "me" else user_id.lower()
        if email != self.user:
            raise ApiError(403, "Delegation denied for " + self.user, "forbidden")
        return email


def api_route(bp: Blueprint, method_id: str, *, extra_rules: tuple[str, ...] = (), style: str | None = None):
    """Register a handler for a discovery method; the handler gets ``(call, **path_params)`` and returns
    a dict (sent as JSON), a ``(dict, status)`` pair, or a Flask ``Response``."""
    info = methods()[method_id]
    err_style = style or ("rpc" if info.api == "sheets" else "classic")

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(fn)
        def view(**kw: Any) -> Response:
            g.sandbox_method = method_id
            g.sandbox_style = err_style
            ctx = sandbox()
            try:
                latency = ctx.faults.latency_ms(method_id)
                if latency:
                    time.sleep(latency / 1000.0)
                fault = ctx.faults.draw(method_id)
                if fault == "drop":
                    return drop_connection()
                grant = authenticate(ctx.ws)
                g.sandbox_user = grant.email
                g.sandbox_client = grant.client_id  # for the token audit log (sandbox/reports.py)
                if not any(s in grant.scopes for s in info.scopes):
                    raise ApiError(
                        403, "Request had insufficient authentication scopes.", "insufficientPermissions",
                        headers={"WWW-Authenticate": f'{AUTH_REALM}, error="insufficient_scope", scope="{" ".join(info.scopes)}"'},
                    )
                if fault:
                    raise fault_error(fault)
                ctx.quotas.charge(method_id, grant.email)
                with ctx.ws.lock:
                    out = fn(Call(info, grant, ctx.ws), **kw)
            except ApiError as e:
                return error_response(e, err_style)
            if isinstance(out, Response):
                return out
            status = 200
            if isinstance(out, tuple):
                out, status = out
            if out is None:
                return Response(status=204 if status == 200 else status)
            return json_response(out, status)

        endpoint = method_id.replace(".", "_")  # Flask forbids dots in blueprint endpoint names
        bp.add_url_rule(flask_rule(info.path), endpoint=endpoint, view_func=view, methods=[info.http_method])
        for i, rule in enumerate(extra_rules):
            bp.add_url_rule(rule, endpoint=f"{endpoint}#{i}", view_func=view, methods=[info.http_method])
        return view

    return deco


def authenticate(ws: Workspace) -> Grant:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise ApiError(
            401,
            "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie "
            "or other valid authentication credential.",
            "required", location="Authorization", headers={"WWW-Authenticate": AUTH_REALM},
        )
    with ws.lock:
        grant = ws.tokens.get(header[7:].strip())
    if grant is None or grant.expired:
        raise ApiError(
            401,
            "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other "
            "valid authentication credential.",
            "authError", location="Authorization",
            headers={"WWW-Authenticate": f'{AUTH_REALM}, error="invalid_token"'},
        )
    return grant


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    resp = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json")
    resp.headers["Content-Type"] = "application/json; charset=UTF-8"
    resp.headers["Server"] = "ESF"
    resp.headers["Vary"] = "Origin, X-Origin, Referer"
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def error_response(e: ApiError, style: str) -> Response:
    return json_response(e.body(style), e.code, e.headers)


def drop_connection() -> Response:
    """Close the client's socket mid-request, as a flaky network would."""
    sock = request.environ.get("werkzeug.socket")
    g.sandbox_dropped = True
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    return Response(status=500)


class SandboxContext:
    """Everything the handlers share: the workspace, quotas, faults, the request log, signing keys."""

    def __init__(self, ws: Workspace, quotas, faults, keys, fixture: str | None) -> None:
        self.ws = ws
        self.quotas = quotas
        self.faults = faults
        self.keys = keys
        self.fixture = fixture
        self.log: list[dict[str, Any]] = []
        self.base_url = ""  # set by the server once bound
