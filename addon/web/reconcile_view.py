"""The reconciliation panel of the auditor view: the latest runs (each is an ``audit.reconcile`` record on
the trail, scheduled or by hand) and a button that runs one now, as the viewer (auditor or DPO), and shows
its result in full: matched, Google-only calls (the alarm, with user, method and hour), ours-only calls
with their reason, the tolerances and the edition caveat. The full result is kept in this process only,
never written to disk (it names users); the trail keeps the counts."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, redirect, request, url_for

from ..roles import role_of

bp = Blueprint("reconcile_view", __name__)
_KEY = "dsar_reconcile_last"


def panel(records: list[dict]) -> dict[str, Any]:
    """What the panel shows: the last full result run here, and the last recorded runs (newest first)."""
    runs = [r for r in records if r.get("outcome") == "reconcile"][-5:][::-1]
    return {"last": current_app.extensions.get(_KEY), "runs": runs}


@bp.post("/audit/reconcile")
def run_now() -> Any:
    from ..reconcile import run
    from .auditor import _gate

    email, blocked = _gate()
    if blocked is not None:
        return blocked
    web = current_app.extensions["dsar"]
    role = role_of(email, web.services.settings)
    since = request.form.get("since", "").strip() or None
    until = request.form.get("until", "").strip() or None
    try:
        result = run(web.services, email, role, since, until)
    except Exception as e:  # a DsarError names the field; anything else is Google's or the network's
        current_app.extensions[_KEY] = {"error": str(e) or type(e).__name__}
    else:
        current_app.extensions[_KEY] = result.to_dict()
    return redirect(url_for("auditor.view") + "#reconcile", code=303)

