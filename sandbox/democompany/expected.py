"""The ground truth: where each subject's data was planted, and where the look-alikes are.

Planting code records every hit and decoy here as it writes it, so expected.json cannot drift from the files.
Each entry carries ``how`` (the form the data takes there) and ``evidence`` (the exact text as a reader sees
it after decoding), which the tests use to check the entry against the written file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .subjects import SUBJECTS, Subject

NOTES = [
    "Drive and sheet paths are relative to the owner's My Drive root, joined with '/'.",
    "Files that Drive converts on upload (.txt .md .html -> Google Doc, .csv .xlsx -> Google Sheet) are named "
    "WITHOUT their extension, as Drive names a converted upload; other files keep their full name.",
    "A spreadsheet's matches are listed under 'sheets' (one entry per matching row, 1-based as the sheet shows "
    "it, header = row 1), never under 'drive'. A .csv becomes one tab named after the file's stem.",
    "A message delivered to several mailboxes (sender's Sent, recipients' Inbox) is listed once per mailbox, "
    "with the same rfc822_message_id; counts.messages counts these copies.",
    "Mail in Trash and Spam is listed: it is still the subject's data and a DSAR search must include it.",
    "Shared drives are under _shared_drives/<name>/ (members in its drive.json). 'Company Handbook' holds no "
    "subject data; 'Customer Service' holds one hit and one decoy: their 'path' is relative to the shared "
    "drive's root, 'drive' names it, and 'account' is its organiser (the member whose search reports it).",
    "Decoys are people or strings that differ from a subject in one way (first name only, surname only, one "
    "character off, a name split over two rows); an item that only holds decoys must not be reported.",
    "'evidence' is the text exactly as it reads once decoded (MIME, HTML entities and tags removed).",
]


@dataclass
class Ledger:
    hits: dict[str, dict[str, list[dict[str, Any]]]] = field(
        default_factory=lambda: {s.key: {"gmail": [], "drive": [], "sheets": []} for s in SUBJECTS})
    decoys: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {s.key: [] for s in SUBJECTS})

    def gmail(self, subject: Subject, account: str, msgid: str, how: str, evidence: str) -> None:
        self.hits[subject.key]["gmail"].append(
            {"account": account, "rfc822_message_id": msgid, "how": how, "evidence": evidence})

    def drive(self, subject: Subject, account: str, path: str, how: str, evidence: str,
              drive: str | None = None) -> None:
        """``drive``: the shared drive's name for a file in one (``account`` is its organiser)."""
        self.hits[subject.key]["drive"].append({"account": account, "path": path, "how": how, "evidence": evidence,
                                                **({"drive": drive} if drive else {})})

    def sheet(self, subject: Subject, account: str, path: str, tab: str, row: int, how: str, evidence: str) -> None:
        self.hits[subject.key]["sheets"].append(
            {"account": account, "path": path, "sheet": tab, "row": row, "how": how, "evidence": evidence})

    def decoy(self, subject: Subject, what: str, evidence: str, where: dict[str, Any]) -> None:
        """``where`` is shaped like an expected item: {"source": "gmail", "account", "rfc822_message_id"} etc."""
        self.decoys[subject.key].append({"what": what, "evidence": evidence, **where})

    def to_json(self, domain: str, counts: dict[str, Any], broken: list[dict[str, str]]) -> dict[str, Any]:
        subjects = []
        for s in SUBJECTS:
            entry: dict[str, Any] = {
                "key": s.key, "names": list(s.names), "emails": list(s.emails), "phones": list(s.phones),
                "identifiers": list(s.identifiers), "description": s.description,
                "expected": {k: _sorted(v) for k, v in self.hits[s.key].items()},
                "decoys": self.decoys[s.key],
            }
            if s.hostile:
                entry["hostile"] = s.hostile
            subjects.append(entry)
        return {"domain": domain, "notes": NOTES, "subjects": subjects, "broken_files": broken, "counts": counts}


def _sorted(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(items, key=lambda i: (i["account"], i.get("rfc822_message_id", ""), i.get("path", ""),
                                        i.get("sheet", ""), i.get("row", 0)))
