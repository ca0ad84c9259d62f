"""The due-queue: every person's next due instant per slot, indexed (scheduler/queue.py).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 23:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "due_queue",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("job", sa.String(length=24), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("slot", sa.String(length=16), nullable=False),
        sa.Column("about", sa.DateTime(timezone=True), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claim", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_due_queue_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_due_queue")),
        sa.UniqueConstraint("user_id", "job", name=op.f("uq_due_queue_user_id")),
    )
    op.create_index("ix_due_queue_due_at", "due_queue", ["due_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_due_queue_due_at", table_name="due_queue")
    op.drop_table("due_queue")
