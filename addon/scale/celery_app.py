"""The Celery application: broker and result backend on Redis (``DSAR_BROKER_URL``, default
``redis://127.0.0.1:6379/0``), tasks acknowledged only after they finish, so a worker killed mid-task
leaves its message to be delivered again (after ``DSAR_VISIBILITY_TIMEOUT`` seconds) and the task resumes
from its checkpoint. Beat signs an audit checkpoint every minute, as the trail promises.

Settings (environment): ``DSAR_BROKER_URL``, ``DSAR_RESULT_BACKEND`` (default: the broker),
``DSAR_QUEUE`` (default ``dsar``), ``DSAR_VISIBILITY_TIMEOUT`` (default 3600: longer than any one
mailbox takes; a redelivered task that finds its unit still leased waits), ``DSAR_REDIS_PREFIX``
(key prefix for the broker, results, leases and quota buckets; lets several deployments share a Redis).
"""
from __future__ import annotations

import os

from celery import Celery

from . import broker_url, redis_prefix


def queue_name() -> str:
    return os.environ.get("DSAR_QUEUE", "dsar")


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        from ..errors import ConfigError

        raise ConfigError(f"{name}: {raw!r} is not a whole number of seconds") from None
    return max(1, value)


def visibility_timeout() -> int:
    return _int_env("DSAR_VISIBILITY_TIMEOUT", 3600)


def reconcile_every() -> float:
    """``DSAR_RECONCILE_EVERY`` seconds between reconciliations under beat (default 3600; 0: off)."""
    raw = os.environ.get("DSAR_RECONCILE_EVERY", "3600")
    try:
        return max(0.0, float(raw))
    except ValueError:
        from ..errors import ConfigError

        raise ConfigError(f"DSAR_RECONCILE_EVERY: {raw!r} is not a number of seconds") from None


def make_app() -> Celery:
    broker = broker_url()
    backend = os.environ.get("DSAR_RESULT_BACKEND") or broker
    vt = visibility_timeout()
    prefix = redis_prefix()
    app = Celery("dsar", broker=broker, backend=backend, include=["addon.scale.tasks", "addon.scale.audit_tasks"])
    app.conf.update(
        task_serializer="json", result_serializer="json", accept_content=["json"],
        task_acks_late=True,  # ack after the task: a killed worker's task is delivered again
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,  # one unit at a time per process; the rest stay for other workers
        task_default_queue=queue_name(),
        task_track_started=True,
        result_expires=7 * 24 * 3600,
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            "visibility_timeout": vt, "global_keyprefix": prefix,
            "unacked_restore_interval": max(1, min(10, vt // 2)), "unacked_restore_throttle": 1,
        },
        result_backend_transport_options={"global_keyprefix": prefix},
        worker_hijack_root_logger=False,
        beat_schedule={
            "audit-checkpoint": {"task": "dsar.checkpoint", "schedule": 60.0},
        },
    )
    if reconcile_every():  # issue 16: recover intents, reconcile with Google's token log (addon/scale/audit_tasks.py)
        app.conf.beat_schedule["audit-reconcile"] = {"task": "dsar.reconcile", "schedule": reconcile_every()}
    return app


def _env_key() -> tuple:
    return (broker_url(), os.environ.get("DSAR_RESULT_BACKEND"), queue_name(), redis_prefix(), visibility_timeout())


app = make_app()  # the workers' app (tasks register on it); senders use current_app_for_env()
_APP_KEY = _env_key()
_apps: dict[tuple, Celery] = {}


def current_app_for_env() -> Celery:
    """An app for the environment as it is now (the module's ``app`` was configured at import time)."""
    key = _env_key()
    if key == _APP_KEY:
        return app
    if key not in _apps:
        _apps[key] = make_app()
    return _apps[key]
