"""The access package built from a real search of the demo company in the sandbox, checked against what
the sandbox itself serves (read with the plain Google clients) and against the fixture's ground truth."""
from __future__ import annotations

import base64
import csv
import email
import email.policy
import hashlib
import io
import json
import zipfile
from collections import Counter

import pytest
import pyzipper
from click.testing import CliRunner

from addon.cli import main
from addon.errors import Conflict, ExitCode
from addon.export import PackageError, build_package, export_log, verify_package
from addon.subjects.matching import Matcher
from tests.export.conftest import reviewed
from tests.tracker.env import DRIVE, GMAIL, SHEETS

META = {"index.csv", "report.html", "manifest.json", "methodology.json"}


@pytest.fixture(scope="module")
def package(searched):
    # the originals, as built with --no-redaction; the redacted copies are tested in tests/redaction
    result = build_package(searched.services, searched.case.ref, searched.env.dpo, redact=False)
    return result, zipfile.ZipFile(result.path)


def test_package_has_one_file_per_found_message_and_file(searched, package):
    result, zf = package
    names = set(zf.namelist())
    found = Counter(i["source"] for i in searched.items)
    emls = [n for n in names if n.endswith(".eml")]
    # one file per message: a message held in several mailboxes (one Message-ID) goes in once (addon/review)
    messages = {i["rfc822_message_id"] for i in searched.items if i["source"] == "gmail"}
    assert len(emls) == len(messages) == result.counts["gmail"] > 0
    assert found["gmail"] > len(messages)  # the demo company holds copies, folded
    assert META <= names
    assert result.path.parent == searched.env.home / "exports" / searched.case.ref
    assert oct(result.path.stat().st_mode & 0o777) == "0o600"
    assert export_log(searched.env.home, searched.case.ref)[-1]["sha256"] == result.sha256


def test_eml_files_are_the_exact_original_bytes(searched, package):
    _, zf = package
    env = searched.env
    for item in (i for i in searched.items if i["source"] == "gmail"):
        name = f"gmail/{item['account']}/{item['message_id']}.eml"
        if name not in zf.namelist():  # another mailbox's copy of the same message went in (folded)
            assert any(i["rfc822_message_id"] == item["rfc822_message_id"] and
                       f"gmail/{i['account']}/{i['message_id']}.eml" in zf.namelist() for i in searched.items
                       if i["source"] == "gmail")
            continue
        data = zf.read(name)
        raw = env.google("gmail", item["account"], (GMAIL,)).users().messages().get(
            userId="me", id=item["message_id"], format="raw").execute()["raw"]
        assert data == base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)), name
        parsed = email.message_from_bytes(data, policy=email.policy.default)
        assert parsed["Message-ID"].strip() == item["rfc822_message_id"]


def test_drive_files_are_original_or_exported(searched, package):
    _, zf = package
    env = searched.env
    drive_items = [i for i in searched.items if i["source"] == "drive"]
    assert drive_items
    for item in drive_items:
        members = [n for n in zf.namelist() if n.startswith(f"drive/{item['account']}/{item['path']}")]
        assert members, item["path"]
        client = env.google("drive", item["account"], (DRIVE,))
        meta = client.files().get(fileId=item["file_id"], fields="mimeType", supportsAllDrives=True).execute()
        if meta["mimeType"].startswith("application/vnd.google-apps."):
            text = client.files().export(fileId=item["file_id"], mimeType="text/plain").execute()
            exported = [n for n in members if n.endswith((".txt", ".pdf"))]
            assert exported and (zf.read(exported[0]) == text or exported[0].endswith(".pdf"))
        else:
            assert zf.read(members[0]) == client.files().get_media(fileId=item["file_id"], supportsAllDrives=True).execute()


def test_sheet_csvs_hold_the_header_and_only_the_subjects_rows(searched, package):
    _, zf = package
    env, subject = searched.env, searched.env.subject(0)
    expected = {(e["account"], e["path"], e["sheet"], e["row"]) for e in subject["expected"]["sheets"]}
    found = {(i["account"], i["path"], i["sheet"], i["row"]) for i in searched.items if i["source"] == "sheets"}
    assert found and found <= expected  # the search found only the subject's rows...
    matcher = Matcher(searched.case.subject)
    for account, file_id, path, tab in {(i["account"], i["file_id"], i["path"], i["sheet"])
                                        for i in searched.items if i["source"] == "sheets"}:
        csv_rows = list(csv.reader(io.StringIO(zf.read(f"sheets/{account}/{path}/{tab}.csv").decode("utf-8"))))
        whole = env.google("sheets", account, (SHEETS,)).spreadsheets().values().get(
            spreadsheetId=file_id, range=f"'{tab}'").execute()["values"]
        rows = sorted(r for a, p, t, r in found if (a, p, t) == (account, path, tab))
        assert csv_rows[0] == [str(c) for c in whole[0]]
        assert [[c.lstrip("'") for c in r] for r in csv_rows[1:]] == [[str(c) for c in whole[r - 1]] for r in rows]
        assert len(csv_rows) - 1 < len(whole) - 1  # ...and everyone else's rows stayed out
        for r in csv_rows[1:]:
            assert matcher.match_row([c.lstrip("'") for c in r], csv_rows[0])


