"""Where things live on disk. Functions only: nothing is computed at import time."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

STORE_ENV = "CASELOAD_STORE"
DB_NAME = "caseload.db"
KEYS_NAME = "keys.json"
LOCK_NAME = ".lock"


def default_store_dir() -> Path:
    """The store directory: ``$CASELOAD_STORE`` if set, else the platform's user data dir."""
    env = os.environ.get(STORE_ENV)
    if env:
        return Path(env).expanduser()
    return platformdirs.user_data_path("caseload", appauthor=False)


def demo_store_dir() -> Path:
    """Where ``caseload demo`` keeps its store unless ``--store`` says otherwise."""
    return platformdirs.user_data_path("caseload", appauthor=False) / "demo"


def config_file() -> Path:
    """The user's configuration file (TOML)."""
    return platformdirs.user_config_path("caseload", appauthor=False) / "config.toml"


def db_path(store_dir: Path) -> Path:
    """The SQLCipher database inside a store directory."""
    return store_dir / DB_NAME


def keys_path(store_dir: Path) -> Path:
    """The key-slot file inside a store directory."""
    return store_dir / KEYS_NAME


def lock_path(store_dir: Path) -> Path:
    """The single-instance lock file inside a store directory."""
    return store_dir / LOCK_NAME


def exports_dir(store_dir: Path) -> Path:
    """Folder for anonymised exports."""
    return store_dir / "exports"


def backups_dir(store_dir: Path) -> Path:
    """Folder for encrypted backups."""
    return store_dir / "backups"
