"""``dsar audit`` through click's runner, with DSAR_HOME pointing at a temporary data folder."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from addon.cli import main
from addon.errors import ExitCode
from audit.records import leaf_of_export
from audit.trail import AuditTrail

from .conftest import CASE, GMAIL_READONLY, call_fields, raw_db

DRIVE_READONLY = "https://www.googleapis.com/auth/drive.readonly"


@pytest.fixture
def home(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("DSAR_HOME", str(tmp_path))
    for var in ("DSAR_CONFIG", "DSAR_DATABASE_URL", "DSAR_MASTER_KEY"):
        monkeypatch.delenv(var, raising=False)
    t = AuditTrail.open(tmp_path / "audit.db")
    for i in range(6):
        t.append(call_fields(i), sealed={"q": f"from:jane{i}@example.org"})
    t.append(call_fields(6, outcome="refused", status=None, item_count=0, detail="scope not granted"))
    t.append(call_fields(7, "DSAR-2026-0002", actor="=HYPERLINK(\"http://evil\")", api_method="drive.files.list",
                         scopes=[DRIVE_READONLY], item_count=4, detail="-2+3"))
    t.append(call_fields(8, None, operation="tracker.write", api_method="sheets.spreadsheets.values.update",
                         detail="@SUM(A1)"))
    t.checkpoint()
    t.close()
    return tmp_path


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, ["audit", *args], env=env, catch_exceptions=False)


def test_verify_ok_and_tampered(home: Path) -> None:
    r = run("verify")
    assert r.exit_code == 0
    assert r.output.strip() == "OK: 10 records, chain intact, checkpoint 10 verified (1 of 1 signed checkpoints)"
    db = raw_db(AuditTrail.open(home / "audit.db"))
    db.execute("UPDATE records SET body=replace(body, 'staff@example.test', 'other@example.test') WHERE seq=4")
    db.execute("DELETE FROM records WHERE seq=6")
    r = run("verify")
    assert r.exit_code == 1
    lines = r.output.strip().splitlines()
    assert lines[0].startswith("seq 4: modified:") and lines[1].startswith("seq 6: missing:")
    assert lines[-1] == "FAILED: 2 problem(s) in 9 records"
    assert json.loads(run("verify", "--json").output)["problems"][0] == {
        "seq": 4, "kind": "modified", "message": "content does not match its leaf hash"}


def test_no_trail_is_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DSAR_HOME", str(tmp_path / "empty"))
    r = CliRunner().invoke(main, ["audit", "verify"])
    assert r.exit_code == ExitCode.INPUT and "no audit trail here yet" in r.output and "Traceback" not in r.output


def test_report_per_case(home: Path) -> None:
    r = run("report", "--json")
    assert r.exit_code == 0
    by_case = {c["case"]: c for c in json.loads(r.output)}
    assert set(by_case) == {CASE, "DSAR-2026-0002", None}
    c = by_case[CASE]
    assert c["actors"] == {"staff@example.test": 7}
    assert c["api_methods"] == {"gmail.users.messages.get": 7}
    assert c["items"] == 6 and c["refusals"] == 1 and c["scopes"] == [GMAIL_READONLY]
    assert c["first"] <= c["last"]
    assert by_case["DSAR-2026-0002"]["scopes"] == [DRIVE_READONLY]
    only = json.loads(run("report", "--case", "DSAR-2026-0002", "--json").output)
    assert [c["case"] for c in only] == ["DSAR-2026-0002"]
    assert json.loads(run("report", "--json", "--from", "2000-01-01", "--to", "2000-12-31").output) == []
    table = run("report", "--case", CASE)
    assert CASE in table.output and "gmail.users.messages.get (7)" in table.output and "gmail.readonly" in table.output
    bad = CliRunner().invoke(main, ["audit", "report", "--from", "yesterday"])
    assert bad.exit_code == ExitCode.INPUT and "--from: 'yesterday' is not a date" in bad.output


def test_export_jsonl_rehashes(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "trail.jsonl"
    r = run("export", "--format", "jsonl", "--out", str(out))
    assert r.exit_code == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 10
    for line in lines:
        rec = json.loads(line)
        assert bytes.fromhex(rec["leaf"]) == leaf_of_export(rec)
        assert {"seq", "time", "actor", "case", "api_method", "scopes", "status", "outcome"} <= set(rec)
    assert "jane" not in out.read_text()


def test_export_csv_is_injection_safe(home: Path) -> None:
    r = run("export", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(rows) == 10
    assert {"seq", "time", "actor", "case", "api_method", "scopes", "status", "outcome"} <= set(rows[0])
    evil = rows[7]
    assert evil["actor"] == "'=HYPERLINK(\"http://evil\")" and evil["detail"] == "'-2+3"
    assert rows[8]["detail"] == "'@SUM(A1)" and rows[8]["case"] == ""
    assert rows[0]["sealed_fields"] == "q" and "jane" not in r.stdout
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_prove_and_check_proof_offline(home: Path, tmp_path: Path, monkeypatch) -> None:
    key = run("pubkey").output.strip()
    assert key.count("+") >= 2
    proof = tmp_path / "proof.json"
    assert run("prove", "3", "--out", str(proof)).exit_code == 0
    (tmp_path / "key.txt").write_text(key + "\n")
    monkeypatch.setenv("DSAR_HOME", str(tmp_path / "elsewhere"))  # offline: only the public key
    r = run("check-proof", str(proof), "--pubkey", str(tmp_path / "key.txt"))
    assert r.exit_code == 0 and r.output.startswith("OK: record 3 is included in the checkpoint of 10 records")
    assert run("check-proof", str(proof), "--pubkey", key).exit_code == 0
    bundle = json.loads(proof.read_text())
    bundle["record"]["actor"] = "nobody@example.test"
    proof.write_text(json.dumps(bundle))
    bad = CliRunner().invoke(main, ["audit", "check-proof", str(proof), "--pubkey", key])
    assert bad.exit_code == ExitCode.CHECK_FAILED and "do not hash to its leaf" in bad.output
    monkeypatch.setenv("DSAR_HOME", str(home))
    shown = run("prove", "3")
    assert "inclusion proof in a tree of 10 records" in shown.output and "— " in shown.output
    assert json.loads(run("prove", "3", "--json").output)["leaf_index"] == 3
    late = CliRunner().invoke(main, ["audit", "prove", "99"])
    assert late.exit_code == ExitCode.INPUT and "not covered by a checkpoint" in late.output


def test_shred_needs_the_dpo(home: Path) -> None:
    staff = {"DSAR_ACTOR": "staff@example.test", "DSAR_DPO": "dpo@example.test"}
    r = CliRunner().invoke(main, ["audit", "shred", CASE, "--yes"], env=staff)
    assert r.exit_code == ExitCode.ROLE_REFUSED and "needs the dpo role" in r.output
    dpo = {**staff, "DSAR_ACTOR": "dpo@example.test"}
    r = run("shred", CASE, "--yes", env=dpo)
    assert r.exit_code == 0 and "Shredded DSAR-2026-0001" in r.output
    assert run("verify").exit_code == 0
    again = CliRunner().invoke(main, ["audit", "shred", CASE, "--yes"], env=dpo)
    assert again.exit_code == ExitCode.CONFLICT and "case key shredded" in again.output
    assert json.loads(run("report", "--case", CASE, "--json").output)[0]["shredded_at"]
    # the suppression list's key is not a case's: shredding it would lose every opt-out at once
    other = CliRunner().invoke(main, ["audit", "shred", "SUPPRESSION-LIST", "--yes"], env=dpo)
    assert other.exit_code == ExitCode.INPUT and "'SUPPRESSION-LIST' is not a case reference" in other.output


def test_checkpoints_listing_and_export(home: Path, tmp_path: Path) -> None:
    assert "signed checkpoints" in run("checkpoints").output
    new = run("checkpoint")
    assert new.exit_code == 0 and new.output.splitlines()[1] == "10"  # nothing new since the last one
    out = tmp_path / "cps.json"
    run("checkpoints", "--out", str(out), "--format", "json")
    cps = json.loads(out.read_text())
    assert [c["size"] for c in cps] == [10] and cps[0]["note"].endswith("\n")


def test_checkpoints_out_writes_signed_notes_that_verify_with_the_public_key(home: Path, tmp_path: Path) -> None:
    """As the README promises: signed notes, checkable with only 'dsar audit pubkey' (issue 12 item 13)."""
    import base64
    import hashlib

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from audit.checkpoints import Verifier, split_notes, verify_checkpoint

    t = AuditTrail.open(home / "audit.db")
    t.append(call_fields(9))
    t.checkpoint()  # a second checkpoint: two notes in the file
    t.close()
    out = tmp_path / "checkpoints.txt"
    r = run("checkpoints", "--out", str(out))
    assert r.exit_code == 0 and "2 signed checkpoint notes" in r.output
    text = out.read_text(encoding="utf-8")
    assert not text.lstrip().startswith(("[", "{"))  # not JSON
    key = run("pubkey").output.strip()
    notes = split_notes(text)
    listed = [c["size"] for c in json.loads(run("checkpoints", "--json").output)]
    assert len(listed) == 2 and [verify_checkpoint(n, Verifier.parse(key)).size for n in notes] == listed
    # and by hand, as any signed-note verifier would: Ed25519 over the text before the blank line
    name, key_id, b64 = key.split("+", 2)
    pub = base64.b64decode(b64)[1:]
    assert hashlib.sha256(name.encode() + b"\n" + b"\x01" + pub).digest()[:4].hex() == key_id
    for note in notes:
        body, sig_line = note.split("\n\n")
        assert body.splitlines()[0] == name and sig_line.startswith(f"\u2014 {name} ")
        raw = base64.b64decode(sig_line.split(" ")[2])
        assert raw[:4].hex() == key_id
        Ed25519PublicKey.from_public_bytes(pub).verify(raw[4:], (body + "\n").encode())  # raises if it does not
    tampered = text.replace("\n10\n", "\n99\n", 1)
    with pytest.raises(Exception, match="does not verify"):
        verify_checkpoint(split_notes(tampered)[0], Verifier.parse(key))


def test_rotate_master_key_needs_the_dpo_and_keeps_everything_readable(home: Path) -> None:
    staff = {"DSAR_ACTOR": "staff@example.test", "DSAR_DPO": "dpo@example.test"}
    before = (home / "master.key").read_text()
    r = CliRunner().invoke(main, ["audit", "rotate-master-key"], env=staff)
    assert r.exit_code == ExitCode.ROLE_REFUSED and "needs the dpo role" in r.output and (home / "master.key").read_text() == before
    r = run("rotate-master-key", env={**staff, "DSAR_ACTOR": "dpo@example.test"})
    assert r.exit_code == 0 and "1 case key(s) re-wrapped" in r.output
    assert (home / "master.key").read_text() != before and run("verify").exit_code == 0
    t = AuditTrail.open(home / "audit.db")
    assert [t.unseal(r, "q") for r in t.records(case=CASE) if r.get("sealed")][:2] == ["from:jane0@example.org",
                                                                                   "from:jane1@example.org"]
    assert len(run("new-master-key").output.strip()) == 44
