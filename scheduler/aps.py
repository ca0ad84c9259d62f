"""The ReminderScheduler on APScheduler 3.11's AsyncIOScheduler.

One job per user and slot, id `rem:<user_id>:<slot>`, with a DateTrigger at the slot's next due
instant (planned in the user's zone by scheduler/planner.py); when it fires it runs
scheduler.service.fire and re-arms itself from the database. One-off follow-ups have ids
`rem:<user_id>:<slot>:snooze` and `rem:<user_id>:<slot>:nudge`. Jobs carry ids and the due instant
only; everything else is reloaded when they fire. The database is the source of truth: at
start-up `rebuild_all` catches up and recreates every job from it.

Due instants are on the runtime's clock (`runtime.now()`); APScheduler runs on the wall clock. A
job runs `due - runtime.now()` from the wall clock's now, so a test's fake clock never makes
APScheduler fire early.

Rebuilding a user's jobs is atomic: everything is read from the database first, then the jobs
are replaced without yielding to the event loop, and one user's rebuilds and removals run one at a
time (a per-user lock). So nobody ever sees a slot re-armed without its follow-ups, and a rebuild
that read the database before a change can never undo a later one.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from apscheduler.job import Job
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from bot.locks import KeyedLocks
from bot.runtime import Clock, Runtime, system_clock
from scheduler import planner, service
from scheduler.planner import Kind
from scheduler.ports import Notifier
from scheduler.service import FollowUp, Outcome

log = logging.getLogger(__name__)

JOB_PREFIX = "rem"
RECURRING_KINDS = (Kind.REMINDER, Kind.CHECKIN, Kind.SUMMARY, Kind.DAY_END)


# After a failed start-up rebuild of one person's jobs, try again after these many seconds
# (the last one repeating): a passing database error must not leave them without reminders.
REBUILD_RETRY_S = (5.0, 30.0, 120.0, 600.0)


def job_id(user_id: int, slot: str, follow_up: Kind | None = None) -> str:
    base = f"{JOB_PREFIX}:{user_id}:{slot}"
    return base if follow_up is None else f"{base}:{follow_up.value}"


def _user_prefix(user_id: int) -> str:
    return f"{JOB_PREFIX}:{user_id}:"


class ApsReminderScheduler:
    """Implements scheduler.interface.ReminderScheduler."""

    def __init__(
        self,
        runtime: Runtime,
        notifier: Notifier,
        *,
        wall_clock: Clock = system_clock,
        aps: AsyncIOScheduler | None = None,
    ) -> None:
        self.runtime = runtime
        self.notifier = notifier
        self._wall_clock = wall_clock
        grace_s = runtime.settings.reminder_grace_minutes * 60
        self.aps = aps or AsyncIOScheduler(
            timezone=UTC,
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": max(grace_s, 1),
            },
        )
        self._lock = KeyedLocks()  # one user's rebuilds and removals run one at a time

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Start APScheduler (inside the running event loop)."""
        if not self.aps.running:
            self.aps.start()

    def shutdown(self) -> None:
        if self.aps.running:
            self.aps.shutdown(wait=False)

    async def rebuild_all(self) -> None:
        """At start-up: for every active user, catch up on what was due while the bot was down,
        then recreate their jobs from the database."""
        async with self.runtime.uow() as uow:
            user_ids = list(await uow.users.active_ids())
        for user_id in user_ids:
            await self._rebuild_user(user_id, attempt=0)
        log.info("scheduler rebuilt: %d users, %d jobs", len(user_ids), len(self.aps.get_jobs()))

    async def _rebuild_user(self, user_id: int, attempt: int) -> None:
        """Catch up and rebuild one user's jobs; on a failure (a database error, say) try
        again later, so nobody is left without reminders until the next restart."""
        try:
            await service.catch_up(self.runtime, self.notifier, user_id)
            await self._schedule(user_id)
        except Exception:
            delay = REBUILD_RETRY_S[min(attempt, len(REBUILD_RETRY_S) - 1)]
            log.exception(
                "could not rebuild the jobs of user %s (attempt %d); trying again in %s s",
                user_id,
                attempt + 1,
                delay,
            )
            self.aps.add_job(
                self._rebuild_user,
                DateTrigger(run_date=self._wall_clock() + timedelta(seconds=delay)),
                args=[user_id, attempt + 1],
                id=f"rebuild:{user_id}",
                replace_existing=True,
                misfire_grace_time=None,
            )

    # -- ReminderScheduler --------------------------------------------------------------------

    async def schedule_user(self, user_id: int) -> None:
        """(Re)build the user's jobs from the database and tell them about a cadence change."""
        try:
            await self._schedule(user_id)
            await service.cadence_notice(self.runtime, self.notifier, user_id)
        except Exception:
            log.exception("could not schedule user %s", user_id)

    async def unschedule_user(self, user_id: int) -> None:
        async with self._lock(user_id):
            self._remove_jobs(user_id)

    # -- follow-ups ------------------------------------------------------------------------------

    def jobs_of(self, user_id: int) -> list[Job]:
        prefix = _user_prefix(user_id)
        return [job for job in self.aps.get_jobs() if job.id.startswith(prefix)]

    # -- internals -------------------------------------------------------------------------------

    def _wall(self, instant: datetime) -> datetime:
        """The wall-clock time at which something due at `instant` (runtime clock) runs."""
        return self._wall_clock() + (instant - self.runtime.now())

    def _remove_jobs(self, user_id: int) -> None:
        for job in self.jobs_of(user_id):
            job.remove()

    async def _schedule(
        self, user_id: int, after: datetime | None = None, only_slot: str | None = None
    ) -> None:
        """Arm one job per slot at its next due instant (after `after`), and the pending
        snoozes and nudges. With `only_slot`, the other slots keep the jobs they have (a slot due
        at the same instant must still fire)."""
        async with self._lock(user_id):
            # Read everything first: no await may come between the job changes below.
            async with self.runtime.uow() as uow:
                ctx = await service.load_context(uow, user_id)
            if ctx is None or not ctx.active or not ctx.programme_active:
                self._remove_jobs(user_id)
                return
            follow_ups = await service.pending_follow_ups(self.runtime, user_id)
            self._apply(user_id, ctx, follow_ups, after, only_slot)

    def _apply(
        self,
        user_id: int,
        ctx: service.UserContext,
        follow_ups: list[FollowUp],
        after: datetime | None,
        only_slot: str | None,
    ) -> None:
        """Replace the user's jobs (synchronous, so atomic in the event loop)."""
        now = self.runtime.now()
        after = max(now, after) if after is not None else now
        wanted: set[str] = set()
        for slot in ctx.plan.slots:
            due = planner.next_due(ctx.plan, slot, after if slot.name == only_slot else now)
            if due is None:
                continue
            jid = job_id(user_id, slot.name)
            wanted.add(jid)
            if only_slot is not None and slot.name != only_slot and self.aps.get_job(jid):
                continue
            self.aps.add_job(
                self._run,
                trigger=DateTrigger(run_date=self._wall(due.due_utc), timezone=UTC),
                args=[user_id, slot.kind.value, slot.name, due.due_utc.isoformat()],
                id=jid,
                name=f"{slot.kind.value} {due.local_date.isoformat()}",
                replace_existing=True,
            )
        for job in self.jobs_of(user_id):
            is_follow_up = job.id.count(":") > 2
            if not is_follow_up and job.id not in wanted:
                job.remove()
        # Snoozes and nudges still to come are in the sent-log too.
        for follow_up in follow_ups:
            self._add_follow_up(user_id, follow_up)

    def _add_follow_up(self, user_id: int, follow_up: FollowUp) -> None:
        run_at = max(follow_up.run_at, self.runtime.now())
        self.aps.add_job(
            self._run,
            trigger=DateTrigger(run_date=self._wall(run_at), timezone=UTC),
            args=[
                user_id,
                follow_up.kind.value,
                follow_up.slot,
                follow_up.reminder_due.isoformat(),
            ],
            id=job_id(user_id, follow_up.slot, follow_up.kind),
            replace_existing=True,
        )

    async def _run(self, user_id: int, kind: str, slot: str, due_iso: str) -> None:
        """A job fired: do what is due, then plan what follows."""
        due = datetime.fromisoformat(due_iso)
        try:
            outcome = await service.fire(self.runtime, self.notifier, user_id, kind, slot, due)
        except Exception:
            log.exception("%s job of user %s failed (slot %s)", kind, user_id, slot)
            outcome = Outcome.FAILED
        log.info("fired %s for user %s slot %s (due %s): %s", kind, user_id, slot, due_iso, outcome)
        if Kind(kind) in RECURRING_KINDS and outcome is not Outcome.BLOCKED:
            try:
                await self._schedule(user_id, after=due, only_slot=slot)
            except Exception:
                log.exception("could not re-arm the jobs of user %s", user_id)

    # -- a clock that jumps (the demo's clock bar) -----------------------------------------------

    def next_due(self) -> datetime | None:
        """When, on the runtime's clock, the scheduler next has something to do (None: nothing
        is armed). The demo steps its clock from one of these instants to the next."""
        times: list[datetime] = [j.next_run_time for j in self.aps.get_jobs() if j.next_run_time]
        if not times:
            return None
        return self.runtime.now() + (min(times) - self._wall_clock())

    def clock_jumped(self, delta: timedelta) -> None:
        """The runtime's clock just jumped `delta` forward: whatever is armed comes `delta` sooner
        on the wall clock (never before now), and APScheduler looks at once for what is due."""
        if delta > timedelta(0):
            wall_now = self._wall_clock()
            for job in self.aps.get_jobs():
                if job.next_run_time is not None:
                    job.modify(next_run_time=max(job.next_run_time - delta, wall_now))
        self.aps.wakeup()
