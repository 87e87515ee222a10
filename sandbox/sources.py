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


def load_forms(ws: Workspace) -> None:
    from .forms.loader import convert_form_files

    convert_form_files(ws)
