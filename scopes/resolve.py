"""Which declared operation an API call serves, given the step the caller is in. An API method can serve
several operations (``messages.get`` reads metadata, full text or raw bytes); the request's own
parameters pick the narrowest. Supporting operations (auth, admin) are usable from any step."""
from __future__ import annotations

from .registry import operations_for_api_method

_HINTS = {"raw": "raw", "metadata": "metadata", "full": "full", "minimal": "metadata", "media": "read"}


def resolve_operation(step: str, api_method: str, params: dict | None = None) -> str | None:
    ops = operations_for_api_method(api_method)
    pool = [o for o in ops if o.step == step] or [o for o in ops if o.step in ("auth", "admin")]
    if not pool:
        return None
    params = params or {}
    hint = _HINTS.get(params.get("format") or params.get("alt") or "")
    if hint:
        for o in pool:
            if hint in o.name:
                return o.name
    return pool[0].name
