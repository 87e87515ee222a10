"""How the CLI shows things: JSON for machines (``--json``), rich tables and progress bars for people."""
from __future__ import annotations

import json
import sys
from typing import Any

import click
from rich.console import Console

console = Console(stderr=False)
err_console = Console(stderr=True)


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def is_tty() -> bool:
    return sys.stdout.isatty()
