"""A keyring backend kept in a JSON file, so that child processes share one keyring (RELIABILITY I6 tests).

Select it in a child with ``PYTHON_KEYRING_BACKEND=tests.storage._file_keyring.Keyring`` and name the file in
``$RECIPRO_TEST_KEYRING_FILE``. Writes are atomic (temp + replace), like a real keyring's store.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend

FILE_ENV = "RECIPRO_TEST_KEYRING_FILE"


def entries(path: Path) -> dict[str, str]:
    """``service/username`` → secret, as stored in ``path``."""
    try:
        data: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return data


class Keyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    @property
    def path(self) -> Path:
        return Path(os.environ[FILE_ENV])

    def _save(self, data: dict[str, str]) -> None:
        temp = self.path.with_suffix(".tmp")
        temp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(temp, self.path)

    def get_password(self, service: str, username: str) -> str | None:
        return entries(self.path).get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = entries(self.path)
        data[f"{service}/{username}"] = password
        self._save(data)

    def delete_password(self, service: str, username: str) -> None:
        data = entries(self.path)
        data.pop(f"{service}/{username}", None)
        self._save(data)
