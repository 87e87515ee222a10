"""Starting a case's search from the sidebar. The search outlives the request, so it needs credentials
that do too: in organisation mode (service account with domain-wide delegation, or the sandbox) the
product's own; in user mode the staff member's offline grant from the web sign-in, covering their own
mailbox and Drive only. Without that grant the card asks them to sign in once. ``DSAR_SEARCH_MODE``
chooses explicitly (e.g. user mode against the sandbox).

At scale (``DSAR_BROKER_URL`` and a PostgreSQL ``DSAR_DATABASE_URL``), an organisation-wide search fans
out to the ``dsar worker`` processes exactly as ``dsar search --queue`` does; the web job only follows it,
so a restarted web server loses nothing and the workers share the quota."""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from typing import Any

from google.oauth2.credentials import Credentials

from scopes import registry
from scopes.model import short

from ..auth.service_account import acts_as_service_account
from ..auth.tokenstore import TokenStore
from ..cases.model import Case
from ..clients import Clients
from ..errors import ConfigError
from ..search.service import run_search
from .jobs import Report

SEARCH_KIND = "addon-search"


def staff_key(email: str) -> str:
    """The token-store name of a staff member's web sign-in grant."""
    return f"staff:{email.lower()}"


@dataclass
class Started:
    job_id: str | None = None
    sign_in: str | None = None  # why a web sign-in is needed first


@dataclass
class UserServices:
    """The product's services, with clients that act only as one signed-in staff member."""

    settings: Any
    trail: Any
    store: Any
    seam: Any
    clients: Clients


def organisation_mode(settings: Any) -> bool:
    """``DSAR_SEARCH_MODE`` (user | organisation) decides; by default organisation mode wherever the product
    has its own credentials (a service account, or the sandbox's)."""
    mode = os.environ.get("DSAR_SEARCH_MODE") or settings.extra.get("search_mode")
    if mode:
        if mode not in ("user", "organisation"):
            raise ConfigError(f"DSAR_SEARCH_MODE: must be 'user' or 'organisation', not {mode!r}")
        return mode == "organisation"
    return acts_as_service_account(settings)


def queue_configured(settings: Any) -> bool:
    """Workers to fan out to: a broker, and the shared PostgreSQL store they all write to."""
    from audit.pg_store import is_postgres_url

    from ..scale import configured_broker

    return bool(configured_broker(settings)) and is_postgres_url(settings.database_url)


def web_credentials(record: dict[str, Any]) -> Credentials:
    return Credentials.from_authorized_user_info(record, scopes=record.get("scopes"))


def user_services(services: Any, user: str, record: dict[str, Any]) -> UserServices:
    creds = web_credentials(record)

    def source(principal: str, scopes: tuple[str, ...]) -> Credentials:
        if principal.lower() != user:
            raise ConfigError(f"user mode: {user}'s sign-in covers only {user}'s own mailbox and Drive, "
                              f"not {principal}'s; organisation-wide searches need a service account ('dsar config check')")
        return creds

    clients = Clients(services.settings, services.seam, credential_source=source)
    return UserServices(services.settings, services.trail, services.store, services.seam, clients)


def start_search(web: Any, case: Case, user: str) -> Started:
    services = web.services
    accounts: list[str] | None = None
    job_services: Any = services
    if not organisation_mode(services.settings):
        record = TokenStore(services.settings).get(staff_key(user))
        if record is None or not record.get("refresh_token"):
            return Started(sign_in="Searches run in the background after this card has returned, so they need "
                                   "your permission to work while the sidebar is closed. Sign in once.")
        from ..search.coverage import optional_enabled  # the enabled optional sources' read scopes too

        missing = registry.missing_scopes(record.get("scopes") or (), "search",
                                          sources=optional_enabled(services.settings))
        if missing:
            return Started(sign_in="Your sign-in does not yet allow searching: grant "
                                   + ", ".join(short(s) for s in missing) + ".")
        job_services, accounts = user_services(services, user, record), [user]

    queued = accounts is None and queue_configured(services.settings)

    def work(report: Report) -> dict[str, Any]:
        progress = lambda p: report({"progress": p.as_dict()})  # noqa: E731
        if queued:
            from ..scale.fanout import dispatch, follow

            sent = dispatch(services, case.ref, user)
            report({"queued": len(sent.queued), "units": len(sent.units)})
            items = follow(services, sent.ref, sent.run_no, on_progress=progress)
        else:
            items = run_search(job_services, case.ref, user, accounts=accounts, on_progress=progress)
        return {"items": len(items), "by_source": dict(Counter(i["source"] for i in items)), "queued": queued}

    return Started(job_id=web.runner.submit(SEARCH_KIND, case.ref, work))
