"""Seeding a Workspace from a Takeout-style folder (layout in ``sandbox/README.md``). A broken file is
recorded in ``Workspace.load_problems`` with its path and skipped; it never stops the load."""
from __future__ import annotations

import json
from pathlib import Path

from .drive.loader import load_drive
from .drive.store import DriveStore
from .errors import FixtureError
from .gmail.loader import load_mail
from .gmail.store import Mailbox
from .state import User, Workspace
from .sources import load_forms, load_workspace_sources


def load_workspace(folder: str | Path) -> Workspace:
    root = Path(folder)
    meta_path = root / "workspace.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        domain = meta["domain"]
        users = meta["users"]
    except FileNotFoundError:
        raise FixtureError(str(meta_path), "missing: a fixture folder needs workspace.json") from None
    except (ValueError, KeyError, TypeError) as e:
        raise FixtureError(str(meta_path), f"not a valid workspace description ({e})") from None
    ws = Workspace(domain=domain)
    ws.drive = DriveStore()
    for u in users:
        email = u["email"].lower()
        ws.users[email] = User(email, u.get("name", email), bool(u.get("admin", False)))
        ws.mailboxes[email] = Mailbox(email)
    for email in ws.users:
        home = root / email
        if (home / "Mail").is_dir():
            load_mail(ws, email, home / "Mail")
        if (home / "Drive").is_dir():
            load_drive(ws, email, home / "Drive")
        load_workspace_sources(ws, email, home)
    for shared in sorted((root / "_shared_drives").glob("*")) if (root / "_shared_drives").is_dir() else []:
        if shared.is_dir():
            load_drive(ws, None, shared, shared_drive=shared.name, members=_members(ws, shared))
    load_forms(ws, root)
    return ws


ROLES = ("organizer", "fileOrganizer", "writer", "commenter", "reader")


def _members(ws: Workspace, shared: Path) -> dict[str, str] | None:
    """``<drive>/drive.json`` ``{"members": {"email": "organizer" | ...}}`` (or a list of emails, all
    organisers); None when the file is absent (the first admin organises it). Problems are recorded."""
    path = shared / "drive.json"
    if not path.is_file():
        return None
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
        raw = meta.get("members", {})
        members = {str(m).lower(): "organizer" for m in raw} if isinstance(raw, list) else \
            {str(m).lower(): str(r) for m, r in raw.items()}
    except (ValueError, AttributeError, TypeError) as e:
        ws.load_problems.append((str(path), f"not a valid shared-drive description ({e})"))
        return None
    for m, r in list(members.items()):
        if m not in ws.users or r not in ROLES:
            ws.load_problems.append((str(path), f"member {m!r} with role {r!r}: not a user of the workspace "
                                                f"or not one of {', '.join(ROLES)}; left out"))
            members.pop(m)
    return members or None
