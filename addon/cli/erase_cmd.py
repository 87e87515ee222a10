"""``dsar erase``: plan, approve (DPO), run, verify and certify an erasure (UK GDPR Art. 17)."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from ..errors import ExitCode, InputError, Interrupted
from .acting import services_and_actor
from .output import can_prompt, console, emit_json, err_console, progress


def _where(entry: dict) -> str:
    from ..search.display import where

    return where(entry) + (" (now)" if entry["source"] == "sheets" else "")


def plan_table(plan: dict) -> Table:
    """The plan as a table; every name, path and subject is plain text, never console markup."""
    t = Table("Source", "Account", "Where", "Action", title=Text(f"Erasure plan {plan['case']}"))
    for a in plan["actions"]:
        t.add_row(a["source"], a["account"], Text(_where(a)), Text(a["action"]))
    for e in plan["exempt"]:
        t.add_row(e["source"], e["account"], Text(_where(e)),
                  Text.assemble(("exempt", "yellow"), f": {e['reason'].replace('_', ' ')} ({e['rule']})"))
    return t


def plan_summary(plan: dict) -> str:
    c = plan["counts"]
    per = " · ".join(f"{src} " + ", ".join(f"{n} {act}" for act, n in acts.items())
                     for src, acts in c["actions"].items())
    return (f"{c['total_actions']} action(s) ({per or 'none'}); {c['total_exempt']} exempt; "
            f"{c['manual']} for manual redaction")


def show_plan(plan: dict, sha: str) -> None:
    console.print(plan_table(plan))
    console.print(plan_summary(plan), markup=False)
    for w in plan["warnings"]:  # warnings quote policy text ("[[vault]]") and file names: not markup
        console.print(f"[yellow]![/] {escape(w['message'])}")
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

    services, who = services_and_actor()
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


def _confirm_plan(services, ref: str) -> str:
    """At a terminal without --hash: show the stored plan, its hash and summary, and ask. Returns the full
    hash shown, so exactly the plan the DPO saw is the one approved."""
    from ..erasure import casefile

    plan, sha, meta = casefile.load_plan(services.store, ref.strip().upper())
    show_plan(plan, sha)
    console.print(f"Planned by {meta['by']} at {meta['at']}.", markup=False)
    if not click.confirm(f"Approve plan sha256:{sha[:12]}… for {ref.strip().upper()}?", default=False):
        raise InputError("--hash", "not approved (answered no); nothing was changed")
    return sha


@erase.command("approve")
@click.argument("ref")
@click.option("--hash", "expected", metavar="SHA256",
              help="The hash of the plan you reviewed (at least its first 12 hex digits), as 'erase plan' shows it. "
                   "Required unless you confirm at a terminal.")
@click.option("--json", "as_json", is_flag=True)
def approve_cmd(ref: str, expected: str | None, as_json: bool) -> None:
    """Approve the stored plan (DPO only); records who approved and the plan's hash.

    Give --hash with the plan hash you reviewed; at a terminal without it, the plan and its hash are shown
    and you are asked to confirm."""
    from ..erasure.approve import approve_plan
    from ..roles import require

    services, who = services_and_actor()
    if expected is None and can_prompt() and not as_json:
        require(who, services.settings, "dpo", action="approving an erasure plan")
        expected = _confirm_plan(services, ref)
    got = approve_plan(services, ref, who, expected=expected)
    if as_json:
        emit_json(got)
        return
    verb = "was already approved" if got["already"] else "approved"
    console.print(f"Plan sha256:{got['sha256']} for {got['ref']} {verb} by {got['approved_by']} at {got['at']}.\n"
                  f"Run it with: dsar erase run {got['ref']}", markup=False)


def _preview_lines(pre: dict) -> list[str]:
    acts = ", ".join(f"{n} {what}" for what, n in sorted(pre["actions"].items())) or "nothing left to do"
    lines = [f"Plan sha256:{pre['plan_sha256']} for {pre['ref']}, approved by {pre['approved_by']} at "
             f"{pre['approved_at']}.",
             f"Would do: {acts}" + (f" in {len(pre['accounts'])} account(s)" if pre["accounts"] else "") + "."]
    if pre["already_done"]:
        lines.append(f"{pre['already_done']} item(s) already done by an earlier attempt (not repeated).")
    if pre["manual"]:
        from ..erasure.workspace import awaiting_summary  # worded per source: Docs, Forms, Other contacts, Chat

        lines.append(f"{awaiting_summary(pre['manual'])} (the run does not touch them).")
    if pre["exempt"]:
        lines.append(f"{pre['exempt']} item(s) exempt (kept).")
    if pre["scopes"]:
        lines.append("Scopes asked for: " + ", ".join(pre["scopes"]))
    return lines


def _remaining(result: dict) -> str:
    """'is erased', or what remains ('is erased except 1 Doc awaiting manual redaction: Notes/Jane call')."""
    left = result.get("awaiting_manual_redaction") or []
    if result.get("status", "erased") == "erased" or not left:
        return "is erased"
    from ..erasure.workspace import awaiting_summary

    paths = "; ".join(m.get("path") or m["id"] for m in left[:5]) + ("; …" if len(left) > 5 else "")
    return (f"is erased except {awaiting_summary(left)}: "
            f"{paths} (status erasure_partial)")


@erase.command("run")
@click.argument("ref")
@click.option("--dry-run", is_flag=True, help="Show what the run would do; make no call to Google.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation (for scripts).")
@click.option("--json", "as_json", is_flag=True)
def run_cmd(ref: str, dry_run: bool, yes: bool, as_json: bool) -> None:
    """Carry out the approved plan (resumable: run again after an interruption).

    Asks for confirmation at a terminal; a script passes --yes. --dry-run shows what would be done."""
    from ..erasure.execute import preview_run, run_erasure
    from ..erasure.workspace import awaiting_note
    from ..search.display import where

    services, who = services_and_actor()
    ref = ref.strip().upper()
    pre = preview_run(services, ref, who)
    if dry_run:
        if as_json:
            emit_json({**pre, "dry_run": True})
            return
        t = Table("Source", "Account", "Where", "Would", title=Text(f"Dry run of the erasure of {ref}"))
        for a in pre["would"]:
            t.add_row(a["source"], a["account"], Text(_where(a)), a["action"])
        for m in pre["manual"]:
            t.add_row(m["source"], m["account"], Text(where(m)), Text(awaiting_note(m)))
        console.print(t)
        for line in _preview_lines(pre):
            console.print(line, markup=False)
        console.print("Dry run: nothing was changed and no call was made to Google.")
        return
    if pre["would"] and not yes:
        if not can_prompt():
            raise InputError("--yes", f"'dsar erase run' changes mail and files in Google and there is no terminal to "
                                      f"confirm on: pass --yes to run it from a script (see what it would do with "
                                      f"'dsar erase run {ref} --dry-run')")
        for line in _preview_lines(pre):
            err_console.print(line, markup=False)
        if not click.confirm(f"Carry out the erasure of {ref} now?", default=False, err=True):
            raise InputError("--yes", "not run (answered no); nothing was changed")
    try:
        if as_json:
            result = run_erasure(services, ref, who)
            emit_json(result)
            return
        with progress(f"Erasing {ref}", "items") as show:
            result = run_erasure(services, ref, who, on_progress=lambda done, total: show(done, total))
    except KeyboardInterrupt:
        raise Interrupted(f"interrupted: run the same command to resume ('dsar erase run {ref} --yes'); "
                          "what was done so far is recorded and is not repeated") from None
    c = result["counts"]
    console.print(f"{c['erased']} erased, {c['already_gone']} already gone, {c['exempt']} exempt, "
                  f"{c['manual']} left for manual redaction. Case {result['ref']} {_remaining(result)}.",
                  markup=False)
    for p in result["problems"]:
        console.print(f"[red]![/] {escape(p)}")
    console.print(f"Next: dsar erase verify {result['ref']}")


@erase.command("verify")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True)
def verify_cmd(ref: str, as_json: bool) -> None:
    """Search again; the case becomes verified only if nothing is left outside exemptions and Trash (exit 1 if not)."""
    from ..erasure.verify import verify_erasure
    from ..erasure.workspace import awaiting_summary
    from ..search.display import where

    services, who = services_and_actor()
    result = verify_erasure(services, ref, who)
    if as_json:
        emit_json(result)
    else:
        t = Table("Status", "Source", "Account", "Item", "Note",
                  title=Text(f"Re-search of {result['ref']}: {result['found']} found"))
        for kind in ("remaining", "manual", "unreadable", "persists", "exempt"):
            for i in result.get(kind, []):
                note = i.get("note") or i.get("basis") or ""
                if kind == "persists":
                    note = f"{i['where']} until {i['until'] or '30 days after it was trashed'}"
                t.add_row(kind, i["source"], i["account"], Text(where(i)), Text(note))
        console.print(t)
        console.print("[green]Verified[/]: nothing left outside exemptions and Trash." if result["verified"] else
                      f"[red]Not verified[/]: {len(result['remaining'])} item(s) remain, "
                      f"{escape(awaiting_summary(result['manual']) or '0 awaiting manual redaction')}. "
                      "Deal with them (or re-plan) and verify again.")
    if not result["verified"]:
        sys.exit(ExitCode.CHECK_FAILED)


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
    services, who = services_and_actor()
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
        sys.exit(ExitCode.CHECK_FAILED)
