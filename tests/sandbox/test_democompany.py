"""The demo-company fixture: deterministic bytes, Takeout-shaped files the stdlib can read, and an
expected.json that agrees with what was actually written (every hit and decoy is checked in its file).

Files are read back with independent readers (stdlib mailbox/email, csv, openpyxl, BeautifulSoup), never with
the sandbox loaders, so a generator bug cannot hide behind a loader bug.
"""
from __future__ import annotations

import csv
import email
import hashlib
import io
import json
import mailbox
import re
import time
from collections import Counter
from email.header import decode_header, make_header
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path

import openpyxl
import pytest
from bs4 import BeautifulSoup

from sandbox import filetext
from sandbox.democompany import write_fixture
from sandbox.democompany.people import FIRST_NAMES, SURNAMES
from sandbox.democompany.subjects import FORBIDDEN_WORDS
from sandbox.errors import FixtureError

CONVERTED = (".txt", ".md", ".html", ".csv", ".xlsx")


# --- readers ---------------------------------------------------------------------------------------------

def _header(value: str | None) -> str:
    return str(make_header(decode_header(value))) if value else ""


def _addresses(msg: email.message.Message, name: str) -> str:
    return ", ".join(f"{n} <{a}>" for n, a in getaddresses([_header(v) for v in msg.get_all(name, [])]))


def message_text(msg: email.message.Message) -> str:
    """What a reader sees: decoded headers, decoded text parts (HTML as text), attachment names and text."""
    out = [_addresses(msg, "From"), _addresses(msg, "To"), _addresses(msg, "Cc"), _header(msg.get("Subject"))]
    for part in msg.walk():
        if part.is_multipart():
            continue
        if part.get_filename():
            out.append(part.get_filename())
        if part.get_content_maintype() == "text":
            text = part.get_payload(decode=True).decode(part.get_content_charset() or "us-ascii")
            if part.get_content_subtype() == "html":
                text = BeautifulSoup(text, "html.parser").get_text(" ")
            out.append(text)
    return "\n".join(out)


def squash(text: str) -> str:
    return " ".join(text.split())


class Fixture:
    def __init__(self, root: Path, summary: str, seconds: float) -> None:
        self.root, self.summary, self.seconds = root, summary, seconds
        self.expected = json.loads((root / "expected.json").read_text(encoding="utf-8"))
        self.workspace = json.loads((root / "workspace.json").read_text(encoding="utf-8"))
        self.raw: dict[tuple[str, str], bytes] = {}  # (account, Message-ID) -> message bytes
        self.labels: dict[tuple[str, str], list[str]] = {}
        self.mbox_counts: Counter[str] = Counter()
        for path in sorted(root.glob("*/Mail/*.mbox")):
            if path.name == "broken.mbox":
                continue
            account = path.parent.parent.name
            box = mailbox.mbox(path, create=False)
            for key in box.keys():
                data = box.get_bytes(key)
                msg = email.message_from_bytes(data)
                ident = (account, msg["Message-ID"])
                assert ident not in self.raw, f"duplicate {ident}"
                self.raw[ident] = data
                self.labels[ident] = msg["X-Gmail-Labels"].split(",")
                self.mbox_counts[account] += 1
        self._text: dict[tuple[str, str], str] = {}

    def text(self, ident: tuple[str, str]) -> str:
        if ident not in self._text:
            self._text[ident] = message_text(email.message_from_bytes(self.raw[ident]))
        return self._text[ident]

    def drive_file(self, account: str, drive_path: str, drive: str | None = None) -> Path:
        base = self.root / "_shared_drives" / drive if drive else self.root / account / "Drive"
        candidates = [base / drive_path] + [base / (drive_path + ext) for ext in CONVERTED]
        found = [c for c in candidates if c.is_file() and (c == base / drive_path) == (c.suffix not in CONVERTED)]
        assert len(found) == 1, f"{account}:{drive_path} -> {found}"
        return found[0]

    def doc_text(self, account: str, drive_path: str, drive: str | None = None) -> str:
        f = self.drive_file(account, drive_path, drive)
        if f.suffix in (".docx", ".pdf"):  # binary documents: read as Drive's index does
            return filetext.text_of(f.name, "", f.read_bytes()) or ""
        text = f.read_text(encoding="utf-8")
        return BeautifulSoup(text, "html.parser").get_text(" ") if f.suffix == ".html" else text

    def sheet_rows(self, account: str, drive_path: str, tab: str) -> list[list[str]]:
        f = self.drive_file(account, drive_path)
        if f.suffix == ".csv":
            assert tab == f.stem
            return list(csv.reader(io.StringIO(f.read_text(encoding="utf-8-sig"))))
        ws = openpyxl.load_workbook(f, read_only=True)[tab]
        return [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]


