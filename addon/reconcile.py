"""Running a reconciliation of the audit trail with Google's token audit log: read Google's side through
the seam (operation ``admin.reports.read``, DPO, auditor or the scheduled job only), read the trail,
compare (:mod:`audit.reconcile`), and record the run itself as an audit record (``audit.reconcile``)."""
from __future__ import annotations

import os
import time

from audit.context import Purpose, acting
from audit.reconcile import Result, Tolerances, google_from_activities, ours_from_records, reconcile
from audit.report import time_bound
from audit.records import parse_time
from scopes.registry import scopes_for_operations

from .errors import ConfigError, InputError

OPERATION = "admin.reports.read"
PURPOSE = "Reconcile the audit trail with Google's token audit log (Limited Use accountability)"
LEGAL_BASIS = "UK GDPR Art. 5(2) accountability; Art. 32 security of processing"
_ENV = {"skew_s": "DSAR_RECONCILE_SKEW_S", "lag_s": "DSAR_RECONCILE_LAG_S", "max_missing": "DSAR_RECONCILE_MAX_MISSING"}


def tolerances(**given: float | int | None) -> Tolerances:
    """Tolerances from the options given, else ``DSAR_RECONCILE_*``, else the stated defaults."""
    base = Tolerances()
    values = {}
    for name, env in _ENV.items():
        v = given.get(name)
        if v is None and os.environ.get(env):
            try:
                v = float(os.environ[env])
            except ValueError:
                raise ConfigError(f"{env}: {os.environ[env]!r} is not a number") from None
        if v is not None and v < 0:
            raise InputError(f"--{name.replace('_', '-')}", "must be 0 or more")
        values[name] = getattr(base, name) if v is None else type(getattr(base, name))(v)
    return Tolerances(**values)


def product_client_ids(settings) -> list[str]:
    """The OAuth client ids the product's calls are made with: ``DSAR_RECONCILE_CLIENT_IDS`` (comma-
    separated), else the service account's (domain-wide delegation) and the staff sign-in client's."""
    raw = os.environ.get("DSAR_RECONCILE_CLIENT_IDS") or settings.extra.get("reconcile_client_ids")
    if raw:
        return sorted({c.strip() for c in str(raw).split(",") if c.strip()})
    ids: set[str] = set()
    try:
        from .clients import service_account_info

        cid = service_account_info(settings).get("client_id")
        if cid:
            ids.add(str(cid))
    except ConfigError:
        pass
    try:
        from .auth.oauth_client import client_config

        for kind in ("installed", "web"):
            cid = client_config(settings, kind).get(kind, {}).get("client_id")
            if cid:
                ids.add(cid)
    except ConfigError:
        pass
    if not ids:
        raise ConfigError("DSAR_RECONCILE_CLIENT_IDS: no OAuth client id known for the product; set it to the "
                          "service account's and the sign-in client's ids (comma-separated)")
    return sorted(ids)


def window(since: str | None, until: str | None, now: float, default_hours: float = 24.0) -> tuple[float, float]:
    """``--since``/``--until`` (a day or an RFC 3339 time) as POSIX seconds; default: the last 24 hours."""
    start = parse_time(time_bound(since, "--since", False)).timestamp() if since else now - default_hours * 3600
    end = parse_time(time_bound(until, "--until", True)).timestamp() if until else now
    if end > now:
        end = now
    if start >= end:
        raise InputError("--since", "must be before --until (and before now)")
    if start < now - 180 * 86400:
        raise InputError("--since", "Google keeps token activity for 180 days; choose a later start")
    return start, end


def fetch_activities(services, admin: str, purpose: Purpose, start: float, end: float) -> list[dict]:
    """Every token activity Google reports for the period, through the seam, page by page."""
    reports = services.clients.api("reports", admin, scopes_for_operations([OPERATION]))
    items: list[dict] = []
    token = None
    with acting(purpose):
        while True:
            page = reports.activities().list(userKey="all", applicationName="token", eventName="activity",
                                             startTime=_rfc3339(start), endTime=_rfc3339(end), maxResults=1000,
                                             pageToken=token).execute()
            items += page.get("items", [])
            token = page.get("nextPageToken")
            if not token:
                return items


def run(services, actor: str, role: str, since: str | None = None, until: str | None = None,
        tol: Tolerances | None = None, now: float | None = None) -> Result:
    """One reconciliation, recorded on the trail (counts only: no user, no method names)."""
    settings = services.settings
    admin = settings.admin or settings.actor
    if not admin:
        raise ConfigError("DSAR_ADMIN: set it to a Workspace admin address: the token audit log is read as an admin")
    now = time.time() if now is None else now
    start, end = window(since, until, now)
    tol = tol or tolerances()
    purpose = Purpose(actor=actor, step="admin", purpose=PURPOSE, legal_basis=LEGAL_BASIS, role=role)
    clients = product_client_ids(settings)
    activities = fetch_activities(services, admin, purpose, start, end)
    trail = services.trail
    ours = ours_from_records(r.fields for r in trail.records())
    result = reconcile(ours, google_from_activities(activities, clients), start, end, now, tol)
    trail.append({"actor": actor, "operation": "audit.reconcile", "outcome": "reconcile",
                  "purpose": PURPOSE, "legal_basis": LEGAL_BASIS,
                  "item_count": result.unexplained, "detail": result.summary()})
    return result


def _rfc3339(ts: float) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z"
