"""Google's add-on event object (research/addon.md §1.2) as a typed value: host app, form inputs, action
parameters, the tokens in ``authorizationEventObject`` and the Gmail / Drive context. Pure; a malformed
event is an :class:`EventError` naming the field, and tokens never appear in ``repr`` or logs."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

from ..errors import InputError


class EventError(InputError):
    """The request body is not an add-on event object we can use."""


@dataclass(frozen=True)
class GmailContext:
    message_id: str
    thread_id: str | None
    access_token: str | None = field(repr=False)

    @property
    def api_message_id(self) -> str:
        """The id the Gmail API takes. Events name messages ``msg-f:<decimal>`` (Gmail's URL form); the API's
        hexadecimal id is the same number in base 16. Ids already in API form pass unchanged."""
        if self.message_id.startswith("msg-f:") and self.message_id[6:].isdigit():
            return format(int(self.message_id[6:]), "x")
        return self.message_id


@dataclass(frozen=True)
class DriveContext:
    selected: tuple[Mapping[str, Any], ...]  # each: id, title, mimeType, iconUrl, addonHasFileScopePermission


@dataclass(frozen=True)
class Event:
    host_app: str
    platform: str = ""
    locale: str | None = None
    time_zone: str | None = None
    parameters: Mapping[str, str] = field(default_factory=dict)
    strings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # formInputs.*.stringInputs.value
    dates: Mapping[str, dt.date] = field(default_factory=dict)  # formInputs.*.dateInput.msSinceEpoch
    user_oauth_token: str | None = field(default=None, repr=False)
    user_id_token: str | None = field(default=None, repr=False)
    system_id_token: str | None = field(default=None, repr=False)
    authorized_scopes: frozenset[str] | None = None  # None: Google did not report (no granular consent)
    gmail: GmailContext | None = None
    drive: DriveContext | None = None

    def value(self, name: str) -> str:
        """The first string a form field holds, trimmed ('' when unfilled: Google omits empty inputs)."""
        values = self.strings.get(name) or ()
        return values[0].strip() if values else ""

    def param(self, name: str) -> str:
        return self.parameters.get(name, "")


def _obj(data: Any, where: str) -> Mapping[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise EventError(where, f"must be a JSON object, not {type(data).__name__}")
    return data


def _str(data: Mapping[str, Any], key: str, where: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise EventError(f"{where}.{key}", f"must be a string, not {type(value).__name__}")
    return value


def _form_inputs(raw: Mapping[str, Any]) -> tuple[dict[str, tuple[str, ...]], dict[str, dt.date]]:
    strings: dict[str, tuple[str, ...]] = {}
    dates: dict[str, dt.date] = {}
    for name, inp in raw.items():
        where = f"commonEventObject.formInputs.{name}"
        inp = _obj(inp, where)
        if "stringInputs" in inp:
            values = _obj(inp["stringInputs"], where + ".stringInputs").get("value", [])
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise EventError(where + ".stringInputs.value", "must be a list of strings")
            strings[name] = tuple(values)
        for kind in ("dateInput", "dateTimeInput"):
            if kind in inp:
                ms = _obj(inp[kind], f"{where}.{kind}").get("msSinceEpoch")
                try:
                    stamp = int(ms)
                except (TypeError, ValueError):
                    raise EventError(f"{where}.{kind}.msSinceEpoch", f"must be milliseconds since 1970, not {ms!r}") from None
                dates[name] = dt.datetime.fromtimestamp(stamp / 1000, dt.timezone.utc).date()
    return strings, dates


def _scopes(auth: Mapping[str, Any]) -> frozenset[str] | None:
    raw = auth.get("authorizedScopes")
    if raw is None:
        return None
    if not isinstance(raw, list) or not all(isinstance(s, str) for s in raw):
        raise EventError("authorizationEventObject.authorizedScopes", "must be a list of scope strings")
    return frozenset(raw)


def parse_event(body: Any) -> Event:
    """The event Google POSTs to every endpoint (homepage, contextual trigger, button action)."""
    root = _obj(body, "event")
    common = _obj(root.get("commonEventObject"), "commonEventObject")
    auth = _obj(root.get("authorizationEventObject"), "authorizationEventObject")
    params = _obj(common.get("parameters"), "commonEventObject.parameters")
    for k, v in params.items():
        if not isinstance(v, str):
            raise EventError(f"commonEventObject.parameters.{k}", "must be a string (Google sends every parameter as text)")
    strings, dates = _form_inputs(_obj(common.get("formInputs"), "commonEventObject.formInputs"))
    tz = _obj(common.get("timeZone"), "commonEventObject.timeZone")
    gmail = drive = None
    if "gmail" in root:
        g = _obj(root["gmail"], "gmail")
        mid = _str(g, "messageId", "gmail")
        if mid:
            gmail = GmailContext(mid, _str(g, "threadId", "gmail"), _str(g, "accessToken", "gmail"))
    if "drive" in root:
        d = _obj(root["drive"], "drive")
        items = d.get("selectedItems") or ([d["activeCursorItem"]] if d.get("activeCursorItem") else [])
        if not isinstance(items, list):
            raise EventError("drive.selectedItems", "must be a list")
        checked = []
        for i, item in enumerate(items):
            item = _obj(item, f"drive.selectedItems[{i}]")
            if not isinstance(item.get("id"), str):
                raise EventError(f"drive.selectedItems[{i}].id", "is required and must be a string")
            checked.append(MappingProxyType(dict(item)))
        drive = DriveContext(tuple(checked))
    return Event(
        host_app=_str(common, "hostApp", "commonEventObject") or "",
        platform=_str(common, "platform", "commonEventObject") or "",
        locale=_str(common, "userLocale", "commonEventObject"),
        time_zone=_str(tz, "id", "commonEventObject.timeZone"),
        parameters=MappingProxyType(dict(params)),
        strings=MappingProxyType(strings),
        dates=MappingProxyType(dates),
        user_oauth_token=_str(auth, "userOAuthToken", "authorizationEventObject")
        or _str(auth, "userOauthToken", "authorizationEventObject"),
        user_id_token=_str(auth, "userIdToken", "authorizationEventObject"),
        system_id_token=_str(auth, "systemIdToken", "authorizationEventObject"),
        authorized_scopes=_scopes(auth),
        gmail=gmail,
        drive=drive,
    )
