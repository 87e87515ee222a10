"""The erasure part of ``dsar demo``: plan -> DPO approval -> run -> verify -> signed certificate, on a case
whose search has finished, with the demo company's policy (mail labelled "Legal hold" is exempt: legal claims)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.markup import escape
from rich.panel import Panel

from scopes import registry
from scopes.model import short

from . import certificate
from .approve import approve_plan
from .exemptions import load_policy
from .execute import run_erasure
from .planner import plan_erasure
from .verify import verify_erasure

DEMO_POLICY = """\
# The demo company's erasure policy (DSAR_ERASURE_POLICY).
permanent_delete = false      # trash: recoverable for 30 days, then purged by Google
google_docs = "trash"         # the demo's call notes and letters are about their subject

[[exempt]]
gmail_label = "Legal hold"
reason = "legal_claims"
detail = "ACAS early conciliation: keep until the claim is settled"

[[vault]]
kind = "retention"
corpus = "mail"
name = "Demo: mail kept 6 years"
days = 2190
"""


def write_demo_policy(home: Path) -> Path:
    path = Path(home) / "erasure-policy.toml"
    path.write_text(DEMO_POLICY, encoding="utf-8")
    return path


def demo_erasure(services, ref: str, dpo: str, console: Any) -> dict:
    """Erase the subject of ``ref`` (an erasure case in review) as the DPO; returns paths and counts."""
    policy_file = write_demo_policy(services.settings.home)
    done = plan_erasure(services, ref, dpo, policy=load_policy(services.settings, policy_file))
    c = done.plan["counts"]
    acts = ", ".join(f"{n} {src} {act}" for src, a in c["actions"].items() for act, n in a.items()) or "nothing"
    # warnings quote the policy ("[[vault]]") and file names: shown as written, not read as console markup
    warn = escape("\n".join(f"! {w['message']}" for w in done.plan["warnings"] if w["code"] != "recipients"))
    rules = escape(", ".join(sorted({e["rule"] for e in done.plan["exempt"]})) or "none")
    console.print(Panel.fit(f"{ref}: {acts}; {c['total_exempt']} exempt ({rules})\n{warn}\n"
                            f"plan sha256:{done.sha256}", title="Erasure 1. Plan"))
    got = approve_plan(services, ref, dpo, expected=done.sha256[:12])
    console.print(Panel.fit(f"approved by {got['approved_by']} (DPO) at {got['at']}\n"
                            f"recorded: plan sha256:{got['sha256']}", title="Erasure 2. Approval"))
    run = run_erasure(services, ref, dpo)
    rc = run["counts"]
    permanent = done.plan["policy"]["permanent_delete"]
    scopes = ", ".join(short(s) for s in registry.scopes_for_step("erase", permanent_delete=permanent))
    console.print(Panel.fit(f"{rc['erased']} erased (content SHA-256 recorded first), "
                            f"{rc['already_gone']} already gone, "
                            f"{rc['exempt']} exempt; scopes asked for only now: {scopes}\n"
                            f"audit checkpoint: {run['checkpoint']['size']} records, signed",
                            title="Erasure 3. Run"))
    ver = verify_erasure(services, ref, dpo)
    console.print(Panel.fit(f"re-search found {ver['found']}: {len(ver['exempt'])} exempt, {len(ver['persists'])} in "
                            f"Trash (persist 30 days), {len(ver['remaining'])} remaining -> "
                            f"{'VERIFIED' if ver['verified'] else 'NOT verified'}", title="Erasure 4. Verify"))
    out = Path(services.settings.home).parent / "certificates"
    if not ver["verified"]:
        return {"ref": ref, "verified": False, "plan": done.sha256, "run": rc}
    doc, js, html = certificate.issue(services, ref, dpo, out)
    problems = certificate.verify_certificate(doc, services.trail.verifier, services.trail)
    console.print(Panel.fit(f"{escape(str(js))}\n{escape(str(html))}\nsignature and audit checkpoint: "
                            f"{'verify' if not problems else 'FAIL: ' + '; '.join(problems)}",
                            title="Erasure 5. Signed certificate"))
    return {"ref": ref, "verified": True, "plan": done.sha256, "run": rc, "certificate": str(js), "html": str(html),
            "certificate_valid": not problems}
