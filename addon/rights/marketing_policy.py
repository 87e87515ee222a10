"""``DSAR_HOME/marketing.toml``: the spreadsheets the organisation uses as marketing lists, and what an
opt-out does to the subject's rows in each (``remove`` the row, or ``flag`` it in a named column). Read
once per step; a mistake names the file, the list and the key.

```toml
[[list]]
name = "Newsletter"               # how the DPO knows it
spreadsheet = "1AbC..."           # the Google Sheets file id
tab = "Subscribers"
owner = "marketing@example.org"   # whose Drive holds it (the account the change is made as)
action = "remove"                 # or "flag"
flag_column = "Do not contact"    # action = "flag": the header of the column to write
flag_value = "DO NOT CONTACT"     # default
```
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import PolicyError

FILE = "marketing.toml"
ACTIONS = ("remove", "flag")
DEFAULT_FLAG = "DO NOT CONTACT (Art. 21)"


@dataclass(frozen=True)
class MarketingList:
    name: str
    spreadsheet: str
    tab: str
    owner: str
    action: str
    flag_column: str = ""
    flag_value: str = DEFAULT_FLAG

    def public(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def parse(text: str, where: str) -> list[MarketingList]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise PolicyError(f"{where}: not valid TOML ({e})") from None
    extra = sorted(set(data) - {"list"})
    if extra:
        raise PolicyError(f"{where}: unknown key {extra[0]!r} (only [[list]] tables)")
    out = []
    for n, raw in enumerate(data.get("list", []), start=1):
        at = f"{where}: [[list]] #{n}"
        if not isinstance(raw, dict):
            raise PolicyError(f"{at}: must be a table")
        unknown = sorted(set(raw) - set(MarketingList.__dataclass_fields__))
        if unknown:
            raise PolicyError(f"{at}: unknown key {unknown[0]!r}")
        for key in ("spreadsheet", "tab", "owner"):
            if not isinstance(raw.get(key), str) or not raw[key].strip():
                raise PolicyError(f"{at}: {key} is required (text)")
        action = raw.get("action", "remove")
        if action not in ACTIONS:
            raise PolicyError(f"{at}: action {action!r} must be one of {', '.join(ACTIONS)}")
        if action == "flag" and not str(raw.get("flag_column", "")).strip():
            raise PolicyError(f"{at}: action = \"flag\" needs flag_column (the header of the column to write)")
        out.append(MarketingList(str(raw.get("name") or raw["tab"]), raw["spreadsheet"].strip(), raw["tab"],
                                 raw["owner"].strip().lower(), action, str(raw.get("flag_column", "")).strip(),
                                 str(raw.get("flag_value") or DEFAULT_FLAG)))
    return out


def load(home: Path) -> list[MarketingList]:
    """The declared lists; none when the file is absent (the suppression list still applies)."""
    path = Path(home) / FILE
    if not path.exists():
        return []
    return parse(path.read_text(encoding="utf-8"), str(path))
