"""The signed completion record of a rectification (like the erasure certificate, and signed and checked
by the same code, :mod:`addon.erasure.certificate`): which cells were corrected (ids, A1 cells and the
SHA-256 of each row before and after, never the values), what was left for a manual edit and confirmed,
which messages cannot be edited, how many recipients there are to tell (Art. 19, by domain), the
verification, and the audit checkpoint covering the run. No identifier, name or value is written."""
from __future__ import annotations

import json
from pathlib import Path

from jinja2 import Environment, select_autoescape

from ..cases.store import now_iso
from ..erasure import certificate
from ..erasure.casefile import checkpoint_fields
from ..roles import require
from .casework import load_sealed
from .errors import RightsError
from .rectify import approved, load_plan
from .rectify_run import run_job, verify_job

FORMAT = "dsar-rectification-record/1"
_HTML = """<!doctype html><html lang="en"><meta charset="utf-8"><title>Rectification record {{ c.case }}</title>
<h1>Rectification record {{ c.case }}</h1><p>Issued {{ c.issued_at }} by {{ c.issued_by }}. Plan sha256:{{ c.plan.sha256 }},
approved by {{ c.plan.approved_by }} at {{ c.plan.approved_at }}.</p>
<h2>Corrected ({{ c.corrected|length }})</h2><ul>{% for i in c.corrected %}<li>{{ i.account }}: {{ i.id }} cells
{{ i.cells|join(', ') }} ({{ i.outcome }})</li>{% endfor %}</ul>
<h2>Edited by hand ({{ c.edited_by_hand|length }})</h2><ul>{% for i in c.edited_by_hand %}<li>{{ i.account }}: {{ i.id }}</li>{% endfor %}</ul>
<h2>Cannot be edited ({{ c.not_editable|length }})</h2><ul>{% for i in c.not_editable %}<li>{{ i.account }}: message {{ i.id }}</li>{% endfor %}</ul>
<h2>Recipients to tell (Art. 19)</h2><ul>{% for r in c.recipients %}<li>{{ r.domain }}: {{ r.count }} ({{ r.how|join(', ') }})</li>{% endfor %}</ul>
<p>Verified {{ c.verification.at }} by {{ c.verification.by }}. Signature: {{ c.signature.sha256 if c.signature else '' }}</p></html>
"""


def _domain(recipient: str) -> str:
    return recipient.rpartition("@")[2] if "@" in recipient else recipient


def build(services, ref: str, actor: str) -> dict:
    store = services.store
    ref = ref.strip().upper()
    case = store.get(ref)
    if case.status not in ("verified", "closed"):
        raise RightsError(f"case: {ref} is {case.status}; the record is issued once the rectification is verified "
                          f"('dsar rectify verify {ref}')")
    plan, sha, meta = load_plan(store, ref)
    got = approved(case)
    ran = load_sealed(store, run_job(ref, sha), ref)
    checked = load_sealed(store, verify_job(ref), ref)
    if not (got and ran and ran[0] == "done" and checked and checked[0] == "verified"):
        raise RightsError(f"case: {ref} has no complete record of approval, run and verification for plan "
                          f"sha256:{sha[:16]}…")
    run, ver = ran[1]["result"], checked[1]
    cp = services.trail.checkpoint(actor)
    keep = ("source", "account", "id", "cells", "outcome", "sha256_before", "sha256_after", "at")
    domains: dict[str, dict] = {}
    for r in plan["recipients"]:
        d = domains.setdefault(_domain(r["recipient"]), {"domain": _domain(r["recipient"]), "count": 0, "how": set()})
        d["count"] += 1
        d["how"].update(r["how"])
    return {
        "format": FORMAT, "case": ref, "issued_at": now_iso(), "issued_by": actor,
        "request": {"type": case.type, "received": case.received.isoformat(),
                    "fields": sorted({c["field"] for c in plan["corrections"]})},
        "plan": {"sha256": sha, "planned_by": meta["by"], "planned_at": meta["at"], "approved_by": got["by"],
                 "approved_at": got["at"], "counts": plan["counts"]},
        "run": {"by": run["started_by"], "started_at": run["started_at"], "finished_at": run["finished_at"],
                "counts": run["counts"], "status": run["status"]},
        "corrected": [{k: i[k] for k in keep} for i in run["items"] if i["action"] == "update_cells"],
        "edited_by_hand": [{k: i[k] for k in ("source", "account", "id")} for i in run["items"] if i["outcome"] == "manual"],
        "not_editable": [{k: i[k] for k in ("source", "account", "id")} for i in run["items"] if i["outcome"] == "not_editable"],
        "recipients": [{**d, "how": sorted(d["how"])} for _, d in sorted(domains.items())],
        "verification": {"at": ver["at"], "by": ver["by"], "found": ver["found"], "remaining": 0,
                         "not_editable": len(ver["not_editable"]), "review": len(ver["review"])},
        "audit": {"origin": services.trail.origin, "public_key": str(services.trail.verifier),
                  "run_records": [run["audit_from"], (run["checkpoint"] or {}).get("size")],
                  "run_checkpoint": run["checkpoint"],
                  "checkpoint": checkpoint_fields(cp)},
    }


def verify_record(doc, verifier=None, trail=None) -> list[str]:
    return certificate.verify_certificate(doc, verifier, trail, fmt=FORMAT)


def issue(services, ref: str, actor: str, out_dir: str | Path) -> tuple[dict, Path, Path]:
    require(actor, services.settings, "staff", "dpo", action="issuing a rectification record")
    doc = certificate.sign(build(services, ref, actor), services.trail.signer)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    js, html = out / f"rectification-record-{doc['case']}.json", out / f"rectification-record-{doc['case']}.html"
    js.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    html.write_text(env.from_string(_HTML).render(c=doc), encoding="utf-8")
    return doc, js, html
