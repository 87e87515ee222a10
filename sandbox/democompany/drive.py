"""Drive files as they sit in a Takeout-style folder, and the documents that mention a data subject.

On disk a file keeps its extension; in Drive, files converted on upload (.txt .md .html -> Google Doc,
.csv .xlsx -> Google Sheet) are named without it (:func:`drive_name`), and that name is what expected.json
lists. Sub-folders become Drive folders, so a file's Drive path is its path under ``Drive/`` minus the
converted extension.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from . import documents
from .expected import Ledger
from .people import AISHA, COMPANY, DANIEL, DPO, ELLIE, IT, TOM
from .subjects import BOBBY, JANE, PRIYA, SIOBHAN, ZOE, Subject, written

CONVERTED = frozenset({".txt", ".md", ".html", ".csv", ".xlsx"})
#: The shared drive with subject data: its members (``drive.json``), organiser first.
CS_DRIVE = "Customer Service"
CS_MEMBERS = {AISHA.email: "organizer", ELLIE.email: "writer", DANIEL.email: "reader"}


@dataclass(frozen=True)
class DriveFile:
    owner: str  # account email, or the shared drive's name when ``shared``
    path: str  # POSIX path under the Drive root, with the file's real extension
    data: bytes
    when: dt.datetime
    shared: bool = False

    @property
    def drive_path(self) -> str:
        return drive_name(self.path)


def drive_name(path: str) -> str:
    """The path as Drive shows it: the converted extension dropped from the last component."""
    p = PurePosixPath(path)
    return str(p.with_suffix("")) if p.suffix.lower() in CONVERTED else str(p)


def disk_path(root: Path, f: DriveFile) -> Path:
    base = root / "_shared_drives" / f.owner if f.shared else root / f.owner / "Drive"
    return base.joinpath(*PurePosixPath(f.path).parts)


def write_files(root: Path, files: list[DriveFile]) -> None:
    seen: set[Path] = set()
    for f in files:
        target = disk_path(root, f)
        if target in seen:
            raise ValueError(f"two fixture files at {target}")  # a generator bug, not bad input
        seen.add(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(f.data)
        stamp = f.when.replace(tzinfo=dt.timezone.utc).timestamp()
        os.utime(target, (stamp, stamp))


class DrivePlanter:
    """Documents that mention a subject (hits) or only a look-alike (decoys)."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.files: list[DriveFile] = []

    def _add(self, owner: str, path: str, text: str | bytes, when: dt.datetime, shared: bool = False) -> DriveFile:
        f = DriveFile(owner, path, text.encode("utf-8") if isinstance(text, str) else text, when, shared)
        self.files.append(f)
        return f

    def hit(self, s: Subject, owner: str, path: str, text: str | bytes, when: dt.datetime, how: str, evidence: str,
            shared: str | None = None) -> None:
        """``shared``: the shared drive's name (``owner`` is then the member whose search finds it)."""
        f = self._add(shared or owner, path, text, when, bool(shared))
        self.ledger.drive(s, owner, f.drive_path, how, evidence, drive=shared)

    def decoy(self, s: Subject, owner: str, path: str, text: str | bytes, when: dt.datetime, what: str, evidence: str,
              shared: str | None = None) -> None:
        f = self._add(shared or owner, path, text, when, bool(shared))
        self.ledger.decoy(s, what, evidence, {"source": "drive", "account": owner, "path": f.drive_path,
                                              **({"drive": shared} if shared else {})})

    def all(self) -> list[DriveFile]:
        t = dt.datetime
        j, z, si, b, p = JANE, ZOE, SIOBHAN, BOBBY, PRIYA
        # Jane Doe
        self.hit(j, ELLIE.email, "Call notes/2025/Jane Doe - 2025-06-02.txt",
                 "Call notes \u2013 2 June 2025\nCaller: Jane Doe\nClient: Hargreaves Plumbing & Heating\n"
                 "Wants the boiler callback after 2pm Friday; works mornings.\n", t(2025, 6, 2, 9, 30),
                 "file name and content", "Jane Doe")
        self.hit(j, AISHA.email, "Operations/Call transcripts/Transcript 2025-06-02 0914.txt",
                 transcript("Hargreaves Plumbing & Heating", "Ellie", [
                     "Hi, it's Jane Doe, I'm ringing about my boiler, nobody called me back.",
                     f"My number is {written(j.phones[0], 'national')}."]), t(2025, 6, 2, 9, 20),
                 "call transcript: name and phone in the caller's words", "Jane Doe")
        self.hit(j, TOM.email, "Complaints/2025/Hargreaves - missed callback.md",
                 f"# Complaint: missed callback\n\n**Customer:** {j.identifiers[0]}\n**Client:** Hargreaves\n\n"
                 "Callback promised for Friday was not made. Refunded call-out fee.\n", t(2025, 6, 12, 10, 0),
                 "Markdown note, customer number only", j.identifiers[0])
        self.hit(j, IT.email, "IT/Logs/phone-system-2025-06.log",
                 "2025-06-11T14:02:11Z INFO inbound CLI=447700900123 DDI=01134960000 result=NO_ANSWER\n"
                 "2025-06-11T14:05:40Z INFO inbound CLI=01614960777 DDI=01134960000 result=ANSWERED\n",
                 t(2025, 6, 30, 23, 0), "a non-converted .log file (keeps its extension); phone as 447700900123",
                 written(j.phones[0], "digits"))
        # inside binary files: a Word document in the customer-service shared drive, a PDF in a My Drive
        self.hit(j, AISHA.email, "Escalations/Escalation log 2025-06.docx",
                 documents.docx("Escalation log – June 2025", [
                     "Hargreaves Plumbing & Heating: boiler callback missed for Jane Doe; refund of call-out fee agreed.",
                     "Swale Electrical: rewire quote delayed by a week."]), t(2025, 6, 13, 16, 0),
                 "a .docx in a shared drive (organiser Aisha)", "Jane Doe", shared=CS_DRIVE)
        self.decoy(j, AISHA.email, "Escalations/Escalation log 2025-05.docx",
                   documents.docx("Escalation log – May 2025", [
                       "Hargreaves Plumbing & Heating: Jane Smith disputes an invoice; credit note issued."]),
                   t(2025, 5, 30, 16, 0), "same first name only (Jane Smith), in the shared drive", "Jane Smith",
                   shared=CS_DRIVE)
        self.hit(j, TOM.email, "Finance/Refunds/Refund confirmation 2025-06-14.pdf",
                 documents.pdf(["Northwind Call Handling Ltd", "Refund confirmation", f"Customer: {j.identifiers[0]}",
                                "Amount: GBP 65.00 (call-out fee)"]), t(2025, 6, 14, 9, 0),
                 "a PDF (text inside it), customer number only", j.identifiers[0])
        self.decoy(j, ELLIE.email, "Call notes/2025/Jane Smith - 2025-06-06.txt",
                   "Call notes \u2013 6 June 2025\nCaller: Jane Smith\nClient: Hargreaves\nInvoice query.\n",
                   t(2025, 6, 6, 10, 40), "same first name only: Jane Smith", "Jane Smith")
        self.decoy(j, AISHA.email, "Operations/Call transcripts/Transcript 2025-06-06 1102.txt",
                   transcript("Hargreaves Plumbing & Heating", "Daniel", [
                       f"Peter Doe here, customer number {j.decoy_identifiers[0]}.",
                       f"Call me on {written(j.decoy_phones[0], 'national')}."]),
                   t(2025, 6, 6, 11, 10), "surname only (Peter Doe), customer number and phone one digit off",
                   "Peter Doe")
        # Zoë Ashworth-Brown
        self.hit(z, DPO.email, "Data protection/Letters/Letter to Z Ashworth-Brown.html",
                 letter("Ms Zo&euml; Ashworth-Brown", "Dear Ms Ashworth-Brown",
                         "Thank you for your call about the duplicate invoice. We have refunded the second payment."),
                 t(2025, 4, 10, 12, 0), "HTML letter, diacritic as an HTML entity; file name has the surname only",
                 "Zoë Ashworth-Brown")
        self.hit(z, DANIEL.email, "Call notes/Ashworth-Brown, Zo\u00eb.md",
                 f"# Call notes\n\n- 11/03/2025: moved Bramble's booster to Monday 10:40\n"
                 f"- mobile {written(z.phones[1], 'compact')}, landline out of order\n", t(2025, 3, 11, 10, 20),
                 "file name surname first ('Ashworth-Brown, Zoë'); content has the mobile only", "Ashworth-Brown, Zoë")
        self.decoy(z, DANIEL.email, "Call notes/Liam Ashworth-Brown.md",
                   "# Call notes\n\n- 02/05/2025: collecting the dog for the family\n", t(2025, 5, 2, 10, 5),
                   "same surname only: Liam Ashworth-Brown", "Liam Ashworth-Brown")
        # Siobhán O'Connor
        folder = "Data protection/Requests/2025-02 O'Connor SAR"
        self.hit(si, DPO.email, f"{folder}/Disclosure notes.md",
                 f"# Subject access request\n\n- Requester: {si.name}\n- Received: 03/02/2025\n- Due: 03/03/2025\n"
                 "- ID checked: yes (driving licence)\n", t(2025, 2, 5, 9, 0),
                 "Markdown note in a folder whose name has an apostrophe", si.name)
        self.hit(si, DPO.email, f"{folder}/Search log.txt",
                 f"Searched mail, Drive and the CRM for {si.identifiers[0]} and {written(si.phones[0], 'intl')}.\n"
                 "Found 14 items; 2 withheld (third-party data).\n", t(2025, 2, 20, 15, 0),
                 "customer number and phone only", si.identifiers[0])
        self.hit(si, AISHA.email, "Operations/Call transcripts/Transcript 2025-01-28 1130.txt",
                 transcript("Pennine Lettings", "Daniel", [
                     "The boiler in flat 3 is broken again.",
                     f"You can call me back on {written(si.phones[0], 'national')}."]),
                 t(2025, 1, 28, 11, 40), "call transcript, landline only", written(si.phones[0], "national"))
        self.decoy(si, AISHA.email, "Operations/Call transcripts/Transcript 2025-03-07 0903.txt",
                   transcript("Pennine Lettings", "Ellie", ["It's Declan O'Connor, I need a locksmith."]),
                   t(2025, 3, 7, 9, 10), "same surname only: Declan O'Connor", "Declan O'Connor")
        # Robert "Bobby" Tables
        self.hit(b, ELLIE.email, "Call notes/2025/Call 2025-09-12 1402.txt",
                 f"Call notes \u2013 12 September 2025\nCaller: {b.name}\nClient: Swale Electrical\n"
                 "Rewire quote: wants a call back before the 20th.\n", t(2025, 9, 12, 14, 10),
                 "content only, the name with its double quotes", b.name)
        self.decoy(b, TOM.email, "Events/Christmas do 2025.md",
                   "# Christmas do 2025\n\nRobert at the Fox has booked the tables for Friday 19 December.\n",
                   t(2025, 11, 20, 12, 5), "both words of the name, but not the name", "booked the tables")
        # Priya Patel
        self.hit(p, TOM.email, "HR/Leavers/Priya Patel - exit interview.md",
                 f"# Exit interview\n\n**Employee:** {p.name} ({p.identifiers[0]})\n**Last day:** 21/11/2025\n\n"
                 "Reason for leaving: better hours elsewhere. Would re-employ: yes.\n", t(2025, 11, 21, 15, 0),
                 "file name and content", p.name)
        self.hit(p, TOM.email, f"HR/Leavers/Leaver checklist {p.identifiers[0]}.txt",
                 "Laptop returned: yes\nBadge returned: yes\nFinal pay: December payroll\n", t(2025, 12, 1, 9, 0),
                 "employee number in the file name only", p.identifiers[0])
        self.hit(p, IT.email, "IT/Accounts/Deprovisioning log.txt",
                 f"2026-02-02 {p.emails[1]} \u2013 mailbox archived, account suspended (Gareth)\n"
                 f"2025-07-14 old-scanner@{'northwind-calls.test'} \u2013 removed\n", t(2026, 2, 2, 13, 0),
                 "the subject's former work address", p.emails[1])
        self.decoy(p, TOM.email, "HR/Probation/Priya Shah - probation review.md",
                   "# Probation review\n\n**Employee:** Priya Shah (EMP-0194)\n\nPassed.\n", t(2025, 10, 1, 9, 30),
                   "same first name only (Priya Shah); employee number one digit off", "Priya Shah")
        return self.files


def transcript(client: str, agent: str, caller_lines: list[str]) -> str:
    out = [f"Transcript \u2013 {client}", "",
           f"[00:00:02] Agent ({agent}): Good morning, {client}, how can I help?"]
    for i, line in enumerate(caller_lines):
        out.append(f"[00:00:{10 + 12 * i:02d}] Caller: {line}")
        out.append(f"[00:00:{16 + 12 * i:02d}] Agent ({agent}): Thank you.")
    out.append(f"[00:01:05] Agent ({agent}): I'll pass that on now. Goodbye.")
    return "\n".join(out) + "\n"


def letter(to_html: str, salutation: str, body: str) -> str:
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Letter</title></head><body>\n"
            f"<p><strong>{COMPANY}</strong><br>Unit 4, Kirkstall Forge, Leeds LS5 3BF</p>\n"
            f"<p>{to_html}<br>\n14 Beck Side<br>\nLeeds LS16 5JA</p>\n<p>{salutation},</p>\n<p>{body}</p>\n"
            "<p>Yours sincerely,</p><p>Harriet Lowe<br>Data Protection Officer</p>\n</body></html>\n")
