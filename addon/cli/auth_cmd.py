"""``dsar auth`` (staff sign-in) and ``dsar keys`` (the secret-store key)."""
from __future__ import annotations

import click

from .output import console, emit_json


@click.group()
def auth() -> None:
    """Sign in to Google as a staff member (CLI use)."""


@auth.command("login")
@click.option("--step", type=click.Choice(["search", "export", "erase", "track"]), default="search", show_default=True,
              help="Ask for the scopes this step needs (more are asked for when needed).")
@click.option("--no-browser", is_flag=True, help="Print the sign-in URL instead of opening a browser.")
@click.option("--port", type=int, default=0, help="Loopback port for the redirect (0 picks a free one).")
def login_cmd(step: str, no_browser: bool, port: int) -> None:
    """Sign in with Google (installed-app flow with PKCE, loopback redirect)."""
    from ..auth import staff
    from ..services import open_services

    info = staff.login(open_services(), step=step, open_browser=not no_browser, port=port)
    console.print(f"Signed in as [bold]{info['email']}[/] with {len(info['scopes'])} scopes.")


@auth.command("status")
@click.option("--refresh", is_flag=True, help="Refresh the access token now, to check the sign-in still works.")
@click.option("--json", "as_json", is_flag=True)
def status_cmd(refresh: bool, as_json: bool) -> None:
    """Who is signed in, with which scopes, until when."""
    from ..auth import staff
    from ..services import open_services

    services = open_services()
    info = staff.refresh(services) if refresh else staff.status(services.settings)
    if as_json:
        emit_json(info)
    elif not info["signed_in"]:
        console.print("Nobody is signed in. Run 'dsar auth login'.")
    else:
        console.print(f"Signed in as [bold]{info['email']}[/]; access token expires {info['access_token_expiry']}")
        for s in info["scopes"]:
            console.print(f"  {s}")


@auth.command("logout")
def logout_cmd() -> None:
    """Revoke the sign-in at Google and delete it here."""
    from ..auth import staff
    from ..services import open_services

    info = staff.logout(open_services())
    if info.get("email"):
        console.print(f"Signed out {info['email']} ({'revoked at Google' if info['revoked'] else 'could not revoke at Google; deleted locally'}).")
    else:
        console.print("Nobody was signed in.")


@auth.command("import-key")
@click.argument("key_file", type=click.Path(dir_okay=False))
@click.option("--delete-original", is_flag=True, help="Delete the plain-text key file once it is stored encrypted.")
def import_key_cmd(key_file: str, delete_original: bool) -> None:
    """Store a service account's JSON key encrypted (organisation mode), instead of a plain file."""
    from ..auth.service_account import import_key
    from ..config import load

    info = import_key(load(), key_file, delete_original=delete_original)
    console.print(f"Stored the key of [bold]{info['client_email']}[/] (key id {info['private_key_id'][:8]}…) encrypted.")
    if not delete_original:
        console.print(f"Delete {key_file} now (or run again with --delete-original), and unset DSAR_SERVICE_ACCOUNT_FILE.")


@click.group()
def keys() -> None:
    """Manage the key that encrypts refresh tokens and service-account keys at rest."""


@keys.command("new")
def new_cmd() -> None:
    """Print a new key (put it in DSAR_SECRET_KEY, newest first, comma-separated)."""
    from ..auth.tokenstore import new_key

    click.echo(new_key())


@keys.command("rotate")
def rotate_cmd() -> None:
    """Re-encrypt every stored secret under the first key in DSAR_SECRET_KEY."""
    from ..auth.tokenstore import TokenStore
    from ..config import load

    n = TokenStore(load()).rotate()
    console.print(f"Re-encrypted {n} secret(s) under the newest key; older keys can now be removed.")
