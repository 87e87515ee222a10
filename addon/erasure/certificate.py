"""The erasure certificate: what was erased (ids and the SHA-256 of each item's content as it was, never
the content), what was kept and why, what persists and until when, and the signed audit checkpoint that
covers the run, all signed with the audit trail's Ed25519 key.

Signature: a signed note (the trail's own format, :mod:`audit.checkpoints`) over three lines, the format,
the case and ``sha256:<hex>`` of the certificate's canonical JSON without its ``signature`` member. Anyone
with the trail's public key (``dsar audit pubkey``) can check it; :func:`verify_certificate` also checks
the embedded checkpoint note and, given the trail, that the trail still has that root at that size.

No subject identifiers, names or file names are written: the certificate outlives the case, and must stay
meaningless once the case key is shredded.
"""
from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from audit.canonical import canonical_json
from audit.checkpoints import Signer, Verifier, open_note, verify_checkpoint
from audit.errors import AuditError

from ..cases.store import now_iso
from ..roles import require
from . import casefile
from .errors import CertificateInvalid, ErasureError
from .plan import ADMIN_RESTORE_DAYS, TRASH_DAYS, item_id

FORMAT = "dsar-erasure-certificate/1"
_ERASED = ("trashed", "deleted", "row_deleted", "redacted")


def build(services, ref: str, actor: str) -> dict:
    """The unsigned certificate of a verified erasure (a fresh checkpoint covers the verification too)."""
    store = services.store
    ref = ref.strip().upper()
    case = store.get(ref)
    if case.status not in ("verified", "closed"):
        raise ErasureError(f"case: {ref} is {case.status}; a certificate is issued once the erasure is verified "
                           f"('dsar erase verify {ref}')")
    plan, sha, meta = casefile.load_plan(store, ref)
    approved = casefile.approval(case)
    ran = casefile.load_sealed(store, casefile.run_job(ref, sha), ref)
    checked = casefile.load_sealed(store, casefile.verify_job(ref), ref)
    if not (approved and ran and ran[0] == "done" and checked and checked[0] == "verified"):
        raise ErasureError(f"case: {ref} has no complete record of approval, run and verification for plan "
                           f"sha256:{sha[:16]}…")
    run, ver = ran[1]["result"], checked[1]
    cp = services.trail.checkpoint(actor)
    keep = ("source", "account", "id", "action", "outcome", "sha256", "hash_of", "at")
    return {
        "format": FORMAT, "case": ref, "issued_at": now_iso(), "issued_by": actor,
        "request": {"type": case.type, "received": case.received.isoformat()},
        "plan": {"sha256": sha, "planned_by": meta["by"], "planned_at": meta["at"], "approved_by": approved["by"],
                 "approved_at": approved["at"], "policy": plan["policy"], "counts": plan["counts"]},
        "run": {"by": run["started_by"], "started_at": run["started_at"], "finished_at": run["finished_at"],
                "counts": run["counts"], "problems": run["problems"],
                # erasure_partial: the run left Docs for manual redaction, which the verification confirmed
                "status": run.get("status", "erased")},
        "erased": [{k: i[k] for k in keep} for i in run["items"] if i["outcome"] in _ERASED],
        "already_gone": [{k: i[k] for k in keep} for i in run["items"] if i["outcome"] == "already_gone"],
        "redacted_by_hand": [{k: i[k] for k in ("source", "account", "id")} for i in run["items"]
                             if i["outcome"] == "manual"],
        "exempt": [{"source": e["source"], "account": e["account"], "id": item_id(e), "reason": e["reason"],
                    "basis": e["basis"], "detail": e["detail"], "rule": e["rule"]} for e in plan["exempt"]],
        "persists": [{k: p[k] for k in ("source", "account", "id", "where", "until", "note")} for p in ver["persists"]],
        "persistence_notes": persistence_notes(plan),
        "verification": {"at": ver["at"], "by": ver["by"], "found": ver["found"], "exempt": len(ver["exempt"]),
                         "in_trash": len(ver["persists"]), "outside_exemptions": 0},
        "audit": {"origin": services.trail.origin, "public_key": str(services.trail.verifier),
                  "run_records": [run["audit_from"], (run["checkpoint"] or {}).get("size")],
                  "run_checkpoint": run["checkpoint"],
                  "checkpoint": casefile.checkpoint_fields(cp)},
    }


