"""The ``dsar`` command line. Each command group lives in its own module; every failure is printed as one
clear line (JSON with ``--json``), never as a traceback, and exits with its code from addon.errors.ExitCode."""
from __future__ import annotations

import sys

import click
from google.auth.exceptions import RefreshError
from google.auth.exceptions import TransportError as GoogleAuthTransportError
from googleapiclient.errors import HttpError
from gspread.exceptions import APIError as GspreadAPIError

from ..errors import DsarError
from . import failures
from .audit_cmd import audit
from .auth_cmd import auth, keys
from .case_cmd import case, objection
from .clock_cmd import extend, pause, resume, status
from .config_cmd import config
from .db_cmd import db
from .demo_cmd import demo
from .erase_cmd import erase
from .export_cmd import export
from .init_cmd import init
from .intake_cmd import intake
from .letter_cmd import letter
from .sandbox_cmd import sandbox
from .scopes_cmd import scopes
from .retention_cmd import retention
from .review_cmd import review
from .search_cmd import search
from .serve_cmd import serve
from .tracker_cmd import tracker
from .worker_cmd import beat, worker


class _Group(click.Group):
    """Ends every failure as one line (or, with ``--json``, one JSON object) on stderr with the exit code of
    the table in addon/errors.py: product errors, Google's failures after retries, Ctrl-C, usage errors."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta["dsar.json_errors"] = failures.wants_json(args)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context):
        as_json = ctx.meta.get("dsar.json_errors", False)
        try:
            return super().invoke(ctx)
        except DsarError as e:
            failure = failures.from_dsar_error(e)
        except (RefreshError, GoogleAuthTransportError) as e:
            failure = failures.auth_failure(e, staff_sign_in=ctx.invoked_subcommand == "auth")
        except (HttpError, GspreadAPIError) as e:
            failure = failures.google_failure(e)
        except KeyboardInterrupt:
            failure = failures.interrupted()
        except click.Abort as e:
            failure = failures.interrupted(by_prompt=True) if failures.is_interrupt(e) else failures.aborted()
        except click.UsageError as e:
            if not as_json:
                raise  # click prints the usage and exits 2
            failure = failures.usage_failure(e)
        failures.report(failure, as_json)
        sys.exit(failure.code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="workspace-dsar")
def main() -> None:
    """Answer GDPR data-subject requests across Google Workspace.

    Staff open cases and search Gmail, Drive and Sheets; the DPO approves erasures and follows the
    tracker sheet; auditors verify that every Google API call is on the audit trail.
    Set DSAR_SANDBOX_URL to work against a local sandbox instead of Google.
    """
    import time

    click.get_current_context().meta["dsar.started"] = time.time()  # see _after_command


@main.result_callback()
def _after_command(*_result, **_params) -> None:
    """Rows the tracker still owes go out after the day's case commands (addon/cli/tracker_cmd.py)."""
    from .tracker_cmd import retry_after_command

    root = click.get_current_context().find_root()
    retry_after_command(root.invoked_subcommand, root.meta.get("dsar.started"))


main.add_command(init)
main.add_command(sandbox)
main.add_command(case)
main.add_command(objection)
main.add_command(letter)
main.add_command(intake)
main.add_command(search)
main.add_command(demo)
main.add_command(auth)
main.add_command(keys)
main.add_command(config)
main.add_command(retention)
main.add_command(scopes)
main.add_command(tracker)
main.add_command(export)
main.add_command(review)
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
from .rectify_cmd import rectify  # noqa: E402  (issue 15: the other rights)
from .restrict_cmd import restrict  # noqa: E402
from .suppression_cmd import suppression  # noqa: E402

main.add_command(rectify)
main.add_command(restrict)
main.add_command(suppression)
from .redact_cmd import redact  # noqa: E402  (issue 14: staff's changes to the redaction of others' data)

main.add_command(redact)
