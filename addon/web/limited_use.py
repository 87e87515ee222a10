"""``/limited-use``: the Limited Use disclosure a Google reviewer (or anyone) can read without signing in,
rendered from the scope registry (:mod:`scopes.disclosure`): each scope, why, in which step, and Google's
Limited Use statement. ``dsar scopes disclosure`` prints the same text."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, request

from scopes.disclosure import disclosure

bp = Blueprint("limited_use", __name__)
PATH = "/limited-use"


@bp.get(PATH)
def page() -> Response | str:
    data = disclosure()
    if request.args.get("format") == "json":
        return jsonify(data)
    return render_template("limited_use.html", d=data)
