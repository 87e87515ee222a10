"""``dsar`` commands run in-process against a test environment, the exit code checked, for the case tests."""
from __future__ import annotations

from click.testing import CliRunner, Result

from addon.cli import main


def run(env, *args: str, code: int = 0, actor: str | None = None) -> Result:
    """Run ``dsar *args`` with the environment's settings (as ``actor`` if given); the output shows on failure."""
    extra = {"DSAR_ACTOR": actor} if actor else {}
    r = CliRunner().invoke(main, list(args), env={**env.cli_env(), **extra}, catch_exceptions=False)
    assert r.exit_code == code, r.output
    return r
