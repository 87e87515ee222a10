"""``dsar scopes``: what the product may do with Google user data, and the manifests that declare it."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.table import Table

from scopes import manifest, registry
from scopes.catalog import LIMITED_USE, LIMITED_USE_DISCLOSURE
from scopes.model import STEPS, short

from .output import console, emit_json


@click.group()
def scopes() -> None:
    """The scope registry: operations, their minimal scopes and Limited Use justifications."""


@scopes.command("list")
@click.option("--step", type=click.Choice(STEPS), help="Only the operations of one workflow step.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def list_cmd(step: str | None, as_json: bool) -> None:
    """List every declared operation: scopes, sensitivity class and why it is needed."""
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
        })
        return
    table = Table(title="DSAR operations and the Google scopes they use", show_lines=True)
    for col, kw in (("Operation", {"style": "bold", "no_wrap": True}), ("Step", {}), ("Scopes", {}),
                    ("Class", {}), ("Why (Limited Use)", {"ratio": 1})):
        table.add_column(col, **kw)
    colour = {"restricted": "red", "sensitive": "yellow", "non-sensitive": "green"}
    for op in ops:
        sc = "\n".join(short(s) for s in op.scopes) or "(none)"
        cls = f"[{colour[op.sensitivity]}]{op.sensitivity}[/]"
        why = op.justification.removesuffix(LIMITED_USE) + ("" if not op.needs_case else f"\n[dim]case: {', '.join(sorted(op.allowed_statuses))}[/]")
        table.add_row(op.name + (" [red]![/]" if op.permanent else ""), op.step, sc, cls, why)
    console.print(table)
    console.print(f"[bold]Limited Use[/]:{LIMITED_USE}\n{LIMITED_USE_DISCLOSURE}")
    console.print("[dim]! irreversible: its extra scopes are asked for only where permanent deletion is "
                  "configured.[/]")


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
            sys.exit(1)
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
