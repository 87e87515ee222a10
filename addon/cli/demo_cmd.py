"""``dsar demo``: the whole job on the bundled demo company, in an in-process sandbox that is stopped
before the command returns. Every step is real: real HTTP, real client libraries, the real audit trail."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import time
from collections import Counter
from pathlib import Path

import click
from rich.panel import Panel
from rich.table import Column, Table

from ..errors import InputError
from .output import console

#: Written into every folder ``dsar demo`` makes; only a folder holding it is ever wiped.
DEMO_MARKER = ".dsar-demo"
DEMO_PARTS = {DEMO_MARKER, "fixture", "home", "certificates"}  # everything the demo writes under --out
DEMO_SOURCES = ("calendar", "contacts", "chat", "forms")  # searched in the demo besides Gmail, Drive, Sheets


def prepare_out(out: Path) -> None:
    """Make ``out`` ready for a fresh demo: create it, or wipe it only if an earlier demo made it. A folder
    with anything else in it is refused and left exactly as it is (the user's files are never deleted)."""
    if out.is_file():
        raise InputError("--out", f"{out} is a file; give a folder for the demo")
    if out.is_dir() and any(out.iterdir()):
        if not (out / DEMO_MARKER).is_file():
            raise InputError("--out", f"{out} already holds files that 'dsar demo' did not make (no {DEMO_MARKER} "
                                      "marker); nothing was deleted. Give a new or empty folder, e.g. --out dsar-demo-2")
        foreign = sorted(p.name for p in out.iterdir() if p.name not in DEMO_PARTS)
        if foreign:
            raise InputError("--out", f"{out} was made by 'dsar demo' but now also holds {', '.join(foreign[:5])}, "
                                      "which the demo did not write; nothing was deleted. Move them, or give another --out")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / DEMO_MARKER).write_text("Made by 'dsar demo': running it again with this --out deletes this folder.\n",
                                   encoding="utf-8")


@click.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("dsar-demo"), show_default=True,
              help="Folder for the demo's data: fixture, audit trail, cases, outputs. Wiped first only if an earlier "
                   "demo made it; any other non-empty folder is refused.")
