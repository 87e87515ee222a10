"""Scheduled audit work under ``dsar beat``: close write-ahead intents left by a crashed process
(``outcome: unknown``) and reconcile the trail with Google's token audit log. Each reconciliation is an
``audit.reconcile`` record on the trail; a run with unexplained differences also logs a warning (counts
only: the names stay on the DPO's screen, never in a plain log)."""
from __future__ import annotations

import logging

from .celery_app import app
from .tasks import services

log = logging.getLogger("dsar.reconcile")
SYSTEM_ACTOR = "system:reconcile"


def scheduled_reconcile(svc) -> dict:
    """What the beat task does, callable without Celery (tests, ``dsar audit reconcile`` in cron)."""
    from ..reconcile import run

    closed = svc.trail.recover(SYSTEM_ACTOR)
    result = run(svc, SYSTEM_ACTOR, "system")
    if result.unexplained:
        log.warning("reconciliation: %s", result.summary())
    return {"recovered": len(closed), "unexplained": result.unexplained, "alarms": result.alarms,
            "summary": result.summary()}


@app.task(name="dsar.reconcile")
def reconcile() -> dict:
    return scheduled_reconcile(services())
