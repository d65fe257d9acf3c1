"""Test-only revision (RELIABILITY D2): several operations with a hook between each, where a test kills -9.

Revision ID: t_d2_hooks
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from recipro_desktop.storage.migrate import package_head
from tests.storage._crash_worker import hook

revision = "t_d2_hooks"
down_revision = package_head()
branch_labels = None
depends_on = None


def upgrade() -> None:
    hook(0)
    op.create_table("d2_extra", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("note", sa.Text()))
    hook(1)
    with op.batch_alter_table("people", recreate="always") as batch:  # move and copy: the riskiest kind
        batch.add_column(sa.Column("nickname", sa.Text(), nullable=True))
    hook(2)
    op.execute("UPDATE people SET nickname = display_name")
    op.execute("INSERT INTO d2_extra (note) SELECT 'copied' FROM people")
    hook(3)


def downgrade() -> None:
    raise NotImplementedError
