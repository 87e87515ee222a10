"""Cards that explain why something did not happen: an error in plain words, a role that may not do it,
and the one-time web sign-in a background search needs in user mode."""
from __future__ import annotations

from urllib.parse import urlencode

from .links import Links
from .widgets import Card, button, buttons, card, field_error, note, on_action, on_link, section


def error_card(links: Links, title: str, message: str) -> Card:
    return card(title, [section([field_error(message)]),
                        section([buttons(button("Home", on_action(links.url("homepage")), icon="home"))])],
                name="error")


def denied_card(links: Links, user: str, reason: str) -> Card:
    """``reason`` is the role check's own sentence (which role the action needs, which the user has)."""
    return card("Not allowed", [section([
        field_error(reason.removeprefix("role: ")),
        note(f"Signed in as {user}. Ask the Data Protection Officer if you need access."),
    ])], name="denied")


def sign_in_card(links: Links, reason: str, user: str) -> Card:
    """Background searches run after the sidebar request has returned, so they need the staff member's
    own offline grant from the web sign-in; the link opens it in an overlay and reloads the card after."""
    return card("Sign in for background searches", [section([
        note(reason),
        buttons(button("Sign in with Google", on_link(links.page("/auth/start?" + urlencode({"login_hint": user})),
                                                      overlay=True, reload=True),
                       filled=True, icon="login")),
    ])], name="sign_in")
