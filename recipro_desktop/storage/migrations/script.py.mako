"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

Checklist (RELIABILITY D1–D4): runs inside one transaction with foreign keys off; use
``op.batch_alter_table`` for anything SQLite cannot ALTER; keep the FTS and timeline index tables in step
(reindex in Python, no triggers); bump ``PRAGMA user_version`` and ``migrate.SCHEMA_USER_VERSION`` together.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
${imports if imports else ""}

revision: str = ${repr(up_revision)}
down_revision: str | Sequence[str] | None = ${repr(down_revision)}
branch_labels: str | Sequence[str] | None = ${repr(branch_labels)}
depends_on: str | Sequence[str] | None = ${repr(depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    raise NotImplementedError("Recipro never downgrades a journal; restore a backup instead.")