@pytest.fixture(scope="module")
def fx(tmp_path_factory) -> Fixture:
    root = tmp_path_factory.mktemp("demo") / "fixture"
    t0 = time.perf_counter()
    summary = write_fixture(root)
    return Fixture(root, summary, time.perf_counter() - t0)


def _digest(root: Path) -> dict[str, tuple[str, int]]:
    return {p.relative_to(root).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), int(p.stat().st_mtime))
            for p in sorted(root.rglob("*")) if p.is_file()}


# --- determinism, size, speed ----------------------------------------------------------------------------

def test_same_seed_writes_identical_bytes_and_times(fx, tmp_path):
    again = tmp_path / "again"
    assert write_fixture(again) == fx.summary
    assert _digest(again) == _digest(fx.root)
    other = tmp_path / "other"
    write_fixture(other, seed=7)
    assert _digest(other) != _digest(fx.root)


def test_summary_counts_and_speed(fx):
    c = fx.expected["counts"]
    assert fx.summary == (f"6 mailboxes, {c['messages']:,} messages, {c['files']:,} Drive files, "
                          "8 spreadsheets, 5 data subjects")
    assert 2800 <= c["messages"] <= 3300 and 130 <= c["files"] <= 180 and c["spreadsheets"] == 8
    assert sum(fx.mbox_counts.values()) == c["messages"]
    assert {a: v["messages"] for a, v in c["per_account"].items()} == dict(fx.mbox_counts)
    files = [p for p in fx.root.glob("*@*/Drive/**/*") if p.is_file()]
    assert len(files) == c["files"]
    assert len([p for p in files if p.suffix in (".csv", ".xlsx")]) == 8
    assert c["shared_drive_files"] == len([p for p in (fx.root / "_shared_drives").rglob("*")
                                           if p.is_file() and p.name != "drive.json"]) > 0
    assert fx.seconds < 6, f"writing the scale-1 fixture took {fx.seconds:.1f}s (budget 3s on an idle machine)"


def test_scale_multiplies_filler_only(fx, tmp_path):
    small = tmp_path / "small"
    write_fixture(small, scale=0.2)
    exp = json.loads((small / "expected.json").read_text(encoding="utf-8"))
    assert exp["subjects"] == fx.expected["subjects"]
    assert exp["counts"]["messages"] < fx.expected["counts"]["messages"] / 3
    assert exp["counts"]["files"] < fx.expected["counts"]["files"]


def test_workspace_description(fx):
    ws = fx.workspace
    assert ws["domain"] == fx.expected["domain"] and ws["domain"].endswith(".test")
    emails = [u["email"] for u in ws["users"]]
    assert len(emails) == 6 and all(e.endswith("@" + ws["domain"]) for e in emails)
    assert [u["email"] for u in ws["users"] if u["admin"]] == ["it@" + ws["domain"]]
    assert "dpo@" + ws["domain"] in emails
    assert sorted(p.name for p in fx.root.iterdir() if "@" in p.name) == sorted(emails)


# --- mail shape ------------------------------------------------------------------------------------------

def test_every_mbox_but_the_broken_one_reads_with_the_stdlib(fx):
    ids: dict[str, str] = {}
    for (_account, msgid), data in fx.raw.items():
        msg = email.message_from_bytes(data)
        assert re.fullmatch(r"<[^<>@\s]+@mail\.[a-z0-9.-]+>", msgid), msgid
        assert not msg.defects, (msgid, msg.defects)
        when = parsedate_to_datetime(msg["Date"])
        assert 2025 <= when.year <= 2026 and when.tzinfo is not None
        assert msg["X-GM-THRID"].isdigit() and msg["From"] and msg["Subject"] is not None
        # one Message-ID is one message: every copy has the same Date and Subject
        key = msg["Date"] + "|" + str(msg["Subject"])
        assert ids.setdefault(msgid, key) == key
    broken = fx.expected["broken_files"]
    on_disk = [p.relative_to(fx.root).as_posix() for p in fx.root.glob("*/Mail/broken.mbox")]
    assert [b["path"] for b in broken] == on_disk
    assert not (fx.root / broken[0]["path"]).read_bytes().startswith(b"From ")


