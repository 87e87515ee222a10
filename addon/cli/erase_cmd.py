"""``dsar erase``: plan, approve (DPO), run, verify and certify an erasure (UK GDPR Art. 17)."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .output import console, emit_json, err_console


def _services():
    from ..roles import actor
    from ..services import open_services

    services = open_services()
    return services, actor(services.settings)


def plan_table(plan: dict) -> Table:
    t = Table("Source", "Account", "Where", "Action", title=f"Erasure plan {plan['case']}")
    for a in plan["actions"]:
        where = {"gmail": lambda x: f"message {x.get('rfc822_message_id') or x['message_id']}",
                 "drive": lambda x: x["path"],
                 "sheets": lambda x: f"{x['path']} › {x['sheet']} › row {x['row']} (now)"}[a["source"]](a)
        t.add_row(a["source"], a["account"], where, a["action"])
    for e in plan["exempt"]:
        where = e.get("path") or e.get("rfc822_message_id") or e.get("message_id", "")
        t.add_row(e["source"], e["account"], where, f"[yellow]exempt[/]: {e['reason'].replace('_', ' ')} ({e['rule']})")
    return t


def show_plan(plan: dict, sha: str) -> None:
    console.print(plan_table(plan))
    c = plan["counts"]
    per = " · ".join(f"{src} " + ", ".join(f"{n} {act}" for act, n in acts.items())
                     for src, acts in c["actions"].items())
    console.print(f"{c['total_actions']} action(s) ({per or 'none'}); {c['total_exempt']} exempt; "
                  f"{c['manual']} for manual redaction")
    for w in plan["warnings"]:
        console.print(f"[yellow]![/] {w['message']}")
    console.print(f"Plan sha256:[bold]{sha}[/]")


@click.group()
def erase() -> None:
    """Erase a subject's data: plan, DPO approval, run, verification, signed certificate."""


@erase.command("plan")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True, help="Print the plan and its hash as JSON.")
@click.option("--show", is_flag=True, help="Show the stored plan without planning again.")
def plan_cmd(ref: str, as_json: bool, show: bool) -> None:
    """Plan the erasure from the case's search results and the erasure policy (DSAR_ERASURE_POLICY).

    Moves the case to erasure_planned; a plan that differs from an approved one withdraws the approval."""
    from ..erasure import casefile
    from ..erasure.planner import plan_erasure

    services, who = _services()
    ref = ref.strip().upper()
    if show:
        plan, sha, _ = casefile.load_plan(services.store, ref)
        status = services.store.get(ref).status
        note = ""
    else:
        done = plan_erasure(services, ref, who)
        plan, sha, status = done.plan, done.sha256, done.status
        note = ("The plan changed after approval: the approval is withdrawn and the DPO must approve again."
                if done.approval_withdrawn else "" if done.changed else "Unchanged from the stored plan.")
    if as_json:
        emit_json({"ref": ref, "sha256": sha, "status": status, "plan": plan})
        return
    show_plan(plan, sha)
    if note:
        console.print(note)
    console.print(f"Case {ref} is {status}. The DPO approves with: dsar erase approve {ref} --hash {sha[:12]}")


@erase.command("approve")
@click.argument("ref")
@click.option("--hash", "expected", metavar="SHA256", help="The plan hash (or its first 8+ digits) you reviewed.")
@click.option("--json", "as_json", is_flag=True)
def approve_cmd(ref: str, expected: str | None, as_json: bool) -> None:
    """Approve the stored plan (DPO only); records who approved and the plan's hash."""
    from ..erasure.approve import approve_plan

    services, who = _services()
    got = approve_plan(services, ref, who, expected=expected)
    if as_json:
        emit_json(got)
        return
    verb = "was already approved" if got["already"] else "approved"
    console.print(f"Plan sha256:{got['sha256']} for {got['ref']} {verb} by {got['approved_by']} at {got['at']}.\n"
                  f"Run it with: dsar erase run {got['ref']}")


