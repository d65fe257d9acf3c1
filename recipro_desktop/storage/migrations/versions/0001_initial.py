"""The first schema: every entity of DESIGN §2, the timeline/search index tables and the FTS5 tables.

Revision ID: 0001
Revises:
Create Date: 2026-05-09

Hand-checked against ``storage/tables.py`` (``tests/storage/test_schema.py`` compares them). Written with
plain SQLAlchemy types, never the app's Python types, so that this file keeps meaning what it meant when
later revisions change the code: ids are 16-byte BLOBs, instants fixed-width UTC TEXT (26 chars), days ISO
TEXT, lists JSON TEXT.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UUID = sa.LargeBinary(16)
INSTANT = sa.String(26)


def _id() -> sa.Column[bytes]:
    return sa.Column("id", UUID, nullable=False)


def _stamps() -> list[sa.Column[Any]]:
    return [
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("updated_at", INSTANT, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    ]


def _text(name: str) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=False)


def _import_batch(table: str) -> list[Any]:
    return [
        sa.Column("import_batch_id", UUID, nullable=True),
        sa.ForeignKeyConstraint(
            ["import_batch_id"],
            ["import_batches.id"],
            name=f"fk_{table}_import_batch_id_import_batches",
            ondelete="SET NULL",
        ),
    ]


def _check(table: str, column: str, values: Sequence[str]) -> sa.CheckConstraint:
    allowed = ", ".join(f"'{v}'" for v in values)
    return sa.CheckConstraint(f"{column} IN ({allowed})", name=f"ck_{table}_{column}")


def _link_table(table: str, owner_column: str, owner_table: str, other_column: str, other_table: str) -> None:
    op.create_table(
        table,
        sa.Column(owner_column, UUID, nullable=False),
        sa.Column(other_column, UUID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            [owner_column], [f"{owner_table}.id"], name=f"fk_{table}_{owner_column}_{owner_table}", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            [other_column], [f"{other_table}.id"], name=f"fk_{table}_{other_column}_{other_table}", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint(owner_column, other_column, name=f"pk_{table}"),
        sqlite_with_rowid=False,
    )
    op.create_index(f"ix_{table}_{other_column}", table, [other_column])


def _index(table: str, column: str) -> None:
    op.create_index(f"ix_{table}_{column}", table, [column])


def upgrade() -> None:
    op.create_table(
        "import_batches",
        _id(),
        _text("source_name"),
        _text("format"),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("undone_at", INSTANT, nullable=True),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name="pk_import_batches"),
    )

    op.create_table(
        "tags",
        _id(),
        _text("name"),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name="pk_tags"),
        sa.UniqueConstraint("name", name="uq_tags_name"),
    )

    op.create_table(
        "people",
        _id(),
        _text("display_name"),
        _text("given_name"),
        _text("family_name"),
        _text("organisation"),
        _text("role"),
        _text("emails"),
        _text("phones"),
        _text("links"),
        _text("location"),
        _text("how_met"),
        sa.Column("met_on", sa.Date(), nullable=True),
        sa.Column("met_through_id", UUID, nullable=True),
        sa.Column("birthday_month", sa.Integer(), nullable=True),
        sa.Column("birthday_day", sa.Integer(), nullable=True),
        sa.Column("birthday_year", sa.Integer(), nullable=True),
        sa.Column("cadence_days", sa.Integer(), nullable=True),
        _text("can_help_with"),
        _text("notes"),
        sa.Column("archived", sa.Boolean(), nullable=False),
        *_import_batch("people"),
        *_stamps(),
        sa.CheckConstraint(
            "birthday_month IS NULL OR birthday_month BETWEEN 1 AND 12", name="ck_people_birthday_month"
        ),
        sa.CheckConstraint("birthday_day IS NULL OR birthday_day BETWEEN 1 AND 31", name="ck_people_birthday_day"),
        sa.CheckConstraint("cadence_days IS NULL OR cadence_days > 0", name="ck_people_cadence_days"),
        sa.ForeignKeyConstraint(
            ["met_through_id"], ["people.id"], name="fk_people_met_through_id_people", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_people"),
    )
    _index("people", "met_through_id")
    _index("people", "import_batch_id")
    _link_table("person_tags", "person_id", "people", "tag_id", "tags")

    op.create_table(
        "acts",
        _id(),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        _text("summary"),
        _text("details"),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("meets_need_id", UUID, nullable=True),
        sa.Column("in_return_for_id", UUID, nullable=True),
        sa.Column("paid_forward", sa.Boolean(), nullable=False),
        sa.Column("thanked_on", sa.Date(), nullable=True),
        _text("thanked_how"),
        sa.Column("thanks_not_needed", sa.Boolean(), nullable=False),
        *_import_batch("acts"),
        *_stamps(),
        _check("acts", "direction", ("given", "received")),
        _check(
            "acts",
            "kind",
            (
                "favor",
                "referral",
                "introduction",
                "knowledge",
                "mentorship",
                "collaboration",
                "support",
                "gift",
                "loan",
                "other",
            ),
        ),
        sa.CheckConstraint("weight BETWEEN 1 AND 5", name="ck_acts_weight"),
        # A need may be deleted while acts still point at it (and vice versa): SET NULL both ways.
        sa.ForeignKeyConstraint(
            ["meets_need_id"], ["needs.id"], name="fk_acts_meets_need_id_needs", ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["in_return_for_id"], ["acts.id"], name="fk_acts_in_return_for_id_acts", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_acts"),
    )
    _index("acts", "meets_need_id")
    _index("acts", "in_return_for_id")
    _index("acts", "import_batch_id")
    op.create_index(
        "ix_acts_thanks_owed",
        "acts",
        ["occurred_on"],
        sqlite_where=sa.text("direction = 'received' AND thanked_on IS NULL AND thanks_not_needed = 0"),
    )
    _link_table("act_people", "act_id", "acts", "person_id", "people")

    op.create_table(
        "needs",
        _id(),
        sa.Column("person_id", UUID, nullable=False),
        _text("text"),
        sa.Column("heard_on", sa.Date(), nullable=False),
        _text("context"),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("follow_up_on", sa.Date(), nullable=True),
        sa.Column("met_by_act_id", UUID, nullable=True),
        *_import_batch("needs"),
        *_stamps(),
        _check("needs", "status", ("open", "helping", "met", "dropped")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name="fk_needs_person_id_people", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["met_by_act_id"], ["acts.id"], name="fk_needs_met_by_act_id_acts", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_needs"),
    )
    _index("needs", "person_id")
    _index("needs", "status")
    _index("needs", "met_by_act_id")
    _index("needs", "import_batch_id")
    _link_table("need_tags", "need_id", "needs", "tag_id", "tags")

    op.create_table(
        "commitments",
        _id(),
        sa.Column("promiser", sa.String(8), nullable=False),
        _text("text"),
        sa.Column("made_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("fulfilled_by_act_id", UUID, nullable=True),
        *_import_batch("commitments"),
        *_stamps(),
        _check("commitments", "promiser", ("me", "them")),
        _check("commitments", "status", ("open", "kept", "broken", "cancelled")),
        sa.ForeignKeyConstraint(
            ["fulfilled_by_act_id"], ["acts.id"], name="fk_commitments_fulfilled_by_act_id_acts", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_commitments"),
    )
    _index("commitments", "status")
    _index("commitments", "fulfilled_by_act_id")
    _index("commitments", "import_batch_id")
    _link_table("commitment_people", "commitment_id", "commitments", "person_id", "people")

    op.create_table(
        "interactions",
        _id(),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        _text("summary"),
        _text("details"),
        *_import_batch("interactions"),
        *_stamps(),
        _check("interactions", "channel", ("meeting", "call", "message", "email", "event")),
        sa.PrimaryKeyConstraint("id", name="pk_interactions"),
    )
    _index("interactions", "import_batch_id")
    _link_table("interaction_people", "interaction_id", "interactions", "person_id", "people")

    op.create_table(
        "journal_entries",
        _id(),
        sa.Column("written_on", sa.Date(), nullable=False),
        _text("text"),
        sa.Column("prompt_kind", sa.String(12), nullable=False),
        _text("prompt"),
        *_import_batch("journal_entries"),
        *_stamps(),
        _check("journal_entries", "prompt_kind", ("gratitude", "reflection", "none")),
        sa.PrimaryKeyConstraint("id", name="pk_journal_entries"),
    )
    _index("journal_entries", "import_batch_id")
    _link_table("entry_people", "entry_id", "journal_entries", "person_id", "people")

    op.create_table(
        "reminders",
        _id(),
        _text("text"),
        sa.Column("due_at", INSTANT, nullable=False),
        sa.Column("person_id", UUID, nullable=True),
        sa.Column("recurrence", sa.String(8), nullable=False),
        sa.Column("snoozed_until", INSTANT, nullable=True),
        sa.Column("done", sa.Boolean(), nullable=False),
        *_import_batch("reminders"),
        *_stamps(),
        _check("reminders", "recurrence", ("none", "daily", "weekly", "monthly", "yearly")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name="fk_reminders_person_id_people", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_reminders"),
    )
    _index("reminders", "due_at")
    _index("reminders", "person_id")
    _index("reminders", "import_batch_id")

    op.create_table(
        "settings",
        sa.Column("key", sa.Text(), nullable=False),
        _text("value"),
        sa.Column("updated_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_settings"),
    )

    # --- derived: timeline and search index (maintained by the storage layer, not by triggers) ---------
    # Compact keys: kind/direction integer codes, day = date ordinal, created = UTC microseconds.
    op.create_table(
        "item_index",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.Integer(), nullable=False),
        sa.Column("item_id", UUID, nullable=False),
        sa.Column("day", sa.Integer(), nullable=True),
        sa.Column("created", sa.Integer(), nullable=False),
        _text("title"),
        _text("subkind"),
        sa.Column("direction", sa.Integer(), nullable=True),
        sa.Column("people", sa.LargeBinary(), nullable=False),
        sa.Column("person_id", UUID, nullable=True),
        sa.CheckConstraint("kind BETWEEN 0 AND 6", name="ck_item_index_kind"),
        sa.PrimaryKeyConstraint("id", name="pk_item_index"),
        sa.UniqueConstraint("item_id", name="uq_item_index_item_id"),
    )
    op.create_index("ix_item_index_timeline", "item_index", ["day", "created", "item_id", "kind", "direction"])

    op.create_table(
        "timeline_people",
        sa.Column("person_id", UUID, nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("item_id", UUID, nullable=False),
        sa.Column("kind", sa.Integer(), nullable=False),
        sa.Column("direction", sa.Integer(), nullable=True),
        sa.Column("weight", sa.Integer(), nullable=True),
        sa.Column("paid_forward", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name="fk_timeline_people_person_id_people", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("person_id", "day", "created", "item_id", name="pk_timeline_people"),
        sqlite_with_rowid=False,
    )

    # Every text field, accent- and case-insensitive; prefix indexes make "each word is a prefix" queries
    # cheap. rowid = item_index.id. Columns: the item's title, the rest of its text, its people's names.
    op.execute(
        "CREATE VIRTUAL TABLE item_fts USING fts5("
        "title, body, names, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"
    )
    op.execute("INSERT INTO item_fts(item_fts, rank) VALUES ('rank', 'bm25(3.0, 1.0, 1.5)')")
    # Name completion over people only (10,000 rows instead of 200,000): rowid = the person's item_index.id.
    op.execute(
        "CREATE VIRTUAL TABLE person_name_fts USING fts5("
        "names, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3')"
    )
    op.execute("PRAGMA user_version = 1")


def downgrade() -> None:
    raise NotImplementedError("Recipro never downgrades a journal; restore a backup instead.")
