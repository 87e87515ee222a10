"""Who may do what: staff, DPO and auditor roles from configuration (``DSAR_DPO`` and ``DSAR_AUDITORS``,
comma-separated addresses; everyone else in the domain is staff)."""
from __future__ import annotations

import os

from .config import Settings
from .errors import ConfigError, Refused


class RoleError(Refused):
    """The actor's role does not allow the action (staff approving an erasure, an auditor searching)."""


def _emails(var: str, settings: Settings) -> set[str]:
    raw = os.environ.get(var) or settings.extra.get(var.removeprefix("DSAR_").lower(), "")
    if isinstance(raw, list):
        raw = ",".join(raw)
    return {e.strip().lower() for e in raw.split(",") if e.strip()}


def role_of(email: str, settings: Settings) -> str:
    email = email.lower()
    if email in _emails("DSAR_DPO", settings):
        return "dpo"
    if email in _emails("DSAR_AUDITORS", settings):
        return "auditor"
    return "staff"


def require(email: str, settings: Settings, *roles: str, action: str) -> str:
    role = role_of(email, settings)
    if role not in roles:
        raise RoleError(f"role: {action} needs the {' or '.join(roles)} role; {email} is {role}")
    return role


def actor(settings: Settings) -> str:
    """The person acting on the command line."""
    if settings.actor:
        return settings.actor.lower()
    raise ConfigError("DSAR_ACTOR: set it to your Workspace address (e.g. export DSAR_ACTOR=you@example.org), "
                    "or sign in with 'dsar auth login'")


def holders(role: str, settings: Settings) -> set[str]:
    """The addresses configured for ``role`` ("dpo" or "auditor"), e.g. the tracker header's editors."""
    return _emails({"dpo": "DSAR_DPO", "auditor": "DSAR_AUDITORS"}[role], settings)
