"""The browser side of the authorization-code flow: ``GET /o/oauth2/auth`` validates the request and shows a
consent page (pick the account, untick scopes: granular consent); ``POST /o/oauth2/approve`` redirects back
with a code or ``error=access_denied``. Client and redirect problems are shown as an error page, never
redirected, as Google does (a bad redirect URI must not receive anything)."""
from __future__ import annotations

import secrets
import time
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import jinja2
from flask import Response, redirect, request

from scopes.discovery import APIS, document

from ..routing import sandbox
from .clients import redirect_allowed
from .grants import PENDING_LIFETIME, PendingRequest, canonical_scopes, is_identity_scope, new_code, oauth_state

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent), autoescape=True, undefined=jinja2.StrictUndefined
)
_SCOPE_PREFIXES = ("https://www.googleapis.com/auth/", "https://mail.google.com/")
_IDENTITY_TEXT = {
    "openid": "Associate you with your personal info on Google",
    "https://www.googleapis.com/auth/userinfo.email": "See your primary Google Account email address",
    "https://www.googleapis.com/auth/userinfo.profile": "See your personal info, including any personal info you've made publicly available",
}
_PROMPTS = {"none", "consent", "select_account"}


class AuthorizationRequestError(Exception):
    """A request the page refuses with Google's "Error 400: …" screen (never redirected)."""

    def __init__(self, error: str, message: str, details: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.error = error
        self.message = message
        self.details = details or []


@lru_cache(maxsize=1)
def scope_descriptions() -> dict[str, str]:
    out: dict[str, str] = {}
    for name, version in APIS:
        for scope, meta in document(name, version).get("auth", {}).get("oauth2", {}).get("scopes", {}).items():
            out.setdefault(scope, meta.get("description", scope))
    out.update(_IDENTITY_TEXT)
    return out


def valid_scope(scope: str) -> bool:
    return is_identity_scope(scope) or (scope.startswith(_SCOPE_PREFIXES) and scope.isprintable() and " " not in scope)


def error_page(e: AuthorizationRequestError) -> Response:
    html = _ENV.get_template("oauth_error.html").render(
        heading="Access blocked: this app's request is invalid", message=e.message, error=e.error, details=e.details
    )
    return Response(html, status=400, mimetype="text/html")


def with_params(uri: str, params: dict[str, str]) -> str:
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True) + [(k, v) for k, v in params.items() if v is not None]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def parse_request(args) -> PendingRequest:
    """Google's checks on an authorization request, in its order; raises AuthorizationRequestError."""
    client_id = args.get("client_id", "")
    if not client_id:
        raise AuthorizationRequestError("invalid_request", "Missing required parameter: client_id")
    redirect_uri = args.get("redirect_uri", "")
    if not redirect_uri:
        raise AuthorizationRequestError("invalid_request", "Missing required parameter: redirect_uri")
    client = oauth_state(sandbox().ws).client(client_id)
    if not redirect_allowed(client, redirect_uri):
        raise AuthorizationRequestError(
            "redirect_uri_mismatch",
            f"You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy. If you're "
            f"the app developer, register the redirect URI for client {client_id} "
            f"(POST /_sandbox/clients in the sandbox).",
            [("redirect_uri", redirect_uri), ("client_id", client_id)],
        )
    response_type = args.get("response_type", "")
    if response_type != "code":
        raise AuthorizationRequestError(
            "unsupported_response_type" if response_type else "invalid_request",
            f"Invalid response_type: {response_type}" if response_type else "Missing required parameter: response_type",
        )
    raw = args.get("scope", "").split()
    if not raw:
        raise AuthorizationRequestError("invalid_request", "Missing required parameter: scope")
    bad = [s for s in raw if not valid_scope(s)]
    if bad:
        raise AuthorizationRequestError("invalid_scope", "Some requested scopes were invalid. {invalid=[" + ", ".join(bad) + "]}")
    challenge = args.get("code_challenge")
    method = args.get("code_challenge_method", "plain" if challenge else "")
    if method and not challenge:
        raise AuthorizationRequestError("invalid_request", "Missing required parameter: code_challenge")
    if challenge and method not in ("S256", "plain"):
        raise AuthorizationRequestError("invalid_request", f"Invalid code_challenge_method: {method}")
    if challenge and not 43 <= len(challenge) <= 128:
        raise AuthorizationRequestError("invalid_request", "Invalid code_challenge: it must be 43 to 128 characters.")
    access_type = args.get("access_type", "online")
    if access_type not in ("online", "offline"):
        raise AuthorizationRequestError("invalid_request", f"Invalid access_type: {access_type}")
    prompts = set(args.get("prompt", "").split())
    if not prompts <= _PROMPTS or ("none" in prompts and len(prompts) > 1):
        raise AuthorizationRequestError("invalid_request", f"Invalid prompt: {args.get('prompt')}")
    return PendingRequest(
        id="ar_" + secrets.token_urlsafe(24), client_id=client_id, redirect_uri=redirect_uri,
        scopes=canonical_scopes(raw), state=args.get("state"), code_challenge=challenge,
        code_challenge_method=method or "plain", offline=access_type == "offline",
        include_granted_scopes=args.get("include_granted_scopes", "").lower() == "true",
        nonce=args.get("nonce"), login_hint=(args.get("login_hint") or "").lower() or None,
    )


