"""Repositories: the only place that speaks SQL. Services talk to these through a UnitOfWork."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from rehab import ProgrammeStatus
from storage.models import (
    Base,
    Decision,
    DueJob,
    Flow,
    GateTest,
    InboxUpdate,
    MediaFile,
    MorningCheckin,
    Profile,
    Programme,
    RedFlagAnswer,
    SentLog,
    SessionStatus,
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
        for model in (
            SetLog,
            TrainingSession,
            SentLog,
            MorningCheckin,
            Decision,
            RedFlagAnswer,
            DueJob,
        ):
            await self.session.execute(delete(model).where(model.user_id == user_id))
        for model2 in (GateTest, Flow, Programme, Profile):
            await self.session.execute(delete(model2).where(model2.user_id == user_id))
        await self.session.execute(delete(InboxUpdate).where(InboxUpdate.user_id == user_id))
        await self.session.execute(delete(User).where(User.id == user_id))


class PersonRepository(_Repository):
    async def get(self, user_id: int) -> tuple[User, Profile, Programme] | None:
        """The user with their profile and programme, in one query (None if any is missing)."""
        stmt = (
            select(User, Profile, Programme)
            .join(Profile, Profile.user_id == User.id)
            .join(Programme, Programme.user_id == User.id)
            .where(User.id == user_id)
        )
        row = (await self.session.execute(stmt)).first()
        return None if row is None else (row[0], row[1], row[2])


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
                TrainingSession.status.in_(SessionStatus.open()),
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
        """Store the morning answer unless that day has one: one INSERT ... ON CONFLICT DO
        NOTHING (no savepoint round trips); True if stored."""
        values = {
            "user_id": row.user_id,
            "local_date": row.local_date,
            "pain": row.pain,
            "stiffness_minutes": row.stiffness_minutes,
            "answered_at": row.answered_at,
        }
        key = [MorningCheckin.user_id, MorningCheckin.local_date]
        if self.session.get_bind().dialect.name == "postgresql":
            stmt: Any = (
                pg_insert(MorningCheckin)
                .values(**values)
                .on_conflict_do_nothing(index_elements=key)
            )
        else:
            stmt = (
                sqlite_insert(MorningCheckin)
                .values(**values)
                .on_conflict_do_nothing(index_elements=key)
            )
        result = await self.session.execute(stmt)
        return bool(getattr(result, "rowcount", 0))

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
        """Record a reminder/check-in before it goes out; False if it was claimed already.

        One INSERT ... ON CONFLICT DO NOTHING on the unique key (no savepoint round trips)."""
        values = {
            "user_id": row.user_id,
            "kind": row.kind,
            "local_date": row.local_date,
            "slot": row.slot,
            "status": row.status,
            "due_at": row.due_at,
            "created_at": row.created_at,
        }
        key = [SentLog.user_id, SentLog.kind, SentLog.local_date, SentLog.slot]
        if self.session.get_bind().dialect.name == "postgresql":
            stmt: Any = (
                pg_insert(SentLog).values(**values).on_conflict_do_nothing(index_elements=key)
            )
        else:
            stmt = (
                sqlite_insert(SentLog).values(**values).on_conflict_do_nothing(index_elements=key)
            )
        result = await self.session.execute(stmt)
        return bool(getattr(result, "rowcount", 0))

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

    async def unfinished_of(self, user_id: int, before_update_id: int) -> Sequence[InboxUpdate]:
        """The person's updates before `before_update_id` not handled yet, oldest first."""
        rows = await self.session.scalars(
            select(InboxUpdate)
            .where(
                InboxUpdate.user_id == user_id,
                InboxUpdate.update_id < before_update_id,
                InboxUpdate.done_at.is_(None),
            )
            .order_by(InboxUpdate.update_id)
        )
        return rows.all()

    async def purge_done(self, before: datetime) -> int:
        result = await self.session.execute(
            delete(InboxUpdate).where(
                InboxUpdate.done_at.is_not(None), InboxUpdate.done_at < before
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)


_REPLACED = ("kind", "slot", "about", "since", "due_at", "attempts", "claim")


class DueQueueRepository(_Repository):
    """The due-queue (scheduler/queue.py): one row per person and job, indexed by `due_at`."""

    async def claim_due(
        self, now: datetime, lease_until: datetime, token: str, limit: int
    ) -> Sequence[DueJob]:
        """Take up to `limit` rows due at `now`, oldest first: they get `token` and are hidden
        until `lease_until` (if the taker dies, they come back then). On PostgreSQL the rows are
        picked FOR UPDATE SKIP LOCKED, so concurrent takers never get the same row; SQLite has
        one writer at a time, so the UPDATE with its sub-select is atomic there too."""
        picked = (
            select(DueJob.id)
            .where(DueJob.due_at <= now)
            .order_by(DueJob.due_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        await self.session.execute(
            update(DueJob)
            .where(DueJob.id.in_(picked.scalar_subquery()))
            .values(claim=token, due_at=lease_until)
            .execution_options(synchronize_session=False)
        )
        rows = await self.session.scalars(select(DueJob).where(DueJob.claim == token))
        return rows.all()

    async def settle(
        self, row_id: int, token: str, *, due_at: datetime | None, about: datetime | None = None
    ) -> bool:
        """Finish a claimed row: run it again at `due_at` (about `about`, attempts reset), or
        delete it when `due_at` is None. Only while the claim is still ours; True if it was."""
        mine = (DueJob.id == row_id) & (DueJob.claim == token)
        if due_at is None:
            result = await self.session.execute(
                delete(DueJob).where(mine).execution_options(synchronize_session=False)
            )
        else:
            values: dict[str, Any] = {"due_at": due_at, "claim": None, "attempts": 0}
            if about is not None:
                values["about"] = about
                values["since"] = due_at
            result = await self.session.execute(
                update(DueJob)
                .where(mine)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
        return bool(getattr(result, "rowcount", 0))

    async def retry_later(self, row_id: int, token: str, due_at: datetime) -> bool:
        """A claimed row failed for a passing reason: take it again at `due_at`."""
        result = await self.session.execute(
            update(DueJob)
            .where(DueJob.id == row_id, DueJob.claim == token)
            .values(due_at=due_at, claim=None, attempts=DueJob.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))

    async def put(
        self,
        user_id: int,
        job: str,
        kind: str,
        slot: str,
        about: datetime,
        due_at: datetime,
        *,
        replace: bool = True,
    ) -> None:
        """Insert the user's row for `job`, or (with `replace`) update it unless a tick holds
        it right now: one statement, so there is no race with another writer."""
        values = {
            "user_id": user_id,
            "job": job,
            "kind": kind,
            "slot": slot,
            "about": about,
            "since": due_at,
            "due_at": due_at,
            "attempts": 0,
            "claim": None,
        }
        dialect = self.session.get_bind().dialect.name
        if dialect == "postgresql":
            pg = pg_insert(DueJob).values(**values)
            if replace:
                stmt: Any = pg.on_conflict_do_update(
                    index_elements=[DueJob.user_id, DueJob.job],
                    set_={k: pg.excluded[k] for k in _REPLACED},
                    where=DueJob.claim.is_(None),
                )
            else:
                stmt = pg.on_conflict_do_nothing(index_elements=[DueJob.user_id, DueJob.job])
        else:
            lite = sqlite_insert(DueJob).values(**values)
            if replace:
                stmt = lite.on_conflict_do_update(
                    index_elements=[DueJob.user_id, DueJob.job],
                    set_={k: lite.excluded[k] for k in _REPLACED},
                    where=DueJob.claim.is_(None),
                )
            else:
                stmt = lite.on_conflict_do_nothing(index_elements=[DueJob.user_id, DueJob.job])
        await self.session.execute(stmt)

    async def next_due_at(self) -> datetime | None:
        """The earliest `due_at` of the whole queue (None when it is empty): one index lookup."""
        return await self.session.scalar(select(func.min(DueJob.due_at)))

    async def of_user(self, user_id: int) -> Sequence[DueJob]:
        stmt = select(DueJob).where(DueJob.user_id == user_id).order_by(DueJob.job)
        return (await self.session.scalars(stmt)).all()

    async def remove(self, user_id: int, jobs: Sequence[str] | None = None) -> None:
        """Delete the user's rows (only `jobs`, when given)."""
        stmt = delete(DueJob).where(DueJob.user_id == user_id)
        if jobs is not None:
            stmt = stmt.where(DueJob.job.in_(list(jobs)))
        await self.session.execute(stmt.execution_options(synchronize_session=False))

    async def unqueued_user_ids(self, after_id: int, limit: int) -> Sequence[int]:
        """Active users with a programme and no row in the queue at all (a database from before
        the queue, or rows lost by hand): at most `limit` with ids above `after_id`, in order."""
        stmt = (
            select(User.id)
            .join(Programme, Programme.user_id == User.id)
            .where(
                User.id > after_id,
                User.active.is_(True),
                Programme.status != ProgrammeStatus.STOPPED,
                ~exists().where(DueJob.user_id == User.id),
            )
            .order_by(User.id)
            .limit(limit)
        )
        return (await self.session.scalars(stmt)).all()

    async def count_due(self, now: datetime) -> int:
        stmt = select(func.count()).select_from(DueJob).where(DueJob.due_at <= now)
        return int((await self.session.scalar(stmt)) or 0)
