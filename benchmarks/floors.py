"""The write floor shared by the benchmarks: the same rows, inserted the most direct way possible.

A bulk write through the service (``add_many``, a CSV import) is compared with a raw ``executemany`` of every
row it left in the journal (items, links, timeline index, FTS5 documents) into an empty journal of the same
schema, in one transaction, on a raw SQLCipher connection.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from recipro_desktop.paths import JournalPaths
from recipro_desktop.services.access import OpenJournal, create_journal
from recipro_desktop.storage import driver

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
