"""Test-only revision (RELIABILITY D4): a batch "move and copy" of ``people``, which ``needs``,
``act_people`` and others reference with ON DELETE CASCADE.

Revision ID: t_d4_batch
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from recipro_desktop.storage.migrate import package_head

revision = "t_d4_batch"
down_revision = package_head()
branch_labels = None
depends_on = None


def upgrade() -> None:
    # recreate="always": CREATE _alembic_tmp_people, copy, DROP TABLE people, rename. With foreign keys
    # on, the DROP would delete every need, link and timeline row of every person.
    with op.batch_alter_table("people", recreate="always") as batch:
        batch.add_column(sa.Column("pronouns", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    raise NotImplementedError
