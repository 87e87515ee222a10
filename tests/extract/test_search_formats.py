"""A search against the sandbox finds the subject inside every supported format, as a Gmail attachment and
as a Drive file (fixture files and API uploads), in a shared drive too; files that cannot be read become
"could not read" items instead of failing the job or being dropped. Real clients, real HTTP."""
from __future__ import annotations

import datetime as dt
import io
import json
import mailbox
import secrets
from email.message import EmailMessage
from pathlib import Path

import pytest
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build_from_document
from googleapiclient.discovery_cache import get_static_doc
from googleapiclient.http import MediaIoBaseUpload

from addon.cli.case_cmd import open_case
from addon.search.service import run_search
from tests.conftest import mint_token
from tests.extract import samples as s

NAME, DECOY = "Marta Kowalczyk", "Marta Nowak"
DPO, ALICE, BOB = "dpo@acme.test", "alice@acme.test", "bob@acme.test"


def _files(who: str) -> dict[str, tuple[str, bytes]]:
    """format -> (file name without the subject's name, bytes mentioning ``who``)."""
    return {
        "pdf": ("report.pdf", s.pdf(f"Complaint from {who}")),
        "docx": ("notes.docx", s.docx(who)),
        "pptx": ("review.pptx", s.pptx(who)),
        "odt": ("letter.odt", s.odt(who)),
        "ods": ("customers.ods", s.ods([["Name", "Town"], [who, "Leeds"]])),
        "rtf": ("letter.rtf", s.rtf(who)),
        "ics": ("invite.ics", s.ics(who, "attendee@elsewhere.test")),
        "eml": ("forwarded.eml", s.eml("", ("inner.eml", "message/rfc822",
                                            s.eml("", ("minutes.docx", s.MIME["docx"], s.docx(who))))) ),
        "xlsx": ("customers.xlsx", s.xlsx([["Name", "Town"], ["Someone Else", "York"], [who, "Leeds"]])),
        "xlsm": ("customers.xlsm", s.xlsx([["Name", "Town"], [who, "Leeds"]], macro=True)),
        "csv": ("customers.csv", s.delimited([["Name", "Town"], ["Someone Else", "York"], [who, "Leeds"]])),
        "tsv": ("customers.tsv", s.delimited([["Name", "Town"], [who, "Leeds"]], "\t")),
    }


def _message(n: int, fmt: str, name: str, data: bytes) -> bytes:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = "records@elsewhere.test", ALICE, f"Documents {fmt} {n}"
    m["Message-ID"] = f"<{fmt}-{n}@acme.test>"
    m["Date"] = "Mon, 02 Nov 2026 10:00:00 +0000"
    m.set_content("Please see the attached file.")
    main, sub = s.MIME[fmt].split("/", 1)
    if fmt == "eml":
        m.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    else:
        m.add_attachment(data, maintype=main, subtype=sub, filename=name)
    return bytes(m)


def _write_fixture(root: Path, unreadable: dict[str, tuple[str, str, bytes]]) -> None:
    root.mkdir(parents=True)
    (root / "workspace.json").write_text(json.dumps({"domain": "acme.test", "users": [
        {"email": DPO, "name": "Dee Peo", "admin": True}, {"email": ALICE, "name": "Alice"},
        {"email": BOB, "name": "Bob"}]}))
    mail = root / ALICE / "Mail"
    mail.mkdir(parents=True)
    box = mailbox.mbox(str(mail / "all.mbox"))
    n = 0
    for who in (NAME, DECOY):
        for fmt, (fname, data) in _files(who).items():
            n += 1
            box.add(_message(n, fmt, fname, data))
    for key, (fname, mime, data) in unreadable.items():
        n += 1
        m = EmailMessage()
        m["From"], m["To"], m["Subject"] = "records@elsewhere.test", ALICE, f"Scan {key}"
        m["Message-ID"] = f"<bad-{key}@acme.test>"
        m.set_content("Attached.")
        main, sub = mime.split("/", 1)
        m.add_attachment(data, maintype=main, subtype=sub, filename=fname)
        box.add(bytes(m))
    box.close()
    drive = root / ALICE / "Drive" / "Uploads"
    drive.mkdir(parents=True)
    for who, sub in ((NAME, "mentions"), (DECOY, "decoys")):
        (drive / sub).mkdir()
        for fmt, (fname, data) in _files(who).items():
            if fmt not in ("xlsx", "xlsm", "csv", "tsv"):  # these a fixture converts to Sheets: uploaded below
                (drive / sub / fname).write_bytes(data)
    shared = root / "_shared_drives" / "Finance"
    (shared / "Ledgers").mkdir(parents=True)
    (shared / "drive.json").write_text(json.dumps({"members": {ALICE: "reader", BOB: "organizer"}}))
    (shared / "Ledgers" / "ledger.docx").write_bytes(s.docx(NAME))
    (shared / "Ledgers" / "other.docx").write_bytes(s.docx(DECOY))


