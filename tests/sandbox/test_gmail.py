"""The sandbox's Gmail v1 API through the real google-api-python-client over HTTP: search, paging, batch,
formats, attachments, label changes, deletion, scopes, auth errors, bad queries, quota and faults."""
from __future__ import annotations

import base64
import json
import mailbox
from email.message import EmailMessage
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httplib2
import pytest
import requests
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build_from_document
from googleapiclient.discovery_cache import get_static_doc
from googleapiclient.errors import HttpError

from tests.conftest import mint_token

OWNER = "dpo@acme.test"
OTHER = "staff@acme.test"
READONLY = "https://www.googleapis.com/auth/gmail.readonly"
METADATA = "https://www.googleapis.com/auth/gmail.metadata"
MODIFY = "https://www.googleapis.com/auth/gmail.modify"
FULL = "https://mail.google.com/"
BULK = 60
T0 = datetime(2025, 1, 1, 9, 0, tzinfo=timezone.utc)
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 4
NOTES = "Passport checked by Ellie.\n"


def _email(key: str, labels: str, when: datetime, *, frm: str, subject: str, body: str = "", html: str | None = None,
           to: str = OWNER, attach: list[tuple[str, bytes, str]] = (), reply_to: str | None = None) -> EmailMessage:
    m = EmailMessage()
    m["X-Gmail-Labels"] = labels
    m["From"], m["To"], m["Subject"] = frm, to, subject
    m["Date"] = format_datetime(when)
    m["Message-ID"] = f"<{key}@acme.test>"
    if reply_to:
        m["In-Reply-To"] = m["References"] = f"<{reply_to}@acme.test>"
    if html is not None and not body:
        m.set_content(html, subtype="html")
    else:
        m.set_content(body)
        if html is not None:
            m.add_alternative(html, subtype="html")
    for name, data, ctype in attach:
        main, sub = ctype.split("/")
        m.add_attachment(data, maintype=main, subtype=sub, filename=name)
    return m


# Hand-written bytes for what the email package will not write: raw 8-bit headers and legacy charsets.
LATIN1 = (b"X-Gmail-Labels: Inbox,Opened\nFrom: =?iso-8859-1?q?Ren=E9e_Fran=E7ois?= <renee@example.fr>\n"
          b"To: dpo@acme.test\nSubject: Donn\xe9es personnelles\nDate: Thu, 10 Apr 2025 10:00:00 +0000\n"
          b"Message-ID: <latin1@acme.test>\nContent-Type: text/plain; charset=iso-8859-1\n"
          b"Content-Transfer-Encoding: quoted-printable\n\nJ'aime le caf=E9 cr=E8me.\n")
CP1252 = (b"X-Gmail-Labels: Inbox,Opened\nFrom: Bob <bob@example.com>\nTo: dpo@acme.test\nSubject: Smart quotes\n"
          b"Date: Thu, 10 Apr 2025 11:00:00 +0000\nMessage-ID: <cp1252@acme.test>\n"
          b"Content-Type: text/plain; charset=windows-1252\nContent-Transfer-Encoding: 8bit\n\n"
          b"He said \x93bonjour\x94 \x96 na\xefve.\n")
JIS = (b"X-Gmail-Labels: Inbox,Opened\nFrom: Taro <taro@example.jp>\nTo: dpo@acme.test\nSubject: JIS\n"
       b"Date: Thu, 10 Apr 2025 12:00:00 +0000\nMessage-ID: <jis@acme.test>\n"
       b"Content-Type: text/plain; charset=iso-2022-jp\n\n" + "こんにちは 世界".encode("iso-2022-jp") + b"\n")


