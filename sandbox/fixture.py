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
    for shared in sorted((root / "_shared_drives").glob("*")) if (root / "_shared_drives").is_dir() else []:
        load_drive(ws, None, shared, shared_drive=shared.name)
    return ws