def test_mail_has_the_mime_variety_a_loader_must_handle(fx):
    seen: Counter[str] = Counter()
    all_ids = {m for _, m in fx.raw}
    for ident, data in fx.raw.items():
        msg = email.message_from_bytes(data)
        seen[msg.get_content_type()] += 1
        for part in msg.walk():
            seen["cte:" + str(part.get("Content-Transfer-Encoding", "")).lower()] += 1
            seen["charset:" + str(part.get_content_charset())] += 1
            if part.get_filename():
                seen["attachment"] += 1
        if msg["In-Reply-To"]:
            assert msg["In-Reply-To"] in all_ids and msg["References"].split()[-1] == msg["In-Reply-To"]
            seen["reply"] += 1
        for label in fx.labels[ident]:
            seen["label:" + label] += 1
    for need in ("text/plain", "text/html", "multipart/alternative", "multipart/mixed", "cte:quoted-printable",
                 "cte:base64", "cte:8bit", "charset:iso-8859-1", "charset:windows-1252", "attachment", "reply",
                 "label:Inbox", "label:Sent", "label:Trash", "label:Spam", "label:Important", "label:Starred",
                 "label:Category Promotions", "label:Category Updates", "label:Complaints", "label:Legal hold"):
        assert seen[need] > 0, need


# --- expected.json against the files ---------------------------------------------------------------------

def test_subjects_are_varied_and_fictional(fx):
    subs = fx.expected["subjects"]
    assert len(subs) == 5
    names = [n for s in subs for n in s["names"]]
    assert any(not n.isascii() for n in names) and any("'" in n for n in names) and any('"' in n for n in names)
    assert sum(1 for s in subs if s.get("hostile")) >= 2
    for s in subs:
        assert all(p.startswith(("+447700900", "+44207946", "+441134960")) for p in s["phones"])
        fictional = ("example.com", "example.net", "example.org", fx.expected["domain"])
        assert all(e.split("@")[1] in fictional for e in s["emails"])
        exp = s["expected"]
        assert exp["gmail"] and exp["drive"] and exp["sheets"], s["key"]
        assert s["decoys"]


def test_planted_mail_exists_and_shows_the_evidence(fx):
    for s in fx.expected["subjects"]:
        for item in s["expected"]["gmail"]:
            ident = (item["account"], item["rfc822_message_id"])
            assert ident in fx.raw, (s["key"], ident)
            assert squash(item["evidence"]) in squash(fx.text(ident)), (s["key"], item)
            if "soft line break" in item["how"]:
                assert item["evidence"].encode() not in fx.raw[ident]
            if "Trash" in item["how"] or "Spam" in item["how"]:
                assert ({"Trash", "Spam"} & set(fx.labels[ident])), item


def test_planted_drive_files_exist_and_show_the_evidence(fx):
    for s in fx.expected["subjects"]:
        for item in s["expected"]["drive"]:
            f = fx.drive_file(item["account"], item["path"], item.get("drive"))
            assert f.suffix not in (".csv", ".xlsx")
            shown = squash(fx.doc_text(item["account"], item["path"], item.get("drive")) + " "
                           + item["path"].rsplit("/", 1)[-1])
            assert squash(item["evidence"]) in shown, (s["key"], item)


def test_planted_sheet_rows_are_at_the_stated_row(fx):
    for s in fx.expected["subjects"]:
        for item in s["expected"]["sheets"]:
            rows = fx.sheet_rows(item["account"], item["path"], item["sheet"])
            assert item["row"] >= 2, "row 1 is the header"
            assert item["evidence"] in " | ".join(rows[item["row"] - 1]), (s["key"], item)


def test_decoys_are_present_and_are_not_hits(fx):
    for s in fx.expected["subjects"]:
        exp = s["expected"]
        hits = {(i["account"], i["rfc822_message_id"]) for i in exp["gmail"]} | \
               {(i["account"], i["path"]) for i in exp["drive"]} | \
               {(i["account"], i["path"], i["sheet"], i["row"]) for i in exp["sheets"]}
        kinds = Counter(d["source"] for d in s["decoys"])
        assert kinds["gmail"] and kinds["sheets"], s["key"]
        for d in s["decoys"]:
            if d["source"] == "gmail":
                where = (d["account"], d["rfc822_message_id"])
                shown = fx.text(where)
            elif d["source"] == "drive":
                where = (d["account"], d["path"])
                shown = fx.doc_text(*where, d.get("drive")) + " " + d["path"].rsplit("/", 1)[-1]
            else:
                where = (d["account"], d["path"], d["sheet"], d["row"])
                shown = " | ".join(fx.sheet_rows(d["account"], d["path"], d["sheet"])[d["row"] - 1])
            assert where not in hits, (s["key"], d)
            assert squash(d["evidence"]) in squash(shown), (s["key"], d)
            folded = shown.casefold()
            assert not any(e.casefold() in folded for e in s["emails"]), (s["key"], d)
            assert not any(i.casefold() in re.findall(r"[\w-]+", folded) for i in s["identifiers"]), (s["key"], d)


