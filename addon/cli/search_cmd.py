"""``dsar search REF``: find the subject's messages, files and sheet rows across the organisation."""
from __future__ import annotations

from collections import Counter

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from ..errors import Interrupted
from .output import PlainProgress, console, emit_json, err_console, live_progress


def summary_table(items: list[dict]) -> Table:
    """The results table: built by :func:`addon.search.display.results_table` (shared with ``erase verify``
    and the sidebar), every cell plain text, never console markup."""
    from ..search.display import results_table

    return results_table(items, f"{len(items)} items found")


def rate(p) -> str:
    """The running rate: messages and files read per minute since the job started."""
    import time

    minutes = max(time.time() - p.started, 1.0) / 60
    return f"{p.fetched / minutes:,.0f} read/min"


def show_estimate(services, ref: str, actor: str, as_json: bool, plan_only: bool) -> None:
    """``--estimate`` (list calls, then the plan) and ``--plan`` (the last estimate's plan, or a new one)."""
    from ..search.estimate import estimate, saved_estimate

    est = saved_estimate(services.store, ref) if plan_only else None
    if est is None:
        if as_json or not live_progress():
            est = estimate(services, ref, actor)
        else:
            with err_console.status(f"Counting what {ref}'s search would read (list calls only)…"):
                est = estimate(services, ref, actor)
    if as_json:
        emit_json({"ref": ref, **({"plan": est["plan"]} if plan_only else est)})
        return
    if not plan_only:
        t = est["totals"]
        table = Table(title=f"Estimate for {ref}: {est['accounts']:,} accounts, {est['calls']:,} list calls in "
                            f"{est['elapsed_s']:.1f}s")
        for col in ("account", "messages", "files", "spreadsheets"):
            table.add_column(col, justify="left" if col == "account" else "right")
        for acct, a in sorted(est.get("per_account", {}).items()):
            d = a.get("drive", {})
            table.add_row(acct, f"{a.get('gmail', 0):,}", f"{d.get('files', 0):,}", f"{d.get('spreadsheets', 0):,}")
        for drive_id, d in sorted(est.get("shared_drives", {}).items()):
            table.add_row(f"shared drive {drive_id}", "", f"{d['files']:,}", f"{d['spreadsheets']:,}")
        console.print(table)
        console.print(f"Total: about {t['gmail']:,} messages, {t['drive_files']:,} files, "
                      f"{t['spreadsheets']:,} spreadsheets ({t['shared_drives']} shared drives)", markup=False)
    p = est["plan"]
    console.print(p["line"], markup=False, highlight=False)
    for b, m in sorted(p["bound_min"].items(), key=lambda kv: -kv[1]):
        console.print(f"  {b:12} {p['units'].get(b, 0):>12,} at {p['project_per_minute'][b]:,.0f}/min per project "
                      f"-> {m:.1f} min" + ("  (binding)" if b == p["binding"] else ""), markup=False)


def search_with_progress(services, ref: str, actor: str, quiet: bool = False, **kw) -> list[dict]:
    """Run the search showing progress on stderr: a rich bar on a terminal, a few plain lines otherwise.
    Ctrl-C becomes :class:`~addon.errors.Interrupted` (exit 130): the job is saved and resumes."""
    from ..search.coverage import enabled_sources, units_phrase
    from ..search.service import run_search

    what = units_phrase(enabled_sources(services.settings))  # the sources this search covers, in words
    try:
        if quiet:
            return run_search(services, ref, actor, **kw)
        if not live_progress():
            plain = PlainProgress(f"Searching {ref}")

            def line(p) -> str:
                last = f" (last finished: {p.last_unit})" if p.last_unit else ""
                return (f"{what} · {p.fetched}/{p.candidates} messages and files read · "
                        f"{p.items} items · {rate(p)}{last}")

            last: list = []

            def tell(p) -> None:
                last[:] = [p]
                plain.update(p.units_done, p.units_total, line(p))

            items = run_search(services, ref, actor, on_progress=tell, **kw)
            if last:
                plain.finish(last[0].units_done, last[0].units_total, line(last[0]))
            return items
        cols = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[detail]}"), TimeElapsedColumn(), TimeRemainingColumn())
        with Progress(*cols, console=err_console, transient=False) as bar:
            task = bar.add_task(f"Searching {ref}", total=None, detail="")

            def show(p) -> None:
                bar.update(task, total=max(p.candidates, 1), completed=p.fetched,
                           detail=f"{p.items} items · {p.units_done}/{p.units_total} {what} · {rate(p)}")

            return run_search(services, ref, actor, on_progress=show, **kw)
    except KeyboardInterrupt:  # before or after the job's own handling (which raises Interrupted itself)
        raise Interrupted(f"interrupted: run the same command to resume ('dsar search {ref}')") from None


@click.command()
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True, help="Print {'ref', 'items'} as JSON.")
@click.option("--workers", type=click.IntRange(1, 32), default=4, show_default=True, help="Accounts searched at once.")
@click.option("--queue", is_flag=True, help="Fan out to 'dsar worker' processes (Celery on Redis) and follow progress.")
@click.option("--estimate", "estimate_only", is_flag=True,
              help="Count messages, files and spreadsheets per account with list calls only; no search.")
@click.option("--plan", "plan_only", is_flag=True,
              help="Show the quota plan (units per API, binding quota, ETA) from the last estimate; no search.")
def search(ref: str, as_json: bool, workers: int, queue: bool, estimate_only: bool, plan_only: bool) -> None:
    """Search every mailbox, Drive and spreadsheet in scope for the case's subject.

    Resumable: if interrupted, run the same command again and it continues where it stopped."""
    from ..roles import actor
    from ..services import open_services

    services = open_services()
    ref = ref.strip().upper()
    if estimate_only or plan_only:
        show_estimate(services, ref, actor(services.settings), as_json, plan_only)
        return
    from ..search.estimate import saved_estimate

    est = saved_estimate(services.store, ref)
    if est and not as_json:
        err_console.print(f"Plan: {est['plan']['line']}", markup=False, highlight=False)
    if queue:
        from .worker_cmd import queued_search

        items = queued_search(services, ref, actor(services.settings), quiet=as_json)
    else:
        items = search_with_progress(services, ref, actor(services.settings), quiet=as_json, workers=workers)
    if as_json:
        emit_json({"ref": ref, "items": items})
        return
    console.print(summary_table(items))
    counts = Counter(i["source"] for i in items)
    extra = "".join(f" · {label} {counts[src]}" for src, label in (("calendar", "Calendar events"), (
        "contacts", "Contacts"), ("chat", "Chat messages"), ("forms", "Form responses")) if counts[src])
    console.print(f"Gmail {counts['gmail']} · Drive {counts['drive']} · Sheets rows {counts['sheets']}{extra}")
    unread = sum(1 for i in items if i.get("unreadable"))
    if unread:
        console.print(f"[yellow]{unread} item(s) could not be read automatically: check them by hand "
                      "(listed above; not exported or erased until someone has)[/yellow]")
