"""Marking is resumable: Drive fails mid-run (the sandbox injects 500s on files.update until told to stop);
the mailboxes already marked are recorded, the command fails with Google's error, and running it again
finishes the files without doubling a single mark."""
from __future__ import annotations

import pytest
import requests
from googleapiclient.errors import HttpError

from addon.rights.restrict import mark, status
from scopes.model import DRIVE

from .conftest import open_case


def test_marking_resumes_after_drive_fails(world):
    ref = open_case(world, "bobby", "restriction", {"reason": "objection_pending"})
    services = world.services()
    files = {i["file_id"]: i for i in services.store.results(ref, 0) if i["source"] == "drive"}
    assert files
    requests.put(world.server.url + "/_sandbox/faults", json={"spec": "500@drive.files.update=1"}, timeout=10)
    with pytest.raises(HttpError):
        mark(services, ref, world.staff)
    part = status(services, ref, world.staff)
    assert part["gmail"]["marked"] > 0 and part["drive"]["marked"] == 0 and part["status"] == "review"
    requests.put(world.server.url + "/_sandbox/faults", json={"spec": ""}, timeout=10)
    done = mark(services, ref, world.staff)
    assert done["drive"]["marked"] == len(files) and done["gmail"]["marked"] == part["gmail"]["marked"]
    assert services.store.get(ref).status == "restricted"
    for fid, it in files.items():
        meta = world.api("drive", it["account"], [DRIVE]).files().get(
            fileId=fid, fields="description,appProperties", supportsAllDrives=True).execute()
        assert meta["description"].count(f"[DSAR restricted {ref}]") == 1 and meta["appProperties"]["dsar_restricted"] == ref
