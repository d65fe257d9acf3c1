"""Where Recipro keeps its files. Qt-free, so the CLI and the services can share it.

The data directory holds the database (``journal.db``), its key-slot file (``keyslots.json``) and the
``backups/`` folder; it is created 0700 and an existing, looser directory is tightened (RELIABILITY A14).
Everything defaults to ``platformdirs`` paths, which honour ``XDG_*`` overrides (H1).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from recipro_desktop import APP_ID

DATA_DIR_ENV = "RECIPRO_DATA_DIR"
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


@dataclass(frozen=True, slots=True)
class JournalPaths:
    """The files of one journal, all inside ``data_dir``."""

    data_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / "journal.db"

    @property
    def keyslots(self) -> Path:
        return self.data_dir / "keyslots.json"

    @property
    def backups(self) -> Path:
        return self.data_dir / "backups"

    @property
    def wal(self) -> Path:
        return self.data_dir / "journal.db-wal"

    @property
    def shm(self) -> Path:
        return self.data_dir / "journal.db-shm"

    @property
    def lock_file(self) -> Path:
        return self.data_dir / "recipro.lock"


def default_data_dir() -> Path:
    """``$RECIPRO_DATA_DIR`` if set, else the platform's per-user data directory."""
    import platformdirs  # lazily: ~30 ms that a window's first paint need not wait for

    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir(APP_ID, appauthor=False))


def demo_data_dir() -> Path:
    """The demo journal's own folder, beside (never inside) the real journal's."""
    import platformdirs  # lazily: ~30 ms that a window's first paint need not wait for

    return Path(platformdirs.user_data_dir(APP_ID, appauthor=False)).with_name(f"{APP_ID}-demo")


def log_dir() -> Path:
    import platformdirs  # lazily: ~30 ms that a window's first paint need not wait for

    return Path(platformdirs.user_log_dir(APP_ID, appauthor=False))


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) as 0700, or tighten an existing directory to 0700."""
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode != PRIVATE_DIR_MODE:
        path.chmod(PRIVATE_DIR_MODE)
    return path
