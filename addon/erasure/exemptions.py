"""The organisation's erasure policy (``DSAR_ERASURE_POLICY``, a TOML file): what erasure must leave in place
and why (Art. 17(3)), how sheets are erased, whether deletion is permanent, and which Google Vault rules
keep "deleted" data. Parsing and matching are pure; the file is read once, by :func:`load_policy`.

Example::

    permanent_delete = false          # true: Gmail batchDelete / Drive files.delete (needs https://mail.google.com/)
    google_docs = "redact_manually"   # or "trash": Docs that mention the subject but are not named after them

    [[exempt]]
    gmail_label = "Legal hold"        # the label or any sublabel of it ("Legal hold/ACAS")
    reason = "legal_claims"
    detail = "ACAS early conciliation"

    [[exempt]]
    drive_folder = "Finance/Invoices" # a folder path in the owner's My Drive, and everything under it
    reason = "legal_obligation"

    [[exempt]]
    spreadsheet = "Billing 2025"      # a spreadsheet id, name or path
    reason = "legal_obligation"

    [[sheets]]
    spreadsheet = "Customer list"
    handling = "redact_cells"         # or "delete_rows" (the default)

    [[vault]]
    kind = "retention"                # or "hold"
    corpus = "mail"                   # or "drive"
    name = "Mail kept 6 years"
    days = 2190

Why a file and not flags: exemptions are the organisation's standing decisions (retention schedule, legal
holds), reviewed by the DPO, not something staff choose per case. The normalised policy is copied into
each plan, so the plan's hash (what the DPO approves) covers the rules it was built with.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from ..config import read_setting_file
from .errors import PolicyError

ENV = "DSAR_ERASURE_POLICY"

#: Art. 17(3) grounds (and "other", which must say which DPA 2018 exemption in ``detail``).
REASONS: dict[str, str] = {
    "freedom_of_expression": "Art. 17(3)(a): exercising the right of freedom of expression and information",
    "legal_obligation": "Art. 17(3)(b): compliance with a legal obligation (or a task in the public interest)",
    "public_health": "Art. 17(3)(c): public interest in the area of public health",
    "archiving": "Art. 17(3)(d): archiving in the public interest, research or statistics",
    "legal_claims": "Art. 17(3)(e): establishment, exercise or defence of legal claims",
    "other": "Another exemption (DPA 2018 Schedules 2-4), as stated",
}
SHEET_HANDLING = ("delete_rows", "redact_cells")
DOC_HANDLING = ("redact_manually", "trash")
_TOP_KEYS = {"permanent_delete", "google_docs", "exempt", "sheets", "vault"}
_RULE_KINDS = ("gmail_label", "drive_folder", "spreadsheet")


@dataclass(frozen=True)
class Exemption:
    """One standing rule: items it covers stay, with the reason recorded in the plan and the certificate."""

    kind: str  # gmail_label | drive_folder | spreadsheet
    value: str
    reason: str
    detail: str = ""
    account: str = ""  # limit to one mailbox / Drive owner ("" = every account)

    @property
    def basis(self) -> str:
        return REASONS[self.reason]

    @property
    def rule(self) -> str:
        where = f" in {self.account}" if self.account else ""
        return f"{self.kind.replace('_', ' ')} {self.value!r}{where}"

    def to_json(self) -> dict:
        return {"kind": self.kind, "value": self.value, "reason": self.reason, "detail": self.detail,
                "account": self.account}


@dataclass(frozen=True)
class VaultRule:
    kind: str  # retention | hold
    corpus: str  # mail | drive
    name: str
    days: int | None = None

    def to_json(self) -> dict:
        return {"kind": self.kind, "corpus": self.corpus, "name": self.name, "days": self.days}


@dataclass(frozen=True)
class Policy:
    permanent_delete: bool = False
    google_docs: str = "redact_manually"
    exemptions: tuple[Exemption, ...] = ()
    sheets: tuple[tuple[str, str], ...] = ()  # (spreadsheet id/name/path, handling)
    vault: tuple[VaultRule, ...] = ()
    source: str = ""  # where it was read from ("" = no policy configured); not part of the plan's hash

    def to_json(self) -> dict:
        return {"permanent_delete": self.permanent_delete, "google_docs": self.google_docs,
                "exempt": [e.to_json() for e in self.exemptions],
                "sheets": [{"spreadsheet": s, "handling": h} for s, h in self.sheets],
                "vault": [v.to_json() for v in self.vault]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any], source: str = "plan") -> "Policy":
        """Rebuild the policy a plan was made with (the approved rules, not today's file)."""
        return cls(bool(data["permanent_delete"]), data["google_docs"],
                   tuple(Exemption(**e) for e in data["exempt"]),
                   tuple((s["spreadsheet"], s["handling"]) for s in data["sheets"]),
                   tuple(VaultRule(**v) for v in data["vault"]), source)

    # -- matching ---------------------------------------------------------------------------------
    def exemption_for(self, item: Mapping[str, Any], label_names: Mapping[str, str] | None = None) -> Exemption | None:
        """The first rule covering a search item (``label_names``: the account's label id -> name)."""
        for e in self.exemptions:
            if e.account and e.account != str(item.get("account", "")).lower():
                continue
            if e.kind == "gmail_label" and item["source"] == "gmail":
                names = [(label_names or {}).get(lid, lid) for lid in item.get("labels", [])]
                if any(_label_covers(e.value, n) for n in names):
                    return e
            elif e.kind == "drive_folder" and item["source"] in ("drive", "sheets"):
                if _under(e.value, item.get("path", "")):
                    return e
            elif e.kind == "spreadsheet" and item["source"] == "sheets":
                if _names_sheet(e.value, item):
                    return e
        return None

    def sheet_handling(self, item: Mapping[str, Any]) -> str:
        for ref, handling in self.sheets:
            if _names_sheet(ref, item):
                return handling
        return "delete_rows"


def _label_covers(rule: str, name: str) -> bool:
    """Gmail label names are case-insensitive; a rule for "Legal" covers "Legal/ACAS" too."""
    r, n = rule.strip().casefold(), name.strip().casefold()
    return n == r or n.startswith(r + "/")


def _clean_path(p: str) -> str:
    return "/".join(part for part in p.strip().split("/") if part)


def _under(folder: str, path: str) -> bool:
    f, p = _clean_path(folder), _clean_path(path)
    return bool(f) and p.startswith(f + "/")


def _names_sheet(ref: str, item: Mapping[str, Any]) -> bool:
    ref = ref.strip()
    if ref in (item.get("file_id"), item.get("name")):
        return True
    return bool(ref) and _clean_path(ref) == _clean_path(item.get("path", ""))


# -- reading the file ------------------------------------------------------------------------------

def parse_policy(text: str, where: str = ENV) -> Policy:
    """Parse and check the TOML; every error names the file and the entry at fault."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise PolicyError(f"{where}: not valid TOML ({e})") from None
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise PolicyError(f"{where}: unknown setting(s) {', '.join(sorted(unknown))} "
                          f"(known: {', '.join(sorted(_TOP_KEYS))})")
    permanent = data.get("permanent_delete", False)
    if not isinstance(permanent, bool):
        raise PolicyError(f"{where}: permanent_delete must be true or false")
    docs = data.get("google_docs", "redact_manually")
    if docs not in DOC_HANDLING:
        raise PolicyError(f"{where}: google_docs must be one of {', '.join(DOC_HANDLING)}, not {docs!r}")
    exemptions = tuple(_exemption(e, f"{where}: exempt[{i}]") for i, e in enumerate(_tables(data, "exempt", where)))
    sheets = tuple(_sheet(s, f"{where}: sheets[{i}]") for i, s in enumerate(_tables(data, "sheets", where)))
    vault = tuple(_vault(v, f"{where}: vault[{i}]") for i, v in enumerate(_tables(data, "vault", where)))
    return Policy(permanent, docs, exemptions, sheets, vault, where)


def _tables(data: dict, key: str, where: str) -> list[dict]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise PolicyError(f"{where}: {key} must be a list of tables ([[{key}]])")
    return value


def _text(entry: dict, key: str, where: str, required: bool = True) -> str:
    value = entry.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise PolicyError(f"{where}.{key}: {'is required and ' if required else ''}must be text")
    return value.strip()


def _exemption(entry: dict, where: str) -> Exemption:
    kinds = [k for k in _RULE_KINDS if k in entry]
    if len(kinds) != 1:
        raise PolicyError(f"{where}: give exactly one of {', '.join(_RULE_KINDS)}")
    extra = set(entry) - {kinds[0], "reason", "detail", "account"}
    if extra:
        raise PolicyError(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
    reason = _text(entry, "reason", where)
    if reason not in REASONS:
        raise PolicyError(f"{where}.reason: {reason!r} is not one of {', '.join(REASONS)}")
    detail = _text(entry, "detail", where, required=reason == "other")
    value = _text(entry, kinds[0], where)
    if kinds[0] == "drive_folder" and not _clean_path(value):
        raise PolicyError(f"{where}.drive_folder: the whole Drive cannot be exempt; name a folder")
    return Exemption(kinds[0], value, reason, detail, _text(entry, "account", where, required=False).lower())


def _sheet(entry: dict, where: str) -> tuple[str, str]:
    extra = set(entry) - {"spreadsheet", "handling"}
    if extra:
        raise PolicyError(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
    handling = _text(entry, "handling", where)
    if handling not in SHEET_HANDLING:
        raise PolicyError(f"{where}.handling: must be one of {', '.join(SHEET_HANDLING)}, not {handling!r}")
    return _text(entry, "spreadsheet", where), handling


def _vault(entry: dict, where: str) -> VaultRule:
    kind, corpus = _text(entry, "kind", where), _text(entry, "corpus", where)
    if kind not in ("retention", "hold"):
        raise PolicyError(f"{where}.kind: must be 'retention' or 'hold'")
    if corpus not in ("mail", "drive"):
        raise PolicyError(f"{where}.corpus: must be 'mail' or 'drive'")
    days = entry.get("days")
    if days is not None and (not isinstance(days, int) or isinstance(days, bool) or days <= 0):
        raise PolicyError(f"{where}.days: must be a positive number of days")
    if kind == "retention" and days is None:
        raise PolicyError(f"{where}.days: a retention rule needs its period in days")
    return VaultRule(kind, corpus, _text(entry, "name", where), days)


def policy_path(settings) -> str | None:
    return os.environ.get(ENV) or (settings.extra or {}).get("erasure_policy")


def load_policy(settings, path: str | os.PathLike | None = None) -> Policy:
    """The configured policy, or the default one (trash everything, no exemptions) when none is set."""
    path = path or policy_path(settings)
    if not path:
        return Policy()
    p = Path(path).expanduser()
    return parse_policy(read_setting_file(p, ENV, PolicyError), str(p))


def permanent_delete_configured(settings) -> bool:
    """Whether the organisation opted in to irreversible deletion (the guard's switch). A broken policy
    file counts as "no": the erasure commands then report the file's error themselves."""
    try:
        return load_policy(settings).permanent_delete
    except PolicyError:
        return False


__all__ = ["ENV", "Exemption", "Policy", "REASONS", "VaultRule", "load_policy", "parse_policy",
           "permanent_delete_configured", "policy_path"]
