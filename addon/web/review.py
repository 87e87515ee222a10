"""``/review/<REF>``: the review page. Lists a case's results folded (copies of one thing together), why
each matched, its decision; shows an item's text when asked (fetched through the seam, never stored); and
takes decisions from the keyboard (j/k move, i include, x exclude with an exemption code and a note, n not
a match, p preview). Signed-in staff and the DPO only, as the other pages: outside the sandbox the person
signed in through the web sign-in (identity scopes only); in the sandbox, the person picked on the page.
Decisions go through :mod:`addon.review.service`, so every channel applies the same rules."""
from __future__ import annotations

import secrets
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, redirect, render_template, request, session, url_for
from googleapiclient.errors import HttpError

from ..errors import DsarError, NotFound
from ..review.exemptions import load_exemptions
from ..review.groups import counts, find
from ..review.preview import fetch_preview
from ..review.service import decide_groups, review_list
from ..roles import role_of

bp = Blueprint("review", __name__)
REVIEW_ROLES = ("staff", "dpo")
_PICK = "review_as"


def _web():
    return current_app.extensions["dsar"]


def _viewer() -> tuple[str | None, bool]:
    sandbox = bool(_web().services.settings.sandbox_url)
    if sandbox and session.get(_PICK):
        return session[_PICK], True
    return session.get("email"), sandbox


def _csrf() -> str:
    token = session.get("review_csrf")
    if not token:
        token = session["review_csrf"] = secrets.token_urlsafe(24)
    return token


def _gate(ref: str, api: bool = False) -> tuple[str | None, Any]:
    email, may_pick = _viewer()
    if not email:
        if api:
            return None, (jsonify(error="sign in first"), 401)
        if may_pick:
            return None, (render_template("review.html", page="pick", ref=ref, viewer=None), 200)
        return None, redirect(f"/auth/start?for=audit&next=/review/{ref}", code=302)
    role = role_of(email, _web().services.settings)
    if role not in REVIEW_ROLES:
        if api:
            return email, (jsonify(error=f"{email} ({role}) may not review cases"), 403)
        return email, (render_template("review.html", page="denied", ref=ref, viewer=email, role=role), 403)
    return email, None


def _change_gate(ref: str) -> tuple[str | None, dict[str, Any], Any]:
    """A change from the page: a signed-in reviewer whose CSRF token matches (a stale page must reload first)."""
    email, blocked = _gate(ref, api=True)
    if blocked is not None:
        return email, {}, blocked
    if not secrets.compare_digest(str(request.headers.get("X-CSRF-Token", "")), session.get("review_csrf") or "-"):
        return email, {}, (jsonify(error="this page is stale: reload it"), 403)
    return email, request.get_json(silent=True) or {}, None


def _no_store(resp: Response) -> Response:
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["X-Frame-Options"] = "DENY"
    return resp


@bp.post("/review/as")
def pick() -> Response:
    if not _web().services.settings.sandbox_url:
        return Response("Picking a user is only possible against the sandbox.", status=403)
    email = request.form.get("email", "").strip().lower()
    ref = request.form.get("ref", "").strip().upper()
    if "@" in email:
        session[_PICK] = email
    return redirect(url_for("review.page", ref=ref) if ref else "/", code=303)


@bp.get("/review/<ref>")
def page(ref: str) -> Any:
    ref = ref.strip().upper()
    email, blocked = _gate(ref)
    if blocked is not None:
        return blocked
    services = _web().services
    try:
        case, groups = review_list(services, ref)
        codes = list(load_exemptions(services.settings).values())
    except DsarError as e:
        status = 404 if isinstance(e, NotFound) else 400
        return render_template("review.html", page="error", ref=ref, viewer=email, message=str(e)), status
    resp = Response(render_template(
        "review.html", page="list", ref=case.ref, case=case, viewer=email, role=role_of(email, services.settings),
        groups=[g.public() for g in groups], counts=counts(groups), codes=[c.public() for c in codes],
        csrf=_csrf(), subject=case.subject.display_name if case.subject else "(shredded)"))
    return _no_store(resp)


@bp.post("/review/<ref>/decide")
def decide(ref: str) -> Any:
    ref = ref.strip().upper()
    email, body, blocked = _change_gate(ref)
    if blocked is not None:
        return blocked
    services = _web().services
    try:
        case, groups = review_list(services, ref)
        chosen = [find(groups, str(h)) for h in body.get("ids") or []]
        if not chosen or any(g is None for g in chosen):
            return jsonify(error="ITEM: no such item in this case (reload the page)"), 404
        decide_groups(services, case.ref, chosen, str(body.get("status", "")), email,
                      code=body.get("code") or None, note=body.get("note") or None)
        _, groups = review_list(services, case.ref)
    except DsarError as e:
        return jsonify(error=str(e)), 409 if e.exit_code == 6 else 400
    wanted = {g.fold for g in chosen}
    return jsonify(items=[g.public() for g in groups if g.fold in wanted], counts=counts(groups))


@bp.post("/review/<ref>/redactions")
def redactions(ref: str) -> Any:
    """Staff's change to one thing's proposed redactions, as ``dsar redact add|remove|clear`` makes it
    (:func:`addon.redaction.changes.change_redactions`): ``{"id", "remove": [ids]}``, ``{"id", "add": text,
    "kind"}`` or ``{"id", "clear": true}``. The page then fetches the preview again."""
    from ..redaction.changes import change_redactions

    ref = ref.strip().upper()
    email, body, blocked = _change_gate(ref)
    if blocked is not None:
        return blocked
    remove = body.get("remove") or []
    if not isinstance(remove, list):
        return jsonify(error="remove: a list of redaction ids"), 400
    add = str(body.get("add") or "")
    try:
        g, d = change_redactions(_web().services, ref, str(body.get("id") or ""), email,
                                 add=[add] if add.strip() else (), kind=str(body.get("kind") or "name"),
                                 remove=[str(r) for r in remove], clear=bool(body.get("clear")))
    except DsarError as e:
        return jsonify(error=str(e)), 404 if isinstance(e, NotFound) else 409 if e.exit_code == 6 else 400
    return jsonify(id=g.id, added=len(d.redactions_added), removed=list(d.redactions_removed), by=d.by, at=d.at)


@bp.get("/review/<ref>/preview/<item>")
def preview(ref: str, item: str) -> Any:
    ref = ref.strip().upper()
    email, blocked = _gate(ref, api=True)
    if blocked is not None:
        return blocked
    services = _web().services
    try:
        case, groups = review_list(services, ref)
        g = find(groups, item)
        if g is None:
            return jsonify(error="ITEM: no such item in this case"), 404
        out = fetch_preview(services, case, g, email)
    except DsarError as e:
        return jsonify(error=str(e)), 400
    except HttpError as e:
        return jsonify(error=f"Google answered {e.resp.status}: the item may have gone since the search"), 502
    return _no_store(jsonify(out))
