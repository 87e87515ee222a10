"""Building the subject access package: a ZIP with the subject's messages (.eml), files, sheet rows
(CSV), ``index.csv``, ``manifest.json`` and ``report.html``; optionally AES-256 encrypted.

Each item is fetched into a temporary file, hashed on the way, added to the ZIP and deleted, so memory
holds one download chunk at a time and the disk one item. The ZIP is written as ``*.partial`` and renamed
only when complete: an interrupted export never leaves something that looks like a finished package.
Every Google call is made under an ``export`` purpose for the case, so the audit trail shows who copied what.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import shutil
import string
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pyzipper
from googleapiclient.errors import HttpError

from audit.context import Purpose, acting
from scopes.registry import scopes_for_operations

from ..errors import ConfigError, Conflict, DsarError
from ..roles import require
from ..subjects.matching import Matcher
from .manifest import INDEX, MANIFEST, index_csv, manifest_json
from .report import SANDBOX_DEMO, load_art15, render_report
from .sources import ExportError, Staged, Stager, fetch_file, fetch_message, fetch_rows, group_rows
from .workspace import export_workspace
from ..search.coverage import coverage_statement
from ..search.sources import sources_searched
from ..review.disclosure import follow_review
from ..review.report import package_methodology, review_context
from .redacted import SCHEDULE, RedactingStager, open_redactor

#: Checked here (export 13a): 7-Zip 26.02 ``7zz x`` and libarchive 3.6.2 ``bsdtar -x --passphrase`` open the AES-256
#: ZIP; Info-ZIP ``unzip`` 6.0 does not ("unsupported compression method 99"). Sent beside every encrypted package.
HOW_TO_OPEN = """\
How to open {name}

