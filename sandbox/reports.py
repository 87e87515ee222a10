"""Admin SDK Reports ``activities.list`` for ``applicationName=token``: Google's own record of the API
calls each OAuth client made, here built from the calls this sandbox really served (its request log).

Each authenticated call to a Workspace API becomes one ``activity`` event (type ``auth``) with the
parameters Google documents: ``api_name``, ``method_name``, ``client_id``, ``client_type``, ``app_name``,
``num_response_bytes`` and ``product_bucket``; ``actor.email`` is the user whose data was reached (the
impersonated user for domain-wide delegation). To model Google's warning that events can be late or,
rarely, missing, ``/_sandbox/reports`` sets a delay before an event shows and a drop rate; it can also turn
OAuth activity events off (an edition that has none) and inject "foreign" calls, made with one of the
product's client ids outside the product, as a stolen token would.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, jsonify, request

from .errors import ApiError
from .oauth.identity import customer_id, subject_id
from .routing import Call, api_route, sandbox

bp = Blueprint("sandbox_reports", __name__)
admin_bp = Blueprint("sandbox_reports_admin", __name__, url_prefix="/_sandbox/reports")

#: APIs whose calls Google's token log records (Workspace data APIs); token exchanges, the runtime's
#: metadata server and Cloud IAM are not user-data activity.
LOGGED_APIS = ("gmail", "drive", "sheets", "directory", "reports", "calendar", "people", "chat", "forms")
#: api -> (api_name as Google names it, product_bucket); admin.* methods are "admin" in discovery.
_BUCKETS = {"gmail": ("gmail", "GMAIL"), "drive": ("drive", "DRIVE"), "sheets": ("sheets", "DRIVE"),
            "directory": ("admin", "GSUITE_ADMIN"), "reports": ("admin", "GSUITE_ADMIN"),
            "calendar": ("calendar", "CALENDAR"), "people": ("people", "CONTACTS"), "chat": ("chat", "OTHER"),
            "forms": ("forms", "OTHER")}
MAX_RESULTS = 1000


@dataclass
class ReportsConfig:
    delay_s: float = 0.0  # an event shows this long after the call (Google: minutes to hours)
    drop_rate: float = 0.0  # share of events never reported (Google: "in rare cases")
    seed: int = 0
    activity_events: bool = True  # False: an edition without OAuth activity events
    app_names: dict[str, str] = field(default_factory=dict)  # client id -> app_name
    foreign: list[dict[str, Any]] = field(default_factory=list)  # injected log entries
    lock: threading.Lock = field(default_factory=threading.Lock)

    def to_json(self) -> dict:
        return {"delay_s": self.delay_s, "drop_rate": self.drop_rate, "seed": self.seed,
                "activity_events": self.activity_events, "app_names": dict(self.app_names),
                "foreign": len(self.foreign)}


def config() -> ReportsConfig:
    ctx = sandbox()
    cfg = getattr(ctx, "reports", None)
    if cfg is None:
        cfg = ctx.reports = ReportsConfig()
    return cfg


def _iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _parse_time(name: str, value: str | None) -> float | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise ApiError(400, f"Invalid value '{value}' for {name}", "invalid") from None


def _dropped(cfg: ReportsConfig, key: str) -> bool:
    if cfg.drop_rate <= 0:
        return False
    h = hashlib.sha256(f"{cfg.seed}:{key}".encode()).digest()
    return int.from_bytes(h[:8], "big") / 2**64 < cfg.drop_rate


def event_of(entry: dict, cfg: ReportsConfig, domain: str) -> dict | None:
    """The activity Google would report for one served call (None if Google's token log has none)."""
    method, user, client = entry.get("api_method"), entry.get("user"), entry.get("client_id")
    if not method or not user or not client or entry.get("status", 0) in (0, 401):
        return None
    api = method.split(".", 1)[0]
    if api not in LOGGED_APIS:
        return None
    api_name, bucket = _BUCKETS[api]
    params = [
        {"name": "api_name", "value": api_name},
        {"name": "method_name", "value": method},
        {"name": "client_id", "value": client},
        {"name": "client_type", "value": entry.get("client_type", "WEB")},
        {"name": "num_response_bytes", "intValue": str(int(entry.get("bytes") or 0))},
        {"name": "product_bucket", "value": bucket},
        {"name": "app_name", "value": cfg.app_names.get(client, client)},
    ]
    qualifier = int.from_bytes(hashlib.sha256(f"{entry.get('key')}".encode()).digest()[:8], "big") >> 1
    return {
        "kind": "admin#reports#activity",
        "id": {"time": _iso(entry["time"]), "uniqueQualifier": str(qualifier), "applicationName": "token",
               "customerId": customer_id(domain)},
        "etag": '"' + hashlib.sha1(str(qualifier).encode()).hexdigest() + '"',
        "actor": {"email": user, "profileId": subject_id(user), "callerType": "USER"},
        "events": [{"type": "auth", "name": "activity", "parameters": params}],
    }


def activities(entries: list[dict], cfg: ReportsConfig, domain: str, now: float, user: str | None,
               start: float | None, end: float | None) -> list[dict]:
    """Every reportable event, newest first (as Google orders them), after delay and drops."""
    out = []
    for e in entries:
        t = e["time"]
        if t + cfg.delay_s > now or (start is not None and t < start) or (end is not None and t >= end):
            continue
        if user and (e.get("user") or "").lower() != user:
            continue
        if _dropped(cfg, str(e.get("key"))):
            continue
        ev = event_of(e, cfg, domain)
        if ev is not None:
            out.append(ev)
    out.sort(key=lambda a: a["id"]["time"], reverse=True)
    return out


def _page_token(offset: int, fingerprint: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([offset, fingerprint]).encode()).decode()


def _offset(token: str | None, fingerprint: str) -> int:
    if not token:
        return 0
    try:
        offset, fp = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, TypeError):
        raise ApiError(400, "Invalid value for pageToken", "invalid") from None
    if fp != fingerprint or not isinstance(offset, int) or offset < 0:
        raise ApiError(400, "Invalid value for pageToken", "invalid")
    return offset


