"""The human side of the package: ``report.html``, a cover letter that says what was searched, what was
found and where, and the supplementary information Art. 15 requires (from the organisation's template).

The ICO expects a response to explain "what searches you have completed and an overview of the information
that you have provided" in "clear, plain, non-technical language" (research/dsar_rules.md §2.2)."""
from __future__ import annotations

import os
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from ..config import read_setting_file
from ..errors import ConfigError

#: (table, key, type) every template must provide: Art. 15(1)(a)-(h) and 15(2).
REQUIRED: tuple[tuple[str, str, type], ...] = (
    ("organisation", "name", str), ("organisation", "contact", str),
    ("processing", "purposes", list), ("processing", "categories", list), ("processing", "recipients", list),
    ("processing", "retention", str), ("processing", "source", str),
    ("processing", "automated_decision_making", str), ("processing", "transfers", str),
    ("rights", "list", list), ("rights", "how", str),
    ("complaint", "text", str), ("complaint", "url", str),
)


#: ``where`` for the bundled demo company's template, used only against the sandbox (never for a real subject).
SANDBOX_DEMO = "sandbox demo template (addon/export/art15.toml, the fictional Northwind Call Handling Ltd)"
#: The starter ``dsar init`` writes; its ``<PLACEHOLDERS>`` are refused until replaced.
STARTER = "art15_starter.toml"
HOME_TEMPLATE = "art15.toml"  # <DSAR_HOME>/art15.toml is used when DSAR_ART15_TEMPLATE is not set
_PLACEHOLDER = re.compile(r"<[A-Z][A-Z0-9 ,.'/&()-]*>")


def template_path(settings) -> Path | None:
    """The organisation's template: ``DSAR_ART15_TEMPLATE``, ``art15_template`` in the config file, or the
    ``art15.toml`` that ``dsar init`` wrote in the data folder."""
    value = os.environ.get("DSAR_ART15_TEMPLATE") or settings.extra.get("art15_template")
    if value:
        return Path(value).expanduser()
    in_home = Path(settings.home) / HOME_TEMPLATE
    return in_home if in_home.is_file() else None


def missing_template_message(settings) -> str:
    return ("DSAR_ART15_TEMPLATE: no Art. 15 template is set, so no access package is made (its report must describe "
            "YOUR organisation's purposes, recipients and retention). Run 'dsar init' to write a starter template to "
            f"{Path(settings.home) / HOME_TEMPLATE} and fill it in, or set DSAR_ART15_TEMPLATE to your own file "
            "(addon/export/art15.toml is a filled-in example)")


def starter_text() -> str:
    return resources.files(__package__).joinpath(STARTER).read_text(encoding="utf-8")


def load_art15(settings) -> tuple[dict[str, Any], str]:
    """(information, where it came from). A missing, incomplete or unfilled template is an error naming the
    key; without one, only the sandbox falls back to the demo company's (and the report says so)."""
    path = template_path(settings)
    if path is None:
        if not getattr(settings, "sandbox", False):
            raise ConfigError(missing_template_message(settings))
        text, where = resources.files(__package__).joinpath("art15.toml").read_text(encoding="utf-8"), SANDBOX_DEMO
    else:
        text, where = read_setting_file(path, "DSAR_ART15_TEMPLATE"), str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"DSAR_ART15_TEMPLATE: {where} is not valid TOML ({e})") from None
    for table, key, kind in REQUIRED:
        value = data.get(table, {}).get(key) if isinstance(data.get(table), dict) else None
        if not isinstance(value, kind) or not value:
            want = "a list of strings" if kind is list else "a string"
            raise ConfigError(f"DSAR_ART15_TEMPLATE: {where}: [{table}] {key} is missing or not {want} "
                              f"(Art. 15 requires it; see the example addon/export/art15.toml)")
    left = unfilled(data)
    if left:
        field, found = left[0]
        more = f" (and {len(left) - 1} more placeholder(s))" if len(left) > 1 else ""
        raise ConfigError(f"DSAR_ART15_TEMPLATE: {where}: {field} still says {found}{more}: replace every <...> "
                          "with your organisation's own text")
    return data, where


def unfilled(data: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """(field, placeholder) for every value still holding a starter ``<PLACEHOLDER>``."""
    out: list[tuple[str, str]] = []
    for key, value in data.items():
        name = f"[{key}]" if not prefix else f"{prefix} {key}"
        if isinstance(value, dict):
            out += unfilled(value, name)
        for i, v in enumerate(value if isinstance(value, list) else [value]):
            hit = _PLACEHOLDER.search(v) if isinstance(v, str) else None
            if hit:
                out.append((name + (f" (entry {i + 1})" if isinstance(value, list) else ""), hit.group(0)))
    return out


def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader(__package__, "templates"),
        autoescape=jinja2.select_autoescape(("html", "j2")),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    )


def render_report(context: dict[str, Any]) -> str:
    """The report; every value is escaped (a subject named ``<script>`` is shown, never run)."""
    return _env().get_template("report.html.j2").render(**context)