def authorize() -> Response:
    """``GET /o/oauth2/auth``."""
    try:
        req = parse_request(request.args)
    except AuthorizationRequestError as e:
        return error_page(e)
    ctx = sandbox()
    ws = ctx.ws
    st = oauth_state(ws)
    if "none" in request.args.get("prompt", "").split():
        return _silent(req)
    with ws.lock:
        now = time.time()
        for k in [k for k, p in st.pending.items() if p.created < now - PENDING_LIFETIME]:
            del st.pending[k]
        st.pending[req.id] = req
        users = sorted(ws.users.values(), key=lambda u: u.email)
        client = st.client(req.client_id)
    if not users:
        return error_page(AuthorizationRequestError("invalid_request", "This sandbox workspace has no users to sign in as."))
    hinted = req.login_hint if req.login_hint in {u.email for u in users} else None
    descr = scope_descriptions()
    html = _ENV.get_template("consent.html").render(
        client_name=client.display_name, domain=ws.domain, request_id=req.id,
        approve_url="/o/oauth2/approve",
        users=[{"email": u.email, "name": u.name, "selected": u.email == hinted} for u in users],
        scopes=[{"scope": s, "description": descr.get(s, s)} for s in req.scopes if not is_identity_scope(s)],
        basic=[{"scope": s, "description": descr.get(s, s)} for s in req.scopes if is_identity_scope(s)],
        include_granted=req.include_granted_scopes,
        redirect_origin="{0.scheme}://{0.netloc}".format(urlsplit(req.redirect_uri)),
    )
    resp = Response(html, mimetype="text/html")
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["X-Frame-Options"] = "DENY"
    return resp


def _silent(req: PendingRequest) -> Response:
    """``prompt=none``: succeed only if the hinted user already granted every requested scope."""
    ws = sandbox().ws
    st = oauth_state(ws)
    email = req.login_hint
    with ws.lock:
        if not email or ws.user(email) is None:
            return redirect(with_params(req.redirect_uri, {"error": "interaction_required", "state": req.state}))
        had = st.consents.get((email, req.client_id), frozenset())
        if not set(req.scopes) <= had:
            return redirect(with_params(req.redirect_uri, {"error": "consent_required", "state": req.state}))
        granted = had if req.include_granted_scopes else frozenset(req.scopes)
        code = new_code(st, req, email, granted)
    return _back_with_code(req, code, granted, email)


def _back_with_code(req: PendingRequest, code: str, granted: frozenset[str], email: str) -> Response:
    ws = sandbox().ws
    params = {"state": req.state, "code": code, "scope": " ".join(sorted(granted)), "authuser": "0"}
    if ws.in_domain(email):
        params["hd"] = ws.domain
    params["prompt"] = "consent"
    return redirect(with_params(req.redirect_uri, params), code=302)


def approve() -> Response:
    """``POST /o/oauth2/approve``: the consent form's Allow or Cancel."""
    ws = sandbox().ws
    st = oauth_state(ws)
    with ws.lock:
        req = st.pending.pop(request.form.get("request_id", ""), None)
    if req is None or req.created < time.time() - PENDING_LIFETIME:
        return error_page(AuthorizationRequestError(
            "invalid_request", "This sign-in request has expired or was already used. Start again from the app."
        ))
    if request.form.get("action") != "allow":
        return redirect(with_params(req.redirect_uri, {"error": "access_denied", "state": req.state}), code=302)
    email = request.form.get("login", "").lower()
    with ws.lock:
        if ws.user(email) is None:
            st.pending[req.id] = req  # let the user pick again
            return error_page(AuthorizationRequestError("invalid_request", f"{email or 'No account'} is not a user of {ws.domain}."))
        ticked = set(request.form.getlist("scope"))
        granted = {s for s in req.scopes if is_identity_scope(s) or s in ticked}
        had = st.consents.get((email, req.client_id), frozenset())
        if req.include_granted_scopes:
            granted |= had
        if not granted:
            return redirect(with_params(req.redirect_uri, {"error": "access_denied", "state": req.state}), code=302)
        st.consents[(email, req.client_id)] = had | granted
        code = new_code(st, req, email, frozenset(granted))
    return _back_with_code(req, code, frozenset(granted), email)
