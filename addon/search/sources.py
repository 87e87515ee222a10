"""The optional sources' search units (Calendar, Contacts, Chat per user; Forms per organisation) as the
search engine and the Celery fan-out both build them: which unit keys a job has, and the unit for a key,
each with clients holding only that source's search scopes (asked for only when the source is enabled).

Unit keys: ``calendar:<account>``, ``contacts:<account>``, ``chat:<account>``, ``forms:organisation``.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from scopes import registry

from ..errors import ConfigError
from .calendar import CalendarUnit, calendar_queries
from .chat import ChatUnit, directory_lookup
from .contacts import ContactsUnit
from .forms import FormsUnit
from .job_ids import job_id

PER_USER = ("calendar", "contacts", "chat")
FORMS_KEY = "forms:organisation"
OPS: dict[str, tuple[str, ...]] = {
    "calendar": ("calendar.list_calendars", "calendar.search"),
    "contacts": ("contacts.search", "contacts.other_search"),
    "chat": ("chat.list_spaces", "chat.search"),
    "forms": ("forms.read_form", "forms.search"),
}
FORMS_DRIVE_OPS = ("drive.search",)  # forms are found through Drive's files.list (mimeType), under drive.readonly


def unit_keys(sources: Iterable[str], accounts: Iterable[str]) -> list[str]:
    on = set(sources)
    keys = [f"{kind}:{acct}" for acct in accounts for kind in PER_USER if kind in on]
    return keys + ([FORMS_KEY] if "forms" in on else [])


def is_source_key(key: str) -> bool:
    return key.split(":", 1)[0] in PER_USER + ("forms",)


def build_unit(clients: Any, settings: Any, subject: Any, matcher: Any, key: str, accounts: list[str], state: dict,
               save: Callable[[dict], None], emit: Callable[[list[dict]], None],
               progress: Callable[[str, int], None] = lambda kind, n: None):
    """The unit for ``key``; its ``run()`` searches, checkpointing through ``save``."""
    kind, account = key.split(":", 1)
    scopes = registry.scopes_for_operations(OPS.get(kind, ()))
    if kind == "calendar":
        return CalendarUnit(account, clients.api("calendar", account, scopes), calendar_queries(subject), matcher,
                            state, save, emit, progress)
    if kind == "contacts":
        return ContactsUnit(account, clients.api("people", account, scopes), matcher, state, save, emit, progress)
    if kind == "chat":
        admin = getattr(settings, "admin", None)
        lookup = None
        if admin:
            directory = clients.directory(admin, registry.scopes_for_operations(["directory.list_users"]))
            lookup = directory_lookup(directory)
        return ChatUnit(account, clients.api("chat", account, scopes), matcher, state, save, emit, progress,
                        sender_email=lookup)
    if kind == "forms":
        drive_scopes = registry.scopes_for_operations(FORMS_DRIVE_OPS)
        return FormsUnit(list(accounts), lambda a: clients.drive(a, drive_scopes),
                         lambda a: clients.api("forms", a, scopes), matcher, state, save, emit, progress)
    raise ConfigError(f"search unit {key!r}: the kind must be calendar, contacts, chat or forms")


def sources_searched(store: Any, ref: str, run_no: int = 0) -> tuple[str, ...] | None:
    """The sources the case's last search job covered, from its unit keys (None when it was never searched):
    what the access report and methodology record state, whatever the settings say now."""
    job = store.job(job_id(ref, run_no))
    if job is None:
        return None
    kinds = {k.split(":", 1)[0] for k in (job.get("state") or {}).get("units", {})}
    out = {"gmail", "drive", "sheets"}  # a Drive unit reads spreadsheets too; shared drives are Drive
    return tuple(s for s in ("gmail", "drive", "sheets", "calendar", "contacts", "chat", "forms")
                 if s in out or s in kinds)
