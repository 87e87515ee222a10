"""Scale-out: Celery workers on Redis fanning a case's search out per mailbox and per Drive, quota pacing
shared through Redis, and PostgreSQL stores (``DSAR_DATABASE_URL``) that every instance shares."""
from __future__ import annotations

import os

DEFAULT_BROKER = "redis://127.0.0.1:6379/0"


def broker_url() -> str:
    return os.environ.get("DSAR_BROKER_URL") or DEFAULT_BROKER


def configured_broker(settings) -> str | None:
    """The broker this deployment names (``DSAR_BROKER_URL`` or ``broker_url`` in the config file), if any."""
    return os.environ.get("DSAR_BROKER_URL") or settings.extra.get("broker_url")


def redis_prefix() -> str:
    """Key prefix for broker, results, leases and quota buckets (several deployments can share a Redis)."""
    return os.environ.get("DSAR_REDIS_PREFIX", "dsar:")
