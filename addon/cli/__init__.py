"""The ``dsar`` command line. Each command group lives in its own module; errors of the product are
printed as one clear line (exit 2), never as a traceback."""
from __future__ import annotations

import sys

import click

from ..errors import DsarError
from .sandbox_cmd import sandbox


class _Group(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DsarError as e:
            click.echo(f"Error: {e}", err=True)
            sys.exit(e.exit_code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="workspace-dsar")
def main() -> None:
    """Answer GDPR data-subject requests across Google Workspace.

    Staff open cases and search Gmail, Drive and Sheets; the DPO approves erasures and follows the
    tracker sheet; auditors verify that every Google API call is on the audit trail.
    Set DSAR_SANDBOX_URL to work against a local sandbox instead of Google.
    """


main.add_command(sandbox)
