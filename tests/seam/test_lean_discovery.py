"""The lean discovery documents: every method exactly as Google describes it, schemas cut to names."""
from __future__ import annotations

import json

import httplib2
import pytest
from googleapiclient.discovery import build_from_document
from googleapiclient.discovery_cache import get_static_doc

from addon.clients import _APIS, discovery_document


@pytest.mark.parametrize("api", sorted(_APIS))
def test_methods_and_parameters_are_google_s_own(api):
    name, version = _APIS[api]
    full = json.loads(get_static_doc(name, version))
    lean = discovery_document(api, None)
    assert lean["resources"] == full["resources"] and lean.get("parameters") == full.get("parameters")
    assert lean["rootUrl"] == full["rootUrl"] and set(lean["schemas"]) == set(full["schemas"])
    for sname, schema in lean["schemas"].items():
        assert set(schema.get("properties", {})) == set(full["schemas"][sname].get("properties", {}))


def test_paging_helpers_survive():
    gmail = build_from_document(discovery_document("gmail", "http://127.0.0.1:9/"), http=httplib2.Http())
    drive = build_from_document(discovery_document("drive", "http://127.0.0.1:9/"), http=httplib2.Http())
    assert callable(gmail.users().messages().list_next) and callable(drive.files().list_next)
    req = drive.files().list(q="name contains 'x'", pageSize=10)
    assert req.uri.startswith("http://127.0.0.1:9/drive/v3/files?") and req.method == "GET"
