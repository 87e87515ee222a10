"""``dsar scopes``: what the product may do with Google user data, and the manifests that declare it."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.table import Table

from scopes import manifest, registry
from scopes.catalog import LIMITED_USE, LIMITED_USE_DISCLOSURE
from scopes.model import CLOUD_PLATFORM, STEPS

from ..errors import ExitCode
from .output import console, emit_json, is_tty

#: Steps whose scopes the service account is granted by domain-wide delegation in organisation mode.
DELEGATED_STEPS = ("search", "export", "erase", "track", "admin")
#: Scopes of those steps that are not delegated: the runtime's own token for keyless signing (IAM).
NOT_DELEGATED = frozenset({CLOUD_PLATFORM})
#: Below this many columns the table would squeeze the reasons to a word a line: plain lines instead.
TABLE_MIN_WIDTH = 100
ADMIN_CONSOLE = "Admin console > Security > Access and data control > API controls > Domain-wide delegation"


def delegation_scopes(step: str | None = None, *, permanent_delete: bool = False) -> tuple[str, ...]:
    """The full scope URLs to enter for the service account's client ID in the Admin console (a step's, or
    every delegated step's). ``https://mail.google.com/`` only where permanent deletion is configured."""
    steps = [step] if step else DELEGATED_STEPS
    out: list[str] = []
    for s in steps:
        for scope in registry.scopes_for_step(s, permanent_delete=permanent_delete):
            if scope not in NOT_DELEGATED and scope not in out:
                out.append(scope)
    return tuple(out)


@click.group()
def scopes() -> None:
    """The scope registry: operations, their minimal scopes and Limited Use justifications."""


@scopes.command("list")
@click.option("--step", type=click.Choice(STEPS), help="Only the operations of one workflow step.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--for-admin", is_flag=True, help="Print only the comma-separated scope URLs to paste into the Admin "
              "console's domain-wide delegation for the service account (every delegated step, or --step's).")
@click.option("--permanent-delete", is_flag=True, help="With --for-admin: include https://mail.google.com/ "
              "(only if the erasure policy enables permanent deletion).")
def list_cmd(step: str | None, as_json: bool, for_admin: bool, permanent_delete: bool) -> None:
    """List every declared operation: full scope URLs, sensitivity class and why it is needed, then the
    line to paste into the Admin console's domain-wide delegation."""
    if permanent_delete and not for_admin and not as_json:
        raise click.UsageError("--permanent-delete goes with --for-admin (or --json)")
    delegated = delegation_scopes(step, permanent_delete=permanent_delete)
    if for_admin:
        click.echo(",".join(delegated))  # one plain line, never wrapped or cut: it is copied as it is
        return
    ops = registry.operations(step)
    if as_json:
        emit_json({
            "operations": [{
                "name": op.name, "step": op.step, "api_methods": list(op.api_methods), "scopes": list(op.scopes),
                "sensitivity": op.sensitivity, "needs_case": op.needs_case, "permanent": op.permanent,
                "allowed_statuses": sorted(op.allowed_statuses) if op.needs_case else [],
                "justification": op.justification,
            } for op in ops],
            "addon_base_scopes": list(registry.ADDON_BASE_SCOPES),
            "limited_use_disclosure": LIMITED_USE_DISCLOSURE,
            "steps": {s: list(registry.scopes_for_step(s)) for s in ([step] if step else STEPS)},
            "delegation_scopes": list(delegated),
        })
        return
    if not is_tty() or console.width < TABLE_MIN_WIDTH:
        _plain_list(ops, delegated, step)
        return
    table = Table(title="DSAR operations and the Google scopes they use", show_lines=True)
    for col, kw in (("Operation", {"style": "bold", "overflow": "fold"}), ("Step", {}),
                    ("Scopes", {"overflow": "fold", "min_width": 20}), ("Class", {}),
                    ("Why (Limited Use)", {"ratio": 1, "overflow": "fold"})):
        table.add_column(col, **kw)
    colour = {"restricted": "red", "sensitive": "yellow", "non-sensitive": "green"}
    for op in ops:
        sc = "\n".join(op.scopes) or "(none)"  # full URLs: folded on a narrow terminal, never cut
        cls = f"[{colour[op.sensitivity]}]{op.sensitivity}[/]"
        why = op.justification.removesuffix(LIMITED_USE) + ("" if not op.needs_case else f"\n[dim]case: {', '.join(sorted(op.allowed_statuses))}[/]")
        table.add_row(op.name + (" [red]![/]" if op.permanent else ""), op.step, sc, cls, why)
    console.print(table)
    console.print(f"[bold]Limited Use[/]:{LIMITED_USE}\n{LIMITED_USE_DISCLOSURE}")
    console.print("[dim]! irreversible: its extra scopes are asked for only where permanent deletion is "
                  "configured.[/]")
    _delegation_hint(delegated, step)


