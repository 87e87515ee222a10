"""The scopes package's exception root. It is a product error, so the CLI prints it as one clear line."""
from __future__ import annotations

from typing import TYPE_CHECKING

from dsar_base.errors import DsarError, ExitCode, NotFound, Refused

if TYPE_CHECKING:
    from .guard import Decision


class ScopeError(DsarError):
    """Root of every scope-registry, guard and manifest error."""


class UnknownOperation(ScopeError, NotFound):
    """An operation name the registry does not declare."""

    def __init__(self, name: str) -> None:
        super().__init__(f"operation: {name!r} is not declared in the scope registry (see 'dsar scopes list')")
        self.name = name


class UnknownStep(ScopeError, ValueError):
    """A workflow step name the registry does not know."""


class RegistryInconsistent(ScopeError, ValueError):
    """The registry disagrees with Google's discovery documents or with itself; each problem is listed."""

    exit_code = ExitCode.CHECK_FAILED

    def __init__(self, problems: list[str]) -> None:
        super().__init__("scope registry is inconsistent:\n  " + "\n  ".join(problems))
        self.problems = problems


class GuardRefusal(ScopeError, Refused):
    """The guard refused a Google call; ``decision`` says why. The transport records the refusal."""

    def __init__(self, decision: "Decision") -> None:
        super().__init__(f"refused {decision.operation or '?'} -> {decision.api_method or '?'}: {decision.reason}")
        self.decision = decision


class ManifestError(ScopeError):
    """A manifest could not be rendered or written (bad base URL, unwritable file)."""


class ManifestDrift(ScopeError):
    """A committed manifest differs from what the registry generates."""

    exit_code = ExitCode.CHECK_FAILED

    def __init__(self, files: list[str]) -> None:
        super().__init__(
            "out of date with the scope registry: " + ", ".join(files) + " (run 'dsar scopes manifest' to regenerate)"
        )
        self.files = files
