"""Shared drives declared in a fixture (_shared_drives/<name>/drive.json) reach the real Drive client:
members and roles as declared, drive.json itself not a file, files listed only with the shared-drive flags."""
from __future__ import annotations

import json

import pytest
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build_from_document
from googleapiclient.discovery_cache import get_static_doc
from googleapiclient.errors import HttpError

from sandbox.fixture import load_workspace
from tests.conftest import mint_token

A, B, C = "ann@acme.test", "ben@acme.test", "cat@acme.test"


def _fixture(root, members):
    root.mkdir()
    (root / "workspace.json").write_text(json.dumps({"domain": "acme.test", "users": [
        {"email": A, "admin": True}, {"email": B}, {"email": C}]}))
    d = root / "_shared_drives" / "Legal"
    (d / "Cases").mkdir(parents=True)
    (d / "drive.json").write_text(json.dumps({"members": members}))
    (d / "Cases" / "notes.txt").write_text("Case notes for Marta Kowalczyk")
    return root


def _drive(server, user):
    doc = json.loads(get_static_doc("drive", "v3"))
    doc["rootUrl"] = server.url + "/"
    return build_from_document(doc, credentials=Credentials(token=mint_token(
        server, user, ["https://www.googleapis.com/auth/drive.readonly"])))


def test_members_roles_and_listing(tmp_path, sandbox_factory):
    server = sandbox_factory(_fixture(tmp_path / "fx", {B: "organizer", C: "reader"}))
    assert not server.ws.load_problems
    ben, cat, ann = _drive(server, B), _drive(server, C), _drive(server, A)
    drives = ben.drives().list(fields="drives(id,name,capabilities(canManageMembers))").execute()["drives"]
    assert [(d["name"], d["capabilities"]["canManageMembers"]) for d in drives] == [("Legal", True)]
    did = drives[0]["id"]
    assert cat.drives().list().execute()["drives"][0]["id"] == did
    assert ann.drives().list().execute().get("drives", []) == []  # the admin is not a member
    flags = {"corpora": "drive", "driveId": did, "includeItemsFromAllDrives": True, "supportsAllDrives": True}
    names = sorted(f["name"] for f in cat.files().list(fields="files(name)", **flags).execute()["files"])
    assert names == ["Cases", "notes"]  # drive.json describes the drive; it is not in it
    hit = cat.files().list(q="fullText contains 'Marta Kowalczyk'", fields="files(id,driveId)", **flags).execute()
    assert [f["driveId"] for f in hit["files"]] == [did]
    assert cat.files().list(q="fullText contains 'Marta Kowalczyk'").execute()["files"] == []  # My Drive only
    with pytest.raises(HttpError) as e:
        ann.files().list(**flags).execute()
    assert e.value.resp.status == 404


def test_bad_members_are_reported_not_fatal(tmp_path):
    ws = load_workspace(_fixture(tmp_path / "fx", {B: "organizer", "stranger@else.test": "reader", C: "boss"}))
    (d,) = ws.drive.drives.values()
    assert d.members == {B: "organizer"}
    assert len(ws.load_problems) == 2 and all("drive.json" in p for p, _ in ws.load_problems)
