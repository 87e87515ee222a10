"""People v1 ``Person`` JSON, restricted to the fields a ``personFields``/``readMask`` asks for, and the
masks' validation (Google refuses a missing or unknown path with 400 rather than ignoring it)."""
from __future__ import annotations

import hashlib
from typing import Any

import phonenumbers

from ..errors import ApiError
from .store import Contact

PERSON_FIELDS = frozenset(
    "addresses ageRanges biographies birthdays calendarUrls clientData coverPhotos emailAddresses events "
    "externalIds genders imClients interests locales locations memberships metadata miscKeywords names "
    "nicknames occupations organizations phoneNumbers photos relations sipAddresses skills urls userDefined".split())
OTHER_FIELDS = frozenset({"emailAddresses", "metadata", "names", "phoneNumbers", "photos"})
OTHER_SEARCH_FIELDS = frozenset({"emailAddresses", "metadata", "names", "phoneNumbers"})
_TYPES = {"home": "Home", "work": "Work", "mobile": "Mobile", "cell": "Mobile", "other": "Other", "main": "Main",
          "fax": "Fax", "pager": "Pager"}


def parse_mask(raw: str | None, param: str, valid: frozenset[str], method_doc: str) -> list[str]:
    doc = f"https://developers.google.com/people/api/rest/v1/{method_doc}"
    if not raw:
        raise ApiError(400, f"{param} mask is required. Please specify one or more valid paths. Valid paths are "
                            f"documented at {doc}.", "badRequest")
    paths = [p.strip().removeprefix("person.") for p in raw.split(",") if p.strip()]
    for p in paths:
        if p not in valid:
            raise ApiError(400, f'Invalid {param} mask path: "{p}". Valid paths are documented at {doc}.',
                           "badRequest")
    return paths


def canonical(phone: str) -> str | None:
    """E.164 form (UK numbers read as national), as People's ``canonicalForm``."""
    try:
        n = phonenumbers.parse(phone, "GB")
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164) if phonenumbers.is_possible_number(n) else None


def etag(c: Contact) -> str:
    return "%EgU" + hashlib.sha256(f"{c.resource_name}|{c.etag_n}".encode()).hexdigest()[:22]


def _meta(c: Contact, primary: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"source": {"type": "OTHER_CONTACT" if c.other else "CONTACT", "id": c.source_id}}
    if primary:
        out = {"primary": True, **out}
        if not c.other:
            out["sourcePrimary"] = True
    return out


def _typed(value_key: str, value: str, kind: str, c: Contact, i: int) -> dict[str, Any]:
    out: dict[str, Any] = {"metadata": _meta(c, i == 0), value_key: value}
    if not c.other:
        out["type"] = kind
        out["formattedType"] = _TYPES.get(kind, kind.title())
    return out


def person_json(c: Contact, fields: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"resourceName": c.resource_name, "etag": etag(c)}
    for f in fields:
        if f == "metadata":
            out["metadata"] = {"sources": [{"type": "OTHER_CONTACT" if c.other else "CONTACT", "id": c.source_id,
                                            "etag": etag(c), "updateTime": c.updated.strftime("%Y-%m-%dT%H:%M:%S.%fZ")}],
                               "objectType": "PERSON"}
        elif f == "names" and c.display_name:
            name: dict[str, Any] = {"metadata": _meta(c, True), "displayName": c.display_name}
            if c.family_name:
                name["familyName"] = c.family_name
            if c.given_name:
                name["givenName"] = c.given_name
            if c.middle_name:
                name["middleName"] = c.middle_name
            if c.given_name or c.family_name:
                name["displayNameLastFirst"] = ", ".join(p for p in (c.family_name, c.given_name) if p)
            name["unstructuredName"] = c.display_name
            out["names"] = [name]
        elif f == "emailAddresses" and c.emails:
            out["emailAddresses"] = [_typed("value", v, t, c, i) for i, (v, t) in enumerate(c.emails)]
        elif f == "phoneNumbers" and c.phones:
            items = []
            for i, (v, t) in enumerate(c.phones):
                item = _typed("value", v, t, c, i)
                if canonical(v):
                    item["canonicalForm"] = canonical(v)
                items.append(item)
            out["phoneNumbers"] = items
        elif f == "nicknames" and c.nicknames:
            out["nicknames"] = [{"metadata": _meta(c, i == 0), "value": v} for i, v in enumerate(c.nicknames)]
        elif f == "organizations" and c.organizations:
            out["organizations"] = [{"metadata": _meta(c, i == 0), **({"name": n} if n else {}),
                                     **({"title": t} if t else {})} for i, (n, t) in enumerate(c.organizations)]
        elif f == "addresses" and c.addresses:
            out["addresses"] = [{**_typed("formattedValue", v, t, c, i)} for i, (v, t) in enumerate(c.addresses)]
        elif f == "biographies" and c.notes:
            out["biographies"] = [{"metadata": _meta(c, True), "value": c.notes, "contentType": "TEXT_PLAIN"}]
        elif f == "birthdays" and c.birthday:
            out["birthdays"] = [{"metadata": _meta(c, True), "text": c.birthday}]
        elif f == "memberships" and not c.other:
            out["memberships"] = [{"metadata": {"source": {"type": "CONTACT", "id": c.source_id}},
                                   "contactGroupMembership": {"contactGroupId": g,
                                                              "contactGroupResourceName": f"contactGroups/{g}"}}
                                  for g in c.groups]
    return out


def profile_json(email: str, name: str, account_id: str, fields: list[str]) -> dict[str, Any]:
    """``people/me``: the caller's own profile (source PROFILE and DOMAIN_PROFILE)."""
    meta = {"primary": True, "source": {"type": "PROFILE", "id": account_id}}
    out: dict[str, Any] = {"resourceName": f"people/{account_id}", "etag": "%EgUBAgMJLj0aBAECBQc="}
    if "metadata" in fields:
        out["metadata"] = {"sources": [{"type": "PROFILE", "id": account_id}], "objectType": "PERSON"}
    if "names" in fields:
        given, _, family = name.rpartition(" ")
        out["names"] = [{"metadata": meta, "displayName": name, "givenName": given or family,
                         **({"familyName": family} if given else {})}]
    if "emailAddresses" in fields:
        out["emailAddresses"] = [{"metadata": {**meta, "verified": True}, "value": email}]
    return out