def write_fixture(root: Path) -> Path:
    (root / "workspace.json").write_text(json.dumps({"domain": "acme.test", "users": [
        {"email": OWNER, "name": "Dee Pio"}, {"email": OTHER, "name": "Staff"}]}))
    mail = root / OWNER / "Mail"
    mail.mkdir(parents=True)
    box = mailbox.mbox(str(mail / "inbox.mbox"))
    for i in range(BULK):
        box.add(_email(f"bulk{i:02d}", "Inbox,Opened,Category Updates", T0 + timedelta(days=i),
                       frm="Acme News <news@list.example>", subject=f"Newsletter {i}", body=f"Issue number {i}."))
    t = T0 + timedelta(days=BULK + 1)
    box.add(_email("sar", "Inbox,Important,Clients", t, frm="Jane Doe <jane.doe@example.com>",
                   subject="Subject access request", body="Please send my data. Customer no CUST-0045."))
    box.add(_email("docs", "Inbox,Opened,Clients", t + timedelta(hours=1), frm="Jane Doe <jane.doe@example.com>",
                   subject="My documents", body="Scans attached.", html="<p>Scans <b>attached</b>.</p>",
                   attach=[("passport scan.pdf", PDF, "application/pdf"), ("notes.txt", NOTES.encode(), "text/plain")]))
    box.add(_email("reply", "Sent", t + timedelta(hours=2), frm=f"Dee Pio <{OWNER}>", to="jane.doe@example.com",
                   subject="Re: Subject access request", body="We have your request, Jane.", reply_to="sar"))
    box.add(_email("binned", "Trash,Opened", t + timedelta(hours=3), frm="Jane Doe <jane.doe@example.com>",
                   subject="Old note", body="An old note from Jane Doe."))
    box.add(_email("junk", "Spam", t + timedelta(hours=4), frm="Prize <win@spam.example>",
                   subject="Jane Doe you won", body="Claim now."))
    box.add(_email("html", "Inbox,Opened", t + timedelta(hours=5), frm="Shop <shop@example.com>",
                   subject="Receipt", html="<html><body><h1>Thanks Mar<i>ga</i>ret</h1><script>x()</script></body></html>"))
    for raw in (LATIN1, CP1252, JIS):
        box.add(raw)
    box.close()
    broken = mailbox.mbox(str(mail / "broken.mbox"))
    broken.add(b"\n\nno headers here at all\n")
    broken.add(_email("survivor", "Inbox,Opened", t, frm="Sam <sam@example.com>", subject="Survivor", body="Still here."))
    broken.close()
    (mail / "garbage.mbox").write_bytes(b"\x00\x01\x02 this is not an mbox file")
    other = root / OTHER / "Mail"
    other.mkdir(parents=True)
    ob = mailbox.mbox(str(other / "all.mbox"))
    ob.add(_email("staff1", "Inbox", t, frm="Jane Doe <jane.doe@example.com>", to=OTHER, subject="Hi", body="Jane here."))
    ob.close()
    return root


def _workspace(fixture: Path):
    """The fixture loaded as ``dsar sandbox serve`` would (without Drive if that loader is not there yet)."""
    try:
        from sandbox.fixture import load_workspace
    except ImportError:
        from sandbox.gmail.loader import load_mail
        from sandbox.gmail.store import Mailbox
        from sandbox.state import User, Workspace

        meta = json.loads((fixture / "workspace.json").read_text())
        ws = Workspace(domain=meta["domain"])
        for u in meta["users"]:
            ws.users[u["email"]] = User(u["email"], u["name"])
            ws.mailboxes[u["email"]] = Mailbox(u["email"])
            if (fixture / u["email"] / "Mail").is_dir():
                load_mail(ws, u["email"], fixture / u["email"] / "Mail")
        return ws
    return load_workspace(fixture)


@pytest.fixture(scope="module")
def fixture_dir(tmp_path_factory) -> Path:
    return write_fixture(tmp_path_factory.mktemp("gmail-fixture"))


@pytest.fixture
def server(sandbox_factory, fixture_dir):
    """A fresh sandbox for tests that change the mailbox."""
    return sandbox_factory(workspace=_workspace(fixture_dir), quota=False)


@pytest.fixture(scope="module")
def ro_server(fixture_dir):
    """One sandbox shared by the tests that only read (starting one costs a signing key and a port)."""
    from sandbox.server import SandboxServer

    srv = SandboxServer(workspace=_workspace(fixture_dir), quota=False).start()
    yield srv
    srv.stop()


def gmail(server, scopes=(FULL,), email: str = OWNER, token: str | None = None):
    doc = json.loads(get_static_doc("gmail", "v1"))
    doc["rootUrl"] = server.url + "/"
    doc.pop("mtlsRootUrl", None)
    creds = Credentials(token=token or mint_token(server, email, list(scopes)))
    return build_from_document(doc, credentials=creds)


