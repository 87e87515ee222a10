"""``dsar search REF``: find the subject's messages, files and sheet rows across the organisation."""
from __future__ import annotations

from collections import Counter

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.markup import escape
from rich.table import Table

from .output import console, emit_json, err_console


def _where(i: dict) -> str:
    if i["source"] == "gmail":
        out = f"message {i.get('rfc822_message_id') or i['message_id']}"
        att = i.get("attachment")
        return out + (f" › attachment {att['name']}" + (f" › {att['sheet']} › row {att['row']}" if "row" in att else "")
                      if att else "")
    out = i["path"] + (f" › {i['sheet']} › row {i['row']}" if "row" in i else "")
    drive = i.get("drive")
    return (f"[{drive['name']}] " if isinstance(drive, dict) else "") + out


def summary_table(items: list[dict]) -> Table:
    t = Table("Source", "Account", "Where", title=f"{len(items)} items found")
    for it in items:
        where = escape(_where(it))  # names and paths are data, not markup
        if it.get("unreadable"):  # reported, never silently dropped: staff check these by hand
            u = it["unreadable"]
            note = f"could not read: {u.get('reason', '')}" + (f" ({u['attachment']})" if u.get("attachment") else "")
            where += f"\n[yellow]{escape(note + '; ' + u.get('check', ''))}[/yellow]"
        t.add_row(it["source"], it["account"], where)
    return t


def search_with_progress(services, ref: str, actor: str, quiet: bool = False, **kw) -> list[dict]:
    from ..search.service import run_search

    if quiet:
        return run_search(services, ref, actor, **kw)
    cols = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[detail]}"), TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*cols, console=err_console, transient=False) as bar:
        task = bar.add_task(f"Searching {ref}", total=None, detail="")

        def show(p) -> None:
            bar.update(task, total=max(p.candidates, 1), completed=p.fetched,
                       detail=f"{p.items} items · {p.units_done}/{p.units_total} mailboxes+drives")

        return run_search(services, ref, actor, on_progress=show, **kw)


@click.command()
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True, help="Print {'ref', 'items'} as JSON.")
@click.option("--workers", type=click.IntRange(1, 32), default=4, show_default=True, help="Accounts searched at once.")
@click.option("--queue", is_flag=True, help="Fan out to 'dsar worker' processes (Celery on Redis) and follow progress.")
def search(ref: str, as_json: bool, workers: int, queue: bool) -> None:
    """Search every mailbox, Drive and spreadsheet in scope for the case's subject.

    Resumable: if interrupted, run the same command again and it continues where it stopped."""
    from ..roles import actor
    from ..services import open_services

    services = open_services()
    ref = ref.strip().upper()
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
    console.print(f"Gmail {counts['gmail']} · Drive {counts['drive']} · Sheets rows {counts['sheets']}")
    unread = sum(1 for i in items if i.get("unreadable"))
    if unread:
        console.print(f"[yellow]{unread} item(s) could not be read automatically: check them by hand "
                      "(listed above; not exported or erased until someone has)[/yellow]")
