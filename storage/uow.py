"""Unit of work around an AsyncSession: one transaction per service call."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.repositories import (
    CheckinRepository,
    DecisionRepository,
    DueQueueRepository,
    FlowRepository,
    GateTestRepository,
    PersonRepository,
    ProfileRepository,
    ProgrammeRepository,
    RedFlagRepository,
    SentLogRepository,
    SessionRepository,
    UserRepository,
)


class UnitOfWork:
    """`async with uow:` opens a transaction; `commit()` makes it durable; leaving rolls back."""

    session: AsyncSession
    users: UserRepository
    profiles: ProfileRepository
    programmes: ProgrammeRepository
    flows: FlowRepository
    sessions: SessionRepository
    checkins: CheckinRepository
    decisions: DecisionRepository
    red_flags: RedFlagRepository
    gate_tests: GateTestRepository
    sent_log: SentLogRepository
    queue: DueQueueRepository
    people: PersonRepository

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._factory = session_factory

    async def __aenter__(self) -> Self:
        self.session = self._factory()
        s = self.session
        self.users = UserRepository(s)
        self.profiles = ProfileRepository(s)
        self.programmes = ProgrammeRepository(s)
        self.flows = FlowRepository(s)
        self.sessions = SessionRepository(s)
        self.checkins = CheckinRepository(s)
        self.decisions = DecisionRepository(s)
        self.red_flags = RedFlagRepository(s)
        self.gate_tests = GateTestRepository(s)
        self.sent_log = SentLogRepository(s)
        self.queue = DueQueueRepository(s)
        self.people = PersonRepository(s)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Closing discards anything not committed. An explicit rollback only on errors: it would
        # expire loaded objects, which callers may still read after the block.
        try:
            if exc_type is not None:
                await self.session.rollback()
        finally:
            await self.session.close()

    async def commit(self) -> None:
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()
