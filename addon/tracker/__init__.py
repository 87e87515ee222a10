"""The DPO's tracker: one Google Sheet row per case, kept up to date after every step."""
from __future__ import annotations

from .pending import PendingWrites
from .provision import init_tracker
from .sharing import TrackerSharingError
from .sheet import TrackerConfig, TrackerError, load_config
from .status import status_line, tracker_status
from .writer import SyncReport, TrackerWriter, open_writer, sync_all, tracker_update

__all__ = ["PendingWrites", "SyncReport", "TrackerConfig", "TrackerError", "TrackerSharingError", "TrackerWriter",
           "init_tracker", "load_config", "open_writer", "status_line", "sync_all", "tracker_status",
           "tracker_update"]
