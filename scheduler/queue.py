"""The ReminderScheduler on a due-queue in the database.

Every person's next due instant per slot is a row of `due_queue` (indexed by `due_at`); snoozes
and nudges are rows of the same queue (`s1:snooze`, `s1:nudge`). APScheduler stays the timer: one
short interval job wakes the drain loop, which claims due rows in batches (FOR UPDATE SKIP LOCKED
on PostgreSQL; SQLite has one writer at a time) and works them through a bounded set of workers.
A claimed row is hidden until its lease ends, so any number of processes can tick against the
same database without doing a row twice; if a process dies, its rows come back when the lease
ends.

Working a row is `service.fire`, which records the outcome in the sent-log (the exactly-once
ledger) and, in that same transaction, settles the row: the next due instant of its slot (or its
deletion, for a follow-up) and a sent reminder's nudge. A passing failure (the database, the
network, a 5xx) keeps the row and retries it with a growing pause; past the grace window the fire
path logs a reminder missed instead. Only Telegram's final answers (403, 400) end a reminder as
failed.

Start-up reads nothing per person: rows due while the bot was down are simply due (catch-up is
the claim query); only people without a single row (a database from before the queue) are
planned once, in the background, with the old start-up catch-up rules.

Due instants are on the runtime's clock (`runtime.now()`, a fake clock in tests).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Self

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler import follow_ups, service
from scheduler.context import UserContext, load_context
from scheduler.delivery import Outcome
from scheduler.ports import Notifier
from service_layer import planner
from service_layer.locks import KeyedLocks
from service_layer.planner import Kind, Slot, UserPlan
from service_layer.reminders import follow_up_job, is_follow_up
from service_layer.runtime import Runtime
from storage.models import DueJob, SentStatus
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

TICK_JOB_ID = "due-queue-tick"
FOLLOW_UPS = (Kind.SNOOZE, Kind.NUDGE)
# The first retry of a passing failure waits this long; each next one twice as long.
RETRY_FIRST_S = 1.0
# People planned per query when the queue is filled for a database from before it.
BACKFILL_BATCH = 500
# A failed tick (say, the database is away) tries again after this pause.
TICK_ERROR_PAUSE_S = 1.0


class _GatedUnitOfWork(UnitOfWork):
    """A unit of work that holds `gate` while open: one writer at a time on SQLite."""

    def __init__(self, factory: async_sessionmaker[AsyncSession], gate: asyncio.Lock) -> None:
        super().__init__(factory)
        self._gate = gate

    async def __aenter__(self) -> Self:
        await self._gate.acquire()
        try:
            return await super().__aenter__()
        except BaseException:
            self._gate.release()
            raise

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await super().__aexit__(exc_type, exc, tb)
        finally:
            self._gate.release()


@dataclass
class _GatedRuntime(Runtime):
    """The runtime the queue's workers use on SQLite: their transactions take turns (SQLite
    has one writer at a time; dozens of workers waiting on its file lock would time out)."""

    gate: asyncio.Lock = field(default_factory=asyncio.Lock)
    base: Runtime | None = None

    def uow(self) -> UnitOfWork:
        base = self.base or self
        return _GatedUnitOfWork(base.session_factory, self.gate)


def _for_workers(runtime: Runtime) -> Runtime:
    if runtime.engine.dialect.name != "sqlite":
        return runtime  # PostgreSQL: rows are claimed FOR UPDATE SKIP LOCKED, writers in parallel
    return _GatedRuntime(
        settings=runtime.settings,
        engine=runtime.engine,
        session_factory=runtime.session_factory,
        clock=runtime.clock,
        scheduler=runtime.scheduler,
        extras=runtime.extras,
        base=runtime,
    )


class DueQueueScheduler:
    """Implements service_layer.scheduling.ReminderScheduler on the `due_queue` table."""

    def __init__(
        self,
        runtime: Runtime,
        notifier: Notifier,
        *,
        aps: AsyncIOScheduler | None = None,
        workers: int | None = None,
    ) -> None:
        settings = runtime.settings
        self.runtime = runtime
        self.notifier = notifier
        self._workers_runtime: Runtime | None = None
        self.aps = aps or AsyncIOScheduler(timezone=UTC)
        self.workers = workers or settings.reminder_workers
        self.lease = timedelta(seconds=settings.reminder_lease_seconds)
        self.retry_max_s = settings.reminder_retry_max_seconds
        self.grace = timedelta(minutes=settings.reminder_grace_minutes)
        self.nudge_after = timedelta(minutes=settings.nudge_after_minutes)
        self._locks = KeyedLocks()  # one user's plannings run one at a time
        self._drain_lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self.backfilled = asyncio.Event()

    # -- lifecycle ---------------------------------------------------------------------------

    async def check(self) -> int:
        """One query: how many rows are due now (also proves the table is there)."""
        async with self.runtime.uow() as uow:
            return await uow.queue.count_due(self.runtime.now())

    def start(self) -> None:
        """Start the timer and the drain loop (inside the running event loop), and fill the
        queue for anyone who has no row yet, in the background."""
        if not self.aps.running:
            self.aps.start()
        self.aps.add_job(
            self._tick,
            "interval",
            seconds=self.runtime.settings.reminder_tick_seconds,
            id=TICK_JOB_ID,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
        )
        self._tasks = [
            asyncio.create_task(self._drain_forever(), name="due-queue-drain"),
            asyncio.create_task(self._backfill_then_wake(), name="due-queue-backfill"),
        ]

    async def stop(self) -> None:
        if self.aps.running:
            self.aps.shutdown(wait=False)
            # A tick APScheduler handed to the loop just before runs now (it only sets an
            # event); left pending, it would be cancelled at exit with a traceback in the log.
            for _ in range(3):
                await asyncio.sleep(0)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    async def _tick(self) -> None:
        self._wake.set()

    async def _drain_forever(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            try:
                await self.run_due()
            except Exception:
                log.exception("the due-queue tick failed")
                await asyncio.sleep(TICK_ERROR_PAUSE_S)

    async def _backfill_then_wake(self) -> None:
        try:
            await self.backfill()
        except Exception:
            log.exception("could not fill the due-queue")
        self.backfilled.set()
        self._wake.set()

    # -- ReminderScheduler --------------------------------------------------------------------

    async def schedule_user(self, user_id: int) -> None:
        """Bring the user's rows in line with the database and tell them about a cadence change."""
        try:
            async with self._locks(user_id):
                await self._plan_user(user_id, catch_up=False)
            await follow_ups.cadence_notice(self.runtime, self.notifier, user_id)
        except Exception:
            log.exception("could not schedule user %s", user_id)

    async def unschedule_user(self, user_id: int) -> None:
        async with self._locks(user_id), self.runtime.uow() as uow:
            await uow.queue.remove(user_id)
            await uow.commit()

    async def next_due(self) -> datetime | None:
        """When the queue next has something to do, on the runtime's clock (None: it is empty).
        A clock that jumps forward (the demo's clock bar) steps from one of these to the next,
        calling `run_due()` at each, so everything due on the way fires in order."""
        async with self.runtime.uow() as uow:
            return await uow.queue.next_due_at()

    async def rows_of(self, user_id: int) -> dict[str, DueJob]:
        """The user's queue rows by job (`s1`, `mc`, `s1:nudge`, ...)."""
        async with self.runtime.uow() as uow:
            return {row.job: row for row in await uow.queue.of_user(user_id)}

    # -- planning ---------------------------------------------------------------------------------

    async def backfill(self) -> int:
        """Plan everyone who has no row at all (a database from before the queue): what fell due
        while the bot was down is due now, under the old start-up rules. Returns how many."""
        after, count = 0, 0
        while True:
            async with self.runtime.uow() as uow:
                ids = list(await uow.queue.unqueued_user_ids(after, BACKFILL_BATCH))
            if not ids:
                break
            for user_id in ids:
                try:
                    async with self._locks(user_id):
                        await self._plan_user(user_id, catch_up=True)
                    count += 1
                except Exception:
                    log.exception("could not queue user %s", user_id)
            after = ids[-1]
        log.info("scheduler rebuilt: %d users queued", count)
        return count

    def _first_due(
        self, ctx: UserContext, slot: Slot, now: datetime, catch_up: bool
    ) -> planner.Due | None:
        plan = ctx.plan
        if catch_up:
            if slot.kind is Kind.DAY_END:
                floor = now - timedelta(days=service.DAY_END_LOOKBACK_DAYS)
                return planner.next_due(plan, slot, floor)
            latest = planner.latest_due(plan, slot, now)
            if latest is not None and (ctx.started_at is None or latest.due_utc >= ctx.started_at):
                return latest
        return planner.next_due(plan, slot, now)

    async def _plan_user(self, user_id: int, *, catch_up: bool) -> None:
        now = self.runtime.now()
        async with self.runtime.uow() as uow:
            ctx = await load_context(uow, user_id)
            if ctx is None or not ctx.active or not ctx.programme_active:
                await uow.queue.remove(user_id)
                await uow.commit()
                return
            existing = {row.job: row for row in await uow.queue.of_user(user_id)}
            wanted: set[str] = set()
            for slot in ctx.plan.slots:
                due = self._first_due(ctx, slot, now, catch_up)
                if due is None:
                    continue
                wanted.add(slot.name)
                row = existing.get(slot.name)
                if row is not None and (
                    row.claim is not None  # being worked right now: it settles from the database
                    or row.about == due.due_utc
                    or (row.about <= now and now - row.since <= self.grace)  # due: it fires
                ):
                    continue
                await uow.queue.put(
                    user_id, slot.name, slot.kind, slot.name, due.due_utc, due.due_utc
                )
            stale = [
                job
                for job, row in existing.items()
                if not is_follow_up(row.kind) and job not in wanted
            ]
            if stale:
                await uow.queue.remove(user_id, stale)
            await uow.commit()
        if catch_up:
            pending = await follow_ups.pending_follow_ups(self.runtime, user_id)
            async with self.runtime.uow() as uow:
                for f in pending:
                    await uow.queue.put(
                        user_id,
                        follow_up_job(f.slot, f.kind),
                        f.kind,
                        f.slot,
                        f.reminder_due,
                        max(f.run_at, now),
                        replace=False,
                    )
                await uow.commit()

    def _next_due(
        self, plan: UserPlan, slot: Slot, about: datetime, now: datetime
    ) -> planner.Due | None:
        """The occurrence after `about`. After downtime only the latest occurrence of a reminder
        is worth doing (older ones are long past); every ended day is still counted, a week at
        most."""
        nxt = planner.next_due(plan, slot, about)
        if nxt is None or nxt.due_utc > now:
            return nxt
        if slot.kind is Kind.DAY_END:
            floor = now - timedelta(days=service.DAY_END_LOOKBACK_DAYS)
            return nxt if nxt.due_utc >= floor else planner.next_due(plan, slot, floor)
        latest = planner.latest_due(plan, slot, now)
        return latest if latest is not None and latest.due_utc > nxt.due_utc else nxt

    # -- the drain loop ---------------------------------------------------------------------------

    async def run_due(self) -> int:
        """Claim and work everything due now, `workers` rows in flight at most; returns how many
        rows were worked. One drain at a time per process."""
        async with self._drain_lock:
            return await self._drain()

    async def _drain(self) -> int:
        handled = 0
        in_flight: set[asyncio.Task[None]] = set()
        try:
            while True:
                room = self.workers - len(in_flight)
                if not in_flight or room * 2 >= self.workers:
                    for row, token in await self._claim(room):
                        in_flight.add(asyncio.create_task(self._work(row, token)))
                if not in_flight:
                    return handled
                done, in_flight = await asyncio.wait(in_flight, return_when="FIRST_COMPLETED")
                handled += len(done)
        finally:
            for task in in_flight:
                task.cancel()

    @property
    def _rt(self) -> Runtime:
        """The runtime of the workers (gated on SQLite), made on first use: it shares the
        scheduler the bot sets on the runtime after building this one."""
        if self._workers_runtime is None or self._workers_runtime.scheduler is not (
            self.runtime.scheduler
        ):
            self._workers_runtime = _for_workers(self.runtime)
        return self._workers_runtime

    async def _claim(self, limit: int) -> list[tuple[DueJob, str]]:
        now = self.runtime.now()
        token = secrets.token_hex(8)
        async with self._rt.uow() as uow:
            rows = await uow.queue.claim_due(now, now + self.lease, token, limit)
            await uow.commit()
        return [(row, token) for row in rows]

    async def _work(self, row: DueJob, token: str) -> None:
        kind = Kind(row.kind)

        async def settle(uow: UnitOfWork, outcome: Outcome, ctx: UserContext | None) -> None:
            await self._settle(uow, row, token, outcome, ctx)

        try:
            now = self.runtime.now()
            if kind in FOLLOW_UPS and now - row.since > self.grace:
                await self._give_up(row, token)  # the moment it was about has passed
                return
            outcome = await service.fire(
                self._rt,
                self.notifier,
                row.user_id,
                kind,
                row.slot,
                row.about,
                resume=True,
                settle=settle,
            )
        except Exception as exc:
            await self._retry(row, token, exc)
            return
        log.info(
            "fired %s for user %s slot %s (due %s): %s",
            row.kind,
            row.user_id,
            row.slot,
            row.about.isoformat(),
            outcome,
        )

    async def _retry(self, row: DueJob, token: str, exc: Exception) -> None:
        delay = min(self.retry_max_s, RETRY_FIRST_S * 2**row.attempts)
        log.warning(
            "%s of user %s failed (attempt %d), retrying in %.0f s: %r",
            row.job,
            row.user_id,
            row.attempts + 1,
            delay,
            exc,
        )
        try:
            async with self._rt.uow() as uow:
                await uow.queue.retry_later(
                    row.id, token, self.runtime.now() + timedelta(seconds=delay)
                )
                await uow.commit()
        except Exception:
            log.exception("could not plan the retry of %s of user %s", row.job, row.user_id)

    async def _give_up(self, row: DueJob, token: str) -> None:
        local_date = None
        async with self._rt.uow() as uow:
            user = await uow.users.get(row.user_id)
            if user is not None:
                local_date = planner.local_date_of(row.about, planner.zone_of(user.timezone))
                for from_status in (SentStatus.PENDING, SentStatus.SENDING):
                    await uow.sent_log.move_status(
                        row.user_id,
                        row.kind,
                        local_date,
                        row.slot,
                        SentStatus.MISSED,
                        from_status=from_status,
                    )
            await uow.queue.settle(row.id, token, due_at=None)
            await uow.commit()
        log.info("%s of user %s (%s) dropped: too late", row.job, row.user_id, local_date)

    async def _settle(
        self,
        uow: UnitOfWork,
        row: DueJob,
        token: str,
        outcome: Outcome,
        ctx: UserContext | None,
    ) -> None:
        """Inside the transaction that records the outcome: the row's next due instant (or its
        end), and a sent reminder's nudge."""
        kind = Kind(row.kind)
        now = self.runtime.now()
        nxt: planner.Due | None = None
        recurring = kind not in FOLLOW_UPS and outcome is not Outcome.BLOCKED
        if recurring and ctx is not None and ctx.active and ctx.programme_active:
            slot = ctx.plan.slot(row.slot)
            if slot is not None:
                nxt = self._next_due(ctx.plan, slot, row.about, now)
        if nxt is None:
            await uow.queue.settle(row.id, token, due_at=None)
        else:
            await uow.queue.settle(row.id, token, due_at=nxt.due_utc, about=nxt.due_utc)
        if kind is Kind.REMINDER and outcome in (Outcome.SENT, Outcome.SENT_LATE):
            await uow.queue.put(
                row.user_id,
                follow_up_job(row.slot, Kind.NUDGE),
                Kind.NUDGE,
                row.slot,
                row.about,
                now + self.nudge_after,
            )
