"""Every person's chat_id is their private chat (its id is their user id); the inbox.

A /start sent in a group used to overwrite a person's chat_id with the group's, so reminders
went there. This puts every such record back on the person's private chat.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 23:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(sa.text("UPDATE users SET chat_id = id WHERE chat_id <> id"))


def downgrade() -> None:
    # The group ids that were overwritten are not worth restoring: nothing to undo.
    pass
