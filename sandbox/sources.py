"""Loading the Takeout folders of the sources beyond Gmail and Drive (layout in ``sandbox/README.md``):
``Calendar/*.ics``, ``Contacts/<label>/*.vcf``, ``Google Chat/Groups/<space>/`` and Forms (``*.form.json``
files in a Drive, turned into Google Forms once every Drive has loaded)."""
from __future__ import annotations

from pathlib import Path

from .state import Workspace


def load_workspace_sources(ws: Workspace, email: str, home: Path) -> None:
    from .calendar.ics import load_calendars
    from .calendar.store import CalendarStore
    from .chat.loader import load_chat
    from .people.store import book_of
    from .people.vcf import load_contacts

    if ws.calendars is None:
        ws.calendars = CalendarStore()
    ws.calendars.ensure_primary(email)
    book_of(ws, email)
    if (home / "Calendar").is_dir():
        load_calendars(ws, email, home / "Calendar")
    if (home / "Contacts").is_dir():
        load_contacts(ws, email, home / "Contacts")
    if (home / "Google Chat" / "Groups").is_dir():
        load_chat(ws, email, home / "Google Chat" / "Groups")


def load_forms(ws: Workspace, root: Path) -> None:
    from .forms.loader import convert_form_files

    convert_form_files(ws, root)


def source_counts(ws: Workspace) -> dict[str, int]:
    """What the four sources hold, for ``/_sandbox/health``."""
    cals = list(ws.calendars.calendars.values()) if ws.calendars is not None else []
    books = list(ws.contacts.values())
    spaces = list(ws.chat.spaces.values()) if ws.chat is not None else []
    return {"calendars": len(cals), "events": sum(len(c.events) for c in cals),
            "contacts": sum(len(b.mine(False)) for b in books), "other_contacts": sum(len(b.mine(True)) for b in books),
            "chat_spaces": len(spaces), "chat_messages": sum(len(s.messages) for s in spaces),
            "forms": len(ws.forms), "form_responses": sum(len(f.responses) for f in ws.forms.values())}
