"""Wiring the product's parts from settings: the audit trail, the seam (guard, egress, pacer), the
client factory and the case store. Everything that talks to Google gets its clients from here."""
from __future__ import annotations

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
        return CaseStore(self.settings.home / "cases.db", self.trail.keys)

    @cached_property
    def seam(self) -> Seam:
        return Seam(trail=self.trail, guard=Guard(), resolve=resolve_operation,
                    egress=Egress(self.settings.sandbox_url), pacer=Pacer())

    @cached_property
    def clients(self) -> Clients:
        return Clients(self.settings, self.seam)


def open_services(settings: config.Settings | None = None) -> Services:
    settings = settings or config.load()
    settings.home.mkdir(parents=True, exist_ok=True, mode=0o700)
    return Services(settings)
