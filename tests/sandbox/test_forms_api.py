"""Forms v1 in the sandbox through google-api-python-client: forms found in Drive by mimeType, their questions
and responses, filters, access through Drive sharing, no response deletion, scopes and the expensive-read quota."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from googleapiclient.errors import HttpError

from sandbox.server import SandboxServer
from scopes.discovery import document
from tests.sandbox import sources_fixture as sf

FORM = "application/vnd.google-apps.form"
READ = ["forms.responses.readonly", "forms.body.readonly"]


@pytest.fixture
def server(tmp_path, sandbox_factory) -> SandboxServer:
    return sandbox_factory(sf.write(tmp_path))


def form_id(server, who=sf.ANA) -> str:
    drive = sf.client(server, "drive", "v3", who, ["drive.metadata.readonly"])
    files = drive.files().list(q=f"mimeType = '{FORM}'").execute()["files"]
    assert [f["name"] for f in files] == ["Callback request"]
    return files[0]["id"]


def forms(server, who=sf.ANA, scopes=READ):
    return sf.client(server, "forms", "v1", who, scopes).forms()


def test_drive_lists_forms_and_a_broken_form_stays_a_json_file(server):
    fid = form_id(server)
    drive = sf.client(server, "drive", "v3", sf.ANA, ["drive.readonly"])
    names = {f["name"]: f["mimeType"] for f in drive.files().list(q="'me' in owners").execute()["files"]}
    assert names["Callback request"] == FORM and names["Broken.form.json"] == "application/json"
    (path, reason), = [(p, r) for p, r in server.ws.load_problems if p.endswith(".form.json")]
    assert Path(path).name == "Broken.form.json" and Path(path).is_file() and "needs an id and a title" in reason
    # Drive has no text for a form: its answers are not Drive full-text hits
    assert drive.files().list(q="fullText contains 'Jane'").execute()["files"] == []
    assert fid in server.ws.forms


def test_form_and_responses_shapes(server):
    fid = form_id(server)
    f = forms(server).get(formId=fid).execute()
    assert f["formId"] == fid and f["info"] == {"title": "Callback request", "documentTitle": "Callback request",
                                                "description": "Ask us to ring you back"}
    qs = [(i["title"], i["questionItem"]["question"]["questionId"]) for i in f["items"]]
    assert qs == [("Your name", "name"), ("Phone", "phone"), ("Reason", "why")]
    assert f["items"][2]["questionItem"]["question"]["choiceQuestion"]["type"] == "RADIO"
    got = forms(server).responses().list(formId=fid).execute()["responses"]
    assert [r["answers"]["name"]["textAnswers"]["answers"][0]["value"] for r in got] == ["Jane Doe", "Jane Smith"]
    assert got[0]["respondentEmail"] == "jane.doe@example.com" and "respondentEmail" not in got[1]
    assert got[0]["createTime"] == "2025-06-02T08:00:00.000000Z" and got[0]["responseId"].startswith("ACYDBN")
    one = forms(server).responses().get(formId=fid, responseId=got[1]["responseId"]).execute()
    assert one == got[1]


def test_filter_and_paging(server):
    fid, res = form_id(server), forms(server).responses()
    later = res.list(formId=fid, filter="timestamp > 2025-06-02T08:00:00Z").execute()["responses"]
    assert [r["answers"]["name"]["textAnswers"]["answers"][0]["value"] for r in later] == ["Jane Smith"]
    assert len(res.list(formId=fid, filter="timestamp >= 2025-06-02T08:00:00Z").execute()["responses"]) == 2
    assert res.list(formId=fid, filter="timestamp > 2026-01-01T00:00:00Z").execute() == {}
    req, seen = res.list(formId=fid, pageSize=1), []
    while req is not None:
        page = req.execute()
        seen += page["responses"]
        req = res.list_next(req, page)
    assert len(seen) == 2 and seen[0]["responseId"] != seen[1]["responseId"]
    for bad in ("timestamp < 2025-06-02T08:00:00Z", "timestamp > yesterday", "respondentEmail = x"):
        with pytest.raises(HttpError) as err:
            res.list(formId=fid, filter=bad).execute()
        assert err.value.resp.status == 400, bad


def test_access_follows_drive_and_there_is_no_response_delete(server):
    fid = form_id(server)
    with pytest.raises(HttpError) as err:
        forms(server, sf.BEN).responses().list(formId=fid).execute()  # not shared with Ben
    assert err.value.resp.status == 403
    with pytest.raises(HttpError) as err:
        forms(server).get(formId="1nosuchform").execute()
    assert err.value.resp.status == 404
    with pytest.raises(HttpError) as err:
        forms(server, scopes=["forms.body.readonly"]).responses().list(formId=fid).execute()
    assert err.value.resp.status == 403 and "insufficient authentication scopes" in str(err.value)
    methods = json.dumps(document("forms", "v1")["resources"]["forms"]["resources"]["responses"]["methods"])
    assert "delete" not in json.loads(methods) and not hasattr(forms(server).responses(), "delete")


def test_expensive_read_quota_per_user(server):
    fid, res = form_id(server), forms(server).responses()
    t0, served = time.monotonic(), 0
    with pytest.raises(HttpError) as err:  # forms.responses.list: 180 per minute per user
        for _ in range(1000):
            res.list(formId=fid).execute()
            served += 1
    assert 180 <= served <= 180 + 3 * (time.monotonic() - t0) + 1
    assert err.value.resp.status == 429 and "Expensive read requests" in str(err.value)
    assert forms(server).get(formId=fid).execute()["formId"] == fid  # ordinary reads draw on their own quota
