"""The DPO's tracker: one Google Sheet row per case, kept up to date after every step."""
from __future__ import annotations

from .provision import init_tracker
from .sharing import TrackerSharingError
from .sheet import TrackerConfig, TrackerError, load_config
from .writer import SyncReport, TrackerWriter, open_writer, tracker_update

__all__ = ["SyncReport", "TrackerConfig", "TrackerError", "TrackerSharingError", "TrackerWriter", "init_tracker",
           "load_config", "open_writer", "tracker_update"]