def list_all(svc, **kw) -> list[dict]:
    out, token = [], None
    while True:
        resp = svc.users().messages().list(userId="me", pageToken=token, **kw).execute()
        out += resp.get("messages", [])
        token = resp.get("nextPageToken")
        if not token:
            return out


def rfc822_ids(svc, ids: list[str]) -> set[str]:
    """Message-ID headers of these messages, fetched in one batch of metadata gets."""
    got: dict[str, str] = {}

    def cb(rid, resp, exc):
        assert exc is None, exc
        got[rid] = next(h["value"] for h in resp["payload"]["headers"] if h["name"].lower() == "message-id")

    for start in range(0, len(ids), 50):
        batch = svc.new_batch_http_request(callback=cb)
        for mid in ids[start:start + 50]:
            batch.add(svc.users().messages().get(userId="me", id=mid, format="metadata",
                                                 metadataHeaders=["Message-ID"]), request_id=mid)
        batch.execute()
    return {got[i].strip("<>").split("@")[0] for i in ids}


def search(svc, q: str, **kw) -> set[str]:
    return rfc822_ids(svc, [m["id"] for m in list_all(svc, q=q, **kw)])


def by_key(svc, key: str) -> str:
    hits = list_all(svc, q=f"rfc822msgid:{key}@acme.test", includeSpamTrash=True)
    assert len(hits) == 1
    return hits[0]["id"]


def error_of(exc: HttpError) -> dict:
    return json.loads(exc.content)["error"]


# -- search ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("q, expected", [
    ("jane", {"sar", "docs", "reply"}),
    ('"jane doe"', {"sar", "docs", "reply"}),  # the phrase is also in reply's To address
    ("from:jane.doe@example.com", {"sar", "docs"}),
    ("from:jane", {"sar", "docs"}),
    ("to:jane.doe@example.com", {"reply"}),
    ("subject:(access request)", {"sar", "reply"}),
    ('subject:"access request" -in:sent', {"sar"}),
    ('"cust 0045"', {"sar"}),
    ("CUST-0045", {"sar"}),
    ("{passport margaret}", {"docs", "html"}),
    ("has:attachment", {"docs"}),
    ("ellie", {"docs"}),  # inside the text attachment notes.txt
    ("filename:pdf", {"docs"}),
    ('filename:"passport scan.pdf"', {"docs"}),
    ("jane in:anywhere", {"sar", "docs", "reply", "binned", "junk"}),
    ("in:trash", {"binned"}),
    ("in:spam", {"junk"}),
    ("label:clients -is:important", {"docs"}),
    ("is:unread", {"sar"}),  # junk is unread too, but in Spam
    ("café", {"latin1"}),
    ("données", {"latin1"}),
    ("renée", {"latin1"}),
    ('"bonjour"', {"cp1252"}),
    ("naïve", {"cp1252"}),
    ("こんにちは", {"jis"}),
    ("margaret", {"html"}),
    ("after:2025/04/10 before:2025/04/11", {"latin1", "cp1252", "jis"}),
    ("newsletter 7", {"bulk07"}),
    ("still", {"survivor"}),
    ('"O\'Brien"', set()),
    ('"jane OR margaret"', set()),
    ('"from:jane"', set()),
    ('{"jane doe" "o brien"} -"-x"', {"sar", "docs", "reply"}),
])
def test_list_with_q(ro_server, q: str, expected: set[str]) -> None:
    assert search(gmail(ro_server, (READONLY,)), q) == expected


def test_default_excludes_spam_and_trash_unless_asked(ro_server) -> None:
    svc = gmail(ro_server, (READONLY,))
    assert search(svc, "jane") == {"sar", "docs", "reply"}
    assert search(svc, "jane", includeSpamTrash=True) == {"sar", "docs", "reply", "binned", "junk"}
    assert search(svc, "jane", labelIds=["TRASH"]) == {"binned"}
    assert search(svc, "", labelIds=["INBOX", "IMPORTANT"]) == {"sar"}


