"""Which parts of Google Workspace a search covers, and what the DPO must do about the rest.

An Art. 15 answer must say honestly where the organisation looked. Gmail, Drive and Sheets are always
searched. Calendar, Contacts, Chat and Forms are searched when the organisation enables them (their scopes
are asked for only then): ``DSAR_SOURCES=calendar,contacts,chat,forms`` or ``sources = [...]`` in the
``DSAR_CONFIG`` file. Some places hold personal data that no API this product may use reaches; the
statement names each with what to do instead.

Pure: settings in, plain data out (:func:`coverage_statement`), for the access report, the methodology
record and ``dsar config check``.
"""
from __future__ import annotations

import os
from typing import Any, Iterable

from ..errors import ConfigError

CORE = ("gmail", "drive", "sheets")
OPTIONAL = ("calendar", "contacts", "chat", "forms")
ALL = CORE + OPTIONAL

LABELS = {
    "gmail": "Gmail (every mailbox, Spam and Trash included)",
    "drive": "Google Drive (My Drives and shared drives; Meet recordings and transcripts saved there)",
    "sheets": "Google Sheets (row by row)",
    "calendar": "Google Calendar (events on every calendar each user owns)",
    "contacts": "Google Contacts (each user's contacts and 'Other contacts')",
    "chat": "Google Chat (every space, group chat and direct message each user is in)",
    "forms": "Google Forms (responses to every form in the organisation's Drives)",
}

#: What to do when an optional source is switched off.
_OFF_ADVICE = {
    "calendar": "enable it (DSAR_SOURCES) and search again, or search Vault's CALENDAR corpus for the subject",
    "contacts": "enable it (DSAR_SOURCES) and search again; Vault does not cover Contacts, so otherwise ask each "
                "user to search contacts.google.com",
    "chat": "enable it (DSAR_SOURCES) and search again, or search Vault's HANGOUTS_CHAT corpus for the subject",
    "forms": "enable it (DSAR_SOURCES) and search again; Vault does not cover Forms responses, so otherwise ask "
             "each form owner to check the form's Responses tab",
}

#: Places no API available to this product reaches, each with what the DPO should do instead.
UNREACHABLE: tuple[dict[str, str], ...] = (
    {"source": "groups", "label": "Google Groups archives (group conversations)",
     "advice": "search Vault's GROUPS corpus for the subject and add what it finds by hand"},
    {"source": "sites", "label": "Google Sites pages",
     "advice": "search Vault's SITES corpus (new Sites are Drive files, which Drive search covers; classic Sites "
               "need Vault or a by-hand check)"},
    {"source": "voice", "label": "Google Voice (call logs, voicemail, texts)",
     "advice": "search Vault's VOICE corpus for the subject's numbers"},
    {"source": "meet", "label": "Google Meet beyond Drive (conference records, chat, Q&A and polls)",
     "advice": "recordings and transcripts in Drive are searched; Meet's own records expire after about 30 days: "
               "check the Meet audit log in the Admin console for meetings with the subject within that time"},
    {"source": "keep", "label": "Google Keep notes",
     "advice": "the Keep API needs an Enterprise licence and this product does not use it: search Vault's KEEP "
               "corpus, or ask users to search keep.google.com"},
)


def _parse(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        items = [v.strip().lower() for v in value.split(",")]
    elif isinstance(value, (list, tuple)):
        items = [str(v).strip().lower() for v in value]
    else:
        raise ConfigError(f"{where}: must be a list of source names ({', '.join(ALL)}), not {type(value).__name__}")
    items = [v for v in items if v]
    unknown = [v for v in items if v not in ALL]
    if unknown:
        raise ConfigError(f"{where}: unknown source {unknown[0]!r}; the sources are {', '.join(ALL)}")
    return items


def enabled_sources(settings: Any) -> tuple[str, ...]:
    """The sources searched: the core three always, plus the optional ones the organisation enabled."""
    raw = os.environ.get("DSAR_SOURCES")
    where = "DSAR_SOURCES"
    if raw is None:
        raw = (getattr(settings, "extra", None) or {}).get("sources")
        where = "sources (DSAR_CONFIG)"
    listed = _parse(raw, where) if raw is not None else []
    return CORE + tuple(s for s in OPTIONAL if s in listed)


def optional_enabled(settings: Any) -> tuple[str, ...]:
    return tuple(s for s in enabled_sources(settings) if s in OPTIONAL)


def coverage_statement(settings: Any, searched: Iterable[str] | None = None) -> list[dict[str, str]]:
    """One entry per place personal data may be: ``{"source", "label", "status": "searched"|"off"|
    "unreachable", "advice"}``. ``searched`` overrides the settings with what a job actually searched."""
    on = set(enabled_sources(settings) if searched is None else searched) | set(CORE)
    out = []
    for s in ALL:
        if s in on:
            out.append({"source": s, "label": LABELS[s], "status": "searched", "advice": ""})
        else:
            out.append({"source": s, "label": LABELS[s], "status": "off", "advice": _OFF_ADVICE[s]})
    out += [{**u, "status": "unreachable"} for u in UNREACHABLE]
    return out


def coverage_lines(statement: Iterable[dict[str, str]]) -> list[str]:
    """The statement as short lines for the terminal (``dsar config check``)."""
    words = {"searched": "searched", "off": "switched off", "unreachable": "no API reaches it"}
    return [f"{e['label']}: {words[e['status']]}" + (f" — {e['advice']}" if e["advice"] else "") for e in statement]


#: what one search unit of each source covers, as the progress line counts them ("3/12 mailboxes and Drives")
_UNIT_WORDS = {"gmail": "mailboxes", "drive": "Drives", "shared": "Drives", "calendar": "calendars",
               "contacts": "contact lists", "chat": "Chat spaces", "forms": "forms"}


def units_phrase(sources: Iterable[str]) -> str:
    """The units of a search in words, from the sources (or unit keys, ``calendar:a@x``) it covers:
    ``mailboxes and Drives``, or ``mailboxes, Drives, calendars and Chat spaces`` when those are on."""
    kinds = {s.split(":", 1)[0] for s in sources}
    words = list(dict.fromkeys(w for k, w in _UNIT_WORDS.items() if k in kinds)) or ["mailboxes", "Drives"]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
