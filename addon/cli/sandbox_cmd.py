"""``dsar sandbox``: run the local Google Workspace stand-in, or write the demo company's fixture."""
from __future__ import annotations

from pathlib import Path

import click

from ..errors import InputError


@click.group()
def sandbox() -> None:
    """Run a local Google Workspace (Gmail, Drive, Sheets, OAuth) for demos and tests."""


@sandbox.command("serve")
@click.option("--fixture", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Takeout-style folder to seed the workspace from (see sandbox/README.md).")
@click.option("--port", type=int, default=8765, show_default=True, help="Port on 127.0.0.1 (0 picks a free one).")
@click.option("--no-quota", is_flag=True, help="Turn Google's per-user quotas off.")
@click.option("--faults", default=None, metavar="SPEC", help="Inject faults, e.g. '429=0.05,500@gmail.*=0.02,drop=0.01'.")
@click.option("--snapshot", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Start from this snapshot if it exists, and save the state to it on exit.")
def serve(fixture: Path, port: int, no_quota: bool, faults: str | None, snapshot: Path | None) -> None:
    """Serve the sandbox on 127.0.0.1 in the foreground until stopped (Ctrl-C)."""
    from sandbox.errors import SandboxError
    from sandbox.server import SandboxServer

    if not (fixture / "workspace.json").is_file():
        raise InputError("--fixture", f"{fixture} has no workspace.json (run 'dsar sandbox fixture DIR' to write the demo company)")
    try:
        server = SandboxServer(fixture, port=port, quota=not no_quota, faults=faults, snapshot=snapshot)
    except SandboxError as e:
        raise InputError("--faults" if "fault" in str(e) else "--fixture", str(e)) from None
    except OSError as e:
        raise InputError("--port", f"cannot listen on 127.0.0.1:{port} ({e.strerror})") from None
    from sandbox.admin import drive_counts

    ws = server.ws
    d = drive_counts(ws.drive)  # the fixture's "Drive files" count: files in users' Drives, folders apart
    click.echo(f"Sandbox for {ws.domain}: {len(ws.users)} users, "
               f"{sum(len(m.messages) for m in ws.mailboxes.values())} messages, {d['drive_files']} Drive files "
               f"(+{d['shared_drive_files']} in shared drives, {d['folders']} folders)")
    for path, reason in ws.load_problems:
        click.echo(f"  skipped {path}: {reason}", err=True)
    click.echo(f"Listening on {server.url}  (export DSAR_SANDBOX_URL={server.url})")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        if snapshot:
            click.echo(f"Saved the workspace to {server.save_snapshot()}")


@sandbox.command("fixture")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--scale", type=float, default=1.0, show_default=True, help="Multiply the number of messages and files.")
def fixture(directory: Path, scale: float) -> None:
    """Write the demo company's Takeout-style fixture to DIRECTORY."""
    from sandbox.democompany import write_fixture
    from sandbox.errors import FixtureError

    try:
        summary = write_fixture(directory, scale=scale)
    except FixtureError as e:
        if e.path == "scale":
            raise InputError("--scale", e.reason) from None
        raise InputError("DIRECTORY", f"{e.path} {e.reason}") from None
    click.echo(f"Wrote {summary} to {directory}")
