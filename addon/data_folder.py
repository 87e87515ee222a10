"""The data folder (``DSAR_HOME``): where the case store, the audit trail and its keys live.

A missing or mistyped ``DSAR_HOME`` must never quietly start a second, empty product with new keys, so a
folder is only ever *created* on purpose: by ``dsar init``, by ``dsar demo`` (its own folder), or by code that
chose the path itself (``Settings`` built in code, ``home_source == "code"``). Everything that reads the
folder from the environment or the default goes through :func:`require_home`, which refuses a folder that is
absent, a file, or an unrelated non-empty folder, and says which path it looked for and where that came from.

A folder made by dsar holds :data:`MARKER`. A folder from before the marker existed is recognised by its
contents and marked; so is an empty folder someone created for it on purpose (a mounted volume).
"""
from __future__ import annotations

import os
from pathlib import Path

from .config import Settings
from .errors import ConfigError

MARKER = ".dsar-home"
#: What only a dsar data folder holds (older folders have no marker).
KNOWN = ("audit.db", "cases.db", "master.key", "audit-signing.key", "secrets.json", "tracker.json", "exports")


def describe_source(settings: Settings) -> str:
    """Where the path came from, in the user's words."""
    return {
        "DSAR_HOME": "from DSAR_HOME",
        "config": f"from 'home' in DSAR_CONFIG ({os.environ.get('DSAR_CONFIG', '')})",
        "default": "the default: DSAR_HOME is not set",
    }.get(settings.home_source, "chosen by the program")


def home_problem(settings: Settings) -> str | None:
    """Why ``settings.home`` cannot be used as it is (None: it can). Pure look-up: creates nothing."""
    home, where = settings.home, describe_source(settings)
    try:
        if home.is_file():
            return f"DSAR_HOME: {home} ({where}) is a file, not a folder; set DSAR_HOME to the data folder"
        if not home.exists():
            return (f"no data folder at {home} ({where}); nothing was created. Run 'dsar init' to create it, "
                    "or set DSAR_HOME to the folder that holds your cases and keys" + _nearby(home))
        if not home.is_dir():
            return f"DSAR_HOME: {home} ({where}) is not a folder"
        names = set(os.listdir(home))
    except OSError as e:
        return f"DSAR_HOME: {home} ({where}) cannot be read ({e.strerror})"
    if MARKER in names or names & set(KNOWN) or not names:
        return None
    return (f"{home} ({where}) is not a dsar data folder: it holds other files but no {MARKER}, audit trail or "
            "keys, and nothing was created in it. Set DSAR_HOME to your data folder" + _nearby(home)
            + f", or run 'dsar init' to make {home} one")


def _nearby(home: Path) -> str:
    """A data folder just inside the one named: the usual slip (``dsar-demo`` for ``dsar-demo/home``)."""
    try:
        inside = sorted(p for p in home.iterdir() if (p / MARKER).is_file()) if home.is_dir() else []
    except OSError:
        inside = []
    return f" (did you mean {inside[0]}?)" if inside else ""


def require_home(settings: Settings) -> Path:
    """The data folder, which must already exist (or be an empty folder made for it); marks older folders."""
    problem = home_problem(settings)
    if problem:
        raise ConfigError(problem)
    _mark(settings.home)
    return settings.home


def init_home(settings: Settings) -> tuple[Path, bool]:
    """Create the data folder (mode 0700) and its marker; (path, whether anything was created)."""
    home = settings.home
    if home.is_file():
        raise ConfigError(f"DSAR_HOME: {home} ({describe_source(settings)}) is a file, not a folder")
    created = not home.exists()
    try:
        home.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as e:
        raise ConfigError(f"DSAR_HOME: cannot create {home} ({describe_source(settings)}): {e.strerror}") from None
    return home, _mark(home) or created


def open_home(settings: Settings, create: bool = False) -> Path:
    """The one gate every store and key goes through: created when allowed (``create``, or a path the program
    chose itself), otherwise required to exist."""
    if create or settings.home_source == "code":
        return init_home(settings)[0]
    return require_home(settings)


def _mark(home: Path) -> bool:
    marker = home / MARKER
    if marker.exists():
        return False
    try:
        marker.write_text("This folder is a dsar data folder (cases, audit trail, keys). Keep it; back it up.\n",
                          encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"DSAR_HOME: {home} is not writable ({e.strerror})") from None
    return True
