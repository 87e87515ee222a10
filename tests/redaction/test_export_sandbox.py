"""End to end: Jane Doe's access package from a real search of the demo company in the sandbox, unzipped and
read back. What counts as a third party here is worked out independently of addon/redaction: the workspace's
users (workspace.json), the addresses in the original messages' headers (stdlib ``email.utils``), and UK
numbers found by a plain regex in the originals read with the plain Google clients."""
from __future__ import annotations

import base64
import csv
import email
import email.policy
import hashlib
import html
import io
import json
import re
import zipfile
from email.utils import getaddresses

import pytest

from addon.export import build_package, verify_package
from addon.extract import extract
from addon.redaction.model import MARK
from addon.redaction.schedule import COLUMNS
from addon.review import ReviewStore, item_key
from tests.tracker.env import DRIVE, GMAIL

UK_PHONE = re.compile(r"(?:\+44\s?(?:\(0\)\s?)?|(?<![\d+])0|(?<![\d+])44)\d(?:[ -]?\d){8,9}(?!\d)")
REQUESTER_PHONE = "07700900123"


def national(written: str) -> str:
    d = re.sub(r"\D", "", written)
    return "0" + d[2:].lstrip("0") if d.startswith("44") else d


def raw_message(env, item) -> bytes:
    raw = env.google("gmail", item["account"], (GMAIL,)).users().messages().get(
        userId="me", id=item["message_id"], format="raw").execute()["raw"]
    return base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))


def message_text(raw: bytes) -> str:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    out = [str(msg.get(h, "")) for h in ("From", "To", "Cc", "Reply-To", "Subject")]
    for part in msg.walk():
        if part.get_content_maintype() == "text":
            out.append(part.get_content())
    return "\n".join(out)


def member_text(zf: zipfile.ZipFile, name: str) -> str:
    data = zf.read(name)
    if name.endswith(".html"):
        return html.unescape(re.sub(r"<[^>]+>", " ", data.decode("utf-8")))
    if name.endswith((".csv", ".eml", ".txt", ".md", ".log")):
        return data.decode("utf-8", "replace")
    got = extract(data, None, name)
    return got.all_text() if got else ""


@pytest.fixture(scope="module")
def truth(jane):
    """Third-party addresses and numbers in the originals, and each email's original bytes (hashed)."""
    env = jane.env
    users = {u["email"].lower() for u in json.loads((env.fixture / "workspace.json").read_text())["users"]}
    headers: set[str] = set()
    phones: set[str] = set()
    raws: dict[str, str] = {}
    texts: dict[str, str] = {}
    for it in (i for i in jane.items if i["source"] == "gmail"):
        raw = raw_message(env, it)
        raws[it["message_id"]] = hashlib.sha256(raw).hexdigest()
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
        for _, addr in getaddresses([str(v) for h in ("From", "To", "Cc", "Reply-To") for v in msg.get_all(h) or []]):
            if "@" in addr:
                headers.add(addr.lower())
        texts[it["message_id"]] = message_text(raw)
        phones |= {m.group() for m in UK_PHONE.finditer(texts[it["message_id"]])}
        for part in msg.walk():  # attachments: a plain decode is enough for the demo's CSV
            if part.get_filename():
                phones |= {m.group() for m in UK_PHONE.finditer((part.get_payload(decode=True) or b"").decode("latin-1"))}
    for it in (i for i in jane.items if i["source"] == "drive"):
        client = env.google("drive", it["account"], (DRIVE,))
        meta = client.files().get(fileId=it["file_id"], fields="mimeType", supportsAllDrives=True).execute()
        if meta["mimeType"] == "application/vnd.google-apps.document":
            text = client.files().export(fileId=it["file_id"], mimeType="text/plain").execute().decode("utf-8")
        else:
            got = extract(client.files().get_media(fileId=it["file_id"], supportsAllDrives=True).execute(),
                          meta["mimeType"], it.get("name"))
            text = got.all_text() if got else ""
        phones |= {m.group() for m in UK_PHONE.finditer(text)}
    emails = (users | headers) - {"jane.doe@example.com"}
    return {"emails": emails, "phones": {p for p in phones if national(p) != REQUESTER_PHONE}, "raws": raws,
            "texts": texts}


