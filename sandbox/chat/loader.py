"""Loading Takeout's ``<user>/Google Chat/Groups/<Space|DM> <id>/`` folders.

Each folder holds ``group_info.json`` (``{"name"?, "members": [{"name", "email", "user_type"}]}``; a
``"role": "manager"`` on a member is the sandbox's addition) and ``messages.json`` (``{"messages": [{"creator":
{"name", "email", "user_type"}, "created_date", "text", "topic_id"?, "message_id"?, "attached_files"?}]}``),
as Takeout writes them. ``created_date`` is Takeout's ``Tuesday, 3 June 2025 at 10:15:02 UTC`` or RFC 3339.
The same space exported by several members is one space (keyed by the folder's id); its members are the
union of every export's ``group_info.json`` and the exporters. A folder named ``Space …`` is a named space,
``DM …`` a direct message (a group chat with more than two members). Broken files are recorded in
``load_problems`` and skipped; a message without a creator's email or a readable date is skipped alone."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from dateutil import parser as dateparser

from .store import ChatStore, Member, Message, Space, short_id


def parse_created(value: str) -> dt.datetime:
    text = str(value).replace(" at ", " ").replace("\u202f", " ")
    t = dateparser.parse(text)
    return t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)


def _space_key(folder: Path) -> tuple[str, str]:
    kind, _, rest = folder.name.partition(" ")
    ident = rest.strip() if rest.strip() and all(c.isalnum() or c in "-_" for c in rest.strip()) else short_id(folder.name)
    return kind.lower(), ident


def _read_json(path: Path, problems: list[tuple[str, str]]) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        return data
    except (OSError, ValueError) as e:
        problems.append((str(path), f"not a Takeout Chat file: {e}"[:300]))
        return None


def load_space(store: ChatStore, exporter: str, folder: Path, problems: list[tuple[str, str]]) -> None:
    kind, ident = _space_key(folder)
    info = _read_json(folder / "group_info.json", problems) if (folder / "group_info.json").is_file() else {}
    if info is None:
        return
    members = [m for m in info.get("members", []) if isinstance(m, dict) and m.get("email")]
    space = store.spaces.get(ident)
    if space is None:
        name = str(info.get("name") or "")
        stype = "SPACE" if kind == "space" or (name and kind != "dm") else (
            "GROUP_CHAT" if len(members) > 2 else "DIRECT_MESSAGE")
        space = store.spaces[ident] = Space(ident, name if stype != "DIRECT_MESSAGE" else "", stype)
    for i, m in enumerate(members):
        email = str(m["email"]).lower()
        role = "ROLE_MANAGER" if str(m.get("role", "")).lower() == "manager" else "ROLE_MEMBER"
        have = space.members.setdefault(email, Member(email, str(m.get("name") or ""), role,
                                                      "BOT" if str(m.get("user_type", "")).lower() == "bot" else "HUMAN"))
        if role == "ROLE_MANAGER":
            have.role = role
    space.members.setdefault(exporter, Member(exporter))
    path = folder / "messages.json"
    if not path.is_file():
        return
    data = _read_json(path, problems)
    if data is None:
        return
    for n, raw in enumerate(data.get("messages", []), 1):
        try:
            creator = raw["creator"]
            email = str(creator["email"]).lower()
            when = parse_created(raw["created_date"])
        except (KeyError, TypeError, ValueError, OverflowError) as e:
            problems.append((f"{path}#{n}", f"skipped message: {type(e).__name__}: {e}"[:300]))
            continue
        mid = short_id(f"{ident}|{raw.get('message_id') or (email, raw['created_date'], raw.get('text'))}")
        mid = f"{mid}.{mid}"
        if mid in space.messages:
            continue  # the same message exported by another member
        thread = str(raw.get("topic_id") or short_id("thread|" + mid))
        bot = str(creator.get("user_type", "")).lower() == "bot"
        files = [str(f.get("export_name") or f.get("original_name") or "") for f in raw.get("attached_files", [])
                 if isinstance(f, dict)]
        space.messages[mid] = Message(mid, ident, email, "BOT" if bot else "HUMAN", str(raw.get("text") or ""),
                                      when, thread, attachments=[f for f in files if f])
        space.members.setdefault(email, Member(email, str(creator.get("name") or ""),
                                               type="BOT" if bot else "HUMAN"))
        if space.create_time is None or when < space.create_time:
            space.create_time = when


def load_chat(ws, exporter: str, groups: Path) -> None:
    if ws.chat is None:
        ws.chat = ChatStore()
    for folder in sorted(p for p in Path(groups).iterdir() if p.is_dir()):
        load_space(ws.chat, exporter.lower(), folder, ws.load_problems)
