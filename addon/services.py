"""Wiring the product's parts from settings: the audit trail, the seam (guard, egress, pacer), the
client factory and the case store. Everything that talks to Google gets its clients from here."""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property

from audit.egress import Egress
from audit.pacer import Pacer
from audit.transport import Seam
from scopes.guard import Guard
from scopes.registry import resolve_operation

from . import config
from .cases.store import CaseStore
from .clients import Clients


@dataclass
class Services:
    settings: config.Settings

    @cached_property
    def trail(self):
        from audit.trail import open_trail

        return open_trail(self.settings)

    @cached_property
    def store(self) -> CaseStore:
        from audit.pg_store import is_postgres_url

        if is_postgres_url(self.settings.database_url):  # shared by every web and worker instance
            from .cases.pg_store import PgCaseStore

            store = PgCaseStore(self.settings.database_url, self.trail.keys)
        else:
            store = CaseStore(self.settings.home / "cases.db", self.trail.keys)
        store.on_transition = self._track
        return store

    def _track(self, ref: str, actor: str) -> None:
        """Every status change reaches the DPO's tracker row (a no-op until 'dsar tracker init')."""
        from .tracker.writer import tracker_update

        tracker_update(self, ref, actor=actor)

    @cached_property
    def pacer(self):
        """Quota pacing: per process, or shared by all workers through Redis when a broker is set."""
        from .scale import configured_broker

        url = configured_broker(self.settings)
        if url and os.environ.get("DSAR_SHARED_PACING", "1") != "0":
            from .scale import redis_prefix
            from .scale.redis_pacer import RedisPacer

            return RedisPacer(url, prefix=redis_prefix() + "pace:")
        from audit.pacer import project_limits_from

        from .scale.quota_plan import organisation_quotas  # Google's project quotas, or the organisation's

        return Pacer(project=project_limits_from(organisation_quotas(self.settings)))

    @cached_property
    def seam(self) -> Seam:
        from .erasure.exemptions import permanent_delete_configured  # the organisation's opt-in

        return Seam(trail=self.trail, guard=Guard(permanent_delete=permanent_delete_configured(self.settings)),
                    resolve=resolve_operation,
                    egress=Egress(self.settings.sandbox_url), pacer=self.pacer)

    @cached_property
    def clients(self) -> Clients:
        return Clients(self.settings, self.seam)


def open_services(settings: config.Settings | None = None, *, create_home: bool = False) -> Services:
    """Services over the data folder, which must exist unless ``create_home`` (set-up commands) or the
    program chose its path itself: a mistyped DSAR_HOME never starts a new product with new keys."""
    from .data_folder import open_home

    settings = settings or config.load()
    open_home(settings, create=create_home)
    return Services(settings)