def test_pagination_covers_everything_once_newest_first(ro_server) -> None:
    svc = gmail(ro_server, (READONLY,))
    first = svc.users().messages().list(userId="me", q="newsletter", maxResults=7).execute()
    assert len(first["messages"]) == 7 and first["resultSizeEstimate"] == BULK and "nextPageToken" in first
    pages = list_all(svc, q="newsletter", maxResults=7)
    ids = [m["id"] for m in pages]
    assert len(ids) == len(set(ids)) == BULK
    assert ids == sorted(ids, reverse=True)  # ids grow with internalDate, as Gmail's do
    dates = [int(svc.users().messages().get(userId="me", id=i, format="minimal").execute()["internalDate"])
             for i in ids[:3]]
    assert dates == sorted(dates, reverse=True)
    empty = svc.users().messages().list(userId="me", q="nosuchwordanywhere").execute()
    assert empty == {"resultSizeEstimate": 0}
    with pytest.raises(HttpError) as e:
        svc.users().messages().list(userId="me", pageToken="%%%not-a-token").execute()
    assert e.value.resp.status == 400


def test_batch_get_of_sixty(ro_server) -> None:
    svc = gmail(ro_server, (READONLY,))
    ids = [m["id"] for m in list_all(svc, q="newsletter", maxResults=500)]
    assert len(ids) == BULK
    got: dict[str, dict] = {}

    def cb(rid, resp, exc):
        assert exc is None
        got[rid] = resp

    batch = svc.new_batch_http_request(callback=cb)
    for mid in ids:
        batch.add(svc.users().messages().get(userId="me", id=mid), request_id=mid)
    batch.execute()
    assert set(got) == set(ids) and all(got[i]["id"] == i for i in ids)
    assert {got[i]["payload"]["mimeType"] for i in ids} == {"text/plain"}
    log = requests.get(ro_server.url + "/_sandbox/requests").json()
    parts = [e for e in log if e["api_method"] == "gmail.users.messages.get" and e["batch"]]
    assert len([e for e in parts if e["status"] == 200]) >= BULK


# -- formats, raw, attachments -----------------------------------------------------------------------------
def test_raw_round_trips_the_original_bytes(ro_server, fixture_dir) -> None:
    svc = gmail(ro_server, (READONLY,))
    for key, original in (("latin1", LATIN1), ("cp1252", CP1252)):
        msg = svc.users().messages().get(userId="me", id=by_key(svc, key), format="raw").execute()
        raw = base64.urlsafe_b64decode(msg["raw"])
        assert raw.rstrip(b"\n") == original.rstrip(b"\n")
        assert f"Message-ID: <{key}@acme.test>".encode() in raw
        assert "payload" not in msg and msg["sizeEstimate"] == len(raw)


def test_each_format(ro_server) -> None:
    svc = gmail(ro_server, (READONLY,))
    mid = by_key(svc, "docs")
    get = lambda **kw: svc.users().messages().get(userId="me", id=mid, **kw).execute()  # noqa: E731
    minimal = get(format="minimal")
    assert set(minimal) == {"id", "threadId", "labelIds", "snippet", "sizeEstimate", "historyId", "internalDate"}
    assert minimal["snippet"] == "Scans attached." and isinstance(minimal["internalDate"], str)
    assert set(minimal["labelIds"]) == {"INBOX", "Label_1"}
    meta = get(format="metadata", metadataHeaders=["From", "subject"])
    assert meta["payload"] == {"mimeType": "multipart/mixed", "headers": [
        {"name": "From", "value": "Jane Doe <jane.doe@example.com>"}, {"name": "Subject", "value": "My documents"}]}
    full = get()
    p = full["payload"]
    assert p["partId"] == "" and p["mimeType"] == "multipart/mixed" and p["body"] == {"size": 0}
    assert [c["partId"] for c in p["parts"]] == ["0", "1", "2"]
    plain, html = p["parts"][0]["parts"]
    assert (plain["partId"], plain["mimeType"], plain["filename"]) == ("0.0", "text/plain", "")
    assert base64.urlsafe_b64decode(plain["body"]["data"]) == b"Scans attached.\n"
    assert base64.urlsafe_b64decode(html["body"]["data"]).startswith(b"<p>Scans")
    pdf = p["parts"][1]
    assert pdf["filename"] == "passport scan.pdf" and pdf["body"]["size"] == len(PDF) and "data" not in pdf["body"]
    assert {"name": "Content-Disposition", "value": 'attachment; filename="passport scan.pdf"'} in pdf["headers"]
    raw = get(format="raw")
    assert "payload" not in raw and base64.urlsafe_b64decode(raw["raw"]).startswith(b"X-Gmail-Labels")
    with pytest.raises(TypeError):  # the client library itself validates the enum
        get(format="bogus")