def _plain_list(ops, delegated: tuple[str, ...], step: str | None) -> None:
    """Not a terminal (a pipe, a file, a log) or a narrow one: plain lines, each scope URL whole on its own
    line (a terminal may wrap it on screen, but copies it as one line)."""
    for op in ops:
        click.echo(f"{op.name}{' (irreversible)' if op.permanent else ''}  step={op.step}  class={op.sensitivity}")
        for s in op.scopes or ("(none)",):
            click.echo(f"  {s}")
        click.echo(f"  why: {op.justification.removesuffix(LIMITED_USE).strip()}")
    click.echo(f"Limited Use:{LIMITED_USE}\n{LIMITED_USE_DISCLOSURE}")
    _delegation_hint(delegated, step)


def _delegation_hint(delegated: tuple[str, ...], step: str | None) -> None:
    # click.echo, not rich: the line must reach the terminal whole, however narrow, to be copied
    what = f"the {step} step" if step else "organisation mode"
    click.echo(f"\nDomain-wide delegation for {what} ({ADMIN_CONSOLE}), OAuth scopes (comma-delimited):")
    click.echo(",".join(delegated) if delegated else "(none: this step uses no delegated scope)")
    click.echo("('dsar scopes list --for-admin' prints only that line; add --permanent-delete if the erasure "
               "policy deletes permanently.)")


@scopes.command("manifest")
@click.option("--check", is_flag=True, help="Exit 1 if the committed appsscript/ files differ from the registry.")
@click.option("--base-url", help="Render the deployment descriptor for the add-on served at this HTTPS URL.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="With --base-url: write the deployment descriptor here ('-' or omitted: print it).")
@click.option("--tracker-out", type=click.Path(dir_okay=False, path_type=Path),
              help="With --base-url: also write Tracker.gs pointing at that URL.")
@click.option("--permanent-delete", is_flag=True,
              help="With --base-url: declare https://mail.google.com/ (permanent Gmail deletion is enabled).")
def manifest_cmd(check: bool, base_url: str | None, out: Path | None, tracker_out: Path | None,
                 permanent_delete: bool) -> None:
    """Regenerate appsscript/deployment.json and appsscript.json from the registry (or --check for drift)."""
    if check:
        stale = manifest.drifted()
        if stale:
            for p in stale:
                click.echo(f"out of date: {p}", err=True)
            click.echo("Run 'dsar scopes manifest' to regenerate them from the scope registry.", err=True)
            sys.exit(ExitCode.CHECK_FAILED)
        click.echo(f"appsscript/ matches the scope registry ({len(manifest.generated_files())} files).")
        return
    if base_url is None:
        if out or tracker_out or permanent_delete:
            raise click.UsageError("--out, --tracker-out and --permanent-delete need --base-url")
        changed = manifest.write()
        click.echo("Regenerated: " + ", ".join(str(p) for p in changed) if changed else "appsscript/ is up to date.")
        return
    text = manifest.to_json(manifest.render_deployment(base_url, permanent_delete=permanent_delete))
    if out is None or str(out) == "-":
        click.echo(text, nl=False)
    else:
        manifest.write_text(out, text)
        click.echo(f"Wrote {out}", err=True)
    if tracker_out is not None:
        source = manifest.tracker_source()
        manifest.write_text(tracker_out, manifest.render_tracker_script(source, base_url))
        click.echo(f"Wrote {tracker_out}", err=True)


@scopes.command("disclosure")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def disclosure_cmd(as_json: bool) -> None:
    """The Limited Use disclosure, from the registry: every scope the product can ask for, why, in which
    step, and Google's Limited Use statement (the web app serves the same at /limited-use)."""
    from scopes.disclosure import disclosure, render_text

    data = disclosure()
    if as_json:
        emit_json(data)
    else:
        click.echo(render_text(data), nl=False)
