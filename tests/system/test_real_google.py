"""The sandbox's fidelity flows against a real Google Workspace test domain, so anyone with one can re-check
the sandbox against the real thing. Skipped unless configured:

  DSAR_SYSTEM_SERVICE_ACCOUNT_FILE  key of a service account with domain-wide delegation for the scopes below
  DSAR_SYSTEM_USER                  a test user whose mailbox and Drive hold a message and a Doc mentioning
                                    DSAR_SYSTEM_NAME (default "Jane O'Test") and a spreadsheet with that name in a row

Differences found are for sandbox/README.md ("What the sandbox does not model")."""
from __future__ import annotations

import base64
import os

import pytest

SA = os.environ.get("DSAR_SYSTEM_SERVICE_ACCOUNT_FILE")
USER = os.environ.get("DSAR_SYSTEM_USER")
NAME = os.environ.get("DSAR_SYSTEM_NAME", "Jane O'Test")
pytestmark = [pytest.mark.system,
              pytest.mark.skipif(not (SA and USER), reason="real Google not configured "
                                 "(set DSAR_SYSTEM_SERVICE_ACCOUNT_FILE and DSAR_SYSTEM_USER)")]


@pytest.fixture(scope="module")
def services(tmp_path_factory):
    from addon.config import Settings
    from addon.services import open_services

    return open_services(Settings(home=tmp_path_factory.mktemp("home"), service_account_file=SA, actor=USER,
                                  admin=USER, extra={"dpo": USER}))


@pytest.fixture(scope="module")
def purpose(services):
    import datetime as dt

    from addon.cli.case_cmd import open_case
    from addon.search.service import search_purpose

    case = open_case(services, "access", [NAME], [], [], [], dt.date.today(), USER)
    return search_purpose(case, USER, "searching")


def test_gmail_list_batch_raw(services, purpose):
    from audit.context import acting
    from scopes import registry

    gmail = services.clients.gmail(USER, registry.scopes_for_operations(["gmail.search", "gmail.read_full"]))
    with acting(purpose):
        ids = [m["id"] for m in gmail.users().messages().list(userId="me", q=f'"{NAME}"').execute().get("messages", [])]
        assert ids, "plant a message mentioning DSAR_SYSTEM_NAME"
        got = {}
        batch = gmail.new_batch_http_request(callback=lambda rid, resp, exc: got.__setitem__(rid, exc or resp))
        for i in ids[:50]:
            batch.add(gmail.users().messages().get(userId="me", id=i, format="metadata"), request_id=i)
        batch.execute()
        assert all(isinstance(v, dict) for v in got.values())
        raw = gmail.users().messages().get(userId="me", id=ids[0], format="raw").execute()["raw"]
        assert b"Message-ID" in base64.urlsafe_b64decode(raw + "==") or b"Message-Id" in base64.urlsafe_b64decode(raw + "==")


def test_drive_fulltext_with_escaped_quote_and_export(services, purpose):
    from addon.queries.drive import literal
    from audit.context import acting
    from scopes import registry

    drive = services.clients.drive(USER, registry.scopes_for_operations(["drive.search", "drive.export"]))
    with acting(purpose):
        files = drive.files().list(q=f"fullText contains {literal(NAME)}", fields="files(id,name,mimeType)").execute()["files"]
        assert files
        doc = next(f for f in files if f["mimeType"] == "application/vnd.google-apps.document")
        assert drive.files().export(fileId=doc["id"], mimeType="text/plain").execute()


def test_gspread_open_values_find(services, purpose):
    from audit.context import acting
    from scopes import registry

    gc = services.clients.gspread(USER, registry.scopes_for_operations(["sheets.read", "drive.search"]))
    with acting(purpose):
        sheet = next(f for f in gc.list_spreadsheet_files())
        ws = gc.open_by_key(sheet["id"]).sheet1
        assert isinstance(ws.get_all_values(), list)
