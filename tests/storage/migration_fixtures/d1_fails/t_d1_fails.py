"""Test-only revision (RELIABILITY D1): its first operation succeeds, then it raises.

Revision ID: t_d1_fails
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from recipro_desktop.storage.migrate import package_head

revision = "t_d1_fails"
down_revision = package_head()
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("people", sa.Column("nickname", sa.Text(), nullable=True))
    op.execute("UPDATE people SET nickname = 'half-migrated'")
    raise RuntimeError("migration failed after its first operation (test)")


def downgrade() -> None:
    raise NotImplementedError
