"""Full-text search over every text field, with SQLite FTS5.

Two FTS5 tables, both tokenised with ``unicode61 remove_diacritics 2`` (case- and accent-insensitive:
``anais`` finds ``Anaïs``, ``LUKAS`` finds ``Lukáš``):

- ``item_fts(title, body, names)``: one document per person and per dated item; ``rowid`` is the item's
  ``item_index.id``. ``title`` is the item's one-line text, ``body`` the rest of its text (details, notes,
  tags, skills...), ``names`` the display names of the people it links, so ``ana ref`` finds the referral
  with Anaïs. Ranked by ``bm25(3, 1, 1.5)``, configured once as the table's ``rank``.
- ``person_name_fts(names)``: people's names only, for name completion (10,000 rows, not 200,000).

The storage layer writes these rows in the same transaction as the item they describe (no triggers: a
batch migration that rebuilds a table would silently drop them). Query text is never passed to FTS5 as
syntax: :func:`match_expression` turns each word into a quoted prefix phrase, so ``"``, ``*``, ``NEAR``,
``-`` or ``:`` in what the user typed are just text and can never raise.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Connection

from recipro_desktop.core.models import ItemKind, SearchHit
from recipro_desktop.storage.tables import uuid_from_bytes

log = logging.getLogger(__name__)

SNIPPET_TOKENS = 12
ELLIPSIS = "…"

KINDS_BY_CODE: dict[int, ItemKind] = {
    0: ItemKind.PERSON,
    1: ItemKind.ACT,
    2: ItemKind.NEED,
    3: ItemKind.COMMITMENT,
    4: ItemKind.INTERACTION,
    5: ItemKind.ENTRY,
    6: ItemKind.REMINDER,
}
"""The stored ``item_index.kind`` codes. Stored in every journal: never renumber, only add."""


def match_expression(text: str) -> str | None:
    """The FTS5 query for what a user typed: every word must match as a prefix; None when nothing is searchable.

    Each whitespace-separated word becomes a quoted string (inner quotes doubled) with a ``*``: FTS5 reads
    it as a prefix phrase, whatever characters it contains. Control characters are removed and words
    without a letter or digit dropped (they tokenise to nothing, and an empty phrase is an FTS5 syntax error).
    """
    parts = []
    for word in _words(text):
        parts.append('"' + word.replace('"', '""') + '"*')
    return " ".join(parts) if parts else None


def write(conn: Connection, docs: Sequence[tuple[int, str, str, str]], names: Sequence[tuple[int, str]]) -> None:
    """Insert search documents: ``(rowid, title, body, names)`` and, for people, ``(rowid, names)``."""
    if docs:
        conn.exec_driver_sql("INSERT INTO item_fts(rowid, title, body, names) VALUES (?, ?, ?, ?)", list(docs))
    if names:
        conn.exec_driver_sql("INSERT INTO person_name_fts(rowid, names) VALUES (?, ?)", list(names))


def delete(conn: Connection, rowids: Iterable[int], person_rowids: Iterable[int]) -> None:
    """Remove the search documents with these rowids (and the name documents of people among them)."""
    items = [(r,) for r in rowids]
    if items:
        conn.exec_driver_sql("DELETE FROM item_fts WHERE rowid = ?", items)
    people = [(r,) for r in person_rowids]
    if people:
        conn.exec_driver_sql("DELETE FROM person_name_fts WHERE rowid = ?", people)


_CONTROLS = dict.fromkeys([*range(0x20), 0x7F], " ")

RANK_WINDOW = 3000
"""A query matching more items than this is ranked among its most recent ``RANK_WINDOW`` matches only.

