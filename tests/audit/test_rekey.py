"""Rotating the master key: every case key re-wrapped under the new one, the old one retired from the key
file and its wrapped bytes from the store, readable at every crash point, followed by other processes."""
from __future__ import annotations

from pathlib import Path

import pytest

from audit import rekey
from audit.errors import AuditInputError, AuditWriteError
from audit.keys import MASTER_FILE, decode_master, kek_id_of
from audit.rekey import rotate_master_key
from audit.trail import AuditTrail

from .conftest import call_fields

CASES = ("DSAR-2026-0001", "DSAR-2026-0002", "DSAR-2026-0003")


def _filled(path: Path) -> AuditTrail:
    trail = AuditTrail.open(path)
    for i, case in enumerate(CASES):
        trail.append(call_fields(i, case), sealed={"q": f"from:subject{i}@example.org"})
    return trail


def _readable(trail: AuditTrail) -> list[str]:
    return [trail.unseal(r, "q") for r in trail.records() if r.get("sealed")]


def _key_lines(home: Path) -> list[str]:
    return [line for line in (home / MASTER_FILE).read_text().splitlines() if line.strip()]


def _files(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*") if p.is_file())


def test_rotation_rewraps_every_case_key_and_retires_the_old_key(tmp_path: Path) -> None:
    trail = _filled(tmp_path / "audit.db")
    old_line = _key_lines(tmp_path)
    old_rows = [trail.store.get_case_key(c) for c in CASES]
    assert all(r.wrapped in _files(trail.store.path) for r in old_rows)  # the control

    result = rotate_master_key(trail, "dpo@example.test")

    new_line = _key_lines(tmp_path)
    assert len(new_line) == 1 and new_line != old_line
    assert result.kek_id == kek_id_of(decode_master(new_line[0], "k")) and result.rewrapped == 3
    assert result.retired == [kek_id_of(decode_master(old_line[0], "k"))] and result.residue == []
    assert {trail.store.get_case_key(c).kek_id for c in CASES} == {result.kek_id}
    assert not any(r.wrapped in _files(trail.store.path) for r in old_rows)  # old wrapped bytes purged
    record = trail.record(result.record_seq)
    assert record["outcome"] == "rekey" and record["case"] is None and "3 case keys" in record["detail"]
    assert trail.verify().ok
    fresh = AuditTrail.open(tmp_path / "audit.db")  # a new process, with only the new key on file
    assert _readable(fresh) == [f"from:subject{i}@example.org" for i in range(3)]


def test_crash_before_the_rewrap_commits_leaves_everything_readable(tmp_path: Path, monkeypatch) -> None:
    trail = _filled(tmp_path / "audit.db")
    monkeypatch.setattr(trail.keys, "rewrap_all", lambda tx: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(AuditWriteError, match="still readable"):
        rotate_master_key(trail, "dpo@example.test")
    assert len(_key_lines(tmp_path)) == 2  # new, then current: both unwrap
    fresh = AuditTrail.open(tmp_path / "audit.db")
    assert len(_readable(fresh)) == 3
    result = rotate_master_key(fresh, "dpo@example.test")  # running it again finishes the job
    assert result.rewrapped == 3 and len(_key_lines(tmp_path)) == 1 and len(_readable(AuditTrail.open(tmp_path / "audit.db"))) == 3


def test_crash_after_the_rewrap_commits_leaves_everything_readable(tmp_path: Path, monkeypatch) -> None:
    trail = _filled(tmp_path / "audit.db")
    real, calls = rekey.write_secret, []

    def fail_second(path, text, **kw):
        calls.append(text)
        if len(calls) == 2:
            raise OSError("power cut")
        return real(path, text, **kw)

    monkeypatch.setattr(rekey, "write_secret", fail_second)
    with pytest.raises(OSError):
        rotate_master_key(trail, "dpo@example.test")
    assert len(_key_lines(tmp_path)) == 2
    assert len(_readable(AuditTrail.open(tmp_path / "audit.db"))) == 3


def test_another_process_follows_the_rotation(tmp_path: Path) -> None:
    stale = _filled(tmp_path / "audit.db")  # opened before the rotation, holds only the old key in memory
    rotate_master_key(AuditTrail.open(tmp_path / "audit.db"), "dpo@example.test")
    stale.append(call_fields(9, "DSAR-2026-0009"), sealed={"q": "new case"})  # a new case key, first thing
    current = kek_id_of(decode_master(_key_lines(tmp_path)[0], "k"))
    assert stale.store.get_case_key("DSAR-2026-0009").kek_id == current  # never under the retired key
    assert len(_readable(stale)) == 4  # and the rewrapped ones: the new key is picked up from the file
    assert "new case" in _readable(AuditTrail.open(tmp_path / "audit.db"))


def test_environment_keys_rotate_only_with_the_new_key_first(tmp_path: Path, monkeypatch) -> None:
    from audit.keys import new_master_key

    old = new_master_key()
    monkeypatch.setenv("DSAR_MASTER_KEY", old)
    trail = _filled(tmp_path / "audit.db")
    with pytest.raises(AuditInputError, match="put a new key first"):
        rotate_master_key(trail, "dpo@example.test")
    new = new_master_key()
    monkeypatch.setenv("DSAR_MASTER_KEY", f"{new},{old}")
    result = rotate_master_key(AuditTrail.open(tmp_path / "audit.db"), "dpo@example.test")
    assert result.from_env and result.rewrapped == 3 and not (tmp_path / MASTER_FILE).exists()
    monkeypatch.setenv("DSAR_MASTER_KEY", new)
    assert len(_readable(AuditTrail.open(tmp_path / "audit.db"))) == 3