def test_index_lists_every_file_with_its_hash(package):
    _, zf = package
    index = list(csv.DictReader(io.StringIO(zf.read("index.csv").decode("utf-8"))))
    content = {n for n in zf.namelist()} - META
    assert {r["path"] for r in index} == content
    for r in index:
        assert hashlib.sha256(zf.read(r["path"])).hexdigest() == r["sha256"]
        assert r["source"] in ("gmail", "drive", "sheets") and r["account"] and r["item_id"]


def test_manifest_verifies_and_names_the_case(searched, package):
    result, zf = package
    manifest, problems = verify_package(result.path)
    assert problems == []
    assert manifest["case"] == searched.case.ref and manifest["format"] == "dsar-access-package/1"
    assert {f["path"] for f in manifest["files"]} == set(zf.namelist()) - {"manifest.json"}
    cp = manifest.get("audit_checkpoint")
    if cp:  # the trail signs a checkpoint covering the calls that built the package
        assert cp["tree_size"] > 0 and len(cp["root_sha256"]) == 64


def test_a_changed_file_fails_verification(package, tmp_path):
    result, zf = package
    target = next(n for n in zf.namelist() if n.endswith(".eml"))
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(tampered, "w") as out:
        for info in zf.infolist():
            data = zf.read(info.filename)
            out.writestr(info.filename, data.replace(b"Doe", b"Roe") if info.filename == target else data)
    _, problems = verify_package(tampered)
    assert problems == [p for p in problems if p.startswith(f"modified: {target}")] and len(problems) == 1
    runner = CliRunner()
    bad = runner.invoke(main, ["export", "verify", str(tampered)])
    assert bad.exit_code == 1 and target in bad.output
    good = runner.invoke(main, ["export", "verify", str(result.path)])
    assert good.exit_code == 0 and "OK" in good.output


def test_report_is_readable_and_carries_the_art15_information(searched, package):
    _, zf = package
    html = zf.read("report.html").decode("utf-8")
    assert searched.case.ref in html and "Jane Doe" in html
    for needle in ("Purposes of the processing", "Who we share it with", "How long we keep it",
                   "Where it came from", "Automated decision-making", "https://ico.org.uk/make-a-complaint/",
                   "rectification", "erasure", "manifest.json"):
        assert needle in html, needle


def test_encrypted_package(searched, tmp_path):
    result = build_package(searched.services, searched.case.ref, searched.env.dpo, out_dir=tmp_path, encrypt=True)
    assert result.password and len(result.password) >= 20 and result.path.parent == tmp_path
    with pyzipper.AESZipFile(result.path) as zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        assert infos and all(i.flag_bits & 0x1 for i in infos)  # every member encrypted
        assert all(i.wz_aes_strength == 3 for i in infos)  # WinZip AES, 256-bit key
        with pytest.raises(RuntimeError):
            zf.read("report.html")
    plain = zipfile.ZipFile(result.path)
    assert {i.compress_type for i in plain.infolist()} == {99}  # the AES marker, as other tools see it
    with pytest.raises((RuntimeError, NotImplementedError)):
        plain.read("report.html")
    assert verify_package(result.path, result.password)[1] == []
    with pytest.raises(PackageError, match="encrypted"):
        verify_package(result.path)
    cli = CliRunner().invoke(main, ["export", "verify", str(result.path), "--password", result.password])
    assert cli.exit_code == 0


