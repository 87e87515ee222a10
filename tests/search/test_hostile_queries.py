"""Hostile subject strings never widen a search: every message or file the sandbox returns for the built
queries really contains every token of the string (an injected OR, operator or brace would return others)."""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from addon.clients import discovery_document
from addon.queries import drive as drive_q
from addon.queries import gmail as gmail_q
from addon.subjects import Subject
from googleapiclient.discovery import build_from_document
from google.oauth2.credentials import Credentials
from sandbox.server import SandboxServer
from tests.conftest import mint_token

FRAGMENTS = ["Jane", "Doe", "from:", " OR ", "OR", '"', "'", "\\", "{", "}", "(", ")", "-", "*", "in:trash",
             "subject:", "to:", "customer", "and", "or", "not", "contains", "=", "\n", "Zoë", "O'Connor", "|"]
hostile = st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=6).map("".join)


def _tokens(s: str) -> list[str]:
    return [t.casefold() for t in re.findall(r"[^\W_]+", s)]


@pytest.fixture(scope="module")
def clients(demo_fixture):
    with SandboxServer(demo_fixture, port=0, quota=False) as server:
        user = next(u.email for u in server.ws.users.values() if u.email.startswith("aisha"))
        token = mint_token(server, user, ["https://www.googleapis.com/auth/gmail.readonly",
                                          "https://www.googleapis.com/auth/drive.readonly"])
        creds = Credentials(token=token)
        yield (build_from_document(discovery_document("gmail", server.url), credentials=creds),
               build_from_document(discovery_document("drive", server.url), credentials=creds))


def _text_of(msg: dict) -> str:
    import base64

    out = [h["value"] for h in msg["payload"].get("headers", [])]
    stack = [msg["payload"]]
    while stack:
        p = stack.pop()
        stack += p.get("parts", [])
        out.append(p.get("filename", ""))
        if p.get("body", {}).get("data"):
            out.append(base64.urlsafe_b64decode(p["body"]["data"] + "==").decode("utf-8", "replace"))
    return " ".join(out)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=hostile)
def test_gmail_results_contain_every_token(clients, name):
    gmail, _ = clients
    want = _tokens(name)
    try:
        subject = Subject(names=(name,))
    except Exception:
        return
    for q in gmail_q.queries_for(subject):
        resp = gmail.users().messages().list(userId="me", q=q, maxResults=50, includeSpamTrash=True).execute()
        for m in resp.get("messages", []):
            text = _text_of(gmail.users().messages().get(userId="me", id=m["id"], format="full").execute()).casefold()
            text_tokens = set(re.findall(r"[^\W_]+", text)) | set(re.findall(r"[^\W_]+", _fold(text)))
            assert set(map(_fold, want)) <= {_fold(t) for t in text_tokens}, (name, q)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=hostile)
def test_drive_results_contain_every_token_in_name_or_text(clients, name):
    _, drive = clients
    want = {_fold(t) for t in _tokens(name)}
    for q in drive_q.queries_for(Subject(names=(name,))):
        files = drive.files().list(q=q, pageSize=100, fields="files(id,name,mimeType)").execute().get("files", [])
        for f in files:
            name_tokens = {_fold(t) for t in _tokens(f["name"])}
            if f["mimeType"] == "application/vnd.google-apps.document":
                body = drive.files().export(fileId=f["id"], mimeType="text/plain").execute().decode("utf-8", "replace")
            else:
                body = ""
            body_tokens = {_fold(t) for t in _tokens(body)}
            # name contains is a prefix match on name tokens; fullText is whole tokens of name and content
            prefix_ok = all(any(n.startswith(w) for n in name_tokens) for w in want)
            assert prefix_ok or want <= (body_tokens | name_tokens) or f["mimeType"] != "application/vnd.google-apps.document", (name, q, f["name"])


def _fold(t: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c)).casefold()
