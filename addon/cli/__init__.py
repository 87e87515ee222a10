"""The ``dsar`` command line. Each command group lives in its own module; errors of the product are
printed as one clear line (exit 2), never as a traceback."""
from __future__ import annotations

import re
import sys

import click
from google.auth.exceptions import RefreshError
from google.auth.exceptions import TransportError as GoogleAuthTransportError

from ..errors import DsarError
from .audit_cmd import audit
from .auth_cmd import auth, keys
from .case_cmd import case
from .clock_cmd import extend, pause, resume, status
from .config_cmd import config
from .db_cmd import db
from .demo_cmd import demo
from .erase_cmd import erase
from .export_cmd import export
from .init_cmd import init
from .sandbox_cmd import sandbox
from .scopes_cmd import scopes
from .retention_cmd import retention
from .search_cmd import search
from .serve_cmd import serve
from .tracker_cmd import tracker
from .worker_cmd import beat, worker


class _Group(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DsarError as e:
            click.echo(f"Error: {e}", err=True)
            sys.exit(e.exit_code)
        except (RefreshError, GoogleAuthTransportError) as e:
            click.echo(f"Error: {_auth_failure(e, staff_sign_in=ctx.invoked_subcommand == 'auth')}", err=True)
            sys.exit(4)


_GOOGLE_MESSAGE = re.compile(r'"message":\s*"([^"]{1,300})"')


def _auth_failure(e: Exception, staff_sign_in: bool = False) -> str:
    """What to do about a failed token, in the words of the credentials that are configured."""
    from ..auth.service_account import acts_as_service_account
    from ..config import load

    text = str(e.args[0] if e.args else e)
    google_says = _GOOGLE_MESSAGE.search(text)
    why = google_says.group(1) if google_says else text[:300]
    try:
        settings = None if staff_sign_in else load()
    except DsarError:
        settings = None
    if settings is not None and settings.signer_service_account:
        return (f"IAM refused to sign as {settings.signer_service_account} ({why}). Give this runtime's service "
                "account the Service Account Token Creator role on it, or fix DSAR_SIGNER_SERVICE_ACCOUNT.")
    if settings is not None and acts_as_service_account(settings):
        return (f"Google refused the service account's token ({why}). Check its domain-wide delegation (client ID "
                "and scopes); 'dsar config check' explains more.")
    return f"Google refused the sign-in ({why}). Sign in again with 'dsar auth login'."


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="workspace-dsar")
def main() -> None:
    """Answer GDPR data-subject requests across Google Workspace.

    Staff open cases and search Gmail, Drive and Sheets; the DPO approves erasures and follows the
    tracker sheet; auditors verify that every Google API call is on the audit trail.
    Set DSAR_SANDBOX_URL to work against a local sandbox instead of Google.
    """


main.add_command(init)
main.add_command(sandbox)
main.add_command(case)
main.add_command(search)
main.add_command(demo)
main.add_command(auth)
main.add_command(keys)
main.add_command(config)
main.add_command(retention)
main.add_command(scopes)
main.add_command(tracker)
main.add_command(export)
case.add_command(extend)
case.add_command(pause)
case.add_command(resume)
case.add_command(status)
main.add_command(audit)
main.add_command(serve)
main.add_command(db)
main.add_command(worker)
main.add_command(beat)
main.add_command(erase)