def test_attachments_get(ro_server) -> None:
    svc = gmail(ro_server, (READONLY,))
    mid = by_key(svc, "docs")
    parts = svc.users().messages().get(userId="me", id=mid).execute()["payload"]["parts"]
    for part, expected in ((parts[1], PDF), (parts[2], NOTES.encode())):
        att = svc.users().messages().attachments().get(userId="me", messageId=mid,
                                                      id=part["body"]["attachmentId"]).execute()
        data = base64.urlsafe_b64decode(att["data"])
        assert data.replace(b"\r\n", b"\n") == expected and att["size"] == part["body"]["size"]
    other = by_key(svc, "sar")
    with pytest.raises(HttpError) as e:  # an attachment id only works with its own message
        svc.users().messages().attachments().get(userId="me", messageId=other,
                                                 id=parts[1]["body"]["attachmentId"]).execute()
    assert e.value.resp.status == 400


def test_non_utf8_full_payload_and_load_problems(ro_server) -> None:
    svc = gmail(ro_server, (READONLY,))
    msg = svc.users().messages().get(userId="me", id=by_key(svc, "latin1")).execute()
    headers = {h["name"]: h["value"] for h in msg["payload"]["headers"]}
    assert headers["From"] == "Renée François <renee@example.fr>" and headers["Subject"] == "Données personnelles"
    assert base64.urlsafe_b64decode(msg["payload"]["body"]["data"]).decode("iso-8859-1") == "J'aime le café crème.\n"
    assert msg["snippet"] == "J&#39;aime le café crème."
    health = requests.get(ro_server.url + "/_sandbox/health").json()
    problems = {(Path(p["path"]).name, p["reason"].split(":")[0]) for p in health["load_problems"]}
    assert ("broken.mbox#1", "skipped message") in problems
    assert ("garbage.mbox", "not an mbox file") in problems


# -- threads, labels, profile ------------------------------------------------------------------------------
def test_threads_labels_profile(ro_server) -> None:
    svc = gmail(ro_server, (READONLY,))
    u = svc.users()
    sar, reply = by_key(svc, "sar"), by_key(svc, "reply")
    thread_id = u.messages().get(userId="me", id=reply, format="minimal").execute()["threadId"]
    assert thread_id == sar
    th = u.threads().get(userId="me", id=thread_id, format="metadata", metadataHeaders=["Subject"]).execute()
    assert [m["id"] for m in th["messages"]] == [sar, reply]
    listed = u.threads().list(userId="me", q="subject:access").execute()
    assert [t["id"] for t in listed["threads"]] == [sar] and listed["resultSizeEstimate"] == 1
    labels = {lab["id"]: lab for lab in u.labels().list(userId="me").execute()["labels"]}
    assert labels["Label_1"] == {"id": "Label_1", "name": "Clients", "messageListVisibility": "show",
                                 "labelListVisibility": "labelShow", "type": "user"}
    assert {"INBOX", "SENT", "TRASH", "SPAM", "UNREAD", "STARRED", "IMPORTANT", "DRAFT", "CATEGORY_UPDATES"} <= set(labels)
    inbox = u.labels().get(userId="me", id="INBOX").execute()
    assert inbox["messagesTotal"] == BULK + 7 and inbox["messagesUnread"] == 1
    profile = u.getProfile(userId="me").execute()
    assert profile["emailAddress"] == OWNER and profile["messagesTotal"] == BULK + 10
    with pytest.raises(HttpError) as e:
        u.labels().get(userId="me", id="Label_99").execute()
    assert e.value.resp.status == 404


