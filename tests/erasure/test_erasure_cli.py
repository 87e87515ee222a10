"""``dsar erase ...`` through click, configured only by environment variables, against a sandbox."""
from __future__ import annotations

import json

from click.testing import CliRunner

from addon.cli import main

from .conftest import usable_emails

POLICY = """
google_docs = "trash"
[[exempt]]
gmail_label = "Legal hold"
reason = "legal_claims"
"""


def test_erase_commands_end_to_end(world, tmp_path):
    policy_file = tmp_path / "policy.toml"
    policy_file.write_text(POLICY, encoding="utf-8")
    env = {"DSAR_HOME": str(world.home), "DSAR_SANDBOX_URL": world.server.url, "DSAR_ACTOR": world.staff,
           "DSAR_DPO": world.dpo, "DSAR_ADMIN": world.admin, "DSAR_ERASURE_POLICY": str(policy_file),
           "COLUMNS": "200"}
    as_dpo = {**env, "DSAR_ACTOR": world.dpo}
    cli = CliRunner()

    def run(args, e=env, code=0):
        r = cli.invoke(main, args, env=e)
        assert r.exit_code == code, (args, r.output)
        assert "Traceback" not in r.output
        return r

    s = world.subject("bobby")
    args = ["case", "open", "--type", "erasure", "--name", s["names"][0], "--json"]
    for e in usable_emails(s["emails"]):
        args += ["--email", e]
    for p in s["phones"]:
        args += ["--phone", p]
    for i in s["identifiers"]:
        args += ["--identifier", i]
    ref = json.loads(run(args).output)["ref"]
    run(["erase", "plan", ref], code=6)  # no search yet: one clear line (the case is in the wrong state)
    items = json.loads(run(["search", ref, "--json"]).output)["items"]
    assert items

    planned = json.loads(run(["erase", "plan", ref, "--json"]).output)
    assert planned["status"] == "erasure_planned" and len(planned["plan"]["actions"]) == len(items)
    human = run(["erase", "plan", ref, "--show"]).output
    assert planned["sha256"] in human and "Trash" in human

    r = run(["erase", "run", ref, "--yes"], code=6)
    assert "approve" in r.output
    r = run(["erase", "approve", ref], code=4)
    assert "dpo" in r.output and world.staff in r.output
    run(["erase", "approve", ref, "--hash", "012345678901"], e=as_dpo, code=6)  # not the plan's hash
    assert "--hash" in run(["erase", "approve", ref], e=as_dpo, code=3).output  # no hash, no terminal: refused
    approved = json.loads(run(["erase", "approve", ref, "--hash", planned["sha256"][:12], "--json"], e=as_dpo).output)
    assert approved["approved_by"] == world.dpo and approved["sha256"] == planned["sha256"]

    result = json.loads(run(["erase", "run", ref, "--json", "--yes"]).output)
    assert result["counts"]["erased"] == len(items) and result["counts"]["not_done"] == 0
    assert result["status"] == "erased"  # google_docs = "trash": nothing left for manual redaction
    assert json.loads(run(["erase", "run", ref, "--json"]).output) == result  # finished: nothing to confirm

    checked = json.loads(run(["erase", "verify", ref, "--json"]).output)
    assert checked["verified"] and not checked["remaining"]
    assert "Verified" in run(["erase", "verify", ref]).output  # a verified case shows its verification

    out = tmp_path / "certs"
    run(["erase", "certificate", ref, "--out", str(out)])
    cert = out / f"erasure-certificate-{ref}.json"
    assert (out / f"erasure-certificate-{ref}.html").exists()
    r = run(["erase", "certificate", "--verify", str(cert)])
    assert "valid" in r.output and "this audit trail" in r.output
    pub = json.loads(cert.read_text())["audit"]["public_key"]
    run(["erase", "certificate", "--verify", str(cert), "--key", pub], e={"DSAR_HOME": str(tmp_path / "elsewhere")})

    doc = json.loads(cert.read_text())
    doc["exempt"].append({"source": "gmail", "account": world.staff, "id": "x", "reason": "legal_claims",
                          "basis": "", "detail": "", "rule": ""})
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(doc), encoding="utf-8")
    r = run(["erase", "certificate", "--verify", str(forged)], code=1)
    assert "changed after it was signed" in r.output
    r = run(["erase", "certificate", "--verify", str(tmp_path / "nope.json")], code=1)
    assert "no such file" in r.output
