"""The sandbox and the fixture writer count "Drive files" the same way (issue 12 item 13: 187 vs 151)."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import requests


def test_health_counts_drive_files_as_the_fixture_does(sandbox_factory, demo_fixture):
    counts = json.loads((demo_fixture / "expected.json").read_text(encoding="utf-8"))["counts"]
    h = requests.get(sandbox_factory(demo_fixture).url + "/_sandbox/health", timeout=10).json()
    assert h["drive_files"] == counts["files"] and h["shared_drive_files"] == counts["shared_drive_files"]
    assert h["files"] == h["drive_files"] + h["shared_drive_files"] + h["folders"]  # the old key: every item


def test_serve_prints_the_fixtures_figure_and_the_rest_apart(demo_fixture):
    counts = json.loads((demo_fixture / "expected.json").read_text(encoding="utf-8"))["counts"]
    dsar = Path(sys.executable).with_name("dsar")
    proc = subprocess.Popen([str(dsar), "sandbox", "serve", "--fixture", str(demo_fixture), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    m = re.search(r"(\d+) Drive files \(\+(\d+) in shared drives, (\d+) folders\)", first)
    assert m, first
    assert int(m.group(1)) == counts["files"] and int(m.group(2)) == counts["shared_drive_files"]
