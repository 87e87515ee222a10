"""The sandbox's Flask app factory: one WSGI app serving Gmail v1, Drive v3, Sheets v4, Admin Directory,
Calendar v3, People v1, Chat v1, Forms v1, OAuth 2.0, IAM Credentials signBlob, a GCE metadata server and
the admin endpoints, plus the request log every served API call lands in."""
from __future__ import annotations

import io
import itertools
import threading
import time

from flask import Flask, Response, g, request

from . import admin, batch, directory
from .calendar.api import bp as calendar_bp
from .chat.api import bp as chat_bp
from .drive.api import bp as drive_bp
from .forms.api import bp as forms_bp
from .people.api import bp as people_bp
from .faults import Faults
from .gmail.api import bp as gmail_bp
from .oauth.api import bp as oauth_bp
from .oauth.iam import bp as iam_bp
from .oauth.keys import SigningKeys
from .oauth.metadata import bp as metadata_bp
from .quota import Quotas
from .routing import SandboxContext
from .sheets.api import bp as sheets_bp
from .state import Workspace

#: Paths that are browser pages or sandbox administration, not API calls: not logged.
_UNLOGGED = ("/_sandbox/", "/o/oauth2/auth", "/o/oauth2/approve", "/favicon.ico")


def _method_override(wsgi_app):
    """Google honours ``X-HTTP-Method-Override``: googleapiclient sends GETs with long URLs as POSTs carrying
    the query string in a form-encoded body."""

    def app(environ, start_response):
        override = environ.get("HTTP_X_HTTP_METHOD_OVERRIDE")
        if override and environ.get("REQUEST_METHOD") == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length) if length else b""
            environ["REQUEST_METHOD"] = override.upper()
            if override.upper() == "GET":
                qs = environ.get("QUERY_STRING", "")
                extra = body.decode("latin-1")
                environ["QUERY_STRING"] = f"{qs}&{extra}" if qs and extra else (qs or extra)
                environ["CONTENT_LENGTH"] = "0"
                environ["wsgi.input"] = io.BytesIO(b"")
                environ.pop("CONTENT_TYPE", None)
            else:
                environ["wsgi.input"] = io.BytesIO(body)
        return wsgi_app(environ, start_response)

    return app


def create_app(
    ws: Workspace,
    *,
    quota: bool = True,
    faults: str | Faults | None = None,
    keys: SigningKeys | None = None,
    fixture: str | None = None,
) -> Flask:
    app = Flask("sandbox")
    app.config["JSON_SORT_KEYS"] = False
    ctx = SandboxContext(
        ws, Quotas(enabled=quota), faults if isinstance(faults, Faults) else Faults.parse(faults),
        keys or SigningKeys.generate(ws.domain), fixture,
    )
    app.extensions["sandbox"] = ctx
    app.wsgi_app = _method_override(app.wsgi_app)
    for bp in (admin.bp, batch.bp, gmail_bp, drive_bp, sheets_bp, oauth_bp, directory.bp, iam_bp, metadata_bp,
               calendar_bp, people_bp, chat_bp, forms_bp):
        app.register_blueprint(bp)
    from . import reports  # Admin SDK Reports: the token audit log, built from this log (issue 16)

    app.register_blueprint(reports.bp)
    app.register_blueprint(reports.admin_bp)
    seq = itertools.count(1)
    seq_lock = threading.Lock()

    @app.before_request
    def _start() -> None:
        g.sandbox_t0 = time.perf_counter()

    @app.after_request
    def _log(resp: Response) -> Response:
        path = request.path
        if path.startswith(_UNLOGGED):
            return resp
        user = getattr(g, "sandbox_user", None)
        with seq_lock:
            n = next(seq)
        ctx.log.append(
            {
                "seq": n,
                "time": time.time(),
                "method": request.method,
                "path": path,
                "query": request.args.to_dict(flat=True),
                "user": user,
                "status": 0 if getattr(g, "sandbox_dropped", False) else resp.status_code,
                "api_method": getattr(g, "sandbox_method", "batch" if path.startswith("/batch") else None),
                "batch": request.environ.get("sandbox.batch_id"),
                "batch_envelope": path.startswith("/batch"),
                "client_id": getattr(g, "sandbox_client", None),
                "bytes": resp.calculate_content_length() or 0,
                "ms": round((time.perf_counter() - g.get("sandbox_t0", time.perf_counter())) * 1000, 2),
            }
        )
        return resp

    return app