It is a ZIP file encrypted with AES-256 (the WinZip AES format). You need the password, which we send
separately. These open it (checked by us): 7-Zip (Windows; "7zz x {name}" on Linux/macOS) and bsdtar /
libarchive ("bsdtar -xf {name} --passphrase PASSWORD"; libarchive is also the "tar" command of macOS and
Windows 10/11). The "unzip" command found on Linux does NOT open it (it reports "unsupported compression
method 99"): use one of the above.

If you cannot open it, reply and we will send the package another way.
"""
EXPORTABLE = ("review", "responded")  # scopes.model.EXPORT_STATUSES: the guard allows no other
LEGAL_BASIS = "UK GDPR Art. 6(1)(c) legal obligation: Art. 15(3) copy of the personal data"


@dataclass
class PackageResult:
    ref: str
    path: Path
    sha256: str
    files: int
    counts: dict[str, int]
    excluded: list[dict]
    password: str | None = None
    how_to_open: Path | None = None  # beside an encrypted ZIP: which tools open it, to send with it
    review: dict | None = None  # the review's counts (addon/review/disclosure.py): found, included, excluded...
    redactions: int = 0  # other people's data hidden in the copies (addon/redaction; redactions.csv lists them)

    def public(self) -> dict:
        return {"ref": self.ref, "path": str(self.path), "sha256": self.sha256, "files": self.files,
                "counts": self.counts, "excluded": self.excluded, "encrypted": self.password is not None,
                "review": self.review, "redactions": self.redactions,
                **({"password": self.password, "how_to_open": str(self.how_to_open)} if self.password else {})}


#: Letters and digits a person can read out or type: no "-" to be taken for an option (``unzip -P -x…``,
#: ``7z -p``), no "_", and none of 0/O, 1/l/I to be mistaken for one another.
PASSWORD_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")


def package_password(length: int = 25) -> str:
    """About 145 bits, sent to the requester apart from the package."""
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))


def exports_dir(home: Path, ref: str) -> Path:
    return Path(home) / "exports" / ref


def export_log(home: Path, ref: str) -> list[dict]:
    """Packages made for ``ref`` (kept in the data folder whatever ``--out`` was)."""
    path = exports_dir(home, ref) / "exports.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _log_export(home: Path, ref: str, entry: dict) -> None:
    d = exports_dir(home, ref)
    d.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(d / "exports.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry) + "\n")


class _Zip:
    """A ZIP written member by member from files on disk, plain or AES-256."""

    def __init__(self, path: Path, password: str | None) -> None:
        self.encrypted = bool(password)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(fd)
        if password:
            self.zf: zipfile.ZipFile = pyzipper.AESZipFile(path, "w", compression=zipfile.ZIP_DEFLATED,
                                                           encryption=pyzipper.WZ_AES)
            self.zf.setpassword(password.encode("utf-8"))
            self.zf.setencryption(pyzipper.WZ_AES, nbits=256)
        else:
            self.zf = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)

    def add_file(self, src: Path, arcname: str) -> None:
        self.zf.write(src, arcname)

    def add_bytes(self, data: bytes, arcname: str) -> None:
        self.zf.writestr(arcname, data, compress_type=zipfile.ZIP_DEFLATED)

    def close(self) -> None:
        self.zf.close()


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            h.update(chunk)
    return h.hexdigest()


def build_package(services, ref: str, actor: str, *, out_dir: Path | None = None, encrypt: bool = False,
                  on_item: Callable[[str], None] = lambda what: None,
                  include_undecided: bool = False, redact: bool = True) -> PackageResult:
    require(actor, services.settings, "staff", "dpo", action="exporting a subject access package")
    case = services.store.get(ref)
    ref = case.ref
    if case.type != "access":
        raise Conflict(f"REF: {ref} is an erasure request; an access package is made for access requests")
    if case.status not in EXPORTABLE:
        raise Conflict(f"REF: {ref} is {case.status}; export once the search results are in review "
                       f"('dsar search {ref}' moves it there)")
    if case.subject is None:
        raise ConfigError(f"case: {ref}'s identifiers were shredded; nothing can be exported")
    items = services.store.results(ref)
    art15, art15_source = load_art15(services.settings)
    # the package follows the review (addon/review): included things only, each once; refused while undecided
    review = follow_review(services, case, items, actor, include_undecided=include_undecided)
    items = review.items
    out_dir = Path(out_dir) if out_dir else exports_dir(services.settings.home, ref)
    out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = dt.datetime.now(dt.timezone.utc)
    final = out_dir / f"{ref}-access-{stamp:%Y%m%dT%H%M%SZ}.zip"
    partial = final.with_suffix(".zip.partial")
    password = package_password() if encrypt else None
    purpose = Purpose(actor=actor, step="export", case=ref, case_status=case.status, legal_basis=LEGAL_BASIS,
                      purpose=f"Subject access request {ref}: copy of the subject's personal data for the subject")
    work = Path(tempfile.mkdtemp(prefix=".dsar-export-", dir=out_dir))
    archive = _Zip(partial, password)
    done = False
    try:
        with acting(purpose):
            # other people's data: redacted copies where it shows (addon/export/redacted.py); originals untouched
            redactor = open_redactor(services, case, items) if redact else None
            entries, excluded, rows = _fill(services, case, items, RedactingStager(work, redactor), archive, on_item)
        review.redacted = len(redactor.schedule) if redactor else 0
        counts = dict(Counter(e["source"] for e in entries))
        _finish(services, case, archive, entries, excluded, rows, (art15, art15_source), stamp, actor, review,
                redactor)
        archive.close()
        os.replace(partial, final)
        done = True
    except HttpError as e:
        raise ExportError(f"export: Google refused a request for {ref} ({e.resp.status}: {e.reason or e}); nothing "
                          f"was written; run 'dsar export {ref}' again") from e
    finally:
        if not done:
            try:
                archive.close()
            finally:
                partial.unlink(missing_ok=True)
        shutil.rmtree(work, ignore_errors=True)
    digest = _sha256_file(final)
    files = len(entries)
    note = None
    if password:
        note = final.with_name(final.stem + ".how-to-open.txt")
        note.write_text(HOW_TO_OPEN.format(name=final.name), encoding="utf-8")
    _log_export(services.settings.home, ref, {"at": stamp.isoformat(timespec="seconds"), "actor": actor,
                                              "path": str(final), "sha256": digest, "encrypted": bool(password),
                                              "files": files, "include_undecided": review.include_undecided})
    return PackageResult(ref, final, digest, files, counts, excluded, password, note,
                         {**review.counts, "include_undecided": review.include_undecided, "withheld": review.withheld},
                         review.redacted)


def _fill(services, case, items, stager: Stager, archive: _Zip, on_item
          ) -> tuple[list[dict], list[dict], dict[str, list[dict]]]:
    """Fetch every item into the ZIP, one at a time: (index entries, items left out, rows for the report)."""
    entries: list[dict] = []
    excluded: list[dict] = []
    rows: dict[str, list[dict]] = {"messages": [], "files": [], "sheets": []}

    def add(staged: Staged) -> None:
        archive.add_file(staged.path, staged.arcname)
        staged.path.unlink(missing_ok=True)
        entries.append({"path": staged.arcname, "source": staged.source, "account": staged.account,
                        "item_id": staged.item_id, "sha256": staged.sha256, "bytes": staged.size,
                        "description": _describe(staged)})
        on_item(staged.arcname)

    _export_gmail(services, items, stager, add, excluded, rows)
    _export_drive(services, items, stager, add, excluded, rows)
    _export_sheets(services, case, items, stager, add, excluded, rows)
    export_workspace(services, items, stager, add, excluded, rows)  # Calendar, Contacts, Chat, Forms
    return entries, excluded, rows


def _finish(services, case, archive: _Zip, entries: list[dict], excluded: list[dict], rows: dict[str, list[dict]],
            art15: tuple[dict, str], stamp: dt.datetime, actor: str, review=None, redactor=None) -> None:
    """index.csv, report.html, methodology.json and last the manifest (which lists the others as well)."""
    (info, art15_source) = art15
    index = index_csv(entries)
    context = _report_context(case, info, rows, excluded, stamp, actor, len(entries) + 4 + (redactor is not None))
    context["redactions"] = redactor.report() if redactor is not None else None
    context["demo_template"] = art15_source == SANDBOX_DEMO
    context["encrypted"] = archive.encrypted
    context["coverage"] = coverage_statement(services.settings, sources_searched(services.store, case.ref))
    context.update({k: rows.get(k, []) for k in ("events", "contacts", "chat", "forms")})
    method = package_methodology(services, case, review, stamp, actor)
    context.update(review_context(review, method))
    report = render_report(context).encode("utf-8")
    for name, data, desc in ((INDEX, index, "list of the files in this package"),
                             ("report.html", report, "cover report: what was found, where, and Art. 15 information"),
                             ("methodology.json", json.dumps(method, indent=2).encode("utf-8"),
                              "how the search was done: sources, identifier kinds, counts, who ran each step")):
        archive.add_bytes(data, name)
        entries.append({"path": name, "source": "package", "account": "", "item_id": "",
                        "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), "description": desc})
    if redactor is not None:  # the redaction schedule: item, kind, exemption code; never the hidden text
        data = redactor.schedule_bytes()
        archive.add_bytes(data, SCHEDULE)
        entries.append({"path": SCHEDULE, "source": "package", "account": "", "item_id": "",
                        "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
                        "description": "redaction schedule: each place other people's data is hidden, by kind"})
    case_info = {"case": case.ref, "case_type": case.type, "created_at": stamp.isoformat(timespec="seconds"),
                 "created_by": actor, "art15_template": art15_source,
                 "redactions": len(redactor.schedule) if redactor is not None else "off"}
    archive.add_bytes(manifest_json(case_info, entries, excluded, _audit_anchor(services, actor)), MANIFEST)


def _describe(s: Staged) -> str:
    d = s.detail
    if s.source == "gmail":
        return f"email: {d.get('subject', '')}"[:200]
    if d.get("description"):  # Calendar, Contacts, Chat, Forms (addon/export/workspace.py)
        return d["description"]
    if s.source == "drive":
        return f"{d.get('name', '')} ({d.get('form', '')})"
    return f"{d.get('name', '')} › {d.get('sheet', '')}: rows {', '.join(map(str, d.get('rows', [])))}"


def _export_gmail(services, items, stager, add, excluded, rows) -> None:
    by_account: dict[str, list[dict]] = {}
    for it in items:
        if it.get("unreadable"):
            excluded.append(_unreadable_exclusion(it))
        elif it["source"] == "gmail":
            by_account.setdefault(it["account"], []).append(it)
    scopes = scopes_for_operations(["gmail.export_raw"])
    for account, its in sorted(by_account.items()):
        gmail = services.clients.gmail(account, scopes)
        for it in its:
            staged = fetch_message(gmail, stager, it)
            if staged is None:
                excluded.append({"source": "gmail", "account": account, "item_id": it["message_id"],
                                 "what": f"an email in {account}'s mailbox",
                                 "reason": "no longer in the mailbox (deleted since the search)"})
                continue
            d = staged.detail
            rows["messages"].append({"path": staged.arcname, "account": account, "date": d["date"],
                                     "sender": d["from"], "subject": d["subject"]})
            add(staged)


def _unreadable_exclusion(it: dict) -> dict:
    """A "could not read" item: not confirmed as about the subject, so not exported; staff check it by hand."""
    why = it["unreadable"]
    if it["source"] == "gmail":
        what = f"an email in {it['account']}'s mailbox" + (f" (attachment {why['attachment']})" if why.get("attachment") else "")
        item_id = it["message_id"]
    else:
        what = f"{it.get('path') or it.get('name')} ({it['account']}'s Drive)"
        item_id = it["file_id"]
    return {"source": it["source"], "account": it["account"], "item_id": item_id, "what": what,
            "reason": f"could not be read automatically ({why.get('reason', '')}): {why.get('check', 'check it by hand')}"}


def _export_drive(services, items, stager, add, excluded, rows) -> None:
    scopes = scopes_for_operations(["drive.package"])
    clients: dict[str, Any] = {}
    seen: set[str] = set()
    for it in items:
        if it["source"] != "drive" or it.get("unreadable") or it["file_id"] in seen:
            continue  # an uploaded table gives an item per row: the file goes in once
        seen.add(it["file_id"])
        drive = clients.get(it["account"]) or clients.setdefault(it["account"], services.clients.drive(it["account"], scopes))
        staged_files, reason = fetch_file(drive, stager, it)
        if reason:
            excluded.append({"source": "drive", "account": it["account"], "item_id": it["file_id"],
                             "what": f"{it.get('path') or it.get('name')} ({it['account']}'s Drive)", "reason": reason})
        for s in staged_files:
            rows["files"].append({"path": s.arcname, "account": s.account, "name": it.get("path") or s.detail.get("name"),
                                  "form": s.detail.get("form", "")})
            add(s)


def _export_sheets(services, case, items, stager, add, excluded, rows) -> None:
    scopes = scopes_for_operations(["sheets.package"])
    matcher = Matcher(case.subject)
    sheet_items = [it for it in items if it["source"] == "sheets"]
    for (account, file_id, path, tab), nums in group_rows(sheet_items):
        sheets = services.clients.sheets(account, scopes)
        staged, kept, dropped = fetch_rows(sheets, matcher, stager, account, file_id, path, tab, nums)
        for r, why in dropped.items():
            excluded.append({"source": "sheets", "account": account, "item_id": f"{file_id}:{tab}:{r}",
                             "what": f"{path} › {tab} › row {r}", "reason": why})
        if staged is not None:
            rows["sheets"].append({"path": staged.arcname, "account": account, "name": path, "sheet": tab,
                                   "rows": kept})
            add(staged)


def _report_context(case, art15, rows, excluded, stamp, actor, file_count) -> dict[str, Any]:
    s = case.subject
    searched = [(label, list(values)) for label, values in (
        ("Names", s.names), ("Email addresses", s.emails), ("Telephone numbers", s.phones),
        ("Other identifiers", s.identifiers)) if values]
    return {
        "case": {"ref": case.ref, "received": case.received.isoformat()},
        "subject_name": s.display_name, "org": art15, "generated_on": stamp.date().isoformat(),
        "generated_by": actor, "searched_for": searched, "messages": rows["messages"], "files": rows["files"],
        "sheets": rows["sheets"], "document_count": len({(f["account"], f["name"]) for f in rows["files"]}),
        "sheet_rows": sum(len(x["rows"]) for x in rows["sheets"]),
        "excluded": [{"what": x["what"], "reason": x["reason"]} for x in excluded], "file_count": file_count,
    }


def _audit_anchor(services, actor: str) -> dict[str, Any]:
    """Ties the package to the audit trail: the signed checkpoint covering every call that built it, so an
    auditor can prove (``dsar audit verify``) which recorded calls produced this package."""
    checkpoint = getattr(services.trail, "checkpoint", None)
    if not checkpoint:
        return {}
    try:
        cp = checkpoint(actor)
    except DsarError:  # the package is still valid; the trail reports its own problems
        return {}
    if cp is None:
        return {}
    root = cp.root.hex() if isinstance(cp.root, (bytes, bytearray)) else str(cp.root)
    return {"audit_checkpoint": {"tree_size": cp.size, "root_sha256": root, "time": cp.time, "signed_note": cp.note}}