def test_the_name_split_over_two_rows_decoy(fx):
    jane = next(s for s in fx.expected["subjects"] if s["key"] == "jane")
    split = sorted((d for d in jane["decoys"] if "two rows" in d["what"]), key=lambda d: d["row"])
    assert [d["evidence"] for d in split] == ["Jane", "Doe"] and split[1]["row"] == split[0]["row"] + 1


def test_filler_names_never_use_a_subject_or_decoy_word():
    assert not {w.lower() for w in FIRST_NAMES + SURNAMES} & FORBIDDEN_WORDS


def test_product_matcher_agrees_with_the_ground_truth(fx):
    """The product's own definition of a mention (addon.subjects.matching), run over every message, document
    and row, finds exactly the planted items: nothing missing, nothing extra (so decoys really do not match)."""
    matching = pytest.importorskip("addon.subjects.matching")
    identifiers = pytest.importorskip("addon.subjects.identifiers")
    docs: dict[tuple[str, str], str] = {}
    sheets: dict[tuple[str, str, str], list[list[str]]] = {}
    for account in (u["email"] for u in fx.workspace["users"]):
        base = fx.root / account / "Drive"
        for f in sorted(p for p in base.rglob("*") if p.is_file()):
            rel = f.relative_to(base).as_posix()
            drive_path = rel[: -len(f.suffix)] if f.suffix in CONVERTED else rel
            if f.suffix == ".csv":
                sheets[(account, drive_path, f.stem)] = fx.sheet_rows(account, drive_path, f.stem)
            elif f.suffix == ".xlsx":
                for tab in openpyxl.load_workbook(f, read_only=True).sheetnames:
                    sheets[(account, drive_path, tab)] = fx.sheet_rows(account, drive_path, tab)
            elif f.suffix in (".txt", ".md", ".html", ".log", ".docx", ".pdf"):
                docs[(account, drive_path)] = fx.doc_text(account, drive_path) + "\n" + drive_path.rsplit("/", 1)[-1]
    for shared in sorted((fx.root / "_shared_drives").iterdir()):  # keyed by the organiser, who searches it
        meta = shared / "drive.json"
        members = json.loads(meta.read_text())["members"] if meta.is_file() else {}
        organiser = next((m for m, r in members.items() if r == "organizer"), None)
        for f in sorted(p for p in shared.rglob("*") if p.is_file() and p.suffix in (".docx", ".pdf", ".md", ".txt")):
            if organiser:
                rel = f.relative_to(shared).as_posix()
                drive_path = rel[: -len(f.suffix)] if f.suffix in CONVERTED else rel
                docs[(organiser, drive_path)] = fx.doc_text(organiser, drive_path, shared.name) + "\n" + f.name
    for s in fx.expected["subjects"]:
        m = matching.Matcher(identifiers.Subject(tuple(s["names"]), tuple(s["emails"]), tuple(s["phones"]),
                                                 tuple(s["identifiers"])))
        exp = s["expected"]
        got = {i for i in fx.raw if m.match_text(fx.text(i))}
        assert got == {(i["account"], i["rfc822_message_id"]) for i in exp["gmail"]}, s["key"]
        got = {k for k, text in docs.items() if m.match_text(text)}
        assert got == {(i["account"], i["path"]) for i in exp["drive"]}, s["key"]
        got = {(*k, n) for k, rows in sheets.items() for n, row in enumerate(rows, 1)
               if m.match_row(row, rows[0] if n > 1 else None)}
        assert got == {(i["account"], i["path"], i["sheet"], i["row"]) for i in exp["sheets"]}, s["key"]


# --- bad input -------------------------------------------------------------------------------------------

def test_refuses_to_overwrite_a_folder_that_is_not_a_fixture(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(FixtureError, match="refusing to overwrite"):
        write_fixture(tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_rewrites_an_earlier_fixture_in_place(tmp_path):
    write_fixture(tmp_path, scale=0.3)
    stale = tmp_path / "tom.reeves@northwind-calls.test" / "Drive" / "stale.txt"
    stale.write_text("left over")
    write_fixture(tmp_path, scale=0.1)
    assert not stale.exists()
    assert json.loads((tmp_path / "expected.json").read_text())["counts"]["messages"] < 1000


@pytest.mark.parametrize("scale", [-1, 51, "2"])
def test_bad_scale_names_the_field(tmp_path, scale):
    with pytest.raises(FixtureError, match="scale"):
        write_fixture(tmp_path / "x", scale=scale)
