"""Replaying gspread's recorded Sheets v4 / Drive v3 traffic (shared/conformance/gspread-cassettes, real
Google responses) against the sandbox, and comparing each response's status and JSON structure (the set
of keys, recursively, and the JSON type of every value; IDs and values differ) with the recording.

Within a cassette, IDs the recording got back (spreadsheet and file IDs, sheetIds, named and protected
range IDs) are mapped to the ones the sandbox returned, and later requests are rewritten with them. An ID
the recording never created stands for someone else's file (gspread's "private spreadsheet" test), so it
is mapped to a spreadsheet owned by another user.
"""
from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pytest
import requests

from sandbox.drive.store import DriveStore
from sandbox.server import SandboxServer
from sandbox.sheets.model import Spreadsheet
from sandbox.state import User, Workspace
from tests.conftest import mint_token

REPO = Path(__file__).resolve().parents[2]
CASSETTES = Path(os.environ.get("DSAR_CONFORMANCE_DIR", REPO.parent / "shared" / "conformance")) / "gspread-cassettes"
HOSTS = ("https://sheets.googleapis.com", "https://www.googleapis.com")
ID_KEYS = ("id", "spreadsheetId", "sheetId", "namedRangeId", "protectedRangeId")
SCOPES = ["https://www.googleapis.com/auth/drive", "https://www.googleapis.com/auth/spreadsheets"]
USER = "robot@example.test"
_LONG_ID = re.compile(r"(?<=/spreadsheets/)[A-Za-z0-9_-]{25,}|(?<=/files/)[A-Za-z0-9_-]{25,}")

pytestmark = pytest.mark.skipif(not CASSETTES.is_dir(), reason=f"no cassettes at {CASSETTES}")


