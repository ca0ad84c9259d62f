"""Unit of work around an AsyncSession: one transaction per service call."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import handling
from storage.repositories import (
    CheckinRepository,
    DecisionRepository,
    DueQueueRepository,
    FlowRepository,
    GateTestRepository,
    InboxRepository,
    MediaFileRepository,
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
    media: MediaFileRepository
    inbox: InboxRepository
    queue: DueQueueRepository
    people: PersonRepository

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._factory = session_factory
        self._clock = clock or (lambda: datetime.now(UTC))

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
        self.media = MediaFileRepository(s)
        self.inbox = InboxRepository(s)
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
        """Commit; while an incoming update is being handled, mark it done in the same
        transaction (see storage/handling.py), so it is never applied twice."""
        scope = handling.current()
        if scope is not None and scope.update_id is not None and not scope.replay_safe:
            await self.inbox.mark_done(scope.update_id, self._clock())
        await self.session.commit()
        if scope is not None:
            scope.commits += 1

    async def rollback(self) -> None:
        await self.session.rollback()
