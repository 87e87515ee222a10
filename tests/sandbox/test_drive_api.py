"""Drive v3 through the real google-api-python-client against the sandbox over HTTP: search, fields,
paging, export, download, uploads, trash/delete, sharing, shared drives and batch."""
from __future__ import annotations

import io
import json
import os
import time
from pathlib import Path

import pytest
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build_from_document
from googleapiclient.discovery_cache import get_static_doc
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaIoBaseDownload, MediaIoBaseUpload
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from sandbox.drive.loader import load_drive
from sandbox.drive.store import DriveStore
from sandbox.state import User, Workspace
from tests.conftest import mint_token

A, B = "alice@example.test", "bob@example.test"
DRIVE = ["https://www.googleapis.com/auth/drive"]
DOC = "application/vnd.google-apps.document"
SHEET = "application/vnd.google-apps.spreadsheet"
FOLDER = "application/vnd.google-apps.folder"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def tiny_pdf(text: str) -> bytes:
    """A one-page PDF showing ``text`` in Helvetica, written by hand."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = b"%PDF-1.4\n", []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)


def write_fixture(root: Path) -> Path:
    drive = root / A / "Drive"
    (drive / "Clients").mkdir(parents=True)
    (drive / "Clients" / "O'Brien notes.txt").write_text("Call with Mary O'Brien about her boiler.\nTel 07700 900123\n")
    (drive / "Clients" / "Customers.csv").write_text("Name,Phone,Balance\nMary O'Brien,07700900123,12.5\nJohn Smith,01134960000,3\n")
    (drive / "Reports").mkdir()
    (drive / "Reports" / "Annual report.html").write_text("<html><body><h1>Annual report</h1><p>Revenue grew.</p></body></html>")
    (drive / "logo.png").write_bytes(PNG)
    (drive / "scan.pdf").write_bytes(tiny_pdf("Quarterly letter for Ignatius Pemberton"))
    wb = Workbook()
    wb.active.title = "Budget"
    wb.active.append(["Item", "Cost"])
    wb.active.append(["Boiler", 120])
    wb.active["C2"] = "=B2*2"
    wb.create_sheet("Notes").append(["Approved by HelloWorld"])
    wb.save(drive / "Budget.xlsx")
    (drive / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (drive / "Bulk").mkdir()
    for i in range(25):
        path = drive / "Bulk" / f"note-{i:02d}.txt"
        path.write_text(f"bulk note {i}")
        os.utime(path, (1_700_000_000 + i * 86400, 1_700_000_000 + i * 86400))
    bob = root / B / "Drive"
    bob.mkdir(parents=True)
    (bob / "Bob private.txt").write_text("Mary O'Brien secret")
    team = root / "_shared_drives" / "Team"
    team.mkdir(parents=True)
    (team / "Handbook.md").write_text("# Handbook\nMary O'Brien is the fire warden.\n")
    return root


def build_workspace(root: Path) -> Workspace:
    ws = Workspace(domain="example.test")
    ws.drive = DriveStore()
    ws.users[A] = User(A, "Alice Admin", True)
    ws.users[B] = User(B, "Bob Builder")
    load_drive(ws, A, root / A / "Drive")
    load_drive(ws, B, root / B / "Drive")
    load_drive(ws, None, root / "_shared_drives" / "Team", shared_drive="Team")
    return ws


def service(server, name: str, version: str, user: str, scopes: list[str]):
    doc = json.loads(get_static_doc(name, version))
    doc["rootUrl"] = server.url + "/"
    doc.pop("mtlsRootUrl", None)
    return build_from_document(doc, credentials=Credentials(token=mint_token(server, user, scopes)))


@pytest.fixture
def env(tmp_path, sandbox_factory):
    ws = build_workspace(write_fixture(tmp_path))
    server = sandbox_factory(workspace=ws, quota=False)
    return server, service(server, "drive", "v3", A, DRIVE), service(server, "drive", "v3", B, DRIVE)


def names(drive, q: str, **kw) -> set[str]:
    files, token = [], None
    while True:
        resp = drive.files().list(q=q, fields="nextPageToken,files(name)", pageToken=token, **kw).execute()
        files += [f["name"] for f in resp.get("files", [])]
        token = resp.get("nextPageToken")
        if not token:
            return set(files)


def test_loader_converts_and_reports_broken_files(tmp_path) -> None:
    ws = build_workspace(write_fixture(tmp_path))
    by_name = {f.name: f for f in ws.drive.files.values()}
    assert by_name["O'Brien notes"].mimeType == DOC and "boiler" in by_name["O'Brien notes"].text
    assert by_name["Customers"].mimeType == SHEET and by_name["Customers"].spreadsheet.sheets[0].title == "Customers"
    budget = by_name["Budget"].spreadsheet
    assert [s.title for s in budget.sheets] == ["Budget", "Notes"]
    assert budget.sheets[0].cell(1, 2)["userEnteredValue"] == {"formulaValue": "=B2*2"}
    assert by_name["logo.png"].mimeType == "image/png" and by_name["logo.png"].content == PNG
    assert by_name["Clients"].mimeType == FOLDER and by_name["O'Brien notes"].parents == [by_name["Clients"].id]
    assert by_name["Handbook"].driveId and by_name["Handbook"].owners == []
    assert "broken" not in by_name
    assert [Path(p).name for p, _ in ws.load_problems] == ["broken.xlsx"]


def test_fulltext_with_escaped_quote_is_a_whole_token_phrase(env) -> None:
    _, alice, bob = env
    assert names(alice, r"fullText contains 'O\'Brien'") == {"O'Brien notes", "Customers"}
    assert names(alice, "fullText contains '\"Mary O\\'Brien\"'") == {"O'Brien notes", "Customers"}
    assert names(alice, r"fullText contains 'Brien O\'Mary'") == set()
    assert names(alice, "fullText contains 'Brie'") == set()  # whole tokens only
    assert names(alice, "fullText contains 'HelloWorld'") == {"Budget"}  # text of the second tab
    assert names(bob, r"fullText contains 'O\'Brien'") == {"Bob private"}  # only what Bob can see
    assert names(alice, "fullText contains 'revenue'") == {"Annual report"}
    assert names(alice, "fullText contains 'Ignatius Pemberton'") == {"scan.pdf"}  # text extracted with pypdf


def test_each_query_operator(env) -> None:
    _, alice, _ = env
    assert names(alice, "name contains 'Annu'") == {"Annual report"}
    assert names(alice, "name contains 'report'") == {"Annual report", "Reports"}  # token prefix
    assert names(alice, "name contains 'nual'") == set()
    assert names(alice, "name = 'Customers'") == {"Customers"}
    assert names(alice, "name = 'customers'") == set()
    assert "Customers" not in names(alice, "name != 'Customers'")
    assert names(alice, f"mimeType = '{SHEET}'") == {"Customers", "Budget"}
    assert names(alice, f"mimeType = '{FOLDER}'") == {"Clients", "Reports", "Bulk"}
    assert names(alice, "mimeType contains 'image/'") == {"logo.png"}
    assert "Clients" not in names(alice, f"mimeType != '{FOLDER}'")
    clients = alice.files().list(q="name = 'Clients'", fields="files(id)").execute()["files"][0]["id"]
    assert names(alice, f"'{clients}' in parents") == {"O'Brien notes", "Customers"}
    assert names(alice, f"parents in \"{clients}\"") == {"O'Brien notes", "Customers"}
    assert names(alice, "'root' in parents") == {"Clients", "Reports", "Bulk", "logo.png", "scan.pdf", "Budget"}
    assert len(names(alice, f"'{A}' in owners")) == 34 == len(names(alice, "'me' in owners"))
    assert names(alice, f"'{B}' in owners") == set()
    assert names(alice, "modifiedTime < '2023-11-16T00:00:00Z' and name contains 'note-'") == {"note-00", "note-01"}
    assert names(alice, "createdTime >= '2023-12-06T00:00:00' and fullText contains 'bulk note'") == {
        f"note-{i:02d}" for i in range(22, 25)}
    assert names(alice, "name contains 'note' and not name contains 'note-0' and not name contains 'note-1'") == {
        f"note-{i:02d}" for i in range(20, 25)} | {"O'Brien notes"}
    assert names(alice, "(name = 'Budget' or name = 'Customers') and mimeType contains 'spreadsheet'") == {
        "Budget", "Customers"}
    assert names(alice, "starred = true") == set()


def test_malformed_query_gets_drives_400_body(env) -> None:
    server, alice, _ = env
    with pytest.raises(HttpError) as e:
        alice.files().list(q="name contains 'unterminated").execute()
    assert e.value.resp.status == 400
    body = json.loads(e.value.content)
    assert body["error"]["code"] == 400 and body["error"]["message"] == "Invalid Value"
    assert body["error"]["errors"] == [{"domain": "global", "reason": "invalid", "message": "Invalid Value",
                                        "locationType": "parameter", "location": "q"}]


def test_paging_and_fields(env) -> None:
    _, alice, _ = env
    seen, token, pages = [], None, 0
    while True:
        resp = alice.files().list(q="fullText contains 'bulk note'", pageSize=10, pageToken=token,
                                  fields="nextPageToken, files(id, name, owners(emailAddress))").execute()
        pages += 1
        for f in resp["files"]:
            assert set(f) == {"id", "name", "owners"} and f["owners"] == [{"emailAddress": A}]
        seen += [f["name"] for f in resp["files"]]
        token = resp.get("nextPageToken")
        if not token:
            break
    assert pages == 3 and len(seen) == 25 == len(set(seen))
    first = alice.files().list(q="fullText contains 'bulk note'", pageSize=10).execute()
    assert set(first) == {"kind", "incompleteSearch", "files", "nextPageToken"}
    assert set(first["files"][0]) == {"kind", "id", "name", "mimeType"}
    with pytest.raises(HttpError) as e:
        alice.files().list(q="name contains 'Budget'", pageToken=first["nextPageToken"]).execute()
    assert e.value.resp.status == 400
    logo = alice.files().list(q="name = 'logo.png'").execute()["files"][0]["id"]
    full = alice.files().get(fileId=logo, fields="*").execute()
    assert {"parents", "owners", "createdTime", "modifiedTime", "size", "md5Checksum", "trashed"} <= set(full)
    big = alice.files().list(pageSize=5000, fields="files(id)").execute()
    assert len(big["files"]) == 34


def test_export_and_download(env) -> None:
    _, alice, _ = env
    ids = {f["name"]: f["id"] for f in alice.files().list(pageSize=100).execute()["files"]}
    csv = alice.files().export(fileId=ids["Customers"], mimeType="text/csv").execute()
    assert csv.decode().splitlines()[1] == "Mary O'Brien,07700900123,12.5"
    text = alice.files().export(fileId=ids["O'Brien notes"], mimeType="text/plain").execute()
    assert text.decode().startswith("Call with Mary O'Brien")
    pdf = alice.files().export(fileId=ids["O'Brien notes"], mimeType="application/pdf").execute()
    assert "Call with Mary O'Brien" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    html = alice.files().export(fileId=ids["Annual report"], mimeType="text/html").execute()
    assert b"<h1>Annual report</h1>" in html
    xlsx = alice.files().export(fileId=ids["Budget"], mimeType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").execute()
    wb = load_workbook(io.BytesIO(xlsx))
    assert wb.sheetnames == ["Budget", "Notes"] and wb["Budget"]["C2"].value == "=B2*2" and wb["Budget"]["B2"].value == 120
    assert alice.files().get_media(fileId=ids["logo.png"]).execute() == PNG
    buf = io.BytesIO()
    down = MediaIoBaseDownload(buf, alice.files().get_media(fileId=ids["logo.png"]), chunksize=300)
    done = False
    while not done:
        _, done = down.next_chunk()
    assert buf.getvalue() == PNG
    with pytest.raises(HttpError) as e:
        alice.files().get_media(fileId=ids["O'Brien notes"]).execute()
    assert e.value.resp.status == 403 and e.value.error_details[0]["reason"] == "fileNotDownloadable"
    with pytest.raises(HttpError) as e:
        alice.files().export(fileId=ids["logo.png"], mimeType="text/plain").execute()
    assert e.value.resp.status == 403


def test_multipart_and_resumable_uploads(env) -> None:
    _, alice, _ = env
    small = alice.files().create(body={"name": "upload.txt"}, fields="id,name,mimeType,size",
                                 media_body=MediaIoBaseUpload(io.BytesIO(b"Zanzibar invoice"), mimetype="text/plain")).execute()
    assert small["mimeType"] == "text/plain" and small["size"] == "16"
    data = os.urandom(700 * 1024)
    big = alice.files().create(body={"name": "big.bin"}, fields="id,size",
                               media_body=MediaIoBaseUpload(io.BytesIO(data), mimetype="application/octet-stream",
                                                            chunksize=256 * 1024, resumable=True)).execute()
    assert big["size"] == str(len(data))
    assert alice.files().get_media(fileId=big["id"]).execute() == data
    doc = alice.files().create(body={"name": "Converted", "mimeType": DOC},
                               media_body=MediaIoBaseUpload(io.BytesIO(b"Quixotic memo"), mimetype="text/plain", resumable=True),
                               fields="id,mimeType").execute()
    assert doc["mimeType"] == DOC
    assert names(alice, "fullText contains 'zanzibar' or fullText contains 'quixotic'") == {"upload.txt", "Converted"}
    alice.files().update(fileId=small["id"], media_body=MediaIoBaseUpload(io.BytesIO(b"Timbuktu"), mimetype="text/plain",
                                                                            resumable=True)).execute()
    assert alice.files().get_media(fileId=small["id"]).execute() == b"Timbuktu"
    assert names(alice, "fullText contains 'zanzibar'") == set()
    folder = alice.files().create(body={"name": "New folder", "mimeType": FOLDER}, fields="id").execute()
    inside = alice.files().create(body={"name": "inside", "parents": [folder["id"]]}, fields="id,parents").execute()
    assert inside["parents"] == [folder["id"]]
    root = alice.files().get(fileId="root", fields="id").execute()["id"]
    moved = alice.files().update(fileId=inside["id"], addParents=root, removeParents=folder["id"],
                                 fields="parents").execute()
    assert moved["parents"] == [root]
    with pytest.raises(HttpError) as e:
        alice.files().update(fileId=inside["id"], addParents=folder["id"]).execute()
    assert e.value.resp.status == 403  # one parent only, as Drive enforces now


def test_trash_delete_and_owner_rules(env) -> None:
    _, alice, bob = env
    fid = alice.files().list(q="name = 'logo.png'").execute()["files"][0]["id"]
    alice.files().update(fileId=fid, body={"trashed": True}).execute()
    assert "logo.png" in names(alice, "name contains 'logo'")  # Drive lists trashed files unless asked not to
    assert names(alice, "name contains 'logo' and trashed = false") == set()
    assert names(alice, "trashed = true") == {"logo.png"}
    folder = alice.files().list(q="name = 'Bulk'").execute()["files"][0]["id"]
    alice.files().update(fileId=folder, body={"trashed": True}).execute()
    assert len(names(alice, "trashed = true")) == 27
    alice.files().update(fileId=folder, body={"trashed": False}).execute()
    assert names(alice, "trashed = true") == {"logo.png"}
    alice.permissions().create(fileId=fid, body={"type": "user", "role": "writer", "emailAddress": B}).execute()
    with pytest.raises(HttpError) as e:
        bob.files().delete(fileId=fid).execute()
    assert e.value.resp.status == 403
    alice.files().delete(fileId=fid).execute()
    with pytest.raises(HttpError) as e:
        alice.files().get(fileId=fid).execute()
    assert e.value.resp.status == 404


def test_permissions_and_visibility(env) -> None:
    _, alice, bob = env
    fid = alice.files().list(q="name = 'Customers'").execute()["files"][0]["id"]
    with pytest.raises(HttpError) as e:
        bob.files().get(fileId=fid).execute()
    assert e.value.resp.status == 404
    perm = alice.permissions().create(fileId=fid, body={"type": "user", "role": "reader", "emailAddress": B},
                                      fields="id,type,role,emailAddress").execute()
    assert perm["role"] == "reader" and perm["emailAddress"] == B
    assert bob.files().get(fileId=fid, fields="name,ownedByMe").execute() == {"name": "Customers", "ownedByMe": False}
    assert names(bob, "sharedWithMe = true") == {"Customers"}
    assert names(alice, f"'{B}' in readers") == {"Customers"} and names(alice, f"'{B}' in writers") == set()
    listed = alice.permissions().list(fileId=fid, fields="permissions(id,role,emailAddress)").execute()["permissions"]
    assert {(p["role"], p["emailAddress"]) for p in listed} == {("owner", A), ("reader", B)}
    alice.permissions().delete(fileId=fid, permissionId=perm["id"]).execute()
    with pytest.raises(HttpError):
        bob.files().get(fileId=fid).execute()
    anyone = alice.permissions().create(fileId=fid, body={"type": "anyone", "role": "reader"}).execute()
    assert anyone["id"] == "anyoneWithLink"
    assert bob.files().get(fileId=fid, fields="name").execute()["name"] == "Customers"
    assert names(bob, "name = 'Customers'") == set()  # reachable by link, not discoverable in search
    owner = [p for p in alice.permissions().list(fileId=fid).execute()["permissions"] if p["role"] == "owner"][0]
    with pytest.raises(HttpError) as e:
        alice.permissions().delete(fileId=fid, permissionId=owner["id"]).execute()
    assert e.value.resp.status == 403


def test_shared_drive_items_need_both_flags(env) -> None:
    _, alice, bob = env
    drives = alice.drives().list().execute()["drives"]
    assert [d["name"] for d in drives] == ["Team"] and bob.drives().list().execute()["drives"] == []
    assert names(alice, "name = 'Handbook'") == set()
    assert names(alice, "name = 'Handbook'", includeItemsFromAllDrives=True) == set()
    assert names(alice, "name = 'Handbook'", includeItemsFromAllDrives=True, supportsAllDrives=True) == {"Handbook"}
    assert names(alice, "fullText contains 'warden'", corpora="drive", driveId=drives[0]["id"],
                 includeItemsFromAllDrives=True, supportsAllDrives=True) == {"Handbook"}
    assert names(alice, "name = 'Customers'", corpora="drive", driveId=drives[0]["id"],
                 includeItemsFromAllDrives=True, supportsAllDrives=True) == set()
    assert names(alice, "name = 'Customers' or name = 'Handbook'", corpora="allDrives",
                 includeItemsFromAllDrives=True, supportsAllDrives=True) == {"Customers", "Handbook"}
    with pytest.raises(HttpError) as e:
        alice.files().list(corpora="drive", includeItemsFromAllDrives=True, supportsAllDrives=True).execute()
    assert e.value.resp.status == 400
    assert names(bob, "name = 'Handbook'", includeItemsFromAllDrives=True, supportsAllDrives=True) == set()
    hid = alice.files().list(q="name = 'Handbook'", includeItemsFromAllDrives=True, supportsAllDrives=True).execute()["files"][0]["id"]
    with pytest.raises(HttpError) as e:
        alice.files().get(fileId=hid).execute()
    assert e.value.resp.status == 404
    got = alice.files().get(fileId=hid, supportsAllDrives=True, fields="driveId,owners").execute()
    assert got == {"driveId": drives[0]["id"]}


def test_batch_at_batch_drive_v3(env) -> None:
    server, alice, _ = env
    ids = [f["id"] for f in alice.files().list(q="name contains 'note-0'", pageSize=3).execute()["files"]]
    results = {}

    def cb(request_id, response, exception):
        results[request_id] = exception.resp.status if exception else response["name"]

    batch = alice.new_batch_http_request(callback=cb)
    assert batch._batch_uri == server.url + "/batch/drive/v3"
    for i in ids + ["does-not-exist"]:
        batch.add(alice.files().get(fileId=i, fields="name"))
    batch.execute()
    assert sorted(v for v in results.values() if isinstance(v, str)) == sorted(
        alice.files().get(fileId=i).execute()["name"] for i in ids)
    assert 404 in results.values()
    served = [e for e in server.context.log if e.get("batch")]
    assert len(served) == 4 and all(e["api_method"] == "drive.files.get" for e in served)


def test_about_and_copy(env) -> None:
    _, alice, _ = env
    about = alice.about().get(fields="user(emailAddress,displayName)").execute()
    assert about == {"user": {"emailAddress": A, "displayName": "Alice Admin"}}
    with pytest.raises(HttpError):
        alice.about().get().execute()
    fid = alice.files().list(q="name = 'Customers'").execute()["files"][0]["id"]
    copy = alice.files().copy(fileId=fid, body={}, fields="id,name,mimeType").execute()
    assert copy["name"] == "Copy of Customers" and copy["mimeType"] == SHEET
    assert alice.files().export(fileId=copy["id"], mimeType="text/csv").execute() == \
        alice.files().export(fileId=fid, mimeType="text/csv").execute()


def test_load_speed_of_a_thousand_files(tmp_path) -> None:
    drive = tmp_path / A / "Drive"
    for d in range(20):
        sub = drive / f"Folder {d}"
        sub.mkdir(parents=True)
        for i in range(50):
            (sub / f"note {d}-{i}.txt").write_text(f"Meeting note {d} {i} with customer number C{d:03d}{i:03d}.\n" * 5)
    ws = Workspace(domain="example.test")
    ws.users[A] = User(A, "Alice")
    t0 = time.perf_counter()
    load_drive(ws, A, drive)
    elapsed = time.perf_counter() - t0
    assert len(ws.drive.files) == 1020 and not ws.load_problems
    assert elapsed < 3.0, f"loading 1,000 files took {elapsed:.2f}s"