@click.option("--subjects", type=int, default=2, show_default=True, help="How many of the demo subjects to run cases for.")
def demo(out: Path, subjects: int) -> None:
    """Run the whole job on the demo company in a local sandbox, then stop it."""
    from sandbox.democompany import write_fixture
    from sandbox.server import SandboxServer

    from ..config import Settings
    from ..services import open_services
    from .case_cmd import open_case
    from .search_cmd import search_with_progress, summary_table

    prepare_out(out)
    fixture = out / "fixture"
    t0 = time.perf_counter()
    summary = write_fixture(fixture)
    expected = json.loads((fixture / "expected.json").read_text(encoding="utf-8"))
    meta = json.loads((fixture / "workspace.json").read_text(encoding="utf-8"))
    admin = next((u["email"] for u in meta["users"] if u.get("admin")), meta["users"][0]["email"])
    dpo = next((u["email"] for u in meta["users"] if u["email"].startswith("dpo@")), admin)
    console.print(Panel.fit(f"Demo company written: {summary}\nfixture: {fixture}", title="1. Workspace"))
    with SandboxServer(fixture, port=0) as sandbox:
        console.print(f"Sandbox (Gmail, Drive, Sheets, Calendar, People, Chat, Forms, OAuth) on {sandbox.url} — "
                      "quotas on, as Google's")
        # the optional sources are on in the demo (a real organisation turns them on: DSAR_SOURCES)
        settings = Settings(home=out / "home", sandbox_url=sandbox.url, actor=dpo, domain=meta["domain"],
                            admin=admin, extra={"dpo": dpo, "region": "ENG", "sources": list(DEMO_SOURCES)})
        services = open_services(settings)
        results = []
        for subj in expected["subjects"][:subjects]:
            case = open_case(services, "access", subj["names"][:1], subj.get("emails", []), subj.get("phones", []),
                             subj.get("identifiers", []), dt.date.today(), dpo)
            console.print(Panel.fit(f"{case.ref}: subject access request for {subj['names'][0]}\n"
                                    f"received {case.received}, due {case.due} (ICO one calendar month), "
                                    f"or {case.extended_due} if extended", title="2. Case opened"))
            items = search_with_progress(services, case.ref, dpo)
            console.print(summary_table(items))
            results.append((case.ref, subj, items))
        # -- review before disclosure: a false hit, an exemption, the rest included (addon/review/demo.py) ----
        from ..review.demo import demo_review

        if results:
            demo_review(services, results[0][0], dpo, console,
                        research=lambda r: search_with_progress(services, r, dpo, quiet=True))
        # -- tracker and access package (addon/cli/demo_package.py) -------------------------------------------
        from .demo_package import show_tracker_and_package

        show_tracker_and_package(services, dpo, [ref for ref, _, _ in results])
        # -- an erasure request, from plan to signed certificate (addon/erasure/demo.py) --------------------------
        from ..erasure.demo import demo_erasure

        priya = next((s for s in expected["subjects"] if s["key"] == "priya"), None)
        if priya is not None:
            ecase = open_case(services, "erasure", priya["names"][:1], priya.get("emails", []),
                              priya.get("phones", []), priya.get("identifiers", []), dt.date.today(), dpo)
            console.print(Panel.fit(f"{ecase.ref}: erasure request for {priya['names'][0]} (a former employee)",
                                    title="Erasure"))
            search_with_progress(services, ecase.ref, dpo)
            demo_erasure(services, ecase.ref, dpo, console)
        # -- rectification, restriction, objection, marketing opt-out: opened with their fields (addon/cases/demo.py)
        from ..cases.demo import demo_rights

        rights_cases = demo_rights(services, expected, dpo, console)
        from ..rights.demo import demo_rights_google  # one rectification, restriction mark+lift, opt-out

        demo_rights_google(services, sandbox, rights_cases, dpo, console)
        # -- erasure in Calendar, Contacts, Chat and Forms, where Google allows it (addon/erasure/sources_demo.py)
        from ..erasure.sources_demo import demo_sources_erasure

        jane = next((s for s in expected["subjects"] if s["key"] == "jane"), None)
        if jane is not None:
            demo_sources_erasure(services, jane, dpo, console)
        # -------------------------------------------------------------------------------------------------------
        verdict = services.trail.verify() if hasattr(services.trail, "verify") else None
    from ..search.coverage import enabled_sources
    from .demo_check import SHORT, check, expected_counts

    searched = enabled_sources(settings)  # the demo's sources, or the user's DSAR_SOURCES
    table = Table(Column("Case", no_wrap=True), "Subject", Column("Found", no_wrap=True),
                  Column("Planted", no_wrap=True), "Every planted item, no false hits", title="3. Results",
                  caption="/".join(SHORT[s] for s in searched))
    for ref, subj, items in results:
        c = Counter(i["source"] for i in items)
        exp = expected_counts(subj, searched)  # expected.json's 'expected' and 'other_sources' together
        got = check(subj, items, searched)
        ok = "yes" if not any(got.values()) else f"NO: {len(got['missed'])} missed, {len(got['false_hits'])} false"
        table.add_row(ref, subj["names"][0], "/".join(str(c[s]) for s in searched),
                      "/".join(str(exp[s]) for s in searched), ok)
    console.print(table)
    if verdict is not None:
        console.print(Panel.fit(str(verdict), title="4. Audit trail verified"))
    console.print(f"Done in {time.perf_counter() - t0:.1f}s. Outputs in {out.resolve()}:\n"
                  f"  audit trail  {settings.home / 'audit.db'}\n  cases        {settings.home / 'cases.db'}\n"
                  "Inspect with: DSAR_HOME=" + str(settings.home) + " dsar audit verify | dsar audit report")
