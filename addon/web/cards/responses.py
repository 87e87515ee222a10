"""Response envelopes for HTTP add-ons (research/addon.md §2, §7): render actions with card navigation,
notifications, and the granular-consent request for missing scopes."""
from __future__ import annotations

from typing import Any, Iterable

from .widgets import Card


def _render(navigations: list[dict[str, Any]], notify: str | None) -> dict[str, Any]:
    act: dict[str, Any] = {"navigations": navigations}
    if notify:
        act["notification"] = {"text": notify}
    return {"renderActions": {"action": act}}


def push(card: Card, notify: str | None = None) -> dict[str, Any]:
    """Show ``card`` on top of the stack (entry points and drill-downs)."""
    return _render([{"pushCard": card}], notify)


def update(card: Card, notify: str | None = None) -> dict[str, Any]:
    """Replace the top card in place (form results, Refresh)."""
    return _render([{"updateCard": card}], notify)


def home(card: Card, notify: str | None = None) -> dict[str, Any]:
    """Back to the root, which becomes ``card`` (after opening a case the form should not linger)."""
    return _render([{"popToRoot": True}, {"updateCard": card}], notify)


def request_scopes(scopes: Iterable[str]) -> dict[str, Any]:
    """Ask Google to prompt the user for just these scopes; Google re-runs the action once granted."""
    return {"requesting_google_scopes": {"scopes": sorted(set(scopes))}}


def cards_in(response: dict[str, Any]) -> list[Card]:
    """Every card a response carries (tests validate them against Google's schema)."""
    navs = response.get("renderActions", {}).get("action", {}).get("navigations", [])
    return [n[k] for n in navs for k in ("pushCard", "updateCard") if k in n]