def persistence_notes(plan: dict) -> list[str]:
    notes = []
    acts = {a["action"] for a in plan["actions"]}
    if "trash" in acts:
        notes.append(f"Trashed mail and files are purged by Google {TRASH_DAYS} days after they were trashed; until "
                     "then the owner can restore them. They are not used for any purpose meanwhile (beyond use).")
    if acts & {"trash", "delete"}:
        notes.append(f"After deletion a Workspace super admin can restore mail and Drive files for "
                     f"{ADMIN_RESTORE_DAYS} days; Google then purges them.")
    for v in plan["policy"]["vault"]:
        keeps = f" keeps deleted data for {v['days']} days." if v["days"] else " keeps held data until released."
        notes.append(f"Google Vault {v['kind']} {v['name']!r} ({v['corpus']}){keeps}")
    return notes


# -- signing and verifying -----------------------------------------------------------------------------

def body_sha256(doc: dict) -> str:
    body = {k: v for k, v in doc.items() if k != "signature"}
    return hashlib.sha256(canonical_json(body, where="certificate")).hexdigest()


def _note_text(doc: dict, sha: str) -> str:
    return f"{doc.get('format', FORMAT)}\n{doc['case']}\nsha256:{sha}\n"  # rights records share it


def sign(doc: dict, signer: Signer) -> dict:
    sha = body_sha256(doc)
    return {**doc, "signature": {"key": str(signer.verifier), "sha256": sha,
                                 "note": signer.sign_note(_note_text(doc, sha))}}


def verify_certificate(doc: Any, verifier: Verifier | None = None, trail: Any = None, fmt: str = FORMAT) -> list[str]:
    """Problems found (empty = valid). Without ``verifier`` the key embedded in the certificate is used,
    which proves integrity but not origin; callers should say so. ``fmt``: the record's format (the
    rectification record of :mod:`addon.rights` is signed and checked the same way)."""
    if not isinstance(doc, dict) or doc.get("format") != fmt or not isinstance(doc.get("signature"), dict):
        return [f"not a {fmt} document"]
    problems: list[str] = []
    sig = doc["signature"]
    try:
        key = verifier or Verifier.parse(sig.get("key", ""))
    except AuditError as e:
        return [f"signature key: {e}"]
    if verifier is not None and sig.get("key") != str(verifier):
        problems.append("signature key: the certificate names another key than this audit trail's")
    sha = body_sha256(doc)
    try:
        text = open_note(sig.get("note", ""), key)
        if text != _note_text(doc, sha):
            problems.append("content: the certificate was changed after it was signed (hash mismatch)")
    except AuditError as e:
        problems.append(f"signature: {e}")
    audit = doc.get("audit") or {}
    cp_doc = audit.get("checkpoint") or {}
    try:
        cp = verify_checkpoint(cp_doc.get("note", ""), key)
        if cp.size != cp_doc.get("size") or base64.b64encode(cp.root).decode() != cp_doc.get("root"):
            problems.append("audit checkpoint: size or root differ from the signed checkpoint note")
        run_end = (audit.get("run_records") or [None, None])[1]
        if not isinstance(run_end, int) or cp.size < run_end:
            problems.append("audit checkpoint: does not cover the erasure run's records")
        if trail is not None:
            if trail.size() < cp.size:
                problems.append(f"audit trail: has {trail.size()} records, fewer than the checkpoint's {cp.size}")
            elif trail.root(cp.size) != cp.root:
                problems.append("audit trail: its root at the checkpoint's size differs (the trail was rewritten)")
    except AuditError as e:
        problems.append(f"audit checkpoint: {e}")
    return problems


def load(path: str | Path) -> dict:
    p = Path(path)
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CertificateInvalid(f"{p}: no such file") from None
    except (ValueError, UnicodeDecodeError) as e:
        raise CertificateInvalid(f"{p}: not a JSON certificate ({e})") from None


# -- output --------------------------------------------------------------------------------------------

def render_html(doc: dict) -> str:
    env = Environment(loader=FileSystemLoader(str(Path(__file__).parent)), autoescape=select_autoescape(["j2", "html"]))
    return env.get_template("certificate.html.j2").render(c=doc)


def write(doc: dict, out_dir: str | Path) -> tuple[Path, Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"erasure-certificate-{doc['case']}"
    js, html = out / f"{stem}.json", out / f"{stem}.html"
    js.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    html.write_text(render_html(doc), encoding="utf-8")
    return js, html


def issue(services, ref: str, actor: str, out_dir: str | Path) -> tuple[dict, Path, Path]:
    require(actor, services.settings, "staff", "dpo", action="issuing an erasure certificate")
    doc = sign(build(services, ref, actor), services.trail.signer)
    js, html = write(doc, out_dir)
    return doc, js, html
