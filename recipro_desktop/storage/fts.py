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
from uuid import UUID

from sqlalchemy import Connection

from recipro_desktop.core.models import ItemKind, SearchHit

log = logging.getLogger(__name__)

SNIPPET_TOKENS = 12
ELLIPSIS = "…"

_KINDS = {k.value: k for k in ItemKind}


def match_expression(text: str) -> str | None:
    """The FTS5 query for what a user typed: every word must match as a prefix; None when nothing is searchable.

    Each whitespace-separated word becomes a quoted string (inner quotes doubled) with a ``*``: FTS5 reads
    it as a prefix phrase, whatever characters it contains. Words without a letter or digit are dropped
    (they tokenise to nothing, and an empty phrase is an FTS5 syntax error).
    """
    parts = []
    for word in text.split():
        if not any(ch.isalnum() for ch in word):
            continue
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


def search(conn: Connection, text: str, *, limit: int = 50) -> list[SearchHit]:
    """The best ``limit`` items matching every word of ``text`` (as prefixes), best first.

    The FTS5 part runs alone in a subquery (``ORDER BY rank LIMIT``), so only the returned rows pay for a
    snippet and the join to ``item_index``.
    """
    expression = match_expression(text)
    if expression is None or limit <= 0:
        return []
    rows = conn.exec_driver_sql(
        "SELECT i.kind, i.item_id, i.title, f.snip, i.day, i.person_id "
        "FROM (SELECT rowid AS rid, rank AS r, "
        f"snippet(item_fts, -1, '', '', '{ELLIPSIS}', {SNIPPET_TOKENS}) AS snip "
        "FROM item_fts WHERE item_fts MATCH ? ORDER BY rank LIMIT ?) AS f "
        "JOIN item_index AS i ON i.id = f.rid ORDER BY f.r",
        (expression, limit),
    ).all()
    return [
        SearchHit(
            kind=_KINDS[kind],
            id=UUID(bytes=item_id),
            title=title,
            snippet=snip or "",
            on=date.fromisoformat(day) if day is not None else None,
            person_id=UUID(bytes=person_id) if person_id is not None else None,
        )
        for kind, item_id, title, snip, day, person_id in rows
    ]


def find_person_ids(conn: Connection, text: str, *, limit: int = 20) -> list[UUID]:
    """People whose names start with every word of ``text`` (accent-insensitive), best match first."""
    expression = match_expression(text)
    if expression is None or limit <= 0:
        return []
    rows = conn.exec_driver_sql(
        "SELECT i.item_id FROM (SELECT rowid AS rid, rank AS r FROM person_name_fts "
        "WHERE person_name_fts MATCH ? ORDER BY rank LIMIT ?) AS f "
        "JOIN item_index AS i ON i.id = f.rid ORDER BY f.r",
        (expression, limit),
    ).all()
    return [UUID(bytes=item_id) for (item_id,) in rows]


def optimize(conn: Connection) -> None:
    """Merge the FTS5 b-trees into one (after a bulk load: faster queries, smaller file)."""
    conn.exec_driver_sql("INSERT INTO item_fts(item_fts) VALUES ('optimize')")
    conn.exec_driver_sql("INSERT INTO person_name_fts(person_name_fts) VALUES ('optimize')")