bm25 has to visit every match, so ranking a common word across 200,000 items costs tens of milliseconds
per keystroke; the most recent 3,000 matches are what a search-as-you-type list can show anyway. Rowids
grow with time (new and edited items get the next rowid; bulk loads are numbered in date order)."""


def _words(text: str) -> list[str]:
    """The searchable words of ``text``: NUL and other control characters removed (a NUL would end the FTS5
    query string early: "unterminated string"), words without a letter or digit dropped."""
    cleaned = text.translate(_CONTROLS)
    return [w for w in cleaned.split() if any(ch.isalnum() for ch in w)]


def search(conn: Any, text: str, *, limit: int = 50) -> list[SearchHit]:
    """The best ``limit`` items matching every word of ``text`` (as prefixes), best first.

    ``conn`` is a DB-API connection in a transaction. A query of single letters only ("a", "j s") searches
    people's names (every item would match a one-letter prefix; the People index answers it instantly). The
    FTS5 part runs alone in a subquery (``ORDER BY rank LIMIT``), so only the returned rows pay for a
    snippet and the join to ``item_index``.
    """
    words = _words(text)
    expression = match_expression(text)
    if expression is None or limit <= 0:
        return []
    if all(len(w) == 1 for w in words):
        return _people_hits(conn, expression, limit)
    window = ""
    params: tuple[Any, ...] = (expression, limit)
    threshold = conn.execute(
        "SELECT rowid FROM item_fts WHERE item_fts MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?",
        (expression, RANK_WINDOW - 1),
    ).fetchone()
    if threshold is not None:
        window = " AND rowid >= ?"
        params = (expression, threshold[0], limit)
    rows = conn.execute(
        "SELECT i.kind, i.item_id, i.title, f.snip, i.day, i.person_id "
        "FROM (SELECT rowid AS rid, rank AS r, "
        f"snippet(item_fts, -1, '', '', '{ELLIPSIS}', {SNIPPET_TOKENS}) AS snip "
        f"FROM item_fts WHERE item_fts MATCH ?{window} ORDER BY rank LIMIT ?) AS f "
        "JOIN item_index AS i ON i.id = f.rid ORDER BY f.r",
        params,
    ).fetchall()
    return [_hit(row) for row in rows]


def _hit(row: Sequence[Any]) -> SearchHit:
    kind, item_id, title, snip, day, person_id = row
    return SearchHit(
        kind=KINDS_BY_CODE[kind],
        id=uuid_from_bytes(item_id),
        title=title,
        snippet=snip or "",
        on=date.fromordinal(day) if day is not None else None,
        person_id=uuid_from_bytes(person_id) if person_id is not None else None,
    )


def _people_hits(conn: Any, expression: str, limit: int) -> list[SearchHit]:
    rows = conn.execute(
        "SELECT i.kind, i.item_id, i.title, f.snip, i.day, i.person_id "
        "FROM (SELECT rowid AS rid, rank AS r, "
        f"snippet(person_name_fts, 0, '', '', '{ELLIPSIS}', {SNIPPET_TOKENS}) AS snip "
        "FROM person_name_fts WHERE person_name_fts MATCH ? ORDER BY rank LIMIT ?) AS f "
        "JOIN item_index AS i ON i.id = f.rid ORDER BY f.r",
        (expression, limit),
    ).fetchall()
    return [_hit(row) for row in rows]


def find_person_ids(conn: Any, text: str, *, limit: int = 20) -> list[UUID]:
    """People whose names start with every word of ``text`` (accent-insensitive), best match first."""
    expression = match_expression(text)
    if expression is None or limit <= 0:
        return []
    rows = conn.execute(
        "SELECT i.item_id FROM (SELECT rowid AS rid, rank AS r FROM person_name_fts "
        "WHERE person_name_fts MATCH ? ORDER BY rank LIMIT ?) AS f "
        "JOIN item_index AS i ON i.id = f.rid ORDER BY f.r",
        (expression, limit),
    ).fetchall()
    return [uuid_from_bytes(item_id) for (item_id,) in rows]


def optimize(conn: Connection) -> None:
    """Merge the FTS5 b-trees into one (after a bulk load: faster queries, smaller file)."""
    conn.exec_driver_sql("INSERT INTO item_fts(item_fts) VALUES ('optimize')")
    conn.exec_driver_sql("INSERT INTO person_name_fts(person_name_fts) VALUES ('optimize')")
