"""Cards for a case's search: progress while the background job runs (with Refresh), and the summary of
what was found once it is done."""
from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, Mapping

from ...search.display import where, why_matched
from .links import Links
from .widgets import Card, button, buttons, card, decorated, field_error, note, on_action, section, text

MAX_ITEMS = 30
_STATUS_TEXT = {
    "queued": "Waiting to start",
    "running": "Searching",
    "done": "Finished",
    "failed": "Stopped with an error",
    "interrupted": "Interrupted (the server restarted)",
}


def job_card(links: Links, job: Mapping[str, Any]) -> Card:
    status = job.get("status", "queued")
    state = job.get("state") or {}
    p = state.get("progress") or {}
    widgets: list[dict[str, Any]] = [
        decorated(_STATUS_TEXT.get(status, status), top="Status", bottom=f"updated {job.get('updated_at', '')}",
                  icon={"done": "check_circle", "failed": "error", "interrupted": "error"}.get(status, "hourglass_top")),
    ]
    if p:
        total = p.get("units_total") or 0
        widgets += [
            decorated(f"{p.get('units_done', 0)} of {total}" if total else "listing accounts…",
                      top="Mailboxes and Drives searched"),
            decorated(f"{p.get('fetched', 0)} of {p.get('candidates', 0)}", top="Candidates checked"),
            decorated(str(p.get("items", 0)), top="Items confirmed so far"),
        ]
    if job.get("error"):
        widgets.append(field_error(job["error"]))
    if status == "interrupted":
        widgets.append(note("Start the search again: it resumes from its last checkpoint."))
    ref = job.get("ref", "")
    acts = []
    if status in ("queued", "running"):
        acts.append(button("Refresh", on_action(links.url("job"), {"job": str(job["id"])}), filled=True, icon="refresh"))
    if status == "done":
        acts.append(button("Results", on_action(links.url("results"), {"ref": ref}), filled=True, icon="fact_check"))
    if status in ("failed", "interrupted"):
        acts.append(button("Search again", on_action(links.url("search_start"), {"ref": ref}), filled=True, icon="search"))
    acts.append(button("Case", on_action(links.url("case_show"), {"ref": ref}), icon="folder_open"))
    return card(f"Search of {ref}", [section(widgets), section([buttons(*acts)])],
                subtitle="Runs in the background; refresh to follow it", name="job")


def item_line(item: Mapping[str, Any]) -> tuple[str, str]:
    """(where, account) for one found item, worded as the CLI's results table words it (an email by sender,
    date and subject, a file by its path): the item is unsealed for this card only, never logged."""
    return where(item), item["account"]


def results_card(links: Links, ref: str, items: Iterable[Mapping[str, Any]]) -> Card:
    items = list(items)
    counts = Counter(i["source"] for i in items)
    accounts = Counter(i["account"] for i in items)
    summary = [
        text(f"<b>{len(items)}</b> items: Gmail {counts['gmail']} · Drive {counts['drive']} · "
             f"Sheet rows {counts['sheets']}"),
        *[decorated(f"{n} item{'s' * (n != 1)}", top=acct) for acct, n in accounts.most_common(10)],
    ]
    icons = {"gmail": "mail", "drive": "description", "sheets": "table_rows"}
    rows = []
    for it in items[:MAX_ITEMS]:
        where, acct = item_line(it)
        rows.append(decorated(where, top=f"{it['source']} · {acct}", bottom=why_matched(it) or None,
                              icon=icons.get(it["source"], "description")))
    if len(items) > MAX_ITEMS:
        rows.append(note(f"{len(items) - MAX_ITEMS} more. Full list: dsar search {ref} --json, or the export."))
    if not items:
        rows.append(note("Nothing found for this subject."))
    return card(f"Results for {ref}", [
        section(summary, "Found"),
        section(rows, "Items", collapsible=len(rows) > 8, visible=8),
        section([buttons(button("Case", on_action(links.url("case_show"), {"ref": ref}), icon="folder_open"))]),
    ], subtitle="Per account: mailbox or Drive owner", name="results")
