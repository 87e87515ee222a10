"""The demo's tracker and access-package step: create the DPO's sheet, keep the demo cases' rows up to date,
show them as the DPO sees them, and build (and verify) the first case's access package."""
from __future__ import annotations

from rich.panel import Panel
from rich.table import Column, Table

from .output import console


def show_tracker_and_package(services, dpo: str, refs: list[str]) -> None:
    from audit.context import Purpose, acting
    from scopes.registry import scopes_for_operations

    from ..export import build_package, verify_package
    from ..tracker import init_tracker, open_writer, tracker_update
    from ..tracker.schema import TRACKER_TAB, from_serial, quote_tab
    from ..tracker.sheet import TrackerSheet
    from ..tracker.writer import SCOPES_OPS

    cfg, _, first = init_tracker(services, dpo, force=True)
    for ref in refs:
        tracker_update(services, ref, strict=True)
    result = build_package(services, refs[0], dpo) if refs else None
    if result:
        tracker_update(services, result.ref, strict=True)  # the row's Action now says what to do next

    writer = open_writer(services, dpo)
    sheet = TrackerSheet(services.clients.gspread(dpo, scopes_for_operations(SCOPES_OPS)), cfg.spreadsheet_id)
    with acting(Purpose(actor=dpo, step="track", purpose="Show the DPO's tracker in the demo")):
        (table,) = sheet.read([quote_tab(TRACKER_TAB)])
    header = [str(h) for h in table[0]]
    t = Table(Column("Ref", no_wrap=True), "Subject", Column("Received", no_wrap=True), Column("Due", no_wrap=True),
              "Status", "Found G/D/S", title="Tracker rows, as the DPO sees them")
    actions = []
    for row in table[1:]:
        cells = dict(zip(header, row + [""] * (len(header) - len(row))))
        found = "/".join(str(cells.get(f"Items found ({k})", "")) for k in ("Gmail", "Drive", "Sheets"))
        t.add_row(str(cells["Ref"]), str(cells["Subject"]), _show(cells["Received"], from_serial),
                  _show(cells["Due"], from_serial), str(cells["Status"]), found)
        actions.append(f"{cells['Ref']}: {cells['Action']}")
    where = f"spreadsheet {cfg.spreadsheet_id} (sandbox)" if services.settings.sandbox else cfg.url
    console.print(Panel.fit(f"'DSAR tracker' in the DPO's Drive: {where}\n"
                            f"{len(first.added) if first else 0} rows, header protected (editors: the DPO), Status "
                            f"validated, overdue rows red and rows due within 7 days amber; Monthly tab with figures.\n"
                            f"Writes batched and paced ({writer.pacer.limit} per minute per user at most).",
                            title="Tracker (the DPO's sheet)"))
    console.print(t)
    console.print("Action column:\n  " + "\n  ".join(actions), highlight=False)
    if result:
        _, problems = verify_package(result.path)
        c = result.counts
        console.print(Panel.fit(
            f"{result.ref}: {result.path}\n{c.get('gmail', 0)} emails (.eml originals, or redacted HTML copies), "
            f"{c.get('drive', 0)} Drive files (Docs exported; redacted copies where they name others), {c.get('sheets', 0)} sheet extracts (the subject's rows only), "
            f"{c.get('calendar', 0)} calendar events (.ics), {c.get('contacts', 0)} contacts (.vcf), {c.get('chat', 0)} "
            f"Chat messages (JSON + HTML), {c.get('forms', 0)} Forms responses (CSV), index.csv, manifest.json "
            f"(SHA-256 of every file), report.html (Art. 15 information from the sandbox demo template, which the report "
            f"says; a real organisation runs 'dsar init' and fills in its own)\n"
            f"manifest check: {'OK' if not problems else '; '.join(problems)}; "
            f"{len(result.excluded)} item(s) left out with reasons in the report\n"
            f"Verify it yourself: dsar export verify {result.path}", title="Access package"))
        _show_redactions(result)
        r = result.review or {}
        if r:
            from ..review.methodology import load as load_methodology

            m = load_methodology(services.store, result.ref) or {}
            console.print(Panel.fit(
                f"found {r['found']} ({r['copies']} copies), included {r['included']}, excluded {r['excluded']} "
                f"({', '.join(w['code'] + ' ' + str(w['count']) for w in r['withheld']) or 'none'}), not a match "
                f"{r['not_a_match']}, undecided {r['undecided']}, redacted {m.get('counts', {}).get('redacted', 0)}\n"
                f"{m.get('sources', {}).get('summary', '')}\nreport.html says what was withheld and how the search "
                f"was done; methodology.json holds the statement (also in the case file: dsar review {result.ref} "
                "methodology)", title="The package follows the review"))


def _show_redactions(result) -> None:
    """How much of other people's data the package hides, and where (addon/redaction; redactions.csv)."""
    import csv
    import io
    import zipfile
    from collections import Counter

    from ..export.redacted import SCHEDULE

    with zipfile.ZipFile(result.path) as zf:
        rows = list(csv.DictReader(io.StringIO(zf.read(SCHEDULE).decode("utf-8")))) if SCHEDULE in zf.namelist() else []
    items = Counter(r["item"] for r in rows)
    kinds = Counter(r["kind"] for r in rows)
    lines = "\n".join(f"  {n:>3}  {what}" for what, n in sorted(items.items(), key=lambda x: -x[1])[:8])
    console.print(Panel.fit(
        f"{result.redactions} redaction(s) of other people's data in {len(items)} item(s) "
        f"({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))}); the requester's own name, address, phone and "
        f"customer number are never hidden.\n{lines}\nredactions.csv and report.html list each by item, kind and "
        f"exemption code ({', '.join(sorted({r['exemption'] for r in rows})) or '-'}), never the hidden text. "
        "The originals in Workspace are unchanged.", title="Other people's data redacted"), highlight=False)


def _show(value, from_serial) -> str:
    day = from_serial(value)
    return day.isoformat() if day else str(value)