@erase.command("run")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True)
def run_cmd(ref: str, as_json: bool) -> None:
    """Carry out the approved plan (resumable: run again after an interruption)."""
    from ..erasure.execute import run_erasure

    services, who = _services()
    if as_json:
        result = run_erasure(services, ref, who)
        emit_json(result)
        return
    cols = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*cols, console=err_console) as bar:
        task = bar.add_task(f"Erasing {ref.upper()}", total=None)
        result = run_erasure(services, ref, who,
                             on_progress=lambda done, total: bar.update(task, total=total, completed=done))
    c = result["counts"]
    console.print(f"{c['erased']} erased, {c['already_gone']} already gone, {c['exempt']} exempt, "
                  f"{c['manual']} left for manual redaction. Case {result['ref']} is erased.")
    for p in result["problems"]:
        console.print(f"[red]![/] {p}")
    console.print(f"Next: dsar erase verify {result['ref']}")


@erase.command("verify")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True)
def verify_cmd(ref: str, as_json: bool) -> None:
    """Search again; the case becomes verified only if nothing is left outside exemptions and Trash (exit 1 if not)."""
    from ..erasure.verify import verify_erasure

    services, who = _services()
    result = verify_erasure(services, ref, who)
    if as_json:
        emit_json(result)
    else:
        t = Table("Status", "Source", "Account", "Id", "Note",
                  title=f"Re-search of {result['ref']}: {result['found']} found")
        for kind in ("remaining", "manual", "persists", "exempt"):
            for i in result[kind]:
                note = i.get("note") or i.get("basis") or ""
                if kind == "persists":
                    note = f"{i['where']} until {i['until'] or '30 days after it was trashed'}"
                t.add_row(kind, i["source"], i["account"], i["id"], note)
        console.print(t)
        console.print("[green]Verified[/]: nothing left outside exemptions and Trash." if result["verified"] else
                      f"[red]Not verified[/]: {len(result['remaining'])} item(s) remain, {len(result['manual'])} "
                      "await manual redaction. Deal with them (or re-plan) and verify again.")
    if not result["verified"]:
        sys.exit(1)


@erase.command("certificate")
@click.argument("ref", required=False)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True,
              help="Folder for the JSON and HTML certificate.")
@click.option("--verify", "verify_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Check a certificate file instead of issuing one.")
@click.option("--key", help="The audit trail's public key (dsar audit pubkey) to check against "
                            "(default: this DSAR_HOME's).")
@click.option("--json", "as_json", is_flag=True)
def certificate_cmd(ref: str | None, out: Path, verify_file: Path | None, key: str | None, as_json: bool) -> None:
    """Issue the signed erasure certificate of a verified case, or check one with --verify FILE."""
    from ..erasure import certificate

    if verify_file is not None:
        _verify_certificate(certificate, verify_file, key, as_json)
        return
    if not ref:
        raise click.UsageError("give a case REF to issue a certificate, or --verify FILE to check one")
    services, who = _services()
    doc, js, html = certificate.issue(services, ref, who, out)
    if as_json:
        emit_json({"json": str(js), "html": str(html), "sha256": doc["signature"]["sha256"]})
        return
    console.print(f"Certificate for {doc['case']}: {len(doc['erased'])} erased, {len(doc['exempt'])} exempt, "
                  f"{len(doc['persists'])} in Trash.\n  {js}\n  {html}")


def _verify_certificate(certificate, path: Path, key: str | None, as_json: bool) -> None:
    from audit.checkpoints import Verifier

    from ..config import load

    doc = certificate.load(path)
    trail, verifier, basis = None, None, "the key embedded in the certificate (integrity only: not proof of origin)"
    if key:
        verifier, basis = Verifier.parse(key), "the key given with --key"
    else:
        settings = load()
        if (settings.home / "audit.db").exists() and (settings.home / "audit-signing.key").exists():
            from audit.trail import open_trail

            trail = open_trail(settings)
            verifier, basis = trail.verifier, f"this audit trail's key ({settings.home})"
    problems = certificate.verify_certificate(doc, verifier, trail)
    if as_json:
        emit_json({"file": str(path), "valid": not problems, "checked_with": basis, "problems": problems})
    elif problems:
        for p in problems:
            click.echo(f"{path}: {p}", err=True)
    else:
        click.echo(f"{path}: valid — signature, content hash and audit checkpoint verify (checked with {basis}).")
    if problems:
        sys.exit(1)