def _upload(server, user: str, name: str, mime: str, data: bytes, parent: str | None = None) -> str:
    doc = json.loads(get_static_doc("drive", "v3"))
    doc["rootUrl"] = server.url + "/"
    svc = build_from_document(doc, credentials=Credentials(token=mint_token(
        server, user, ["https://www.googleapis.com/auth/drive"])))
    meta = {"name": name, "mimeType": mime, **({"parents": [parent]} if parent else {})}
    media = MediaIoBaseUpload(io.BytesIO(data), mimetype=mime)
    return svc.files().create(body=meta, media_body=media, fields="id", supportsAllDrives=True).execute()["id"]


@pytest.fixture
def searched(tmp_path, sandbox_factory, product, monkeypatch):
    import addon.extract.formats as formats

    limit = 160 * 1024  # lowered so a small file is "oversized"; every other test file is smaller
    big = s.docx(NAME + " " + secrets.token_hex(limit))  # random: compresses to more than the limit
    unreadable = {"encrypted": ("payslip.pdf", "application/pdf", s.encrypted_pdf(NAME)),
                  "oversized": ("bundle.docx", s.MIME["docx"], big)}
    _write_fixture(tmp_path / "fx", unreadable)
    server = sandbox_factory(tmp_path / "fx", quota=False)
    assert not server.ws.load_problems, server.ws.load_problems
    for who, sub in ((NAME, "mentions"), (DECOY, "decoys")):
        for fmt in ("xlsx", "xlsm", "csv", "tsv"):
            fname, data = _files(who)[fmt]
            _upload(server, ALICE, f"{sub}-{fname}", s.MIME[fmt], data)
    # Drive's index read these (Google's OCR, an older unencrypted revision...); the product cannot
    store = server.ws.drive
    enc = store.add(name="statement.pdf", mimeType="application/pdf", owner=ALICE,
                    content=s.encrypted_pdf(NAME), text=f"Statement for {NAME}")
    bad = store.add(name="contract.docx", mimeType=s.MIME["docx"], owner=ALICE,
                    content=s.truncated(s.docx(NAME)), text=f"Contract with {NAME}")
    monkeypatch.setattr(formats, "MAX_BYTES", limit)
    services = product(server, actor=DPO)
    case = open_case(services, "access", [NAME], [], [], [], dt.date(2026, 11, 2), DPO)
    items = run_search(services, case.ref, DPO)
    return items, {"encrypted": enc.id, "corrupt": bad.id}


def test_every_format_is_found_as_a_gmail_attachment(searched):
    items, _ = searched
    mail = [i for i in items if i["source"] == "gmail" and "unreadable" not in i]
    subjects = sorted(i["rfc822_message_id"] for i in mail)
    fmts = list(_files(NAME))
    assert subjects == sorted(f"<{fmt}-{n}@acme.test>" for n, fmt in enumerate(fmts, start=1))  # no decoy
    by_id = {i["rfc822_message_id"]: i for i in mail}
    xlsx = by_id[f"<xlsx-{fmts.index('xlsx') + 1}@acme.test>"]["attachment"]
    assert (xlsx["name"], xlsx["sheet"], xlsx["row"]) == ("customers.xlsx", "Customers", 3)


def test_every_format_is_found_as_a_drive_file(searched):
    items, _ = searched
    drive = [i for i in items if i["source"] == "drive" and "unreadable" not in i and i["drive"] == "My Drive"]
    paths = sorted(i["path"] for i in drive)
    want = [f"Uploads/mentions/{f}" for fmt, (f, _) in _files(NAME).items() if fmt not in ("xlsx", "xlsm", "csv", "tsv")]
    assert [p for p in paths if p.startswith("Uploads/")] == sorted(want)
    rows = sorted((i["name"], i["sheet"], i["row"]) for i in drive if "row" in i)
    assert rows == [("customers.ods", "Customers", 2), ("mentions-customers.csv", "mentions-customers", 3),
                    ("mentions-customers.tsv", "mentions-customers", 2), ("mentions-customers.xlsm", "Customers", 2),
                    ("mentions-customers.xlsx", "Customers", 3)]
    assert not any("decoy" in i.get("path", "") or "Nowak" in json.dumps(i) for i in items)


def test_shared_drive_items_say_which_drive_holds_them(searched):
    items, _ = searched
    shared = [i for i in items if isinstance(i.get("drive"), dict)]
    assert [(i["path"], i["drive"]["name"], i["account"]) for i in shared] == [("Ledgers/ledger.docx", "Finance", BOB)]


def test_unreadable_files_are_reported_with_why_and_what_to_check(searched):
    items, ids = searched
    bad = {i.get("file_id") or i["rfc822_message_id"]: i["unreadable"] for i in items if "unreadable" in i}
    assert set(bad) == {ids["encrypted"], ids["corrupt"], "<bad-oversized@acme.test>"}
    assert "encrypted PDF" in bad[ids["encrypted"]]["reason"] and "password" in bad[ids["encrypted"]]["check"]
    assert "damaged Word document" in bad[ids["corrupt"]]["reason"]
    assert "larger than" in bad["<bad-oversized@acme.test>"]["reason"]
    assert bad["<bad-oversized@acme.test>"]["attachment"] == "bundle.docx"