# -- changes -----------------------------------------------------------------------------------------------
def test_trash_untrash_modify(server) -> None:
    svc = gmail(server, (MODIFY,))
    u = svc.users().messages()
    mid = by_key(svc, "sar")
    trashed = u.trash(userId="me", id=mid).execute()
    assert trashed["id"] == mid and "TRASH" in trashed["labelIds"] and "INBOX" not in trashed["labelIds"]
    assert "sar" not in search(svc, "jane") and "sar" in search(svc, "in:trash")
    back = u.untrash(userId="me", id=mid).execute()
    assert "TRASH" not in back["labelIds"] and "INBOX" in back["labelIds"]
    mod = u.modify(userId="me", id=mid, body={"addLabelIds": ["STARRED"], "removeLabelIds": ["UNREAD"]}).execute()
    assert set(mod["labelIds"]) == {"INBOX", "IMPORTANT", "STARRED", "Label_1"}
    assert search(svc, "is:starred") == {"sar"}
    with pytest.raises(HttpError) as e:
        u.modify(userId="me", id=mid, body={"addLabelIds": ["Label_99"]}).execute()
    assert e.value.resp.status == 400 and error_of(e.value)["message"] == "Invalid label: Label_99"
    with pytest.raises(HttpError) as e:
        u.get(userId="me", id="ffffffffffffffff").execute()
    assert e.value.resp.status == 404 and error_of(e.value)["errors"][0]["reason"] == "notFound"
    with pytest.raises(HttpError) as e:
        u.get(userId="me", id="not-an-id").execute()
    assert e.value.resp.status == 400 and error_of(e.value)["message"] == "Invalid id value"


def test_batch_modify_and_batch_delete(server) -> None:
    svc = gmail(server, (FULL,))
    u = svc.users().messages()
    ids = [m["id"] for m in list_all(svc, q="newsletter", maxResults=500)]
    assert u.batchModify(userId="me", body={"ids": ids[:10], "addLabelIds": ["TRASH"]}).execute() == ""
    assert len(list_all(svc, q="newsletter")) == BULK - 10
    assert len(list_all(svc, q="newsletter in:trash")) == 10
    assert u.batchDelete(userId="me", body={"ids": ids[:20]}).execute() == ""
    assert len(list_all(svc, q="newsletter in:anywhere")) == BULK - 20
    with pytest.raises(HttpError) as e:
        u.get(userId="me", id=ids[0]).execute()
    assert e.value.resp.status == 404
    assert u.delete(userId="me", id=ids[20]).execute() == ""
    assert len(list_all(svc, q="newsletter in:anywhere")) == BULK - 21
    with pytest.raises(HttpError) as e:
        u.batchDelete(userId="me", body={"ids": []}).execute()
    assert e.value.resp.status == 400


# -- scopes, auth, errors ----------------------------------------------------------------------------------
def test_metadata_scope_refuses_q_and_bodies(ro_server) -> None:
    svc = gmail(ro_server, (METADATA,))
    u = svc.users().messages()
    with pytest.raises(HttpError) as e:
        u.list(userId="me", q="jane").execute()
    assert e.value.resp.status == 403 and error_of(e.value)["message"] == "Metadata scope does not support 'q' parameter"
    listed = u.list(userId="me", labelIds=["IMPORTANT"]).execute()  # labelIds are allowed
    assert len(listed["messages"]) == 1
    mid = listed["messages"][0]["id"]
    for fmt in ("full", "raw"):
        with pytest.raises(HttpError) as e:
            u.get(userId="me", id=mid, format=fmt).execute()
        assert e.value.resp.status == 403
        assert error_of(e.value)["message"] == f"Metadata scope doesn't allow format {fmt.upper()}"
    assert u.get(userId="me", id=mid, format="metadata").execute()["payload"]["headers"]
    with pytest.raises(HttpError) as e:  # even beside a wider scope, as Google does
        gmail(ro_server, (METADATA, READONLY)).users().messages().list(userId="me", q="jane").execute()
    assert e.value.resp.status == 403


def test_scope_refusals_from_discovery(ro_server) -> None:
    ro = gmail(ro_server, (READONLY,)).users().messages()
    mid = by_key(gmail(ro_server, (READONLY,)), "sar")
    with pytest.raises(HttpError) as e:
        ro.trash(userId="me", id=mid).execute()
    assert e.value.resp.status == 403 and error_of(e.value)["errors"][0]["reason"] == "insufficientPermissions"
    with pytest.raises(HttpError) as e:
        gmail(ro_server, (MODIFY,)).users().messages().batchDelete(userId="me", body={"ids": [mid]}).execute()
    assert e.value.resp.status == 403
    with pytest.raises(HttpError) as e:  # another user's mailbox without delegation
        gmail(ro_server, (READONLY,)).users().messages().list(userId=OTHER).execute()
    assert e.value.resp.status == 403
    staff = gmail(ro_server, (READONLY,), email=OTHER)
    assert search(staff, "jane") == {"staff1"}


