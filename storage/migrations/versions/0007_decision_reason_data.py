"""Decision reasons as data (issue 13): the rule's code and values beside the words.

Rows written before this keep only their words (`reason_data` stays NULL); newer rows are worded
from `reason_data` when read, so a restyled or translated catalogue reaches them too.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 02:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("reason_data", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("reason_data")
