"""Card primitives in Google's JSON shape (``GoogleAppsCardV1*`` in the Chat v1 discovery document, which
the add-on card runtime shares). Every string a person typed is HTML-escaped here: textParagraph and
decoratedText render simple HTML, and a subject called ``<b>Eve</b>`` must show as typed."""
from __future__ import annotations

import datetime as dt
import html
from typing import Any, Iterable, Mapping

Widget = dict[str, Any]
Card = dict[str, Any]

ERROR_COLOUR = "#B3261E"  # Material 3 "error" red, as Google's own card samples use for form errors
MUTED_COLOUR = "#5F6368"


def esc(text: object) -> str:
    return html.escape(str(text), quote=False)


def action(url: str, params: Mapping[str, str] | None = None, *, persist: bool = False,
           spinner: bool = True) -> dict[str, Any]:
    """An HTTP add-on action: ``function`` is the endpoint URL; parameter values must be strings."""
    out: dict[str, Any] = {"function": url}
    if params:
        out["parameters"] = [{"key": k, "value": str(v)} for k, v in params.items()]
    if persist:
        out["persistValues"] = True
    out["loadIndicator"] = "SPINNER" if spinner else "NONE"
    return out


def on_action(url: str, params: Mapping[str, str] | None = None, **kw: Any) -> dict[str, Any]:
    return {"action": action(url, params, **kw)}


def on_link(url: str, *, overlay: bool = False, reload: bool = False) -> dict[str, Any]:
    link: dict[str, Any] = {"url": url}
    if overlay:
        link["openAs"] = "OVERLAY"
    if reload:
        link["onClose"] = "RELOAD"
    return {"openLink": link}


def text(markup: str) -> Widget:
    """A paragraph of already-safe markup (escape user text with :func:`esc` first)."""
    return {"textParagraph": {"text": markup}}


def note(message: str, colour: str = MUTED_COLOUR) -> Widget:
    return text(f'<font color="{colour}">{esc(message)}</font>')


def field_error(message: str) -> Widget:
    """The red line shown directly under the form field it is about."""
    return text(f'<font color="{ERROR_COLOUR}"><b>{esc(message)}</b></font>')


def decorated(value: str, *, top: str | None = None, bottom: str | None = None,
              icon: str | None = None, on_click: dict[str, Any] | None = None,
              button: dict[str, Any] | None = None) -> Widget:
    """A labelled value; ``value``, ``top`` and ``bottom`` are plain text (escaped here)."""
    out: dict[str, Any] = {"text": esc(value) if value else "—", "wrapText": True}
    if top:
        out["topLabel"] = esc(top)
    if bottom:
        out["bottomLabel"] = esc(bottom)
    if icon:
        out["startIcon"] = {"materialIcon": {"name": icon}}
    if on_click:
        out["onClick"] = on_click
    if button:
        out["button"] = button
    return {"decoratedText": out}


def button(label: str, on_click: dict[str, Any], *, filled: bool = False, icon: str | None = None,
           disabled: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"text": label, "onClick": on_click, "type": "FILLED" if filled else "OUTLINED"}
    if icon:
        out["icon"] = {"materialIcon": {"name": icon}}
    if disabled:
        out["disabled"] = True
    return out


def buttons(*items: dict[str, Any]) -> Widget:
    return {"buttonList": {"buttons": list(items)}}


def text_input(name: str, label: str, value: str | None = None, *, hint: str | None = None,
               multiline: bool = False) -> Widget:
    out: dict[str, Any] = {"name": name, "label": label, "type": "MULTIPLE_LINE" if multiline else "SINGLE_LINE"}
    if value:
        out["value"] = value
    if hint:
        out["hintText"] = hint
    return {"textInput": out}


def dropdown(name: str, label: str, options: Iterable[tuple[str, str]], selected: str | None = None) -> Widget:
    items = [{"text": t, "value": v, "selected": v == selected} for t, v in options]
    return {"selectionInput": {"name": name, "label": label, "type": "DROPDOWN", "items": items}}


def checkboxes(name: str, label: str, options: Iterable[tuple[str, str, bool]]) -> Widget:
    items = [{"text": t, "value": v, "selected": on} for t, v, on in options]
    return {"selectionInput": {"name": name, "label": label, "type": "CHECK_BOX", "items": items}}


def date_input(name: str, label: str, value: dt.date | None) -> Widget:
    """A date-only picker; its value travels as ``dateInput.msSinceEpoch`` (UTC midnight)."""
    out: dict[str, Any] = {"name": name, "label": label, "type": "DATE_ONLY"}
    if value is not None:
        midnight = dt.datetime.combine(value, dt.time(), tzinfo=dt.timezone.utc)
        out["valueMsEpoch"] = str(int(midnight.timestamp() * 1000))
    return {"dateTimePicker": out}


def divider() -> Widget:
    return {"divider": {}}


def section(widgets: Iterable[Widget], header: str | None = None, *, collapsible: bool = False,
            visible: int = 0) -> dict[str, Any]:
    out: dict[str, Any] = {"widgets": list(widgets)}
    if header:
        out["header"] = esc(header)
    if collapsible:
        out["collapsible"] = True
        out["uncollapsibleWidgetsCount"] = visible
    return out


def card(title: str, sections: Iterable[dict[str, Any]], *, subtitle: str | None = None,
         name: str | None = None, footer: dict[str, Any] | None = None) -> Card:
    header: dict[str, Any] = {"title": esc(title)}
    if subtitle:
        header["subtitle"] = esc(subtitle)
    out: Card = {"header": header, "sections": [s for s in sections if s["widgets"]]}
    if name:
        out["name"] = name
    if footer:
        out["fixedFooter"] = {"primaryButton": footer}
    return out