@pytest.fixture(scope="module")
def package(jane, truth):
    result = build_package(jane.services, jane.case.ref, jane.env.dpo, include_undecided=True)
    return result, zipfile.ZipFile(result.path)


def content_members(zf: zipfile.ZipFile) -> list[str]:
    return [n for n in zf.namelist() if n.startswith(("gmail/", "drive/", "sheets/"))]


def test_no_third_party_address_or_number_is_left_in_the_package(package, truth):
    result, zf = package
    assert truth["emails"] and truth["phones"]  # the demo's items do name other people
    for name in content_members(zf):
        text = member_text(zf, name)
        low, digits = text.lower(), re.sub(r"\D", "", text)
        for addr in truth["emails"]:
            assert addr not in low, (name, addr)
        for phone in truth["phones"]:
            assert phone not in text and national(phone) not in digits, (name, phone)
    report = zf.read("report.html").decode("utf-8")
    senders = re.findall(r"<tr><td>[^<]*</td><td>([^<]*)</td><td>", report.split("<h3>Email messages</h3>")[1]
                         .split("</table>")[0])
    assert senders and all("@" not in html.unescape(s) or "jane.doe@example.com" in s for s in senders), senders
    assert verify_package(result.path)[1] == []


def test_the_requesters_own_identifiers_all_remain(jane, package, truth):
    _, zf = package
    whole = "\n".join(member_text(zf, n) for n in content_members(zf))
    for needle in ("jane.doe@example.com", "CUST-004512", "Jane Doe", "Doe, Jane",
                   "She's unhappy about the missed callback"):  # staff's own note about her stays
        assert needle in whole, needle
    assert REQUESTER_PHONE in re.sub(r"\D", "", whole.replace("447700900123", "07700900123"))
    for mid, original in truth["texts"].items():  # item by item: what she wrote or was called is never hidden
        name = next((n for n in zf.namelist() if n.startswith("gmail/") and f"/{mid}" in n), None)
        if name is None:
            continue  # another copy of the same message went in (duplicates are disclosed once)
        copy = member_text(zf, name).lower()
        for needle in ("jane.doe@example.com", "jane doe"):
            if needle in re.sub(r"\s+", " ", original.lower()):
                assert needle in re.sub(r"\s+", " ", copy), (name, needle)


def test_redacted_copies_schedule_and_report(jane, package, truth):
    result, zf = package
    copies = [n for n in content_members(zf) if "(redacted)" in n or MARK in member_text(zf, n)]
    assert len(copies) >= 3
    assert any(n.startswith("drive/") for n in copies) and any(n.startswith("sheets/") for n in copies)
    rows = list(csv.DictReader(io.StringIO(zf.read("redactions.csv").decode("utf-8"))))
    assert rows and tuple(rows[0]) == COLUMNS and len(rows) == result.redactions
    assert {r["exemption"] for r in rows} == {"third_party"}  # the organisation's code for Sch. 2 para 16
    assert {r["kind"] for r in rows} <= {"email", "phone", "name", "directory"}
    assert {r["file"] for r in rows} == set(copies)
    assert len({r["id"] for r in rows}) == len(rows)
    # the file column names the mailbox a copy came from, as index.csv does; the rest never the hidden text
    schedule = "\n".join(",".join(v for k, v in r.items() if k != "file") for r in rows).lower()
    for secret in truth["emails"] | truth["phones"] | {"ellie marsh", "aisha khan", "mr o. wright"}:
        assert secret.lower() not in schedule
    report = zf.read("report.html").decode("utf-8")
    assert 'id="redactions"' in report and f"{result.redactions} places" in report
    manifest = json.loads(zf.read("manifest.json"))
    assert manifest["redactions"] == result.redactions
    assert "redactions.csv" in {f["path"] for f in manifest["files"]}