def test_401_without_and_with_bad_token(ro_server) -> None:
    doc = json.loads(get_static_doc("gmail", "v1"))
    doc["rootUrl"] = ro_server.url + "/"
    anon = build_from_document(doc, http=httplib2.Http())
    with pytest.raises(HttpError) as e:
        anon.users().messages().list(userId="me").execute()
    assert e.value.resp.status == 401 and error_of(e.value)["errors"][0]["reason"] == "required"
    r = requests.get(ro_server.url + "/gmail/v1/users/me/messages", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401 and r.json()["error"]["errors"][0]["reason"] == "authError"
    assert 'error="invalid_token"' in r.headers["WWW-Authenticate"]


@pytest.mark.parametrize("q", ["(jane", 'subject:"open', "in:nonsense", "after:2025/13/01", "jane OR", "is:maybe"])
def test_malformed_q_is_400(ro_server, q: str) -> None:
    with pytest.raises(HttpError) as e:
        gmail(ro_server, (READONLY,)).users().messages().list(userId="me", q=q).execute()
    err = error_of(e.value)
    assert e.value.resp.status == 400 and err["errors"][0]["reason"] == "invalidArgument"
    assert err["status"] == "INVALID_ARGUMENT" and err["message"].startswith("Invalid query")


# -- quota and faults --------------------------------------------------------------------------------------
def test_quota_429_then_retry_succeeds(sandbox_factory, fixture_dir) -> None:
    """batchModify costs 50 of the 250 units/s: a burst runs dry within ~6 calls however slow the machine;
    the client library's own retry (num_retries) then gets through once the bucket refills."""
    server = sandbox_factory(workspace=_workspace(fixture_dir), quota=True)
    svc = gmail(server, (MODIFY,))
    u = svc.users().messages()
    mid = by_key(svc, "sar")
    body = {"ids": [mid], "addLabelIds": ["STARRED"]}
    for calls in range(1, 21):
        try:
            u.batchModify(userId="me", body=body).execute()
        except HttpError as e:
            assert e.resp.status == 429 and e.resp.get("retry-after")
            assert error_of(e)["errors"][0]["reason"] == "rateLimitExceeded"
            break
    else:
        pytest.fail("20 calls of 50 units within the burst never hit the 250 units/s quota")
    assert calls <= 12
    assert u.batchModify(userId="me", body=body).execute(num_retries=3) == ""
    log = [e["status"] for e in requests.get(server.url + "/_sandbox/requests").json()
           if e["api_method"] == "gmail.users.messages.batchModify"]
    assert log[:calls] == [204] * (calls - 1) + [429] and log[-1] == 204
    assert set(log[calls:-1]) <= {429}  # any refusals of the retried call came before its success
    assert requests.get(server.url + "/_sandbox/quota").json()["rejections"][OWNER] == len(log) - calls


def test_fault_injection_via_admin(server) -> None:
    svc = gmail(server, (READONLY,))
    mid = by_key(svc, "sar")
    r = requests.put(server.url + "/_sandbox/faults", json={"spec": "503@gmail.users.messages.get=1"})
    assert r.status_code == 200
    with pytest.raises(HttpError) as e:
        svc.users().messages().get(userId="me", id=mid).execute()
    assert e.value.resp.status == 503
    assert svc.users().messages().list(userId="me", maxResults=1).execute()["messages"]  # other methods unaffected
    requests.put(server.url + "/_sandbox/faults", json={"spec": "500@gmail.users.messages.get=0.5,seed=3"})
    assert svc.users().messages().get(userId="me", id=mid).execute(num_retries=8)["id"] == mid
    assert requests.get(server.url + "/_sandbox/faults").json()["injected"]["500"] >= 1  # it did fail, then retried
    statuses = [e["status"] for e in requests.get(server.url + "/_sandbox/requests").json()
                if e["api_method"] == "gmail.users.messages.get"]
    assert 500 in statuses and statuses[-1] == 200
    requests.put(server.url + "/_sandbox/faults", json={"spec": ""})
    assert svc.users().messages().get(userId="me", id=mid).execute()["id"] == mid
