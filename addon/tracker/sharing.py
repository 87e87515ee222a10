"""The tracker holds subjects' names, so before every write we read the spreadsheet's Drive permissions
and refuse when it is readable outside the organisation: "anyone with the link", another domain, or a
person or group whose address is outside our domain. The message says how to fix the sharing."""
from __future__ import annotations

from typing import Iterable

from ..errors import Refused


class TrackerSharingError(Refused):
    """The tracker is shared beyond the organisation; nothing personal is written until that is fixed."""


def _domain_of(address: str) -> str:
    return address.rsplit("@", 1)[-1].lower() if "@" in address else ""


def sharing_problems(permissions: Iterable[dict], domain: str) -> list[str]:
    """One sentence per permission that reaches outside ``domain`` (pure; permissions as Drive v3 returns)."""
    domain = domain.lower()
    problems = []
    for p in permissions:
        kind, role = p.get("type"), p.get("role", "reader")
        if kind == "anyone":
            how = "anyone on the internet who finds it" if p.get("allowFileDiscovery") else "anyone with the link"
            problems.append(f"{how} can open it (role {role})")
        elif kind == "domain" and (p.get("domain") or "").lower() != domain:
            problems.append(f"everyone at {p.get('domain') or 'another domain'} can open it (role {role})")
        elif kind in ("user", "group"):
            email = (p.get("emailAddress") or "").lower()
            if not email:
                problems.append(f"a {kind} whose address Drive does not show can open it (role {role})")
            elif _domain_of(email) != domain:
                problems.append(f"{email}, outside {domain}, can open it (role {role})")
    return problems


def refusal_message(spreadsheet_id: str, problems: list[str], domain: str) -> str:
    return (
        f"tracker: refusing to write personal data to the tracker spreadsheet {spreadsheet_id} because it is shared "
        f"outside {domain}: " + "; ".join(problems) + ". To fix it, open the sheet in Google Sheets, click Share, set "
        f"General access to 'Restricted' (or to your organisation only) and remove people and groups outside {domain}; "
        "then run 'dsar tracker sync'. Nothing was written."
    )


def check_sharing(permissions: Iterable[dict], spreadsheet_id: str, domain: str) -> None:
    problems = sharing_problems(permissions, domain)
    if problems:
        raise TrackerSharingError(refusal_message(spreadsheet_id, problems, domain))
