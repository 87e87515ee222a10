"""How the CLI shows things: JSON for machines (``--json``), rich tables and progress bars for people."""
from __future__ import annotations

import json
import sys
import threading
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

console = Console(stderr=False)
err_console = Console(stderr=True)


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def is_tty() -> bool:
    return sys.stdout.isatty()


def can_prompt() -> bool:
    """A person is at the keyboard: stdin is a terminal (a script or a pipe cannot answer a question)."""
    return sys.stdin.isatty()


def live_progress() -> bool:
    """Redrawn progress bars only where they are seen as bars: stderr is a terminal. In a log, a CI job or
    a pipe they are noise, and :class:`PlainProgress` writes a few plain lines instead."""
    return err_console.is_terminal


class PlainProgress:
    """Progress as a few plain lines on stderr (``Searching X: 3/12 mailboxes and Drives · ...``): one each
    time another fifth of the work is done, one every ``every`` seconds while nothing finishes, and the last.
    Thread-safe: search units report from their own threads."""

    def __init__(self, label: str, *, every: float = 30.0, steps: int = 5,
                 echo: Callable[[str], None] | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.label, self.every, self.steps = label, every, steps
        self._echo = echo or (lambda line: click.echo(line, err=True))
        self._clock = clock
        self._lock = threading.Lock()
        self._step = -1
        self._at = clock()
        self._last = ""

    def update(self, done: int, total: int | None, detail: str = "") -> None:
        with self._lock:
            step = (done * self.steps) // total if total else 0
            if step > self._step or self._clock() - self._at >= self.every:
                self._print(done, total, detail)
                self._step = max(step, self._step)

    def finish(self, done: int, total: int | None, detail: str = "") -> None:
        with self._lock:
            self._print(done, total, detail, final=True)

    def _print(self, done: int, total: int | None, detail: str, final: bool = False) -> None:
        line = f"{self.label}: {done}/{total if total is not None else '?'}" + (f" {detail}" if detail else "")
        if final and line == self._last:
            return
        self._echo(line)
        self._last, self._at = line, self._clock()


@contextmanager
def progress(label: str, unit: str = "") -> Iterator[Callable[..., None]]:
    """``with progress("Erasing X", "items") as show: show(done, total, detail)``: a rich bar on a terminal,
    plain lines otherwise (see :func:`live_progress`). ``label`` and ``detail`` are shown as text, never
    read as console markup."""
    if live_progress():
        cols = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[detail]}"), TimeElapsedColumn())
        with Progress(*cols, console=err_console, transient=False) as bar:
            task = bar.add_task(escape(label), total=None, detail="")
            yield lambda done, total, detail="": bar.update(task, total=total, completed=done,
                                                             detail=escape(detail))
        return
    plain = PlainProgress(label)
    last: list[Any] = [0, None, ""]

    def show(done: int, total: int | None, detail: str = "") -> None:
        last[:] = [done, total, detail]
        plain.update(done, total, f"{unit} · {detail}".strip(" ·") if unit else detail)

    yield show
    if last[1] is not None or last[0]:
        d = last[2]
        plain.finish(last[0], last[1], f"{unit} · {d}".strip(" ·") if unit else d)
