"""Fault injection: per-method rates of 429, 403 rateLimitExceeded, 500, 503, dropped connections, and
added latency, so clients' retry paths are exercised against real HTTP.

Spec grammar (``--faults`` and ``PUT /_sandbox/faults``): comma-separated ``KIND[@GLOB]=VALUE`` where
KIND is ``429``, ``403``, ``500``, ``503``, ``drop`` (probabilities 0..1), ``latency`` (milliseconds) or
``seed``; GLOB matches the method id (``gmail.users.messages.*``; default ``*``).
Example: ``429=0.05,500@gmail.*=0.02,drop=0.01,latency=5,seed=7``.
"""
from __future__ import annotations

import fnmatch
import random
import threading
from dataclasses import dataclass, field

from .errors import ApiError, SandboxError

KINDS = ("429", "403", "500", "503", "drop", "latency")


class FaultSpecError(SandboxError, ValueError):
    pass


@dataclass
class Rule:
    kind: str
    glob: str
    value: float


@dataclass
class Faults:
    rules: list[Rule] = field(default_factory=list)
    seed: int | None = None
    injected: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._lock = threading.Lock()

    @classmethod
    def parse(cls, spec: str | None) -> "Faults":
        rules: list[Rule] = []
        seed = None
        for part in filter(None, (p.strip() for p in (spec or "").split(","))):
            if "=" not in part:
                raise FaultSpecError(f"fault spec item {part!r} needs KIND=VALUE")
            key, value = part.split("=", 1)
            kind, _, glob = key.partition("@")
            try:
                number = float(value)
            except ValueError:
                raise FaultSpecError(f"fault spec item {part!r}: {value!r} is not a number") from None
            if kind == "seed":
                seed = int(number)
                continue
            if kind not in KINDS:
                raise FaultSpecError(f"fault spec item {part!r}: kind must be one of {', '.join(KINDS)} or seed")
            if kind != "latency" and not 0 <= number <= 1:
                raise FaultSpecError(f"fault spec item {part!r}: a rate must be between 0 and 1")
            rules.append(Rule(kind, glob or "*", number))
        return cls(rules, seed)

    def to_json(self) -> dict:
        return {"rules": [r.__dict__ for r in self.rules], "seed": self.seed, "injected": dict(self.injected)}

    def latency_ms(self, method_id: str) -> float:
        return sum(r.value for r in self.rules if r.kind == "latency" and fnmatch.fnmatchcase(method_id, r.glob))

    def draw(self, method_id: str) -> str | None:
        """The fault to inject for this call, if any: one of '429', '403', '500', '503', 'drop'."""
        with self._lock:
            for r in self.rules:
                if r.kind != "latency" and fnmatch.fnmatchcase(method_id, r.glob) and self._rng.random() < r.value:
                    self.injected[r.kind] = self.injected.get(r.kind, 0) + 1
                    return r.kind
        return None


def fault_error(kind: str) -> ApiError:
    if kind == "429":
        return ApiError(429, "Resource has been exhausted (e.g. check quota).", "rateLimitExceeded")
    if kind == "403":
        return ApiError(403, "Rate Limit Exceeded", "rateLimitExceeded", domain="usageLimits")
    if kind == "500":
        return ApiError(500, "Internal error encountered.", "backendError")
    return ApiError(503, "The service is currently unavailable.", "backendError")
