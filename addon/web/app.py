"""The add-on's Flask app: ``create_app(services=None)`` wires the add-on endpoints, the web sign-in, the
auditor view and, against a sandbox only, the card preview. ``dsar serve`` runs it.

The public origin (what Google signs each request's audience for, and what card buttons point at) is
``DSAR_ADDON_BASE_URL``, e.g. ``https://dsar.example.org``; without it, the origin the request came to
(local use and the sandbox)."""
from __future__ import annotations

import hashlib
import json
import os
import struct
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Flask, Response, jsonify, request

from ..services import Services, open_services
from .cards.links import Links
from .jobs import JobRunner
from .security import Verifier
from .signin import PendingSignIns

TRACKER_FILE = "tracker.json"


@dataclass
class WebState:
    """What every request handler shares, kept in ``app.extensions["dsar"]``."""

    services: Services
    verifier: Verifier
    runner: JobRunner
    base_url: str | None = None
    pending: PendingSignIns = field(default_factory=PendingSignIns)

    def public_url(self, path: str) -> str:
        base = self.base_url or request.host_url
        return base.rstrip("/") + path

    def audience(self, path: str) -> str:
        """The URL Google signed this request for: the endpoint's full public URL."""
        return self.public_url(path)

    def tracker_id(self) -> str | None:
        path = self.services.settings.home / TRACKER_FILE
        try:
            sid = json.loads(path.read_text(encoding="utf-8")).get("spreadsheet_id")
        except (OSError, ValueError, AttributeError):
            return None
        return sid if isinstance(sid, str) and sid.replace("-", "").replace("_", "").isalnum() else None

    def links(self) -> Links:
        return Links(self.public_url(""), self.tracker_id())


def _session_key(services: Services) -> bytes:
    """Sign session cookies with a key derived from the secrets key (stable across restarts), else a random one."""
    secret = os.environ.get("DSAR_SECRET_KEY") or services.settings.extra.get("web_session_key")
    if secret:
        return hashlib.sha256(b"dsar-web-session\x00" + secret.encode()).digest()
    return os.urandom(32)


@lru_cache(maxsize=1)
def logo_png(size: int = 96) -> bytes:
    """The add-on's logo (a blue disc with a white bar), drawn here so no binary file ships."""
    rows = []
    c = (size - 1) / 2
    for y in range(size):
        row = bytearray(b"\x00")
        for x in range(size):
            inside = (x - c) ** 2 + (y - c) ** 2 <= (size / 2) ** 2
            bar = inside and abs(y - c) < size * 0.08 and abs(x - c) < size * 0.28
            row += bytes((255, 255, 255, 255) if bar else (26, 115, 232, 255) if inside else (0, 0, 0, 0))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b"")


def create_app(services: Services | None = None, *, base_url: str | None = None,
               runner: JobRunner | None = None) -> Flask:
    services = services or open_services()
    settings = services.settings
    base = base_url or os.environ.get("DSAR_ADDON_BASE_URL") or settings.extra.get("addon_base_url")
    app = Flask("addon.web", template_folder=str(Path(__file__).parent / "templates"), static_folder=None)
    app.config["JSON_SORT_KEYS"] = False
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.secret_key = _session_key(services)
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=bool(base and base.startswith("https://")))
    verifier = Verifier(settings, lambda: services.seam.plain_session("addon"))
    state = WebState(services, verifier, runner or JobRunner(services.store), base.rstrip("/") if base else None)
    app.extensions["dsar"] = state

    from . import actions, auditor, manage, review, signin

    app.register_blueprint(actions.bp)
    app.register_blueprint(manage.bp)
    app.register_blueprint(signin.bp)
    app.register_blueprint(auditor.bp)
    app.register_blueprint(review.bp)  # /review/<REF>: the review page (addon/web/review.py)
    from . import limited_use

    app.register_blueprint(limited_use.bp)  # public: the Limited Use disclosure (issue 16)
    from . import reconcile_view

    app.register_blueprint(reconcile_view.bp)  # the auditor view's reconciliation panel (issue 16)
    from . import rights

    app.register_blueprint(rights.bp)  # rectification, restriction, objection, opt-out steps (issue 15)
    from . import review_cards

    app.register_blueprint(review_cards.bp)  # review decisions in the sidebar's cards (issue 14)
    if settings.sandbox_url:
        from .preview import views as preview

        app.register_blueprint(preview.bp)

    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok", sandbox=bool(settings.sandbox_url))

    @app.get("/addon/logo.png")
    def logo() -> Response:
        return Response(logo_png(), mimetype="image/png", headers={"Cache-Control": "public, max-age=86400"})

    @app.after_request
    def _headers(resp: Response) -> Response:
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "no-referrer")
        if request.path.startswith(("/audit", "/auth")):
            resp.headers.setdefault("X-Frame-Options", "DENY")
            resp.headers.setdefault("Cache-Control", "no-store")
        return resp

    return app


def describe(app: Flask) -> dict[str, Any]:
    """What ``dsar serve`` prints at start: the routes that matter and how requests are checked."""
    state: WebState = app.extensions["dsar"]
    return {"service_account": state.verifier.service_account, "oauth_client_id": state.verifier.client_id,
            "certs": state.verifier.certs_url, "preview": bool(state.services.settings.sandbox_url)}
