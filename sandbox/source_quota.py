"""Quotas for Calendar, People, Chat and Forms (figures and dates in :mod:`scopes.quotas`): per-minute token
buckets holding a minute of burst, as Google's sliding one-minute windows allow, per user and per project, plus
Chat's per-space buckets (charged by the Chat handlers, which know the space). Over the limit, Calendar answers
403 ``usageLimits`` as its guide documents; People, Chat and Forms answer 429 RESOURCE_EXHAUSTED with the
quota metric named, as Google's gRPC-style APIs do."""
from __future__ import annotations

import time

from scopes.quotas import CHAT_SPACE_READS_PER_MINUTE, CHAT_SPACE_WRITES_PER_MINUTE, SOURCE_LIMITS, source_bucket

from .errors import ApiError

_SERVICE = {"people": "people.googleapis.com", "chat": "chat.googleapis.com", "forms": "forms.googleapis.com"}
_METRIC = {"people_read": "Critical read requests (Contact and Profile Reads)", "people_write": "Write requests",
           "chat_message_read": "Message read requests", "chat_message_write": "Message write requests",
           "chat_space_read": "Space read requests", "chat_membership_read": "Membership read requests",
           "forms_read": "Read requests", "forms_expensive_read": "Expensive read requests",
           "forms_write": "Write requests"}


def _exhausted(service: str, metric: str, limit: str, wait: float) -> ApiError:
    return ApiError(
        429, f"Quota exceeded for quota metric '{metric}' and limit '{limit}' of service '{service}' for consumer "
             "'project_number:0'.", "rateLimitExceeded", headers={"Retry-After": str(max(1, round(wait)))},
        details=[{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "RATE_LIMIT_EXCEEDED",
                  "domain": "googleapis.com", "metadata": {"service": service, "consumer": "projects/0"}}])


def charge_source(quotas, method_id: str, user: str) -> None:
    """Called by :meth:`sandbox.quota.Quotas.charge` with its lock held."""
    bucket = source_bucket(method_id)
    if bucket is None:
        return
    quotas.units[user][bucket] += 1
    if not quotas.enabled:
        return
    per_user, per_project = SOURCE_LIMITS[bucket]
    project = quotas.project.get(bucket) or per_project  # PUT /_sandbox/quota {"project": {...}} scales it down
    now = time.monotonic()
    wait_user = quotas._bucket((bucket, user), per_user / 60.0, per_user).take(1, now) if per_user else 0.0
    wait_proj = 0.0 if wait_user or not project else quotas._bucket((bucket, "*"), project / 60.0, project).take(1, now)
    if not (wait_user or wait_proj):
        return
    quotas._reject(user, bucket)
    api = method_id.split(".", 1)[0]
    if api == "calendar":
        if wait_user:
            raise ApiError(403, "User Rate Limit Exceeded", "userRateLimitExceeded", domain="usageLimits")
        raise ApiError(403, "Rate Limit Exceeded", "rateLimitExceeded", domain="usageLimits")
    metric = _METRIC[bucket]
    limit = f"{metric} per minute per user" if wait_user else f"{metric} per minute"
    raise _exhausted(_SERVICE[api], metric, limit, wait_user or wait_proj)


def charge_space(quotas, kind: str, space: str) -> None:
    """Chat's per-space quota (shared by every app acting in the space): ``kind`` is read or write."""
    per = CHAT_SPACE_READS_PER_MINUTE if kind == "read" else CHAT_SPACE_WRITES_PER_MINUTE
    with quotas._lock:
        if not quotas.enabled:
            return
        wait = quotas._bucket((f"chat_space_{kind}", space), per / 60.0, per).take(1, time.monotonic())
        if wait:
            quotas.rejected[f"chat_space_{kind}"] += 1
            group = "Read" if kind == "read" else "Write"
            raise _exhausted("chat.googleapis.com", f"{group} requests per space",
                             f"{group} requests per minute per space", wait)
