"""Settings read from the user's config.toml and the command line, validated into a dataclass."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from caseload.domain.enums import Region

IDLE_MIN_MINUTES = 1
IDLE_MAX_MINUTES = 15


class ConfigError(ValueError):
    """The config file holds a value caseload cannot use."""


@dataclass(frozen=True, slots=True)
class Config:
    """Everything the app needs that is not in the store. The key is never here."""

    store_dir: Path
    user: str | None = None
    idle_lock_minutes: int = 5
    quick_exit_presses: int = 3
    quick_exit_window_s: float = 2.0
    region: Region = Region.ENGLAND_WALES
    keys: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not (IDLE_MIN_MINUTES <= self.idle_lock_minutes <= IDLE_MAX_MINUTES):
            raise ConfigError(
                f"idle_lock_minutes must be between {IDLE_MIN_MINUTES} and {IDLE_MAX_MINUTES} "
                "(idle lock cannot be disabled)"
            )
        if not (2 <= self.quick_exit_presses <= 5):
            raise ConfigError("quick_exit_presses must be between 2 and 5")


def load_config(path: Path | None, store_dir: Path, **overrides: Any) -> Config:
    """Read ``path`` if it exists (TOML) and build a Config; bad values raise ConfigError."""
    values: dict[str, Any] = {}
    if path is not None and path.exists():
        try:
            doc = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
            raise ConfigError(f"cannot read {path}: {exc}") from None
        for key in ("idle_lock_minutes", "quick_exit_presses", "quick_exit_window_s"):
            if key in doc:
                values[key] = doc[key]
        if "region" in doc:
            try:
                values["region"] = Region(doc["region"])
            except ValueError:
                raise ConfigError(f"unknown region {doc['region']!r}") from None
        if isinstance(doc.get("keys"), dict):
            values["keys"] = {str(k): str(v) for k, v in doc["keys"].items()}
    cfg = Config(store_dir=store_dir, **values)
    return replace(cfg, **{k: v for k, v in overrides.items() if v is not None})
