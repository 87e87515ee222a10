"""DSAR_CHECKPOINT_SECONDS: how often a Drive unit saves its place."""
from __future__ import annotations

import pytest

from addon.errors import ConfigError
from addon.search.drive import CHECKPOINT_S, checkpoint_seconds


def test_default_and_valid_values(monkeypatch):
    monkeypatch.delenv("DSAR_CHECKPOINT_SECONDS", raising=False)
    assert checkpoint_seconds() == CHECKPOINT_S == 1.0
    monkeypatch.setenv("DSAR_CHECKPOINT_SECONDS", "0")
    assert checkpoint_seconds() == 0.0
    monkeypatch.setenv("DSAR_CHECKPOINT_SECONDS", " 2.5 ")
    assert checkpoint_seconds() == 2.5


@pytest.mark.parametrize("bad", ["soon", "-1", "nan", "1e9"])
def test_a_bad_value_names_the_variable(monkeypatch, bad):
    monkeypatch.setenv("DSAR_CHECKPOINT_SECONDS", bad)
    with pytest.raises(ConfigError, match="DSAR_CHECKPOINT_SECONDS"):
        checkpoint_seconds()
