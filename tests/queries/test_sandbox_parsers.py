"""Built queries must be accepted by the sandbox's own query parsers (when those modules are present)."""
from __future__ import annotations

import pytest

from addon.queries import drive, gmail
from addon.subjects import Subject

from .hostile import EXAMPLES


def _parser(module: str):
    mod = pytest.importorskip(module)
    fn = getattr(mod, "parse", None)
    if not callable(fn):
        pytest.skip(f"{module} has no parse()")
    return fn


@pytest.mark.parametrize("s", EXAMPLES)
def test_sandbox_gmail_parser_accepts_built_queries(s):
    parse = _parser("sandbox.gmail.query")
    for q in gmail.queries_for(Subject(names=(s,), phones=("+447700900123",), identifiers=(s,))):
        parse(q)


@pytest.mark.parametrize("s", EXAMPLES)
def test_sandbox_drive_parser_accepts_built_queries(s):
    parse = _parser("sandbox.drive.query")
    for q in drive.queries_for(Subject(names=(s,), phones=("+447700900123",), identifiers=(s,))):
        parse(q)
