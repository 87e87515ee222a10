"""Creating the tracker spreadsheet in the acting staff member's Drive, laid out for the DPO, and filling
it from the case store."""
from __future__ import annotations

import time

from audit.context import Purpose, acting
from scopes.registry import scopes_for_operations

from ..roles import holders, require
from .pending import PendingWrites
from .schema import COLUMNS, MONTHLY_TAB, TITLE, TRACKER_TAB, layout_requests, quote_tab
from .sheet import TrackerConfig, TrackerSheet, load_config, now_iso, save_config
from . import writer
from .writer import LEGAL_BASIS, SCOPES_OPS, SyncReport, TrackerWriter, WritePacer


def init_tracker(services, actor: str, *, force: bool = False, pacer: WritePacer | None = None
                 ) -> tuple[TrackerConfig, bool, SyncReport | None]:
    """(config, created?, first sync). An existing tracker is kept unless ``force``."""
    require(actor, services.settings, "staff", "dpo", action="creating the tracker")
    existing = load_config(services.settings.home)
    if existing and not force:
        return existing, False, None
    actor = actor.lower()
    pacer = pacer or writer.PACER
    domain = (services.settings.domain or actor.rsplit("@", 1)[-1]).lower()
    dpos = sorted(holders("dpo", services.settings)) or [actor]
    purpose = Purpose(actor=actor, step="track", purpose="Create the DPO's request tracker", legal_basis=LEGAL_BASIS)
    gc = services.clients.gspread(actor, scopes_for_operations(SCOPES_OPS))
    with acting(purpose):
        sheet, ids = TrackerSheet.create(gc, TITLE, lambda: pacer.acquire(actor))
        sheet.update([(f"{quote_tab(TRACKER_TAB)}!A1", [list(COLUMNS)])])
        sheet.format(layout_requests(ids[TRACKER_TAB], ids[MONTHLY_TAB], dpos))
        for dpo in dpos:
            if dpo != actor and dpo.rsplit("@", 1)[-1] == domain:
                sheet.share(dpo)
    cfg = TrackerConfig(spreadsheet_id=sheet.id, owner=actor, created_at=now_iso(),
                        tracker_sheet_id=ids[TRACKER_TAB], monthly_sheet_id=ids[MONTHLY_TAB])
    save_config(services.settings.home, cfg)
    started = time.time()
    report = TrackerWriter(services, cfg, actor, pacer).write(None)
    report.pending_cleared = PendingWrites(services.settings.home).clear(None, started)  # every row is written
    report.writes += sheet.writes
    return cfg, True, report
