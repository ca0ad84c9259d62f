"""Repositories: the only place that speaks SQL. Services talk to these through a UnitOfWork."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Base,
    Decision,
    Flow,
    GateTest,
    InboxUpdate,
    MediaFile,
    MorningCheckin,
    Profile,
    Programme,
    RedFlagAnswer,
    SentLog,
    SetLog,
    TrainingSession,
    User,
)


class _Repository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _insert_once(self, row: Base) -> bool:
        """Insert `row` unless a unique constraint says it exists already. True if inserted."""
        try:
            async with self.session.begin_nested():
                self.session.add(row)
                await self.session.flush()
        except IntegrityError:
            return False
        return True


class UserRepository(_Repository):
    async def get(self, user_id: int) -> User | None:
        return await self.session.get(User, user_id)

    async def upsert(
        self, *, user_id: int, chat_id: int, first_name: str, language: str | None, now: datetime
    ) -> tuple[User, bool]:
        """Create the user or refresh their details; returns (user, created).

        `chat_id` must be the person's private chat with the bot, whose id is their user id:
        anything else (a group, a channel) is refused, so nothing personal is ever sent there."""
        if chat_id != user_id:
            raise ValueError(f"user {user_id}: chat {chat_id} is not their private chat")
        user = await self.get(user_id)
        if user is None:
            user = User(
                id=user_id,
                chat_id=chat_id,
                first_name=first_name,
                language=language,
                active=True,
                created_at=now,
                updated_at=now,
            )
            self.session.add(user)
            await self.session.flush()
            return user, True
        user.chat_id = chat_id
        user.first_name = first_name
        user.language = language
        user.active = True
        user.updated_at = now
        return user, False

    async def set_active(self, user_id: int, active: bool, now: datetime) -> None:
        """Mark the user (in)active: inactive users blocked the bot and get no reminders."""
        await self.session.execute(
            update(User).where(User.id == user_id).values(active=active, updated_at=now)
        )

    async def active_ids(self) -> Sequence[int]:
        rows = await self.session.scalars(select(User.id).where(User.active.is_(True)))
        return rows.all()

    async def delete_everything(self, user_id: int) -> None:
        """Remove the user and, through ON DELETE CASCADE and explicit deletes, every row."""
        for model in (SetLog, TrainingSession, SentLog, MorningCheckin, Decision, RedFlagAnswer):
            await self.session.execute(delete(model).where(model.user_id == user_id))
        for model2 in (GateTest, Flow, Programme, Profile):
            await self.session.execute(delete(model2).where(model2.user_id == user_id))
        await self.session.execute(delete(InboxUpdate).where(InboxUpdate.user_id == user_id))
        await self.session.execute(delete(User).where(User.id == user_id))


class ProfileRepository(_Repository):
    async def get(self, user_id: int) -> Profile | None:
        return await self.session.get(Profile, user_id)

    def add(self, profile: Profile) -> None:
        self.session.add(profile)


class ProgrammeRepository(_Repository):
    async def get(self, user_id: int) -> Programme | None:
        return await self.session.get(Programme, user_id)

    def add(self, programme: Programme) -> None:
        self.session.add(programme)


class FlowRepository(_Repository):
    async def get(self, user_id: int) -> Flow | None:
        return await self.session.get(Flow, user_id)

    async def start(
        self, user_id: int, name: str, step: str, data: dict[str, Any], now: datetime
    ) -> Flow:
        flow = await self.get(user_id)
        if flow is None:
            flow = Flow(user_id=user_id, name=name, step=step, data=data, version=1, updated_at=now)
            self.session.add(flow)
        else:
            flow.name, flow.step, flow.data = name, step, data
            flow.version += 1
            flow.updated_at = now
        await self.session.flush()
        return flow

    async def clear(self, user_id: int) -> None:
        await self.session.execute(delete(Flow).where(Flow.user_id == user_id))


class SessionRepository(_Repository):
    async def get(self, session_id: int) -> TrainingSession | None:
        return await self.session.get(TrainingSession, session_id)

    def add(self, row: TrainingSession) -> None:
        self.session.add(row)

    async def flush(self) -> None:
        await self.session.flush()

    async def open_for(self, user_id: int) -> TrainingSession | None:
        """The person's session in progress or paused, if any (the newest)."""
        stmt = (
            select(TrainingSession)
            .where(
                TrainingSession.user_id == user_id,
                TrainingSession.status.in_(("in_progress", "paused")),
            )
            .order_by(TrainingSession.id.desc())
            .limit(1)
        )
        return (await self.session.scalars(stmt)).first()

    async def on_date(self, user_id: int, local_date: date) -> Sequence[TrainingSession]:
        stmt = (
            select(TrainingSession)
            .where(TrainingSession.user_id == user_id, TrainingSession.local_date == local_date)
            .order_by(TrainingSession.id)
        )
        return (await self.session.scalars(stmt)).all()

    async def between(self, user_id: int, first: date, last: date) -> Sequence[TrainingSession]:
        stmt = (
            select(TrainingSession)
            .where(
                TrainingSession.user_id == user_id,
                TrainingSession.local_date >= first,
                TrainingSession.local_date <= last,
            )
            .order_by(TrainingSession.local_date, TrainingSession.id)
        )
        return (await self.session.scalars(stmt)).all()

    async def all_for(self, user_id: int) -> Sequence[TrainingSession]:
        stmt = (
            select(TrainingSession)
            .where(TrainingSession.user_id == user_id)
            .order_by(TrainingSession.local_date, TrainingSession.id)
        )
        return (await self.session.scalars(stmt)).all()

    async def log_set(self, row: SetLog) -> bool:
        """Store a set once; a second log of the same set (a double tap) is ignored."""
        return await self._insert_once(row)

    async def sets_of(self, session_id: int) -> Sequence[SetLog]:
        stmt = (
            select(SetLog)
            .where(SetLog.session_id == session_id)
            .order_by(SetLog.exercise_index, SetLog.set_no)
        )
        return (await self.session.scalars(stmt)).all()

    async def sets_for_user(self, user_id: int) -> Sequence[SetLog]:
        stmt = select(SetLog).where(SetLog.user_id == user_id).order_by(SetLog.id)
        return (await self.session.scalars(stmt)).all()


