"""Who is acting on the command line, and with which product services: the start of every case command."""
from __future__ import annotations

from typing import Any


def services_and_actor() -> tuple[Any, str]:
    """The product's services and the acting user's address (``DSAR_ACTOR`` or the signed-in staff member)."""
    from ..roles import actor
    from ..services import open_services

    services = open_services()
    return services, actor(services.settings)


def acting_as(*roles: str, action: str) -> tuple[Any, str, str]:
    """As :func:`services_and_actor`, refusing a user whose role is not one of ``roles`` for ``action``."""
    from ..roles import require

    services, who = services_and_actor()
    return services, who, require(who, services.settings, *roles, action=action)
