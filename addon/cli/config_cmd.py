"""``dsar config check``: explain the configuration and what is missing."""
from __future__ import annotations

import sys

import click

from ..errors import ExitCode
from .output import console, emit_json


@click.group()
def config() -> None:
    """Inspect the configuration."""


@config.command("check")
@click.option("--json", "as_json", is_flag=True)
def check_cmd(as_json: bool) -> None:
    """Say which mode is configured, what is missing, and how to fix it."""
    from rich.markup import escape

    from ..config import load
    from ..setup_check import report

    r = report(load())
    if as_json:
        emit_json(r)
    else:
        console.print(f"Mode: [bold]{r['mode']}[/]")
        for c in r["checks"]:
            console.print(("[green]✓[/] " if c["ok"] else "[red]✗[/] ") + escape(c["message"]), highlight=False)
            if c["fix"]:
                console.print(f"    → {escape(c['fix'])}", highlight=False)
    sys.exit(ExitCode.OK if r["ok"] else ExitCode.CHECK_FAILED)
