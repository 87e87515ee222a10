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
    return "other"
