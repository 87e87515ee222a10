"""A GCE/Cloud Run metadata server at ``/computeMetadata/v1/``: the runtime's attached service account
and its access tokens, so keyless code (google-auth's ``compute_engine.Credentials``) runs against the
sandbox as it does on Cloud Run. Logged under ``metadata.*``; like the OAuth endpoints, no faults or quotas
(the real server is local to the machine and does not rate-limit)."""
from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, Response, g, request

from scopes.model import CLOUD_PLATFORM

from ..routing import json_response, sandbox
from .grants import issue_tokens
from .identity import project_id, service_account_client_id

bp = Blueprint("metadata", __name__, url_prefix="/computeMetadata/v1")
RUNTIME_NAME = "dsar-runtime"
#: view name -> method id in the request log
_METHODS = {
    "metadata.service_account": "metadata.service_account",
    "metadata.service_account_email": "metadata.service_account",
    "metadata.token": "metadata.token",
    "metadata.project_id": "metadata.project",
    "metadata.universe_domain": "metadata.universe",
}
_MISSING_HEADER = (
    "<!DOCTYPE html>\n<html lang=en>\n<title>Error 403 (Forbidden)!!1</title>\n<p><b>403.</b> <ins>That's an "
    "error.</ins>\n<p>Your client does not have permission to get URL <code>{path}</code> from this server. "
    "Missing Metadata-Flavor:Google header. <ins>That's all we know.</ins>\n"
)


def runtime_service_account(dwd_email: str) -> str:
    """The runtime's attached service account, in the DWD service account's project: a different account,
    as on Cloud Run, which may sign as the DWD account only if granted Token Creator on it."""
    return f"{RUNTIME_NAME}@{project_id(dwd_email)}.iam.gserviceaccount.com"


def _runtime() -> str:
    return runtime_service_account(sandbox().keys.service_account_email)


def _text(body: str, status: int = 200, mimetype: str = "application/text") -> Response:
    """GCE answers plain values as ``application/text``."""
    return Response(body, status=status, mimetype=mimetype)


def _not_found() -> Response:
    return _text("Not Found\n", 404, "text/html")


def _account_ok(acct: str) -> bool:
    return acct == "default" or acct.lower() == _runtime().lower()


@bp.before_request
def _require_flavor() -> Response | None:
    """GCE refuses any request without ``Metadata-Flavor: Google``: it guards against SSRF."""
    g.sandbox_method = _METHODS.get(request.endpoint or "", "metadata.other")
    if request.headers.get("Metadata-Flavor") != "Google":
        return _text(_MISSING_HEADER.format(path=request.path), 403, "text/html")
    return None


@bp.after_request
def _flavor(resp: Response) -> Response:
    resp.headers["Metadata-Flavor"] = "Google"
    resp.headers["Server"] = "Metadata Server for VM"
    return resp


@bp.get("/instance/service-accounts/<acct>/")
def service_account(acct: str) -> Response:
    """google-auth reads it with ``?recursive=true``; the sandbox always answers the recursive JSON."""
    if not _account_ok(acct):
        return _not_found()
    return json_response({"aliases": ["default"], "email": _runtime(), "scopes": [CLOUD_PLATFORM]})


@bp.get("/instance/service-accounts/<acct>/email")
def service_account_email(acct: str) -> Response:
    return _text(_runtime()) if _account_ok(acct) else _not_found()


@bp.get("/instance/service-accounts/<acct>/token")
def token(acct: str) -> Response:
    """A real sandbox access token for the runtime account; ``scopes=a,b`` as Cloud Run and GKE accept."""
    if not _account_ok(acct):
        return _not_found()
    scopes = tuple(s.strip() for s in request.args.get("scopes", "").split(",") if s.strip()) or (CLOUD_PLATFORM,)
    email = _runtime()
    g.sandbox_user = email
    access, grant = issue_tokens(sandbox().ws, email, frozenset(scopes), service_account_client_id(email))
    body: dict[str, Any] = {"access_token": access, "expires_in": max(1, round(grant.expires_at - time.time()) - 1),
                            "token_type": "Bearer"}
    return json_response(body)


@bp.get("/project/project-id", endpoint="project_id")
def project_id_view() -> Response:
    return _text(project_id(sandbox().keys.service_account_email))


@bp.get("/universe/universe-domain")
def universe_domain() -> Response:
    return _text("googleapis.com")


@bp.route("/", defaults={"rest": ""}, methods=["GET"])
@bp.route("/<path:rest>", methods=["GET"])
def other(rest: str) -> Response:
    """Metadata the sandbox does not model (zone, attributes, identity tokens…): 404, never invented."""
    return _not_found()
