"""Settings, all from environment variables with the ``DSAR_`` prefix (and an optional TOML file named
by ``DSAR_CONFIG``), so the same code runs against the sandbox and against Google unchanged."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError


def _env(name: str, file_cfg: dict, default: str | None = None) -> str | None:
    return os.environ.get(f"DSAR_{name.upper()}") or file_cfg.get(name.lower()) or default


@dataclass(frozen=True)
class Settings:
    home: Path
    sandbox_url: str | None = None
    actor: str | None = None  # the staff user acting (CLI), e.g. "dpo@example.test"
    domain: str | None = None
    admin: str | None = None  # a Workspace admin to impersonate for the Directory (organisation mode)
    service_account_file: str | None = None
    signer_service_account: str | None = None  # keyless organisation mode: IAM signs as this account
    database_url: str | None = None
    extra: dict = field(default_factory=dict)
    #: where ``home`` came from: "DSAR_HOME", "config" (DSAR_CONFIG's file), "default" (~/.dsar), or "code"
    #: (a path the program chose itself, e.g. the demo's); see addon/data_folder.py for what each may do.
    home_source: str = "code"

    @property
    def sandbox(self) -> bool:
        return bool(self.sandbox_url)


def read_setting_file(path: Path, env: str, error: type[ConfigError] = ConfigError) -> str:
    """The text of an organisation file (template, policy, exemption codes), or one line naming the setting that
    points at it and why it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{env}: {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as e:
        raise error(f"{env}: {path} cannot be read ({e})") from None


def load() -> Settings:
    file_cfg: dict = {}
    cfg_path = os.environ.get("DSAR_CONFIG")
    if cfg_path:
        try:
            file_cfg = tomllib.loads(Path(cfg_path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"DSAR_CONFIG: the file {cfg_path} does not exist") from None
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"DSAR_CONFIG: {cfg_path} is not valid TOML ({e})") from None
    if os.environ.get("DSAR_HOME"):
        home_source = "DSAR_HOME"
    elif file_cfg.get("home"):
        home_source = "config"
    else:
        home_source = "default"
    home = Path(_env("home", file_cfg, str(Path.home() / ".dsar"))).expanduser()
    sandbox_url = _env("sandbox_url", file_cfg)
    return Settings(
        home=home,
        sandbox_url=sandbox_url.rstrip("/") if sandbox_url else None,
        actor=_env("actor", file_cfg),
        domain=_env("domain", file_cfg),
        admin=_env("admin", file_cfg),
        service_account_file=_env("service_account_file", file_cfg),
        signer_service_account=_env("signer_service_account", file_cfg),
        database_url=_env("database_url", file_cfg),
        extra=file_cfg,
        home_source=home_source,
    )
