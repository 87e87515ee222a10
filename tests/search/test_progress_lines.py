"""Progress off a terminal is a few plain lines, not a redrawn bar (issue 12 item 13): a log or a CI job
gets "Searching X: 3/12 mailboxes and Drives · ..." lines, bounded in number, and no bar glyphs."""
from __future__ import annotations

import re

from click.testing import CliRunner

from addon.cli import main
from addon.cli.output import PlainProgress

from .test_resume import _case

BAR_GLYPHS = re.compile(r"[━╸╺\r]|\x1b\[")


def test_plain_progress_prints_a_few_lines_whatever_the_number_of_updates():
    lines: list[str] = []
    now = [0.0]
    p = PlainProgress("Searching X", echo=lines.append, clock=lambda: now[0], every=30)
    for done in range(1001):
        now[0] += 0.01
        p.update(done, 1000, "messages")
    p.finish(1000, 1000, "messages")
    assert 2 <= len(lines) <= 12, lines
    assert lines[0] == "Searching X: 0/1000 messages" and lines[-1] == "Searching X: 1000/1000 messages"
    now[0] += 31  # nothing finished for a while: one line says it is still going
    p.update(1000, 2000, "messages")
    assert len(lines) <= 13 and lines[-1].startswith("Searching X: 1000/2000")


def test_search_in_a_pipe_writes_plain_lines(sandbox_factory, product, demo_fixture):
    server = sandbox_factory(demo_fixture, quota=False)
    services = product(server)
    ref = _case(services, demo_fixture).ref
    r = CliRunner().invoke(main, ["search", ref, "--workers", "2"])
    assert r.exit_code == 0, r.output
    progress = [line for line in r.output.splitlines() if line.startswith(f"Searching {ref}: ")]
    assert progress and len(progress) <= 14, progress
    assert re.search(rf"Searching {ref}: (\d+)/\1 mailboxes and Drives", r.output)  # the last line: all done
    before_table = r.output.split("items found")[0]  # the results table has its own box lines
    assert not BAR_GLYPHS.search(before_table)


def test_progress_names_the_sources_searched(sandbox_factory, product, demo_fixture, monkeypatch):
    monkeypatch.setenv("DSAR_SOURCES", "calendar,chat")
    server = sandbox_factory(demo_fixture, quota=False)
    services = product(server)
    ref = _case(services, demo_fixture).ref
    r = CliRunner().invoke(main, ["search", ref, "--workers", "2"])
    assert r.exit_code == 0, r.output
    assert re.search(rf"Searching {ref}: (\d+)/\1 mailboxes, Drives, calendars and Chat spaces ·", r.output), r.output
    assert "contact lists" not in r.output and "mailboxes and Drives" not in r.output


def test_units_phrase_from_sources_or_unit_keys():
    from addon.search.coverage import units_phrase

    assert units_phrase(("gmail", "drive", "sheets")) == "mailboxes and Drives"
    assert units_phrase(("gmail", "drive", "sheets", "contacts", "forms")) == "mailboxes, Drives, contact lists and forms"
    assert units_phrase(["gmail:a@x", "shared:0A1", "forms:organisation"]) == "mailboxes, Drives and forms"
