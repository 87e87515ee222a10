"""googleapiclient speaks httplib2; this adapts it onto an audited requests session, so the Gmail, Drive,
Sheets and Directory clients (batches and media transfers included) pass the same seam as gspread."""
from __future__ import annotations

import httplib2
import requests


class AuditedHttp:
    """The ``http`` object handed to ``build_from_document``: ``request()`` like httplib2.Http."""

    def __init__(self, session: requests.Session) -> None:
        self.session = session
        # googleapiclient's resumable uploads read these httplib2 attributes.
        self.redirect_codes = frozenset({300, 301, 302, 303, 307})
        self.follow_redirects = False
        self.timeout = None

    def request(self, uri, method="GET", body=None, headers=None, redirections=5, connection_type=None):
        if hasattr(body, "read"):
            body = body.read()
        resp = self.session.request(method, uri, data=body, headers=dict(headers or {}), allow_redirects=False)
        info = {k.lower(): v for k, v in resp.headers.items()}
        if info.pop("content-encoding", None):  # requests already decoded the body
            info["content-length"] = str(len(resp.content))
        info["status"] = str(resp.status_code)
        response = httplib2.Response(info)
        response.reason = resp.reason or ""
        return response, resp.content

    def close(self) -> None:
        self.session.close()
