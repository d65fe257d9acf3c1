"""Shared test helpers: running code as an unprivileged user (H3), child processes, file scans (B11)."""

from __future__ import annotations

import base64
from collections.abc import Iterable
from pathlib import Path


def secret_forms(secret: bytes | str) -> list[bytes]:
    """The ways a secret could appear in a file: raw, hex (both cases), base64 (std and url-safe), UTF-8."""
    if isinstance(secret, str):
        raw = secret.encode("utf-8")
        return [raw, raw.hex().encode()]
    return [
        secret,
        secret.hex().encode(),
        secret.hex().upper().encode(),
        base64.b64encode(secret),
        base64.urlsafe_b64encode(secret),
        base64.b64encode(secret).rstrip(b"="),
    ]


def files_under(*roots: Path) -> Iterable[Path]:
    for root in roots:
        if root.is_file():
            yield root
        elif root.is_dir():
            yield from (p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def find_secret(secret: bytes | str, *roots: Path) -> list[Path]:
    """Files under ``roots`` that contain ``secret`` in any of :func:`secret_forms`."""
    forms = secret_forms(secret)
    hits = []
    for path in files_under(*roots):
        data = path.read_bytes()
        if any(form in data for form in forms):
            hits.append(path)
    return hits
