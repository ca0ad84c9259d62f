"""The small, domain-level interface the bot and the services use to reach the scheduler."""

from __future__ import annotations

from typing import Protocol


class ReminderScheduler(Protocol):
    """Keeps a user's reminder and check-in jobs in line with what the database says."""

    async def schedule_user(self, user_id: int) -> None:
        """(Re)build every job of `user_id` from the database (idempotent)."""

    async def unschedule_user(self, user_id: int) -> None:
        """Remove every job of `user_id`."""


class NoScheduler:
    """Used where no scheduler runs (the CLI's one-off commands, some tests): does nothing."""

    async def schedule_user(self, user_id: int) -> None:
        return None

    async def unschedule_user(self, user_id: int) -> None:
        return None
