"""What planning and verification read from Google besides the search results: each mailbox's label names
(exemptions name labels, items carry label ids) and the rows of each spreadsheet tab about the subject as
they are *now*. Read-only, under the search step's scopes (the case is in review or erased, never approved
for writing yet), inside the caller's stated purpose."""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from googleapiclient.errors import HttpError

from audit.context import Purpose, acting
from scopes import registry

from ..search.service import LEGAL_BASIS
from .rows import SheetRow, matching_rows, quote_tab

LABEL_OPS = ("gmail.labels",)
SHEET_OPS = ("sheets.read",)


def reading_purpose(case, actor: str, status: str, what: str) -> Purpose:
    return Purpose(actor=actor, step="search", case=case.ref, case_status=status,
                   purpose=f"Erasure request {case.ref}: {what}", legal_basis=LEGAL_BASIS["erasure"])


def label_names(services, accounts: Iterable[str], purpose: Purpose) -> dict[str, dict[str, str]]:
    """account -> {label id: label name}; system labels map to themselves (INBOX, TRASH...)."""
    out: dict[str, dict[str, str]] = {}
    with acting(purpose):
        for acct in sorted(set(accounts)):
            svc = services.clients.gmail(acct, registry.scopes_for_operations(LABEL_OPS))
            resp = svc.users().labels().list(userId="me").execute()
            out[acct] = {lb["id"]: lb.get("name", lb["id"]) for lb in resp.get("labels", [])}
    return out


class SheetsApi:
    """The spreadsheets and values collections of a Sheets client, built once: googleapiclient builds every
    method (and its docstring from the schema) anew on each ``spreadsheets()`` call, which is slow."""

    def __init__(self, service: Any) -> None:
        self.service = service
        self.book = service.spreadsheets()
        self.values = self.book.values()


def read_book(sheets: SheetsApi, file_id: str, titles: Iterable[str]) -> tuple[dict[str, int], dict[str, list | None]]:
    """(tab title -> sheetId, tab title -> current values) for the named tabs of one spreadsheet; a tab or
    file that is gone reads as None. Two read calls whatever the number of tabs."""
    wanted = sorted(set(titles))
    try:
        meta = sheets.book.get(spreadsheetId=file_id, fields="sheets.properties(sheetId,title)").execute()
    except HttpError as e:
        if e.resp.status == 404:
            return {}, {t: None for t in wanted}
        raise
    ids = {s["properties"]["title"]: s["properties"]["sheetId"] for s in meta.get("sheets", [])}
    present = [t for t in wanted if t in ids]
    out: dict[str, list | None] = {t: None for t in wanted}
    if present:
        data = sheets.values.batchGet(
            spreadsheetId=file_id, ranges=[quote_tab(t) for t in present], valueRenderOption="FORMATTED_VALUE",
            majorDimension="ROWS").execute()
        for title, vr in zip(present, data.get("valueRanges", [])):
            out[title] = vr.get("values", [])
    return ids, out


def subject_rows(services, tabs: Mapping[str, tuple[str, set[str]]], matcher: Any,
                 purpose: Purpose) -> dict[tuple[str, str], list[SheetRow] | None]:
    """``tabs``: file id -> (owner, tab titles). Returns (file id, tab) -> the rows about the subject now."""
    out: dict[tuple[str, str], list[SheetRow] | None] = {}
    with acting(purpose):
        for file_id, (owner, titles) in sorted(tabs.items()):
            sheets = SheetsApi(services.clients.sheets(owner, registry.scopes_for_operations(SHEET_OPS)))
            for title, values in read_book(sheets, file_id, titles)[1].items():
                out[(file_id, title)] = None if values is None else matching_rows(values, matcher)
    return out
