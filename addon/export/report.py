"""The human side of the package: ``report.html``, a cover letter that says what was searched, what was
found and where, and the supplementary information Art. 15 requires (from the organisation's template).

The ICO expects a response to explain "what searches you have completed and an overview of the information
that you have provided" in "clear, plain, non-technical language" (research/dsar_rules.md §2.2)."""
from __future__ import annotations

import os
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

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


def template_path(settings) -> Path | None:
    """The organisation's template (``DSAR_ART15_TEMPLATE`` or ``art15_template`` in the config file)."""
    value = os.environ.get("DSAR_ART15_TEMPLATE") or settings.extra.get("art15_template")
    return Path(value).expanduser() if value else None


def load_art15(settings) -> tuple[dict[str, Any], str]:
    """(information, where it came from). A missing or incomplete template is an error naming the key."""
    path = template_path(settings)
    if path is None:
        text, where = resources.files(__package__).joinpath("art15.toml").read_text(encoding="utf-8"), "default"
    else:
        try:
            text, where = path.read_text(encoding="utf-8"), str(path)
        except FileNotFoundError:
            raise ConfigError(f"DSAR_ART15_TEMPLATE: {path} does not exist") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"DSAR_ART15_TEMPLATE: {where} is not valid TOML ({e})") from None
    for table, key, kind in REQUIRED:
        value = data.get(table, {}).get(key) if isinstance(data.get(table), dict) else None
        if not isinstance(value, kind) or not value:
            want = "a list of strings" if kind is list else "a string"
            raise ConfigError(f"DSAR_ART15_TEMPLATE: {where}: [{table}] {key} is missing or not {want} "
                              f"(Art. 15 requires it; see the default addon/export/art15.toml)")
    return data, where


def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader(__package__, "templates"),
        autoescape=jinja2.select_autoescape(("html", "j2")),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    )


def render_report(context: dict[str, Any]) -> str:
    """The report; every value is escaped (a subject named ``<script>`` is shown, never run)."""
    return _env().get_template("report.html.j2").render(**context)
