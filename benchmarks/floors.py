"""Floors shared by the benchmarks: the same work done the most direct way possible.

- Writes: a bulk write through the service (``add_many``, a CSV import) is compared with a raw ``executemany``
  of every row it left in the journal (items, links, timeline index, FTS5 documents) into an empty journal of
  the same schema, in one transaction, on a raw SQLCipher connection.
- The People list: ``list_people`` is compared with reading the same tables with raw SQL aggregates and no
  per-row work at all (:func:`people_list_floor`).
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

from recipro_desktop.core.models import ItemKind
from recipro_desktop.paths import JournalPaths
from recipro_desktop.services.access import OpenJournal, create_journal
from recipro_desktop.storage import driver
from recipro_desktop.storage.timeline import KIND_CODES

FTS5_SHADOW_SUFFIXES = ("_data", "_idx", "_docsize", "_config", "_content")


def user_tables(conn: Any) -> list[str]:
    """Ordinary and FTS5 tables in creation order (parents first); not FTS5's shadow tables nor alembic's."""
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY rowid").fetchall()
    virtual = {name for name, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL TABLE")}
    return [
        name
        for name, _sql in rows
        if not any(name == v + suffix for v in virtual for suffix in FTS5_SHADOW_SUFFIXES)
        and not name.startswith("sqlite_")
        and name != "alembic_version"
    ]


def executemany_floor_ms(source: OpenJournal, tmp: Path, passphrase: str) -> tuple[float, int]:
    """Milliseconds to executemany every row of ``source`` into a new empty journal, and the number of rows."""
    with source.database.raw_connection() as conn:
        tables = user_tables(conn)
        rows = {t: conn.execute(f'SELECT * FROM "{t}"').fetchall() for t in tables}
    made = create_journal(JournalPaths(tmp / f"floor-{time.time_ns()}"), passphrase=passphrase, use_keyring=False)
    key, empty = made.journal.key, made.journal.paths
    made.journal.close()
    conn = driver.connect(empty.database, key)
    try:
        conn.execute("BEGIN")
        conn.execute("PRAGMA defer_foreign_keys = ON")  # rows come table by table, not in link order
        started = time.perf_counter()
        for table in tables:
            if rows[table]:
                marks = ", ".join("?" * len(rows[table][0]))
                conn.executemany(f'INSERT INTO "{table}" VALUES ({marks})', rows[table])
        conn.execute("COMMIT")
        floor = (time.perf_counter() - started) * 1000
    finally:
        conn.close()
    return floor, sum(len(r) for r in rows.values())


def people_list_floor(conn: Any, today: date) -> int:
    """What ``list_people`` reads, read the most direct way, on a raw connection; returns the people count.

    Every person's columns, their tags, their open needs counted, and one GROUP BY over ``timeline_people`` for
    the acts, interactions and entries naming each person (count, last day not in the future, summed weights):
    the same tables and the same scan, but plain SQL aggregates, where ``list_people`` also computes decayed
    sums per item and builds a row object per person.
    """
    people = conn.execute(
        "SELECT id, display_name, given_name, family_name, organisation, role, location, emails, can_help_with, "
        "cadence_days, birthday_month, birthday_day, archived, version FROM people"
    ).fetchall()
    conn.execute(
        "SELECT pt.person_id, t.name FROM person_tags AS pt JOIN tags AS t ON t.id = pt.tag_id "
        "ORDER BY pt.person_id, pt.position"
    ).fetchall()
    conn.execute(
        "SELECT person_id, count(*) FROM needs WHERE status IN ('open', 'helping') GROUP BY person_id"
    ).fetchall()
    kinds = tuple(KIND_CODES[k] for k in (ItemKind.ACT, ItemKind.INTERACTION, ItemKind.ENTRY))
    conn.execute(
        "SELECT person_id, count(*), max(day) FILTER (WHERE day <= ?), total(weight) FROM timeline_people "
        "WHERE kind IN (?, ?, ?) GROUP BY person_id",
        (today.toordinal(), *kinds),
    ).fetchall()
    return len(people)
