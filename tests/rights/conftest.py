"""The demo company in a sandbox for the rights tests (real HTTP, real Google clients, real audit trail);
the erasure tests' world, reused."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.erasure.conftest import World, demo_fixture, usable_emails, world  # noqa: F401  (fixtures)


def open_case(world: World, key: str, case_type: str, details: dict | None = None, search: bool = True) -> str:
    """Open a case of ``case_type`` for a demo subject, record the identity check and (optionally) search."""
    from addon.cases.identity import Identity
    from addon.cli.case_cmd import open_case as open_

    from addon.search.service import run_search

    services = world.services()
    s = world.subject(key)
    c = open_(services, case_type, s["names"][:1], usable_emails(s["emails"]), s["phones"], s["identifiers"],
              dt.date.today(), world.staff, details=details)
    Identity(services.store).waive(services.store.get(c.ref), world.staff, "known customer, from the address on file",
                                   dt.date.today())
    if search:
        run_search(services, c.ref, world.staff)
    return c.ref


@pytest.fixture
def services(world):
    return world.services()
