"""Per-leg set records (issue 11): with both tendons sore, every single-leg set names its leg.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 23:35:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("set_logs") as batch:
        batch.add_column(sa.Column("leg", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("set_logs") as batch:
        batch.drop_column("leg")
