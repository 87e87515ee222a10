"""The offline check documented in audit/README.md works as written, with nothing but the public key."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from audit.trail import AuditTrail

from .conftest import fill

README = Path(__file__).resolve().parents[2] / "audit" / "README.md"


def _script() -> str:
    m = re.search(r"<!-- offline-check -->\n```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert m, "the offline-check block is missing from audit/README.md"
    return m.group(1)


def test_readme_offline_check(trail: AuditTrail, tmp_path: Path) -> None:
    fill(trail, 37)
    trail.checkpoint()
    work = tmp_path / "auditor"
    work.mkdir()
    (work / "check.py").write_text(_script(), encoding="utf-8")
    (work / "pubkey.txt").write_text(str(trail.verifier) + "\n")
    for seq in (0, 13, 36, 37):
        (work / "proof.json").write_text(json.dumps(trail.prove(seq)), encoding="utf-8")
        ok = subprocess.run([sys.executable, "check.py"], cwd=work, capture_output=True, text=True)
        assert ok.returncode == 0, ok.stderr
        assert ok.stdout.startswith(f"OK: record {seq} is in the tree of 38 records")
    bundle = trail.prove(13)
    bundle["record"]["item_count"] += 1
    (work / "proof.json").write_text(json.dumps(bundle), encoding="utf-8")
    bad = subprocess.run([sys.executable, "check.py"], cwd=work, capture_output=True, text=True)
    assert bad.returncode != 0 and "record altered" in bad.stderr
    bundle = trail.prove(13)
    bundle["proof"][1] = bundle["proof"][2]
    (work / "proof.json").write_text(json.dumps(bundle), encoding="utf-8")
    bad = subprocess.run([sys.executable, "check.py"], cwd=work, capture_output=True, text=True)
    assert bad.returncode != 0 and "not included" in bad.stderr