def shape(value: Any) -> Any:
    """Keys recursively and JSON value types; a list is the set of its elements' shapes."""
    if isinstance(value, dict):
        return tuple(sorted((k, shape(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("list", frozenset(shape(v) for v in value))
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if value is None:
        return "null"
    return "string"


def diff(rec: Any, got: Any, path: str = "") -> str | None:
    """Where two shapes first differ, for the report."""
    if isinstance(rec, dict) and isinstance(got, dict):
        for k in sorted(set(rec) | set(got)):
            if k not in got:
                return f"{path}.{k} missing"
            if k not in rec:
                return f"{path}.{k} extra"
            d = diff(rec[k], got[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(rec, list) and isinstance(got, list):
        rs, gs = {json.dumps(shape(x), default=str) for x in rec}, {json.dumps(shape(x), default=str) for x in got}
        if rs == gs:
            return None
        for r in rec:
            for g in got:
                d = diff(r, g, path + "[]")
                if d:
                    return d
        return f"{path}[] {len(rec)} vs {len(got)} items"
    return None if shape(rec) == shape(got) else f"{path}: {shape(rec)!s:.40} vs {shape(got)!s:.40}"


def kind(method: str, uri: str) -> str:
    path = uri.split("?", 1)[0]
    for h in HOSTS:
        path = path.replace(h, "")
    path = re.sub(r"/values/[^/]*?(:append|:clear)?$", lambda m: "/values/{range}" + (m.group(1) or ""), path)
    path = re.sub(r"/(spreadsheets|files)/[^/:]+", r"/\1/{id}", path)
    path = re.sub(r"/sheets/\d+", "/sheets/{sheetId}", path)
    return f"{method} {path}"


#: Fields of values responses compared exactly (not only by shape): the A1 ranges and the cell values.
VALUE_KEYS = ("range", "values", "updatedRange", "clearedRange", "tableRange", "majorDimension")


def _values_part(body: dict[str, Any], key: str) -> Any:
    inner = body.get("updates") if isinstance(body.get("updates"), dict) else {}
    return body.get(key, inner.get(key))


class Replayer:
    def __init__(self, server: SandboxServer) -> None:
        self.server = server
        self.values_checked = 0
        self.values_same = 0
        self.values_diffs: list[str] = []
        self.http = requests.Session()
        self.token = mint_token(server, USER, SCOPES)

    def private_file(self) -> str:
        ws = self.server.ws
        with ws.lock:
            f = ws.drive.add(name="Someone else's sheet", mimeType="application/vnd.google-apps.spreadsheet",
                             owner="stranger@example.test",
                             spreadsheet=Spreadsheet.new("1" + os.urandom(21).hex()[:43], "Someone else's sheet"))
        return f.id

    def adopt_listed(self, resp: dict[str, Any], got: requests.Response, ids: dict[Any, Any]) -> None:
        """Files the recording account already had (listed, then opened by gspread) exist here too:
        each recorded file is mapped to a listed file of the same name, or created for the user."""
        mine = {}
        for f in got.json().get("files", []):
            mine.setdefault(f.get("name"), []).append(f["id"])
        for f in json.loads(resp["body"]["string"]).get("files", []):
            if f["id"] in ids:
                continue
            same = [i for i in mine.get(f.get("name"), []) if i not in ids.values()]
            if same:
                ids[f["id"]] = same[0]
                continue
            with self.server.ws.lock:
                book = Spreadsheet.new("1" + os.urandom(22).hex()[:43], f.get("name", "Untitled"))
                ids[f["id"]] = self.server.ws.drive.add(name=book.title, mimeType="application/vnd.google-apps.spreadsheet",
                                                        owner=USER, spreadsheet=book).id

    def rewrite(self, text: str, ids: dict[Any, Any]) -> str:
        for old, new in ids.items():
            if isinstance(old, str) and len(old) >= 20:
                text = text.replace(old, new)
        return text

    def body(self, body: Any, ids: dict[Any, Any]) -> Any:
        if isinstance(body, dict):
            return {k: (ids.get(v, v) if k in ID_KEYS or k in ("sourceSheetId", "newSheetId") else self.body(v, ids))
                    for k, v in body.items()}
        if isinstance(body, list):
            return [self.body(v, ids) for v in body]
        if isinstance(body, str):
            return ids.get(body, body)
        return body

    def learn(self, rec: Any, got: Any, ids: dict[Any, Any]) -> None:
        if isinstance(rec, dict) and isinstance(got, dict):
            for k, v in rec.items():
                if k in got:
                    if k in ID_KEYS and not isinstance(v, (dict, list)) and v != got[k] and v not in ids:
                        ids[v] = got[k]
                    else:
                        self.learn(v, got[k], ids)
        elif isinstance(rec, list) and isinstance(got, list):
            for r, g in zip(rec, got):
                self.learn(r, g, ids)

    def cassette(self, path: Path) -> list[tuple[str, bool, str]]:
        """(kind, matched, why) per interaction."""
        ids: dict[Any, Any] = {}
        out = []
        for it in json.loads(path.read_text(encoding="utf-8"))["interactions"]:
            req, resp = it["request"], it["response"]
            uri = req["uri"]
            for old in _LONG_ID.findall(uri):
                if old not in ids:
                    ids[old] = self.private_file()
            uri = self.rewrite(uri, ids)
            for h in HOSTS:
                uri = uri.replace(h, self.server.url)
            data = req.get("body")
            ctype = (req["headers"].get("Content-Type") or [""])[0]
            if data and ctype.startswith("application/json"):
                data = json.dumps(self.body(json.loads(data), ids))
            headers = {"Authorization": f"Bearer {self.token}"}
            if ctype:
                headers["Content-Type"] = ctype
            got = self.http.request(req["method"], uri, data=data.encode("utf-8") if isinstance(data, str) else data,
                                    headers=headers, timeout=30)
            out.append((kind(req["method"], req["uri"]), *self.compare(resp, got, ids)))
            if req["method"] == "GET" and "/drive/v3/files?" in req["uri"] and got.ok:
                self.adopt_listed(resp, got, ids)
        return out

    def compare(self, resp: dict[str, Any], got: requests.Response, ids: dict[Any, Any]) -> tuple[bool, str]:
        code = resp["status"]["code"]
        if got.status_code != code:
            return False, f"status {code} vs {got.status_code}: {got.text[:120]}"
        text = resp["body"]["string"]
        if not text:
            return (not got.content), "body expected empty"
        try:
            rec = json.loads(text)
        except ValueError:
            same = got.text.replace("\r\n", "\n").strip() == text.replace("\r\n", "\n").strip()
            return same, "non-JSON body differs"
        try:
            mine = got.json()
        except ValueError:
            return False, "not JSON: " + got.text[:80]
        self.learn(rec, mine, ids)
        why = diff(rec, mine)
        if why is None and isinstance(rec, dict) and any(_values_part(rec, k) is not None for k in VALUE_KEYS):
            self.values_checked += 1
            same = all(_values_part(rec, k) == _values_part(mine, k) for k in VALUE_KEYS)
            self.values_same += same
            if not same:
                self.values_diffs.append(json.dumps({k: _values_part(rec, k) for k in VALUE_KEYS})[:150] + " vs " +
                                         json.dumps({k: _values_part(mine, k) for k in VALUE_KEYS})[:150])
        return why is None, why or ""


@pytest.fixture(scope="module")
def replay_server():
    ws = Workspace(domain="example.test")
    ws.drive = DriveStore()
    for email, name in ((USER, "Robot"), ("stranger@example.test", "Stranger")):
        ws.users[email] = User(email, name)
    server = SandboxServer(workspace=ws, quota=False).start()
    yield server
    server.stop()


def test_cassette_replay_matches_recorded_structure(replay_server, capsys) -> None:
    replayer = Replayer(replay_server)
    results: list[tuple[str, str, bool, str]] = []
    for path in sorted(CASSETTES.glob("*.json")):
        for k, ok, why in replayer.cassette(path):
            results.append((path.stem, k, ok, why))
    total = len(results)
    matched = sum(1 for r in results if r[2])
    misses = Counter(r[1] for r in results if not r[2])
    with capsys.disabled():
        print(f"\ncassette replay: {matched}/{total} interactions match ({matched / total:.1%}) "
              f"over {len({r[0] for r in results})} cassettes")
        for k, n in misses.most_common():
            example = next(r for r in results if r[1] == k and not r[2])
            print(f"  {n:4d} x {k}: e.g. {example[0]}: {example[3][:140]}".replace("\n", " "))
        print(f"  values and A1 ranges identical in {replayer.values_same}/{replayer.values_checked} "
              "structurally matching values responses")
        if os.environ.get("DSAR_CASSETTE_DEBUG"):
            for r in results:
                if not r[2]:
                    print("    miss:", r[0], r[1], r[3][:200])
            for d in replayer.values_diffs:
                print("    values:", d)
    assert total > 2000
    assert matched / total >= 0.95
    assert replayer.values_same / replayer.values_checked >= 0.95


def test_shape_comparison_sees_key_and_type_differences() -> None:
    assert diff({"a": 1, "b": ["x"]}, {"a": 2, "b": ["y", "z"]}) is None
    assert diff({"a": 1}, {"a": "1"}) is not None
    assert diff({"a": 1}, {"a": 1, "b": 2}) == ".b extra"
    assert diff({"v": [[1, "x"]]}, {"v": [["1", "x"]]}) is not None


def test_kind_names_templates() -> None:
    assert kind("GET", "https://sheets.googleapis.com/v4/spreadsheets/abc/values/%27S%27!A1:append") == \
        "GET /v4/spreadsheets/{id}/values/{range}:append"
    assert kind("DELETE", "https://www.googleapis.com/drive/v3/files/xyz?supportsAllDrives=True") == \
        "DELETE /drive/v3/files/{id}"
    assert quote("a") == "a" and unquote("%27") == "'"
