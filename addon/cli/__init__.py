"""The ``dsar`` command line. Each command group lives in its own module; errors of the product are
printed as one clear line (exit 2), never as a traceback."""
from __future__ import annotations

import sys

import click
from google.auth.exceptions import RefreshError

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
        except RefreshError as e:
            click.echo(f"Error: Google refused the sign-in ({e.args[0] if e.args else e}). "
                       "Sign in again with 'dsar auth login'.", err=True)
            sys.exit(4)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="workspace-dsar")
def main() -> None:
    """Answer GDPR data-subject requests across Google Workspace.

    Staff open cases and search Gmail, Drive and Sheets; the DPO approves erasures and follows the
    tracker sheet; auditors verify that every Google API call is on the audit trail.
    Set DSAR_SANDBOX_URL to work against a local sandbox instead of Google.
    """


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
