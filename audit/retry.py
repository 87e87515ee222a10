"""Which failures are worth another attempt, and how long to wait: Google's truncated exponential
backoff with full jitter, ``Retry-After`` (seconds, HTTP date, or Gmail's "Retry after <time>") honoured."""
from __future__ import annotations

import email.utils
import json
import random
import re
import time
from dataclasses import dataclass

RATE_REASONS = ("rateLimitExceeded", "userRateLimitExceeded")
#: Methods that must not be re-sent after an ambiguous failure (the first attempt may have landed).
NOT_IDEMPOTENT = frozenset(
    {
        "sheets.spreadsheets.batchUpdate", "sheets.spreadsheets.values.append", "drive.files.create",
        "drive.permissions.create", "sheets.spreadsheets.create", "drive.files.copy",
    }
)
_RETRY_AFTER_TEXT = re.compile(r"Retry after (\d{4}-\d\d-\d\dT[\d:.]+Z)")


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 7
    base: float = 0.5
    cap: float = 32.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        backoff = min(self.cap, self.base * 2 ** (attempt - 1)) * random.uniform(0.5, 1.0)
        return max(backoff, retry_after or 0.0)


def quota_reason(status: int, body: bytes) -> str | None:
    """The quota reason of a 403/429 body, if it is one the client libraries treat as retryable."""
    if status not in (403, 429) or not body:
        return None
    try:
        err = json.loads(body).get("error", {})
    except (ValueError, AttributeError):
        return None
    errors = err.get("errors") or []
    reason = errors[0].get("reason") if errors and isinstance(errors[0], dict) else None
    if reason in RATE_REASONS:
        return reason
    if status == 429 or err.get("status") == "RESOURCE_EXHAUSTED":
        return "rateLimitExceeded"
    return None


def is_retryable_status(status: int, body: bytes) -> bool:
    return status == 429 or status >= 500 or (status == 403 and quota_reason(status, body) is not None)


def retry_after(headers, body: bytes) -> float | None:
    value = headers.get("Retry-After") if headers else None
    if value:
        if value.strip().isdigit():
            return float(value)
        when = email.utils.parsedate_to_datetime(value)
        if when is not None:
            return max(0.0, when.timestamp() - time.time())
    m = _RETRY_AFTER_TEXT.search(body[:2000].decode("utf-8", "replace")) if body else None
    if m:
        from datetime import datetime

        when = datetime.fromisoformat(m.group(1).replace("Z", "+00:00"))
        return max(0.0, when.timestamp() - time.time())
    return None
