"""The door every add-on endpoint goes through, in this order: the Google-signed request token (401 and an
audit record if it does not hold), the event, the staff member's identity, granular consent (the scopes
this endpoint's own calls need, asked for with ``requesting_google_scopes``), then the handler. Product
errors become cards; nothing a user can cause becomes a traceback."""
from __future__ import annotations

import datetime as dt
import json
import time
import zoneinfo
from dataclasses import dataclass
from functools import wraps
from typing import Any, Callable, Iterable

from flask import Blueprint, Response, current_app, jsonify, request
from googleapiclient.errors import HttpError

from scopes import registry
from scopes.manifest import deployment_scopes
from scopes.model import USERINFO_EMAIL

from ..errors import DsarError, NotFound
from ..roles import RoleError, role_of
from .cards import notices, responses
from .cards.links import PATHS, Links
from .events import Event, EventError, parse_event
from .security import RequestRejected

DEFAULT_TZ = "Europe/London"


@dataclass
class Ctx:
    """One verified add-on request."""

    event: Event
    user: str
    role: str
    links: Links
    web: Any  # addon.web.app.WebState

    @property
    def services(self) -> Any:
        return self.web.services

    @property
    def granted(self) -> frozenset[str]:
        """What the user granted; Google omits the list without granular consent, when all was granted."""
        if self.event.authorized_scopes is None:
            return frozenset(deployment_scopes())
        return self.event.authorized_scopes

    @property
    def today(self) -> dt.date:
        try:
            tz = zoneinfo.ZoneInfo(self.event.time_zone or DEFAULT_TZ)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            tz = zoneinfo.ZoneInfo(DEFAULT_TZ)
        return dt.datetime.now(tz).date()


def refusal_record(path: str, reason: str, latency_ms: float) -> dict[str, Any]:
    """The audit record of a refused add-on request: same fields as the seam's call records."""
    return {
        "actor": "unknown", "case": None, "purpose": "add-on request", "legal_basis": "",
        "operation": "addon.request", "api_method": "addon.request", "http_method": "POST",
        "path_template": path, "scopes": [], "quota_units": 0, "status": 401, "item_count": 0, "bytes": 0,
        "latency_ms": round(latency_ms, 2), "outcome": "refused", "attempt": 1, "batch": None, "detail": reason,
    }


def _refuse(web: Any, reason: str, t0: float) -> tuple[Response, int]:
    try:
        web.services.trail.append(refusal_record(request.path, reason, (time.perf_counter() - t0) * 1000), sealed=None)
    except DsarError as e:  # the refusal stands even when it cannot be recorded
        reason += f" (not recorded: {e})"
    return jsonify(error="unauthorized", reason=reason), 401


def google_error(e: HttpError) -> tuple[int, str, str]:
    """(status, reason, message) of an error Google answered with."""
    try:
        err = json.loads(e.content or b"{}").get("error", {})
    except ValueError:
        err = {}
    reason = next((d.get("reason", "") for d in err.get("errors", []) if isinstance(d, dict)), "")
    return e.resp.status, reason, err.get("message") or str(e.resp.reason or "")


def addon_endpoint(bp: Blueprint, name: str, *, needs: Callable[[Ctx], Iterable[str]] | None = None):
    """Register ``fn(ctx) -> response dict`` at the endpoint ``name``; ``needs(ctx)`` lists the scopes the
    handler's own Google calls require (checked against the event's ``authorizedScopes``)."""

    def deco(fn: Callable[[Ctx], dict[str, Any]]) -> Callable[[], Any]:
        @wraps(fn)
        def view() -> Any:
            t0 = time.perf_counter()
            web = current_app.extensions["dsar"]
            try:
                web.verifier.verify_request(request.headers.get("Authorization"), web.audience(request.path))
            except RequestRejected as e:
                return _refuse(web, e.reason, t0)
            try:
                event = parse_event(request.get_json(silent=True))
            except EventError as e:
                return jsonify(error="bad_event", reason=str(e)), 400
            if not event.user_id_token and event.authorized_scopes is not None \
                    and USERINFO_EMAIL not in event.authorized_scopes:
                return jsonify(responses.request_scopes([USERINFO_EMAIL]))
            try:
                user = web.verifier.verify_user(event.user_id_token, web.services.settings.domain)
            except RequestRejected as e:
                return _refuse(web, e.reason, t0)
            ctx = Ctx(event, user, role_of(user, web.services.settings), web.links(), web)
            if needs is not None:
                missing = [s for s in needs(ctx) if s not in ctx.granted]
                if missing:
                    return jsonify(responses.request_scopes(missing))
            try:
                out = fn(ctx)
            except HttpError as e:
                status, reason, message = google_error(e)
                if status == 403 and reason == "insufficientPermissions" and needs is not None:
                    return jsonify(responses.request_scopes(needs(ctx)))
                out = responses.push(notices.error_card(ctx.links, "Google refused", f"{status}: {message}"))
            except RoleError as e:
                out = responses.push(notices.denied_card(ctx.links, user, str(e)))
            except NotFound as e:
                out = responses.push(notices.error_card(ctx.links, "Not found", str(e)))
            except DsarError as e:
                out = responses.push(notices.error_card(ctx.links, "Could not do that", str(e)))
            return jsonify(out)

        bp.add_url_rule(PATHS[name], endpoint=name, view_func=view, methods=["POST"])
        return view

    return deco


def step_scopes(step: str) -> Callable[[Ctx], Iterable[str]]:
    """The step's scopes, with those of the optional sources the organisation enabled (incremental consent)."""
    def needs(ctx: Ctx) -> Iterable[str]:
        from ..search.coverage import optional_enabled

        return registry.scopes_for_step(step, sources=optional_enabled(ctx.services.settings))

    return needs


def operation_scopes(*ops: str) -> Callable[[Ctx], Iterable[str]]:
    return lambda ctx: registry.scopes_for_operations(ops)