@api_route(bp, "reports.activities.list")
def list_activities(call: Call, userKey: str, applicationName: str):
    ws = call.ws
    me = ws.users.get(call.user)
    if me is None or not me.admin:
        raise ApiError(403, "Not Authorized to access this resource/api", "forbidden")
    if applicationName != "token":
        raise ApiError(400, f"Invalid value '{applicationName}' for applicationName: this sandbox serves 'token'",
                       "invalid")
    user = None if userKey == "all" else userKey.lower()
    if user and user not in ws.users:
        raise ApiError(400, "Bad Request. User not found", "invalid")
    start = _parse_time("startTime", call.args.get("startTime"))
    end = _parse_time("endTime", call.args.get("endTime"))
    event_name = call.args.get("eventName")
    try:
        size = min(MAX_RESULTS, max(1, int(call.args.get("maxResults", MAX_RESULTS))))
    except ValueError:
        raise ApiError(400, "Invalid value for maxResults", "invalid") from None
    cfg = config()
    if not cfg.activity_events or event_name not in (None, "", "activity"):
        items: list[dict] = []
    else:
        with cfg.lock:
            entries = [dict(e, key=f"log:{e['seq']}") for e in list(sandbox().log)] + list(cfg.foreign)
        items = activities(entries, cfg, ws.domain, time.time(), user, start, end)
    fingerprint = "|".join(call.args.get(k, "") for k in ("startTime", "endTime", "eventName")) + "|" + userKey
    offset = _offset(call.args.get("pageToken"), fingerprint)
    page = items[offset:offset + size]
    body: dict[str, Any] = {"kind": "admin#reports#activities", "etag": '"sandbox"', "items": page}
    if offset + size < len(items):
        body["nextPageToken"] = _page_token(offset + size, fingerprint)
    if not page:
        body.pop("items")
    return body


# -- administration (not a Google API) ------------------------------------------------------------------

@admin_bp.get("")
def get_config() -> Response:
    return jsonify(config().to_json())


@admin_bp.put("")
def set_config() -> Response:
    body = request.get_json(silent=True) or {}
    cfg = config()
    try:
        delay = float(body.get("delay_s", cfg.delay_s))
        rate = float(body.get("drop_rate", cfg.drop_rate))
        seed = int(body.get("seed", cfg.seed))
    except (TypeError, ValueError) as e:
        return jsonify(error=f"delay_s, drop_rate, seed: {e}"), 400
    if delay < 0 or not 0 <= rate <= 1:
        return jsonify(error="delay_s must be >= 0 and drop_rate between 0 and 1"), 400
    names = body.get("app_names", cfg.app_names)
    if not isinstance(names, dict):
        return jsonify(error="app_names must map client ids to names"), 400
    with cfg.lock:
        cfg.delay_s, cfg.drop_rate, cfg.seed = delay, rate, seed
        cfg.activity_events = bool(body.get("activity_events", cfg.activity_events))
        cfg.app_names = {str(k): str(v) for k, v in names.items()}
    return jsonify(cfg.to_json())


@admin_bp.post("/foreign")
def inject_foreign() -> Response:
    """A call Google served for ``client_id`` that the product never made (a stolen token): it shows in
    the token log only. Body: user, method (discovery id), client_id, and optionally time (RFC 3339 or
    POSIX seconds; default now) and bytes."""
    body = request.get_json(silent=True) or {}
    missing = [k for k in ("user", "method", "client_id") if not body.get(k)]
    if missing:
        return jsonify(error=f"{', '.join(missing)}: required"), 400
    t = body.get("time", time.time())
    try:
        ts = float(t) if isinstance(t, (int, float)) else _parse_time("time", str(t))
    except ApiError:
        return jsonify(error=f"time: {t!r} is not an RFC 3339 time or POSIX seconds"), 400
    cfg = config()
    with cfg.lock:
        entry = {"key": f"foreign:{len(cfg.foreign)}", "time": ts, "user": str(body["user"]).lower(),
                 "api_method": str(body["method"]), "client_id": str(body["client_id"]), "status": 200,
                 "bytes": int(body.get("bytes", 512)), "client_type": "WEB"}
        cfg.foreign.append(entry)
    return jsonify({"injected": entry["key"], "time": _iso(ts)}), 201


@admin_bp.delete("/foreign")
def clear_foreign() -> Response:
    cfg = config()
    with cfg.lock:
        cfg.foreign.clear()
    return Response(status=204)
