"""Shared helpers for the CSV import/export tests: a real encrypted journal, files written in code, read-back.

Every fixture file is built here from invented names (never real personal data). Import what a module needs::

    from tests.services.import_fixtures import NOW, make_service, stored, write  # noqa: F401
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from recipro_desktop.core.clock import FixedClock
from recipro_desktop.core.models import ItemKind
from recipro_desktop.paths import JournalPaths
from recipro_desktop.services.journal import JournalService
from recipro_desktop.storage.database import Database
from recipro_desktop.storage.repositories import SPECS, Repository

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@contextmanager
def make_service(folder: Path) -> Iterator[JournalService]:
    """A new, empty encrypted journal in ``folder`` with a fixed clock; closed afterwards."""
    database = Database.create(JournalPaths(folder), os.urandom(32))
    try:
        yield JournalService(database, FixedClock(NOW))
    finally:
        database.close()


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` exactly (no newline translation) in ``encoding``."""
    path.write_bytes(text.encode(encoding))
    return path


def stored(service: JournalService, kind: ItemKind = ItemKind.PERSON) -> list[Any]:
    """Every stored item of one kind, oldest first (what the database really holds)."""
    spec = SPECS[kind]
    with service.database.session() as session:
        ids = list(session.scalars(select(spec.table.c.id).order_by(spec.table.c.created_at, spec.table.c.id)))
        return Repository(session, NOW).get_many(spec, ids)


def everything(service: JournalService) -> dict[ItemKind, dict[Any, Any]]:
    """Every stored item of every kind, by id."""
    return {kind: {item.id: item for item in stored(service, kind)} for kind in SPECS}


def count(service: JournalService) -> int:
    return sum(service.stats()[k] for k in ("people", "acts", "needs", "commitments", "interactions", "entries"))
