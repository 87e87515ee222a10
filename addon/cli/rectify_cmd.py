"""``dsar rectify``: plan, approve (DPO), run, verify and record a rectification (UK GDPR Art. 16)."""
from __future__ import annotations

import sys
from functools import partial
from pathlib import Path
from typing import Any, Callable

import click
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from ..errors import ExitCode
from .acting import services_and_actor
from .output import console, emit_json, progress


def _searching(label: str, as_json: bool, search: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """Plan and verify both search every account: a progress bar of places found, unless the output is JSON."""
    if as_json:
        return search()
    with progress(label, "mailboxes and Drives") as show:
        return search(on_progress=lambda p: show(p.units_done, p.units_total, f"{p.items} place(s) found"))


def _where(a: dict) -> str:
    from ..search.display import where

    return where(a)


def show_plan(plan: dict, sha: str) -> None:
    t = Table("Source", "Account", "Where", "Action", "Change", title=Text(f"Rectification plan {plan['case']}"))
    for a in plan["actions"]:
        change = "; ".join(f"{c['a1']}: {c['before']} → {c['after']}" for c in a.get("cells", [])) or a.get("link") or a.get("note", "")
        t.add_row(a["source"], a["account"], Text(_where(a)), Text(a["action"]), Text(change))
    for r in plan["review"]:
        t.add_row(r["source"], r["account"], Text(_where(r)), Text("check by hand"), Text(r.get("note", "")))
    console.print(t)
    for r in plan["recipients"]:
        console.print(f"Art. 19 recipient: {escape(r['recipient'])} ({', '.join(r['how'])})")
    for w in plan["warnings"]:
        console.print(f"[yellow]![/] {escape(w['message'])}")
    console.print(f"Plan sha256:[bold]{sha}[/]")


@click.group()
def rectify() -> None:
    """Correct a subject's wrong data: plan, DPO approval, run, verification, signed record."""


@rectify.command("plan")
@click.argument("ref")
@click.option("--show", is_flag=True, help="Show the stored plan without planning again.")
@click.option("--json", "as_json", is_flag=True)
def plan_cmd(ref: str, show: bool, as_json: bool) -> None:
    """Search for the wrong values as well as the subject and plan each correction."""
    from ..rights.rectify import load_plan, plan_rectification

    services, who = services_and_actor()
    ref = ref.strip().upper()
    if show:
        plan, sha, _ = load_plan(services.store, ref)
        got = {"ref": ref, "plan": plan, "sha256": sha, "status": services.store.get(ref).status}
    else:
        got = _searching(f"Searching for the wrong values of {ref}", as_json,
                         partial(plan_rectification, services, ref, who))
    if as_json:
        emit_json({k: got[k] for k in ("ref", "sha256", "status", "plan")})
        return
    show_plan(got["plan"], got["sha256"])
    if got.get("withdrawn"):
        console.print("The plan changed after approval: the approval is withdrawn.")
    console.print(f"Case {ref} is {got['status']}. The DPO approves with: dsar rectify approve {ref} --hash {got['sha256'][:12]}")


@rectify.command("approve")
@click.argument("ref")
@click.option("--hash", "expected", metavar="SHA256", required=True,
              help="The hash of the plan you reviewed (at least its first 12 hex digits).")
@click.option("--json", "as_json", is_flag=True)
def approve_cmd(ref: str, expected: str, as_json: bool) -> None:
    """Approve the stored plan (DPO only); records who approved and the plan's hash."""
    from ..rights.rectify import approve_rectification

    services, who = services_and_actor()
    got = approve_rectification(services, ref, who, expected=expected)
    if as_json:
        emit_json(got)
        return
    console.print(f"Plan sha256:{got['sha256']} for {got['ref']} {'was already approved' if got['already'] else 'approved'} "
                  f"by {got['approved_by']} at {got['at']}. Run it with: dsar rectify run {got['ref']}", markup=False)


@rectify.command("run")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True)
def run_cmd(ref: str, as_json: bool) -> None:
    """Write the approved corrections (RAW; resumable: run again after an interruption)."""
    from ..rights.rectify_run import run_rectification

    services, who = services_and_actor()
    result = run_rectification(services, ref, who)
    if as_json:
        emit_json(result)
        return
    c = result["counts"]
    console.print(f"{c['corrected']} row(s) corrected, {c['changed']} changed since the plan (not touched), "
                  f"{c['manual']} left for a manual edit, {c['not_editable']} message(s) cannot be edited. "
                  f"Case {result['ref']} is {result['status']}.", markup=False)
    for m in result["awaiting_manual_edit"]:
        console.print(f"  edit by hand: {m['link']}", markup=False)
    console.print(f"Next: dsar rectify verify {result['ref']}")


@rectify.command("verify")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True)
def verify_cmd(ref: str, as_json: bool) -> None:
    """Search for the wrong values again; verified when none is left where it could be changed (exit 1 if not)."""
    from ..rights.rectify_run import verify_rectification

    services, who = services_and_actor()
    result = _searching(f"Searching again for the wrong values of {ref}", as_json,
                        partial(verify_rectification, services, ref, who))
    if as_json:
        emit_json(result)
    else:
        t = Table("Status", "Source", "Account", "Where", title=Text(f"Re-search of {result['ref']}: {result['found']} found"))
        for kind in ("remaining", "manual", "not_editable", "review"):
            for i in result[kind]:
                t.add_row(kind, i["source"], i["account"], Text(_where(i)))
        console.print(t)
        console.print("[green]Verified[/]: no wrong value is left where it could be changed." if result["verified"]
                      else f"[red]Not verified[/]: {len(result['remaining'])} row(s) and {len(result['manual'])} "
                           "Doc(s)/file(s) still hold a wrong value.")
    if not result["verified"]:
        sys.exit(ExitCode.CHECK_FAILED)


@rectify.command("certificate")
@click.argument("ref", required=False)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True)
@click.option("--verify", "verify_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Check a record file instead of issuing one.")
@click.option("--json", "as_json", is_flag=True)
def certificate_cmd(ref: str | None, out: Path, verify_file: Path | None, as_json: bool) -> None:
    """Issue the signed completion record of a verified rectification, or check one with --verify FILE."""
    from ..erasure.certificate import load
    from ..rights import rectify_record

    services, who = services_and_actor()
    if verify_file is not None:
        problems = rectify_record.verify_record(load(verify_file), services.trail.verifier, services.trail)
        if as_json:
            emit_json({"file": str(verify_file), "valid": not problems, "problems": problems})
        else:
            for p in problems or ["valid — signature, content hash and audit checkpoint verify"]:
                click.echo(f"{verify_file}: {p}", err=bool(problems))
        if problems:
            sys.exit(ExitCode.CHECK_FAILED)
        return
    if not ref:
        raise click.UsageError("give a case REF to issue a record, or --verify FILE to check one")
    doc, js, html = rectify_record.issue(services, ref, who, out)
    if as_json:
        emit_json({"json": str(js), "html": str(html), "sha256": doc["signature"]["sha256"]})
        return
    console.print(f"Rectification record for {doc['case']}: {len(doc['corrected'])} row(s) corrected, "
                  f"{len(doc['recipients'])} recipient domain(s) to tell (Art. 19).\n  {js}\n  {html}", markup=False)