class CheckinRepository(_Repository):
    async def add_once(self, row: MorningCheckin) -> bool:
        return await self._insert_once(row)

    async def on_date(self, user_id: int, local_date: date) -> MorningCheckin | None:
        stmt = select(MorningCheckin).where(
            MorningCheckin.user_id == user_id, MorningCheckin.local_date == local_date
        )
        return (await self.session.scalars(stmt)).first()

    async def all_for(self, user_id: int) -> Sequence[MorningCheckin]:
        stmt = (
            select(MorningCheckin)
            .where(MorningCheckin.user_id == user_id)
            .order_by(MorningCheckin.local_date)
        )
        return (await self.session.scalars(stmt)).all()


class DecisionRepository(_Repository):
    def add(self, row: Decision) -> None:
        self.session.add(row)

    async def all_for(self, user_id: int) -> Sequence[Decision]:
        stmt = select(Decision).where(Decision.user_id == user_id).order_by(Decision.id)
        return (await self.session.scalars(stmt)).all()

    async def latest(self, user_id: int) -> Decision | None:
        stmt = (
            select(Decision)
            .where(Decision.user_id == user_id)
            .order_by(Decision.id.desc())
            .limit(1)
        )
        return (await self.session.scalars(stmt)).first()


class RedFlagRepository(_Repository):
    def add(self, row: RedFlagAnswer) -> None:
        self.session.add(row)

    async def all_for(self, user_id: int) -> Sequence[RedFlagAnswer]:
        stmt = (
            select(RedFlagAnswer).where(RedFlagAnswer.user_id == user_id).order_by(RedFlagAnswer.id)
        )
        return (await self.session.scalars(stmt)).all()


class GateTestRepository(_Repository):
    def add(self, row: GateTest) -> None:
        self.session.add(row)

    async def all_for(self, user_id: int) -> Sequence[GateTest]:
        stmt = select(GateTest).where(GateTest.user_id == user_id).order_by(GateTest.id)
        return (await self.session.scalars(stmt)).all()


