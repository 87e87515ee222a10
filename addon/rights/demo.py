"""The demo's Google-facing rights steps, on the cases :mod:`addon.cases.demo` opens: one rectification from
plan to run and verification, one restriction marked, re-marked (nothing doubled) and lifted, one
marketing opt-out applied to a marketing list and checked on the suppression list.

The marketing list is made by "the marketing team" (a sandbox user acting in their own Drive, not the
product), because the demo company has none; it is made after the access searches so their results match
the demo company's ground truth."""
from __future__ import annotations

import secrets
import time
from typing import Any

from rich.panel import Panel

from ..cli.search_cmd import search_with_progress
from .rectify import approve_rectification, plan_rectification
from .rectify_run import run_rectification, verify_rectification
from .restrict import lift, mark
from .suppress import apply, check, plan as plan_suppression

MARKETING_OWNER = "aisha"  # local part of the demo user who keeps the list


def _marketing_list(sandbox, owner: str, subject_email: str) -> str:
    """A small 'Winter offers' mailing list in ``owner``'s Drive, written through the sandbox's Sheets API."""
    from google.oauth2.credentials import Credentials
    from googleapiclient.discovery import build_from_document

    from sandbox.state import Grant

    from ..clients import discovery_document

    token = "ya29.demo-" + secrets.token_urlsafe(16)
    with sandbox.ws.lock:
        sandbox.ws.tokens[token] = Grant(owner, frozenset({"https://www.googleapis.com/auth/spreadsheets"}),
                                         "demo-marketing-team", time.time() + 600)
    sheets = build_from_document(discovery_document("sheets", sandbox.url), credentials=Credentials(token=token))
    book = sheets.spreadsheets().create(body={"properties": {"title": "Winter offers mailing list"},
                                              "sheets": [{"properties": {"title": "Subscribers"}}]}).execute()
    rows = [["Email", "First name", "Opted in"], ["m.clarke@example.net", "Mo", "2025-10-01"],
            [subject_email, "Bobby", "2025-11-14"], ["r.shah@example.org", "Ravi", "2025-11-20"]]
    sheets.spreadsheets().values().update(spreadsheetId=book["spreadsheetId"], range="'Subscribers'!A1",
                                          valueInputOption="RAW", body={"values": rows}).execute()
    return book["spreadsheetId"]


def demo_rights_google(services, sandbox, cases: list[Any], dpo: str, console) -> None:
    by_type = {c.type: c for c in cases}
    rect = by_type.get("rectification")
    if rect is not None:
        search_with_progress(services, rect.ref, dpo, quiet=True)
        got = plan_rectification(services, rect.ref, dpo)
        c = got["plan"]["counts"]
        approve_rectification(services, rect.ref, dpo, expected=got["sha256"][:12])
        ran = run_rectification(services, rect.ref, dpo)
        ver = verify_rectification(services, rect.ref, dpo)
        console.print(Panel.fit(
            f"{rect.ref}: plan sha256:{got['sha256'][:16]}… — {c['cells']} sheet cell(s) in {c['update_cells']} row(s) "
            f"to correct, {c['edit_manually']} Doc/file(s) to edit by hand, {c['cannot_edit']} message(s) that cannot "
            f"be edited, {c['review']} place(s) not about the subject left alone, {c['recipients']} recipient(s) to "
            f"tell (Art. 19)\nDPO approved the hash; run: {ran['counts']['corrected']} row(s) corrected (RAW), "
            f"status {ran['status']}\nRe-search: {len(ver['remaining'])} changeable row(s) still wrong, "
            f"{len(ver['manual'])} Doc/file(s) await the manual edit"
            + (" — verified" if ver["verified"] else " (the signed record is issued once they are edited: "
               f"dsar rectify verify {rect.ref}, then dsar rectify certificate {rect.ref})"),
            title="Rectification (Art. 16)"))
    rest = by_type.get("restriction")
    if rest is not None:
        search_with_progress(services, rest.ref, dpo, quiet=True)
        first = mark(services, rest.ref, dpo)
        again = mark(services, rest.ref, dpo)
        lifted = lift(services, rest.ref, dpo, "accuracy checked with the subject, who was told first (Art. 18(3))")
        console.print(Panel.fit(
            f"{rest.ref}: marked {first['gmail']['marked']} message(s) with label 'DSAR restricted/{rest.ref}', "
            f"{first['drive']['marked']} file(s) (appProperties + description prefix), {first['sheets']['marked']} "
            f"sheet row(s) (note)\nmarked again: {again['added']} new mark(s)\nlifted by the DPO: "
            f"{lifted['gmail']['lifted']} + {lifted['drive']['lifted']} + {lifted['sheets']['lifted']} mark(s) removed, "
            "exactly the tool's", title="Restriction (Art. 18)"))
    opt = by_type.get("marketing_optout")
    if opt is not None and opt.subject is not None and opt.subject.emails:
        owner = next((u for u in sandbox.ws.users if u.startswith(MARKETING_OWNER)), dpo)
        email = opt.subject.emails[0]
        fid = _marketing_list(sandbox, owner, email)
        (services.settings.home / "marketing.toml").write_text(
            f'[[list]]\nname = "Winter offers"\nspreadsheet = "{fid}"\ntab = "Subscribers"\nowner = "{owner}"\n'
            'action = "remove"\n', encoding="utf-8")
        before = check(services, email, dpo)["status"]
        shown = plan_suppression(services, opt.ref, dpo)
        done = apply(services, opt.ref, dpo)
        after = check(services, email, dpo)["status"]
        console.print(Panel.fit(
            f"{opt.ref}: marketing list 'Winter offers' (declared in marketing.toml): "
            f"{sum(len(m['rows']) for m in shown['lists'])} row(s) found, {sum(m['rows'] for m in done['lists'])} removed\n"
            f"suppression list (tracker tab 'Suppression', keyed HMAC-SHA256 only): {done['hashes_added']} hash(es) added\n"
            f"dsar suppression check <their email>: {before.replace('_', ' ')} before, {after.replace('_', ' ')} after",
            title="Marketing opt-out (Art. 21(3))"))
