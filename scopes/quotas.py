"""Google's published per-user quotas and per-method costs (research/apis.md §3), shared by the pacer
that keeps the product under them and by the sandbox that enforces them."""
from __future__ import annotations

#: Gmail quota units per method (without the "gmail.users." prefix).
GMAIL_COSTS: dict[str, int] = {
    "messages.list": 5, "messages.get": 5, "messages.attachments.get": 5, "messages.trash": 5,
    "messages.untrash": 5, "messages.modify": 5, "messages.delete": 10, "messages.batchDelete": 50,
    "messages.batchModify": 50, "threads.list": 10, "threads.get": 10, "threads.modify": 10,
    "threads.trash": 10, "threads.untrash": 10, "threads.delete": 20, "labels.list": 1, "labels.get": 1,
    "getProfile": 1, "history.list": 2, "messages.send": 100, "messages.insert": 25, "messages.import": 25,
}
GMAIL_UNITS_PER_SECOND = 250.0
SHEETS_PER_MINUTE_USER = 60
SHEETS_PER_MINUTE_PROJECT = 300
DRIVE_PER_MINUTE_USER = 12_000
SHEETS_READ_SUFFIXES = (".get", ".batchGet", ".getByDataFilter", ".batchGetByDataFilter")

# Calendar, People, Chat, Forms (issue 17), requests per 60 s; read from Google's usage-limit pages in 2026-12.
#: Calendar "Per minute per user per project" / "Per minute per project" (developers.google.com/workspace/
#: calendar/api/guides/quota; Google notes that projects created from 2026-05-01 may get other figures).
CALENDAR_PER_MINUTE_USER = 600
CALENDAR_PER_MINUTE_PROJECT = 10_000
#: People: "Critical read requests (Contact and Profile Reads) per minute per user". Google publishes no table;
#: 90 is the Cloud console default users report (2021-2024). Writes: assumed 60, no published figure.
PEOPLE_CRITICAL_READS_PER_MINUTE_USER = 90
PEOPLE_WRITES_PER_MINUTE_USER = 60
#: Chat per-project (developers.google.com/workspace/chat/limits): message, space and membership reads 3000,
#: message writes 3000; per-space (shared by every app in the space): reads 900, writes 60.
CHAT_PER_MINUTE_PROJECT = {"chat_message_read": 3000, "chat_message_write": 3000, "chat_space_read": 3000,
                           "chat_membership_read": 3000}
CHAT_SPACE_READS_PER_MINUTE = 900
CHAT_SPACE_WRITES_PER_MINUTE = 60
#: Forms (developers.google.com/forms/api/limits): read requests 975/project, 390/user; "expensive read
#: requests" (forms.responses.list) 450/project, 180/user; writes 375/project, 150/user.
FORMS_LIMITS = {"forms_read": (390, 975), "forms_expensive_read": (180, 450), "forms_write": (150, 375)}
#: bucket -> (per user per minute or None, per project per minute or None)
SOURCE_LIMITS: dict[str, tuple[int | None, int | None]] = {
    "calendar": (CALENDAR_PER_MINUTE_USER, CALENDAR_PER_MINUTE_PROJECT),
    "people_read": (PEOPLE_CRITICAL_READS_PER_MINUTE_USER, None),
    "people_write": (PEOPLE_WRITES_PER_MINUTE_USER, None),
    **{k: (None, v) for k, v in CHAT_PER_MINUTE_PROJECT.items()},
    **FORMS_LIMITS,
}


def source_bucket(api_method: str) -> str | None:
    """The Calendar/People/Chat/Forms quota a method draws on, or None for other APIs."""
    api = api_method.split(".", 1)[0]
    if api == "calendar":
        return "calendar"
    if api == "people":
        return "people_write" if api_method.endswith(("deleteContact", "updateContact", "createContact")) else "people_read"
    if api == "chat":
        if ".messages." in api_method:
            return "chat_message_read" if api_method.endswith((".list", ".get")) else "chat_message_write"
        if ".members." in api_method:
            return "chat_membership_read"
        return "chat_space_read"
    if api == "forms":
        if api_method == "forms.forms.responses.list":
            return "forms_expensive_read"
        return "forms_read" if api_method.endswith((".get", ".list")) else "forms_write"
    return None


