"""Cards for what the user has open: the sender of a Gmail message (search them as a data subject) and
the files selected in Drive (check them against an open case's subject)."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from ...cases.model import Case
from .links import Links
from .widgets import Card, button, buttons, card, decorated, dropdown, note, on_action, section

MAX_FILES = 20
TYPE_NAMES = {"access": "subject access", "erasure": "erasure", "rectification": "rectification",
              "restriction": "restriction", "objection": "objection", "marketing_optout": "marketing opt-out"}
_GOOGLE = "application/vnd.google-apps."
_OOXML = "application/vnd.openxmlformats-officedocument."
#: MIME type -> what a person calls it (Drive's own names where it has them).
FILE_KINDS = {
    _GOOGLE + "document": "Google Doc", _GOOGLE + "spreadsheet": "Google Sheet",
    _GOOGLE + "presentation": "Google Slides", _GOOGLE + "form": "Google Form",
    _GOOGLE + "drawing": "Google Drawing", _GOOGLE + "folder": "Folder", _GOOGLE + "shortcut": "Shortcut",
    _GOOGLE + "site": "Google Site", _GOOGLE + "jam": "Jamboard", _GOOGLE + "script": "Apps Script",
    "application/pdf": "PDF",
    "application/msword": "Word document", _OOXML + "wordprocessingml.document": "Word document",
    "application/vnd.ms-excel": "Excel spreadsheet", _OOXML + "spreadsheetml.sheet": "Excel spreadsheet",
    "application/vnd.ms-powerpoint": "PowerPoint", _OOXML + "presentationml.presentation": "PowerPoint",
    "application/vnd.oasis.opendocument.text": "OpenDocument text",
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument spreadsheet",
    "application/rtf": "Rich text", "text/rtf": "Rich text",
    "text/plain": "Text file", "text/csv": "CSV spreadsheet", "text/tab-separated-values": "TSV spreadsheet",
    "text/html": "Web page", "text/markdown": "Markdown", "application/json": "JSON",
    "message/rfc822": "Email (.eml)", "application/zip": "ZIP archive",
}
_FAMILIES = {"image": "Image", "audio": "Audio", "video": "Video", "text": "Text file"}


def file_kind(mime: str | None) -> str:
    """What to call a file of this MIME type ("Google Doc", "PDF", "Image (PNG)"); "File" when unknown."""
    mime = (mime or "").split(";", 1)[0].strip().lower()
    if mime in FILE_KINDS:
        return FILE_KINDS[mime]
    family, _, sub = mime.partition("/")
    if family in _FAMILIES:
        sub = sub.removeprefix("x-").split("+", 1)[0]
        return f"{_FAMILIES[family]} ({sub.upper()})" if sub and len(sub) <= 5 else _FAMILIES[family]
    if mime.startswith(_GOOGLE):
        return "Google " + mime.removeprefix(_GOOGLE).replace("-", " ").capitalize()
    return "File"


def default_case(cases: Sequence[Case], user: str | None = None) -> Case | None:
    """The case to pre-select: the one ``user`` last worked on (opened or moved on), else the newest."""
    if not cases:
        return None
    me = (user or "").lower()

    def mine(c: Case) -> str:
        times = [h.get("at") or "" for h in c.history if (h.get("actor") or "").lower() == me]
        if (c.created_by or "").lower() == me:
            times.append(c.created_at or "")
        return max(times, default="")

    worked = max(cases, key=mine) if me else None
    if worked is not None and mine(worked):
        return worked
    return max(cases, key=lambda c: (c.received, c.created_at or "", c.ref))


@dataclass(frozen=True)
class Sender:
    name: str
    email: str
    subject: str = ""  # the open message's subject line, to pre-select the request's type
    received: dt.date | None = None  # the message's day (UK), the request's day of receipt


@dataclass(frozen=True)
class FileVerdict:
    title: str
    verdict: str  # "match", "no match", "not checked"
    detail: str = ""


def gmail_sender_card(links: Links, sender: Sender | None, known: Sequence[Case]) -> Card:
    if sender is None:
        return card("Search this sender as a data subject",
                    [section([note("This message has no readable sender address.")])], name="gmail")
    from ...intake.classify import classify

    widgets: list[dict[str, Any]] = [decorated(sender.email, top=sender.name or "Sender", icon="person")]
    params = {"name": sender.name, "email": sender.email}
    if sender.received:
        params["received"] = sender.received.isoformat()
    proposal = classify(sender.email, sender.subject, "")  # the subject line only: the body is not read here
    if proposal and proposal.case_type:
        params["type"] = proposal.case_type
        widgets.append(note(f"Reads as: {TYPE_NAMES.get(proposal.case_type, proposal.case_type)} "
                            f"({'; '.join(proposal.rules)}). Check before opening."))
    widgets.append(buttons(button("Open a request from this email", on_action(links.url("case_form"), params),
                                  filled=True, icon="person_search")))
    rows = [decorated(c.ref, top="Already a subject in", bottom=f"{c.type} · {c.status}",
                      on_click=on_action(links.url("case_show"), {"ref": c.ref})) for c in known]
    return card("Search this sender as a data subject",
                [section(widgets), section(rows, "Existing requests")],
                subtitle="From the open message", name="gmail")


def drive_selection_card(links: Links, selected: Sequence[dict[str, Any]], cases: Iterable[Case],
                         user: str | None = None) -> Card:
    """The selected files and a request to check them against, pre-selecting :func:`default_case`."""
    files = list(selected)[:MAX_FILES]
    rows = [decorated(f.get("title") or f.get("id", ""), top=file_kind(f.get("mimeType")), icon="description")
            for f in files]
    if len(selected) > MAX_FILES:
        rows.append(note(f"Only the first {MAX_FILES} selected files are checked."))
    searchable = sorted((c for c in cases if c.subject is not None), key=lambda c: (c.received, c.ref), reverse=True)
    chosen = default_case(searchable, user)
    options = [(f"{c.ref} · {c.subject.display_name}", c.ref) for c in searchable]
    if not files:
        check = [note("Select files in Drive to check them against a request's subject.")]
    elif not options:
        check = [note("No request is being searched or reviewed; start a case's search first.")]
    else:
        ids = json.dumps([f["id"] for f in files], separators=(",", ":"))
        check = [dropdown("case", "Request", options, chosen.ref if chosen else options[0][1]),
                 buttons(button("Check these files", on_action(links.url("drive_check"), {"files": ids}),
                                filled=True, icon="fact_check"))]
    return card("Check selected files", [section(rows, f"Selected ({len(selected)})"), section(check)],
                subtitle="Does the subject of a request appear in them?", name="drive")


def drive_check_card(links: Links, case: Case, verdicts: Sequence[FileVerdict]) -> Card:
    icons = {"match": "check_circle", "no match": "radio_button_unchecked"}
    rows = [decorated(v.title, top=v.verdict.upper() if v.verdict == "match" else v.verdict,
                      bottom=v.detail or None, icon=icons.get(v.verdict, "help")) for v in verdicts]
    matched = sum(1 for v in verdicts if v.verdict == "match")
    return card(f"{matched} of {len(verdicts)} files mention the subject", [
        section(rows, case.ref),
        section([note("A match here is not added to the case's results: run the case's search to record it."),
                 buttons(button("Case", on_action(links.url("case_show"), {"ref": case.ref}), icon="folder_open"))]),
    ], subtitle=case.subject.display_name if case.subject else case.ref, name="drive_check")
