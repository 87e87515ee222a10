"""Admin endpoints under ``/_sandbox/``: health, the served-request log, quota counters, fault settings
and a reset. They are not Google APIs: never authenticated, never logged, never faulted."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from .errors import SandboxError
from .faults import Faults
from .routing import sandbox
from .sources import source_counts

bp = Blueprint("sandbox_admin", __name__, url_prefix="/_sandbox")


def drive_counts(drive) -> dict[str, int]:
    """What the Drive store holds, counted as the fixture counts it (files in users' My Drives, as the fixture's
    expected.json "files"), so the numbers printed by the fixture writer and the server agree."""
    items = list(drive.files.values()) if drive is not None else []
    return {"drive_files": sum(1 for f in items if not f.is_folder and not f.driveId),
            "shared_drive_files": sum(1 for f in items if not f.is_folder and f.driveId),
            "folders": sum(1 for f in items if f.is_folder)}


@bp.get("/health")
def health() -> Response:
    ctx = sandbox()
    ws = ctx.ws
    with ws.lock:
        return jsonify(
            status="ok", domain=ws.domain, users=len(ws.users),
            messages=sum(len(m.messages) for m in ws.mailboxes.values()),
            files=len(ws.drive.files) if ws.drive is not None else 0,  # every Drive item, folders included
            **drive_counts(ws.drive),
            sources=source_counts(ws),
            load_problems=[{"path": p, "reason": r} for p, r in ws.load_problems],
            quota=ctx.quotas.enabled,
        )


@bp.get("/requests")
def requests_log() -> Response:
    since = request.args.get("since", type=int, default=0)
    log = sandbox().log
    return jsonify([e for e in list(log) if e["seq"] > since])


@bp.delete("/requests")
def clear_requests() -> Response:
    sandbox().log.clear()
    return Response(status=204)


@bp.get("/quota")
def quota() -> Response:
    return jsonify(sandbox().quotas.snapshot())


@bp.put("/quota")
def set_quota() -> Response:
    q = sandbox().quotas
    body = request.get_json(silent=True) or {}
    q.configure(body)  # enabled, and per-project limits ({"project": {"drive": 600}} per minute)
    if "export_limit" in body:  # files.export's 10 MB limit, lowered for tests
        from .drive.export import LIMIT
        from scopes.quotas import EXPORT_LIMIT_BYTES

        LIMIT["bytes"] = int(body["export_limit"] or EXPORT_LIMIT_BYTES)
    return jsonify(q.snapshot())


@bp.get("/faults")
def faults() -> Response:
    return jsonify(sandbox().faults.to_json())


@bp.put("/faults")
def set_faults() -> Response:
    spec = (request.get_json(silent=True) or {}).get("spec", "")
    try:
        sandbox().faults = Faults.parse(spec)
    except SandboxError as e:
        return jsonify(error=str(e)), 400
    return jsonify(sandbox().faults.to_json())


@bp.post("/reset")
def reset() -> Response:
    """Reload the fixture, clear tokens' usage, the log, quotas and faults."""
    ctx = sandbox()
    if ctx.fixture:
        from .fixture import load_workspace

        fresh = load_workspace(ctx.fixture)
        with ctx.ws.lock:
            tokens, refresh = ctx.ws.tokens, ctx.ws.refresh_tokens
            ctx.ws.__dict__.update({k: v for k, v in fresh.__dict__.items() if k != "lock"})
            ctx.ws.tokens, ctx.ws.refresh_tokens = tokens, refresh
    ctx.log.clear()
    ctx.quotas.reset()
    ctx.faults = Faults()
    return jsonify(status="reset")