def gmail_cost(api_method: str) -> int:
    return GMAIL_COSTS.get(api_method.removeprefix("gmail.users."), 5)


def quota_units(api_method: str) -> int:
    """Units one call of this method costs against its API's per-user quota."""
    if api_method.startswith("gmail."):
        return gmail_cost(api_method)
    return 1


def quota_bucket(api_method: str) -> str:
    """Which per-user quota a method draws on: gmail, sheets_read, sheets_write, drive, other."""
    api = api_method.split(".", 1)[0]
    if api == "sheets":
        return "sheets_read" if api_method.endswith(SHEETS_READ_SUFFIXES) else "sheets_write"
    if api in ("gmail", "drive"):
        return api
    return source_bucket(api_method) or "other"


# -- the dated table of Google's published quotas -------------------------------------------------------
# Per API and quota bucket: per user and per project, per minute, in the unit Google counts (Gmail: quota
# units; Drive: queries; Sheets: requests). Read from Google's pages on the date given (research/apis.md §3).
# A Cloud project whose quota was raised reads its own figures from settings (addon/scale/quota_plan.py).
from dataclasses import dataclass  # noqa: E402


@dataclass(frozen=True)
class PublishedQuota:
    bucket: str  # the pacer's bucket: gmail, drive, sheets_read, sheets_write
    per_user_per_min: float
    per_project_per_min: float
    unit: str
    as_of: str  # the day the figure was read from Google's page
    source: str
    note: str = ""


QUOTAS_AS_OF = "2026-11-06"
PUBLISHED_QUOTAS: dict[str, PublishedQuota] = {
    "gmail": PublishedQuota(
        "gmail", GMAIL_UNITS_PER_SECOND * 60, 1_200_000, "quota units", QUOTAS_AS_OF,
        "https://developers.google.com/gmail/api/reference/quota",
        "per-method costs in GMAIL_COSTS; 250 units/user/s as a moving average"),
    "drive": PublishedQuota(
        "drive", DRIVE_PER_MINUTE_USER, 12_000, "queries", "2025-08-04",
        "https://developers.google.com/workspace/drive/api/guides/limits",
        "the query table kept by projects that used Drive between Nov 2025 and Apr 2026; the May 2026 unit table "
        "(1,000,000/project, 325,000/user per minute) publishes no per-method costs"),
    "sheets_read": PublishedQuota(
        "sheets_read", SHEETS_PER_MINUTE_USER, SHEETS_PER_MINUTE_PROJECT, "requests", QUOTAS_AS_OF,
        "https://developers.google.com/workspace/sheets/api/limits", "a batchGet is one request"),
    "sheets_write": PublishedQuota(
        "sheets_write", SHEETS_PER_MINUTE_USER, SHEETS_PER_MINUTE_PROJECT, "requests", QUOTAS_AS_OF,
        "https://developers.google.com/workspace/sheets/api/limits"),
}
#: files.export refuses a file whose export exceeds this (Drive v3 discovery, files.export: "limited to 10 MB").
EXPORT_LIMIT_BYTES = 10 * 1024 * 1024
EXPORT_TOO_LARGE = "This file is too large to be exported."


#: Calendar/People/Chat/Forms buckets with a published per-project limit (People has none), per minute.
SOURCE_PROJECT_PER_MINUTE: dict[str, float] = {b: float(p) for b, (_, p) in SOURCE_LIMITS.items() if p}


def project_per_minute(overrides: dict[str, float] | None = None) -> dict[str, float]:
    """Per-project limits per minute, Google's published ones unless the organisation's are given (the new
    sources' buckets too, so a bench can scale them down in the sandbox and in the pacer alike)."""
    out = {b: q.per_project_per_min for b, q in PUBLISHED_QUOTAS.items()}
    out.update(SOURCE_PROJECT_PER_MINUTE)
    out.update({b: float(v) for b, v in (overrides or {}).items() if b in out and v})
    return out
