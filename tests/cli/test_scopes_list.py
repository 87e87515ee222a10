"""``dsar scopes list`` shows the full scope URLs an admin must copy, never cut, however narrow the terminal,
and ``--for-admin`` prints the one comma-separated line the Admin console's domain-wide delegation takes."""
from __future__ import annotations

import io

from click.testing import CliRunner
from rich.console import Console

from addon.cli import main, scopes_cmd
from addon.errors import ExitCode
from scopes import registry
from scopes.model import CLOUD_PLATFORM

MAIL = "https://mail.google.com/"


def _expected_delegation(permanent: bool = False) -> list[str]:
    out: list[str] = []
    for step in ("search", "export", "erase", "track", "admin"):
        for s in registry.scopes_for_step(step, permanent_delete=permanent):
            if s != CLOUD_PLATFORM and s not in out:
                out.append(s)
    return out


def test_for_admin_is_one_line_of_full_scope_urls():
    r = CliRunner().invoke(main, ["scopes", "list", "--for-admin"], env={"COLUMNS": "30"})
    assert r.exit_code == 0, r.output
    assert r.output.count("\n") == 1
    line = r.output.strip().split(",")
    assert line == _expected_delegation()
    assert all(s.startswith("https://www.googleapis.com/auth/") for s in line)
    assert "https://www.googleapis.com/auth/admin.directory.user.readonly" in line and CLOUD_PLATFORM not in line
    assert MAIL not in line
    r = CliRunner().invoke(main, ["scopes", "list", "--for-admin", "--permanent-delete"])
    assert MAIL in r.output.strip().split(",")
    r = CliRunner().invoke(main, ["scopes", "list", "--for-admin", "--step", "search"])
    assert r.output.strip().split(",") == list(registry.scopes_for_step("search"))
    assert CliRunner().invoke(main, ["scopes", "list", "--permanent-delete"]).exit_code == ExitCode.USAGE


def test_not_a_terminal_and_narrow_every_scope_url_is_whole_on_its_line():
    r = CliRunner().invoke(main, ["scopes", "list"], env={"COLUMNS": "40"})
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert "…" not in r.output
    for op in registry.operations():
        for s in op.scopes:
            assert f"  {s}" in lines, (op.name, s)
    assert ",".join(_expected_delegation()) in lines


def _cells(table: str) -> list[list[str]]:
    """Each body row of a rich table drawn with lines between rows: its cells, folded pieces joined."""
    rows, current = [], None
    for line in table.splitlines():
        if line.startswith(("├", "┡", "└")):
            if current:
                rows.append(current)
            current = None if line.startswith("└") else []
        elif line.startswith("│") and current is not None:
            parts = [p.strip() for p in line.strip("│").split("│")]
            current = [a + b for a, b in zip(current, parts)] if current else parts
    return rows


def _terminal(monkeypatch, width: int) -> io.StringIO:
    screen = io.StringIO()
    monkeypatch.setattr(scopes_cmd, "is_tty", lambda: True)
    monkeypatch.setattr(scopes_cmd, "console", Console(file=screen, width=width, force_terminal=True,
                                                       color_system=None))
    return screen


def test_on_a_narrow_terminal_plain_lines_keep_each_url_whole(monkeypatch):
    screen = _terminal(monkeypatch, 60)
    r = CliRunner().invoke(main, ["scopes", "list"])
    assert r.exit_code == 0, r.output
    assert not screen.getvalue() and "…" not in r.output  # no table squeezed into 60 columns
    for op in registry.operations():
        for s in op.scopes:
            assert f"  {s}" in r.output.splitlines(), (op.name, s)
    assert ",".join(_expected_delegation()) in r.output.splitlines()


def test_on_a_terminal_the_table_folds_urls_and_the_paste_line_stays_whole(monkeypatch):
    screen = _terminal(monkeypatch, 100)
    r = CliRunner().invoke(main, ["scopes", "list", "--step", "search"])
    assert r.exit_code == 0, r.output
    table = screen.getvalue()
    assert "…" not in table and max(len(ln) for ln in table.splitlines()) <= 100  # folded, never cut
    rows = _cells(table)
    for op in registry.operations("search"):
        row = next(r for r in rows if r[0] == op.name)  # the operation name, whole once unfolded
        assert row[2] == "".join(op.scopes)  # the full URLs, in pieces on consecutive lines
        assert row[-1].endswith(".") or row[-1]  # the reason column is there, not cropped away
    assert all(ln.rstrip().endswith(("│", "┃", "┓", "┩", "┘", "┛", "┐", "┤")) or not ln.startswith(("│", "┃"))
               for ln in table.splitlines())  # the right border is drawn: nothing cropped
    assert ",".join(registry.scopes_for_step("search")) in r.output.splitlines()