def test_cli_export_json(searched):
    env = searched.env
    result = CliRunner().invoke(main, ["export", searched.case.ref, "--json"], env=env.cli_env(),
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["ref"] == searched.case.ref and out["encrypted"] is False and "password" not in out
    assert verify_package(out["path"])[1] == []


def test_only_cases_in_review_can_be_exported(searched):
    env, services = searched.env, searched.services
    fresh = env.open_case(services, env.subject(1))
    with pytest.raises(Conflict, match="review"):
        build_package(services, fresh.ref, env.dpo)
    erasure = env.open_case(services, env.subject(1), case_type="erasure")
    with pytest.raises(Conflict, match="erasure"):
        build_package(services, erasure.ref, env.dpo)
    result = CliRunner().invoke(main, ["export", fresh.ref], env=env.cli_env())
    assert result.exit_code == ExitCode.CONFLICT and "Traceback" not in result.output and "review" in result.output


def test_large_files_are_streamed_in_chunks(searched, monkeypatch, tmp_path):
    import os

    from googleapiclient.http import MediaInMemoryUpload

    from addon.export import sources

    env, services = searched.env, searched.services
    owner = env.users[1]
    blob = os.urandom(6 * 1024 * 1024)
    client = env.google("drive", owner, (DRIVE,))
    created = client.files().create(body={"name": "call-recording.wav"}, fields="id",
                                    media_body=MediaInMemoryUpload(blob, mimetype="audio/wav")).execute()
    del blob  # only the copy in the sandbox remains
    case = env.open_case(services, env.subject(2))
    services.store.transition(case.ref, "searching", env.dpo, "dpo")
    services.store.transition(case.ref, "review", env.dpo, "dpo")
    services.store.add_results(case.ref, [{"source": "drive", "account": owner, "file_id": created["id"],
                                           "name": "call-recording.wav", "path": "call-recording.wav"}])
    reviewed(services, case.ref, env.dpo)
    monkeypatch.setattr(sources, "CHUNK", 512 * 1024)
    before = env.last_seq()
    result = build_package(services, case.ref, env.dpo, out_dir=tmp_path)
    downloads = [e for e in env.log(before)
                 if e.get("api_method") == "drive.files.get" and e["query"].get("alt") == "media"]
    assert len(downloads) == 12  # 6 MiB in 512 KiB ranged requests
    # the audit trail records each response's size: no single response carried the whole file
    records = [r for r in services.trail.records(case=case.ref)
               if r.get("api_method") == "drive.files.get" and r.get("outcome") == "ok" and r.get("bytes", 0) > 1000]
    assert len(records) == 12 and max(r["bytes"] for r in records) == 512 * 1024
    with zipfile.ZipFile(result.path) as zf:
        data = zf.read(f"drive/{owner}/call-recording.wav")
    assert hashlib.sha256(data).hexdigest() == hashlib.sha256(
        client.files().get_media(fileId=created["id"]).execute()).hexdigest()
    assert verify_package(result.path)[1] == []


def test_rows_that_moved_since_the_search_are_left_out(fresh_search):
    s = fresh_search(0)
    env = s.env
    rows = [i for i in s.items if i["source"] == "sheets"]
    target = rows[0]
    people = env.google("sheets", target["account"], (SHEETS,)).spreadsheets()
    meta = people.get(spreadsheetId=target["file_id"]).execute()
    sheet_id = next(sh["properties"]["sheetId"] for sh in meta["sheets"] if sh["properties"]["title"] == target["sheet"])
    whole = people.values().get(spreadsheetId=target["file_id"], range=f"'{target['sheet']}'").execute()["values"]
    # someone sorts the tab (first column, descending) after the search: row numbers now point at other people
    people.batchUpdate(spreadsheetId=target["file_id"], body={"requests": [{"sortRange": {
        "range": {"sheetId": sheet_id, "startRowIndex": 1, "startColumnIndex": 0, "endColumnIndex": len(whole[0])},
        "sortSpecs": [{"dimensionIndex": 0, "sortOrder": "DESCENDING"}]}}]}).execute()
    moved = people.values().get(spreadsheetId=target["file_id"], range=f"'{target['sheet']}'!{target['row']}:{target['row']}").execute()
    matcher = Matcher(s.case.subject)
    assert not matcher.match_row([str(c) for c in moved["values"][0]], [str(c) for c in whole[0]])

    result = build_package(s.services, s.case.ref, env.dpo)
    dropped = [x for x in result.excluded if x["item_id"] == f"{target['file_id']}:{target['sheet']}:{target['row']}"]
    assert dropped and "no longer mentions the subject" in dropped[0]["reason"]
    with zipfile.ZipFile(result.path) as zf:
        for name in (n for n in zf.namelist() if n.startswith("sheets/")):
            table = list(csv.reader(io.StringIO(zf.read(name).decode("utf-8"))))
            for r in table[1:]:  # every row that went out is the subject's
                assert matcher.match_row([c.lstrip("'") for c in r], table[0]), (name, r)
        assert "no longer mentions the subject" in zf.read("report.html").decode("utf-8")
