"""The organisation's exemption codes for review (``DSAR_HOME/exemptions.toml``, or ``DSAR_EXEMPTIONS``):
what an ``exclude`` decision may cite, and how the subject's report names it.

Why a file and not a fixed list: which DPA 2018 Schedule 2-4 exemptions an organisation relies on, and how
it words them to requesters, is the DPO's standing decision. ``dsar init`` writes a starter seeded with the
exemptions an ordinary business meets. Loaded the way the erasure policy is (addon/erasure/exemptions.py):
``tomllib``, every problem an error naming the file and the entry. (The erasure policy's Art. 17(3) reasons
are a different thing: why data stays after an erasure; these say why data is withheld from a copy.)
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..config import read_setting_file
from ..errors import ConfigError

ENV = "DSAR_EXEMPTIONS"
HOME_FILE = "exemptions.toml"
STARTER = "exemptions_starter.toml"
_CODE = re.compile(r"^[a-z][a-z0-9_-]{1,39}$")
_KEYS = {"code", "title", "basis", "report"}


@dataclass(frozen=True)
class Exemption:
    code: str
    title: str
    basis: str
    report: str

    def public(self) -> dict[str, str]:
        return {"code": self.code, "title": self.title, "basis": self.basis, "report": self.report}


def starter_text() -> str:
    return resources.files(__package__).joinpath(STARTER).read_text(encoding="utf-8")


def parse(text: str, where: str) -> dict[str, Exemption]:
    """code -> exemption, in the file's order. Pure."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{ENV}: {where} is not valid TOML ({e})") from None
    extra = set(data) - {"exemption"}
    if extra:
        raise ConfigError(f"{ENV}: {where}: unknown key {sorted(extra)[0]!r} (only [[exemption]] entries)")
    entries = data.get("exemption", [])
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{ENV}: {where} lists no [[exemption]]; an exclusion needs at least one code")
    out: dict[str, Exemption] = {}
    for n, e in enumerate(entries, start=1):
        if not isinstance(e, dict):
            raise ConfigError(f"{ENV}: {where}: exemption {n} is not a table")
        unknown = set(e) - _KEYS
        if unknown:
            raise ConfigError(f"{ENV}: {where}: exemption {n} has unknown key {sorted(unknown)[0]!r}")
        for k in ("code", "title", "basis"):
            if not isinstance(e.get(k), str) or not e[k].strip():
                raise ConfigError(f"{ENV}: {where}: exemption {n} needs {k} (a string)")
        code = e["code"].strip()
        if not _CODE.match(code):
            raise ConfigError(f"{ENV}: {where}: exemption {n} code {code!r} must be 2-40 of a-z, 0-9, _ and -, "
                              "starting with a letter")
        if code in out:
            raise ConfigError(f"{ENV}: {where}: code {code!r} is listed twice")
        report = e.get("report", e["title"])
        if not isinstance(report, str) or not report.strip():
            raise ConfigError(f"{ENV}: {where}: exemption {n} report must be a string")
        out[code] = Exemption(code, e["title"].strip(), e["basis"].strip(), report.strip())
    return out


def exemptions_path(settings) -> Path | None:
    value = os.environ.get(ENV) or getattr(settings, "extra", {}).get("exemptions")
    if value:
        return Path(value).expanduser()
    in_home = Path(settings.home) / HOME_FILE
    return in_home if in_home.is_file() else None


def load_exemptions(settings) -> dict[str, Exemption]:
    """The organisation's codes; without a file, the starter's (so a fresh data folder can review at once)."""
    path = exemptions_path(settings)
    if path is None:
        return parse(starter_text(), f"the built-in starter ({STARTER})")
    return parse(read_setting_file(path, ENV), str(path))