class SentLogRepository(_Repository):
    async def claim(self, row: SentLog) -> bool:
        """Record a reminder/check-in before it goes out; False if it was claimed already."""
        return await self._insert_once(row)

    async def get(self, user_id: int, kind: str, local_date: date, slot: str) -> SentLog | None:
        stmt = select(SentLog).where(
            SentLog.user_id == user_id,
            SentLog.kind == kind,
            SentLog.local_date == local_date,
            SentLog.slot == slot,
        )
        return (await self.session.scalars(stmt)).first()

    async def for_date(self, user_id: int, local_date: date) -> Sequence[SentLog]:
        stmt = select(SentLog).where(SentLog.user_id == user_id, SentLog.local_date == local_date)
        return (await self.session.scalars(stmt)).all()

    async def count(self, user_id: int, kind: str | None = None) -> int:
        stmt = select(func.count()).select_from(SentLog).where(SentLog.user_id == user_id)
        if kind is not None:
            stmt = stmt.where(SentLog.kind == kind)
        return int((await self.session.scalar(stmt)) or 0)

    async def move_status(
        self,
        user_id: int,
        kind: str,
        local_date: date,
        slot: str,
        to_status: str,
        from_status: str | None = None,
    ) -> bool:
        """Set a row's status (only if it is `from_status`, when given); True if a row changed.

        The conditional update is atomic, so two processes cannot both move a row."""
        stmt = (
            update(SentLog)
            .where(
                SentLog.user_id == user_id,
                SentLog.kind == kind,
                SentLog.local_date == local_date,
                SentLog.slot == slot,
            )
            .values(status=to_status)
        )
        if from_status is not None:
            stmt = stmt.where(SentLog.status == from_status)
        result = await self.session.execute(stmt)
        return bool(getattr(result, "rowcount", 0))

    async def latest(self, user_id: int, kind: str, slot: str | None = None) -> SentLog | None:
        """The newest row of `kind` (and `slot`) for the user."""
        stmt = select(SentLog).where(SentLog.user_id == user_id, SentLog.kind == kind)
        if slot is not None:
            stmt = stmt.where(SentLog.slot == slot)
        return (await self.session.scalars(stmt.order_by(SentLog.id.desc()).limit(1))).first()

    async def since(self, user_id: int, first: date, kind: str | None = None) -> Sequence[SentLog]:
        """The user's rows from local date `first` on (optionally of one kind), oldest first."""
        stmt = select(SentLog).where(SentLog.user_id == user_id, SentLog.local_date >= first)
        if kind is not None:
            stmt = stmt.where(SentLog.kind == kind)
        return (await self.session.scalars(stmt.order_by(SentLog.id))).all()


class MediaFileRepository(_Repository):
    async def file_id(self, key: str) -> str | None:
        row = await self.session.get(MediaFile, key)
        return None if row is None else row.file_id

    async def remember(self, key: str, file_id: str, now: datetime) -> None:
        """Store (or replace) the file_id for `key`."""
        row = await self.session.get(MediaFile, key)
        if row is not None:
            row.file_id, row.created_at = file_id, now
            return
        if not await self._insert_once(MediaFile(key=key, file_id=file_id, created_at=now)):
            # Another process stored it meanwhile: theirs is as good, keep one row.
            await self.session.execute(
                update(MediaFile).where(MediaFile.key == key).values(file_id=file_id)
            )

    async def forget(self, key: str) -> None:
        await self.session.execute(delete(MediaFile).where(MediaFile.key == key))


class InboxRepository(_Repository):
    """Incoming updates, stored raw before they are confirmed to Telegram."""

    async def store_new(
        self, updates: Sequence[tuple[int, int | None, dict[str, Any]]], now: datetime
    ) -> list[int]:
        """Store (update_id, user_id, payload) rows not stored yet; the ids that were new."""
        ids = [update_id for update_id, _, _ in updates]
        if not ids:
            return []
        known = set(
            await self.session.scalars(
                select(InboxUpdate.update_id).where(InboxUpdate.update_id.in_(ids))
            )
        )
        new: list[int] = []
        for update_id, user_id, payload in updates:
            if update_id in known or update_id in new:
                continue
            self.session.add(
                InboxUpdate(update_id=update_id, user_id=user_id, payload=payload, received_at=now)
            )
            new.append(update_id)
        await self.session.flush()
        return new

    async def mark_done(self, update_id: int, now: datetime) -> None:
        """Handled: only the id is kept (to recognise a repeat), not who sent what."""
        await self.session.execute(
            update(InboxUpdate)
            .where(InboxUpdate.update_id == update_id, InboxUpdate.done_at.is_(None))
            .values(done_at=now, user_id=None, payload={})
        )

    async def is_done(self, update_id: int) -> bool:
        row = await self.session.get(InboxUpdate, update_id)
        return row is None or row.done_at is not None

    async def unfinished(self) -> Sequence[InboxUpdate]:
        """Updates stored but not handled to the end, oldest first."""
        rows = await self.session.scalars(
            select(InboxUpdate).where(InboxUpdate.done_at.is_(None)).order_by(InboxUpdate.update_id)
        )
        return rows.all()

    async def purge_done(self, before: datetime) -> int:
        result = await self.session.execute(
            delete(InboxUpdate).where(
                InboxUpdate.done_at.is_not(None), InboxUpdate.done_at < before
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)
