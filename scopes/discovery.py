"""Google API method metadata (path template, HTTP verb, accepted scopes) read from the discovery documents
that google-api-python-client ships, so the scope registry, the audit classifier and the sandbox all agree with Google's declarations."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

from googleapiclient.discovery_cache import get_static_doc

#: APIs the sandbox serves: (discovery name, version).
APIS = (("gmail", "v1"), ("drive", "v3"), ("sheets", "v4"), ("admin", "directory_v1"), ("iamcredentials", "v1"),
        ("calendar", "v3"), ("people", "v1"), ("chat", "v1"), ("forms", "v1"), ("admin", "reports_v1"))


@dataclass(frozen=True)
class MethodInfo:
    id: str  # e.g. "gmail.users.messages.get"
    http_method: str
    path: str  # full path template from the host root, e.g. "/gmail/v1/users/{userId}/messages/{id}"
    scopes: tuple[str, ...]
    api: str  # "gmail", "drive", "sheets", "admin"


def _walk(resources: dict, prefix: str) -> Iterator[dict]:
    for res in resources.values():
        yield from res.get("methods", {}).values()
        yield from _walk(res.get("resources", {}), prefix)


@lru_cache(maxsize=None)
def document(name: str, version: str) -> dict:
    return json.loads(get_static_doc(name, version))


@lru_cache(maxsize=None)
def methods() -> dict[str, MethodInfo]:
    """Every method of the served APIs by id, with ``flatPath`` preferred (it is what clients send)."""
    out: dict[str, MethodInfo] = {}
    for name, version in APIS:
        doc = document(name, version)
        base = "/" + doc.get("servicePath", "")
        for m in _walk(doc.get("resources", {}), ""):
            path = base + m.get("flatPath", m["path"])
            out[m["id"]] = MethodInfo(m["id"], m["httpMethod"], path, tuple(m.get("scopes", ())), name)
    return out


def scopes_for(method_id: str) -> tuple[str, ...]:
    return methods()[method_id].scopes


_VAR = re.compile(r"\{\+?([A-Za-z0-9_]+)\}")


@lru_cache(maxsize=None)
def _compiled() -> list[tuple[re.Pattern[str], MethodInfo]]:
    out = []
    for info in methods().values():
        pattern = ""
        pos = 0
        for m in _VAR.finditer(info.path):
            pattern += re.escape(info.path[pos : m.start()]) + "[^/]+"
            pos = m.end()
        pattern += re.escape(info.path[pos:])
        out.append((re.compile("^" + pattern + "$"), info))
    # Longer literal templates first so ".../messages/batchDelete" beats ".../messages/{id}".
    out.sort(key=lambda p: -len(_VAR.sub("", p[1].path)))
    return out


def classify(http_method: str, path: str) -> MethodInfo | None:
    """The method a request path belongs to, or None. Media uploads (``/upload/...``) count as their method."""
    if path.startswith("/upload/"):
        path = path[len("/upload") :]
    for rx, info in _compiled():
        if info.http_method == http_method and rx.match(path):
            return info
    return None
