"""``dsar demo``'s erasure in Calendar, Contacts, Chat and Forms: Jane Doe, planted in each, is erased where
Google's APIs allow it (her event deleted or her name taken off the guest list, her contact deleted, the Chat
messages about her deleted acting as their senders) and left, with the words of what to do, where they do not
(an "Other contact", a Forms response). The verifying re-search then names exactly those."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from rich.markup import escape
from rich.panel import Panel

from .approve import approve_plan
from .demo import write_demo_policy
from .exemptions import load_policy
from .execute import run_erasure
from .planner import plan_erasure
from .verify import verify_erasure
from .workspace import SOURCES


def demo_sources_erasure(services: Any, subject: dict, dpo: str, console: Any) -> dict:
    """Open an erasure case for ``subject`` (an expected.json entry), search, plan, approve, run, verify."""
    from ..cli.case_cmd import open_case
    from ..search.service import run_search

    case = open_case(services, "erasure", subject["names"][:1], subject.get("emails", []), subject.get("phones", []),
                     subject.get("identifiers", []), dt.date.today(), dpo)
    run_search(services, case.ref, dpo)
    planned = plan_erasure(services, case.ref, dpo,
                           policy=load_policy(services.settings, write_demo_policy(services.settings.home)))
    ours = [a for a in planned.plan["actions"] if a["source"] in SOURCES]
    approve_plan(services, case.ref, dpo, expected=planned.sha256[:12])
    run = run_erasure(services, case.ref, dpo)
    outcome = {i["key"]: i["outcome"] for i in run["items"]}
    ver = verify_erasure(services, case.ref, dpo)
    done = Counter(f"{a['source']} {a['action']} -> {outcome.get(a['key'], 'not_done')}" for a in ours)
    manual = [m for m in ver["manual"] if m["source"] in SOURCES]
    left = [m for m in ver["remaining"] if m["source"] in SOURCES]
    lines = [f"{n} × {what}" for what, n in sorted(done.items())]
    lines += [f"by hand: {m['source']}: {m['note']}" for m in manual]  # verify's words (awaiting_note)
    lines.append(f"re-search: {len(left)} left by the run, {len(manual)} waiting to be deleted by hand -> "
                 f"case {services.store.get(case.ref).status}")
    console.print(Panel.fit(escape("\n".join(lines)), title=f"Erasure in Calendar, Contacts, Chat, Forms ({case.ref}: "
                                                            f"{escape(subject['names'][0])})"))
    return {"ref": case.ref, "actions": dict(done), "manual": len(manual), "remaining": len(left)}
