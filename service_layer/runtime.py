"""The bot's wiring: settings, database, clock. One object, made at start-up, shared by handlers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from service_layer.config import Settings
from service_layer.scheduling import NoScheduler, ReminderScheduler
from storage.db import make_engine, make_session_factory
from storage.uow import UnitOfWork

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The current time, tz-aware UTC."""
    return datetime.now(UTC)


@dataclass
class Runtime:
    """What every handler and job needs: build it with `Runtime.create(settings)`."""

    settings: Settings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    clock: Clock = system_clock
    scheduler: ReminderScheduler = field(default_factory=NoScheduler)
    extras: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def create(cls, settings: Settings, clock: Clock = system_clock) -> Runtime:
        engine = make_engine(settings.database_url)
        return cls(settings, engine, make_session_factory(engine), clock)

    async def reschedule(self, user_id: int) -> None:
        """Bring the user's reminder jobs in line with the database."""
        await self.scheduler.schedule_user(user_id)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory, self.clock)

    def now(self) -> datetime:
        return self.clock()

    async def close(self) -> None:
        await self.engine.dispose()
