"""Google's card schema as JSON Schema, from the ``GoogleAppsCardV1*`` definitions in the Chat v1 discovery
document that google-api-python-client ships (the same card messages serve Chat and Workspace add-ons).

The conversion is strict where the discovery format is silent: unknown keys are rejected
(``additionalProperties: false``), deprecated fields are left out (so using one is an error), int64 values
must be decimal strings as protobuf JSON sends them, and the proto ``oneof`` groups the discovery document
cannot express (a widget's kind, an onClick's target) are added by hand from card.proto."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

import jsonschema
from googleapiclient.discovery_cache import get_static_doc

PREFIX = "GoogleAppsCardV1"
#: proto ``oneof`` groups (google/apps/card/v1/card.proto): exactly one of these per object.
ONE_OF: dict[str, tuple[str, ...]] = {
    "GoogleAppsCardV1Widget": ("textParagraph", "image", "decoratedText", "buttonList", "textInput",
                               "selectionInput", "dateTimePicker", "divider", "grid", "columns", "carousel",
                               "chipList"),
    "GoogleAppsCardV1OnClick": ("action", "openLink", "openDynamicLinkAction", "card", "overflowMenu"),
}


def _convert(prop: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in prop:
        return {"$ref": "#/$defs/" + prop["$ref"]}
    kind = prop.get("type")
    out: dict[str, Any]
    if kind == "array":
        out = {"type": "array", "items": _convert(prop.get("items", {}))}
    elif kind == "object":
        out = {"type": "object"}
        if "properties" in prop:
            out["properties"] = {k: _convert(v) for k, v in prop["properties"].items() if not v.get("deprecated")}
            out["additionalProperties"] = False
        elif "additionalProperties" in prop:
            out["additionalProperties"] = _convert(prop["additionalProperties"])
    elif kind == "string" and prop.get("format") in ("int64", "uint64"):
        out = {"type": "string", "pattern": r"^-?[0-9]+$"}
    elif kind == "string":
        out = {"type": "string"}
    elif kind == "integer":
        out = {"type": "integer"}
    elif kind == "number":
        out = {"type": "number"}
    elif kind == "boolean":
        out = {"type": "boolean"}
    elif kind == "any" or kind is None:
        out = {}
    else:  # pragma: no cover - a discovery type this converter does not know must not pass silently
        raise ValueError(f"discovery type {kind!r} is not handled")
    if "enum" in prop:
        out["enum"] = list(prop["enum"])
    return out


def _referenced(schemas: dict[str, Any], roots: list[str]) -> set[str]:
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        stack += re.findall(r'"\$ref": "([^"]+)"', json.dumps(schemas[name]))
    return seen


@lru_cache(maxsize=1)
def card_schema() -> dict[str, Any]:
    """JSON Schema (2020-12) for one card, ``GoogleAppsCardV1Card``, with every referenced definition."""
    schemas = json.loads(get_static_doc("chat", "v1"))["schemas"]
    names = _referenced(schemas, [n for n in schemas if n.startswith(PREFIX)])
    defs = {n: _convert({"type": "object", **schemas[n]}) for n in sorted(names)}
    for name, keys in ONE_OF.items():
        defs[name]["oneOf"] = [{"required": [k]} for k in keys]
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": defs,
            "$ref": f"#/$defs/{PREFIX}Card"}


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    schema = card_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def card_problems(card: dict[str, Any]) -> list[str]:
    """Every way ``card`` breaks Google's card schema, as ``path: message`` lines (empty when valid)."""
    out = []
    for err in sorted(_validator().iter_errors(card), key=lambda e: list(map(str, e.absolute_path))):
        path = "/".join(str(p) for p in err.absolute_path) or "(card)"
        out.append(f"{path}: {err.message}")
    return out