def test_the_originals_in_workspace_are_unchanged(jane, package, truth):
    for it in (i for i in jane.items if i["source"] == "gmail"):
        assert hashlib.sha256(raw_message(jane.env, it)).hexdigest() == truth["raws"][it["message_id"]]


def test_staff_removals_and_additions_are_followed(jane, package, truth, tmp_path):
    first, zf = package
    env, services = jane.env, jane.services
    rows = list(csv.DictReader(io.StringIO(zf.read("redactions.csv").decode("utf-8"))))
    callbacks = next(i for i in jane.items if i["source"] == "gmail"
                     and "Mr O. Wright" in truth["texts"][i["message_id"]])
    name = next(n for n in zf.namelist() if f"/{callbacks['message_id']}" in n)
    assert "Mr O. Wright" in member_text(zf, name)  # nobody names him in a header or the directory
    drop = next(r for r in rows if r["file"] == name and r["part"] == "header:From")
    store = ReviewStore(services.store)
    key = item_key(callbacks)
    store.decide(jane.case.ref, key, "include", by=env.dpo, redactions_removed=[drop["id"]],
                 redactions_added=[{"kind": "name", "text": "Mr O. Wright"}, {"kind": "name", "text": "Jane Doe"}])
    try:
        again = build_package(services, jane.case.ref, env.dpo, out_dir=tmp_path, include_undecided=True)
        with zipfile.ZipFile(again.path) as z2:
            after = list(csv.DictReader(io.StringIO(z2.read("redactions.csv").decode("utf-8"))))
            text = member_text(z2, name)
        mine = [r for r in after if r["file"] == name]
        assert drop["id"] not in {r["id"] for r in after}
        assert [r["origin"] for r in mine].count("staff") == 1  # the requester's name is refused even from staff
        assert "Mr O. Wright" not in text and "Daniel Okafor" in text  # the From line staff chose to disclose
        assert again.redactions == first.redactions  # one removed, one added
    finally:
        store.decide(jane.case.ref, key, "include", by=env.dpo, redactions_removed=[], redactions_added=[])


def test_the_directory_is_read_through_the_seam_for_the_export(jane, package):
    records = [r for r in jane.services.trail.records(case=jane.case.ref)
               if r.get("api_method") == "directory.users.list"]
    assert any(r.get("operation") == "directory.list_users" and r.get("outcome") == "ok" for r in records), records[:2]
    served = [e for e in jane.env.log() if e.get("api_method") == "directory.users.list"]
    assert served and all(e.get("status") == 200 for e in served)


def test_cli_changes_are_kept_in_the_review_decision(jane):
    from click.testing import CliRunner

    from addon.cli import main
    from addon.errors import ExitCode
    from addon.review.service import review_list

    env, ref = jane.env, jane.case.ref
    _, groups = review_list(jane.services, ref)
    g = next(x for x in groups if x.primary["source"] == "gmail")
    run = CliRunner()
    out = run.invoke(main, ["redact", "add", ref, g.id, "Mr O. Wright", "--json"], env=env.cli_env())
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["redactions_added"] == 1
    out = run.invoke(main, ["redact", "remove", ref, g.id, "0123456789abcdef"], env=env.cli_env())
    assert out.exit_code == 0, out.output
    d = ReviewStore(jane.services.store).load(ref)[g.keys[0]]
    assert d.redactions_added == [{"kind": "name", "text": "Mr O. Wright"}] and d.redactions_removed == ["0123456789abcdef"]
    assert d.by == env.dpo
    bad = run.invoke(main, ["redact", "remove", ref, g.id, "not-an-id"], env=env.cli_env())
    assert bad.exit_code == ExitCode.INPUT and "Traceback" not in bad.output and "redaction id" in bad.output
    missing = run.invoke(main, ["redact", "add", ref, "nope1234", "x y"], env=env.cli_env())
    assert missing.exit_code == ExitCode.NOT_FOUND and "no item" in missing.output
    assert run.invoke(main, ["redact", "clear", ref, g.id], env=env.cli_env()).exit_code == 0
    d = ReviewStore(jane.services.store).load(ref)[g.keys[0]]
    assert d.redactions_added == [] and d.redactions_removed == []
