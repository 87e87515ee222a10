"""``dsar demo --out DIR`` wipes only a folder an earlier demo made (issue 12 item 3)."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from addon.cli import main
from addon.cli.demo_cmd import DEMO_MARKER, prepare_out
from addon.errors import ExitCode, InputError


def test_demo_refuses_a_folder_it_did_not_make_and_deletes_nothing(tmp_path):
    mine = tmp_path / "reports"
    mine.mkdir()
    (mine / "board-minutes.docx").write_bytes(b"precious")
    r = CliRunner().invoke(main, ["demo", "--out", str(mine)])
    assert r.exit_code == ExitCode.INPUT, r.output
    assert f"--out: {mine} already holds files that 'dsar demo' did not make" in r.output
    assert "nothing was deleted" in r.output and "Traceback" not in r.output
    assert [p.name for p in mine.iterdir()] == ["board-minutes.docx"]
    assert (mine / "board-minutes.docx").read_bytes() == b"precious"


def test_a_new_or_empty_folder_is_used_and_marked(tmp_path):
    prepare_out(tmp_path / "new")
    assert (tmp_path / "new" / DEMO_MARKER).is_file()
    (tmp_path / "empty").mkdir()
    prepare_out(tmp_path / "empty")
    assert (tmp_path / "empty" / DEMO_MARKER).is_file()


def test_an_earlier_demo_folder_is_wiped(tmp_path):
    out = tmp_path / "dsar-demo"
    prepare_out(out)
    (out / "home").mkdir()
    (out / "home" / "audit.db").write_bytes(b"old run")
    prepare_out(out)
    assert sorted(p.name for p in out.iterdir()) == [DEMO_MARKER]


def test_a_demo_folder_with_the_users_files_added_is_refused(tmp_path):
    out = tmp_path / "dsar-demo"
    prepare_out(out)
    (out / "my-notes.txt").write_text("keep")
    with pytest.raises(InputError, match="my-notes.txt, which the demo did not write"):
        prepare_out(out)
    assert (out / "my-notes.txt").read_text() == "keep"


def test_a_file_as_out_is_refused(tmp_path):
    f = tmp_path / "x"
    f.write_text("keep")
    r = CliRunner().invoke(main, ["demo", "--out", str(f)])
    assert r.exit_code in (ExitCode.USAGE, ExitCode.INPUT) and f.read_text() == "keep"
