"""The due-queue: rows from the planner, catch-up after downtime, retries, claims, follow-ups."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from scheduler.ports import MessageRefused, RecipientBlocked, ReminderMessage
from scheduler.queue import DueQueueScheduler
from service_layer import planner, reminders
from service_layer.runtime import Runtime
from tests.fakes import FakeClock
from tests.integration.scheduler.conftest import RecordingNotifier
from tests.integration.scheduler.seed import seed_user, set_stage

pytestmark = pytest.mark.integration

UID = 777
BERLIN = ZoneInfo("Europe/Berlin")
DAY = date(2026, 6, 10)


def local(day: date, hh: int, mm: int, zone: ZoneInfo = BERLIN) -> datetime:
    return planner.local_instant(day, time(hh, mm), zone)


def make_queue(rt: Runtime, notifier: object, workers: int = 8) -> DueQueueScheduler:
    aps = AsyncIOScheduler(timezone="UTC")  # never started: the tests drain by hand
    return DueQueueScheduler(rt, notifier, aps=aps, workers=workers)  # type: ignore[arg-type]


@pytest.fixture
def queue(rt: Runtime, notifier: RecordingNotifier) -> DueQueueScheduler:
    scheduler = make_queue(rt, notifier)
    rt.scheduler = scheduler
    return scheduler


async def dues(queue: DueQueueScheduler, user_id: int = UID) -> dict[str, datetime]:
    return {job: row.due_at for job, row in (await queue.rows_of(user_id)).items()}


async def status(rt: Runtime, kind: str, day: date, slot: str, uid: int = UID) -> str | None:
    async with rt.uow() as uow:
        row = await uow.sent_log.get(uid, kind, day, slot)
    return None if row is None else row.status


async def test_rows_are_the_planned_next_instants_per_slot(rt, clock, queue):
    ny = ZoneInfo("America/New_York")
    await seed_user(
        rt, UID, zone="America/New_York", session_times=("07:30", "19:15"), checkin_time="08:00"
    )
    clock.set(planner.local_instant(DAY, time(12, 0), ny))
    await rt.reschedule(UID)
    assert await dues(queue) == {
        "s1": planner.local_instant(date(2026, 6, 11), time(7, 30), ny),
        "s2": planner.local_instant(DAY, time(19, 15), ny),
        "mc": planner.local_instant(date(2026, 6, 11), time(8, 0), ny),
        "eod": planner.local_instant(DAY, time(23, 59), ny),
        "sum": planner.local_instant(date(2026, 6, 14), time(19, 0), ny),  # Sunday
    }


async def test_stage_change_replaces_the_rows(rt, clock, queue, notifier):
    await seed_user(rt, UID, stage=2, weekly_days=(1, 4), weekly_time="17:00")
    await rt.reschedule(UID)
    assert "s1" in await dues(queue)
    await set_stage(rt, UID, 3)
    await rt.reschedule(UID)
    rows = await dues(queue)
    assert "s1" not in rows
    assert "s2" not in rows
    next_w = rows["w"].astimezone(BERLIN)
    assert next_w.weekday() in (1, 4)
    assert next_w.time() == time(17, 0)
    assert [s.payload.cadence for s in notifier.of("notice")] == ["three_weekly"]


async def test_paused_and_inactive_users_have_no_rows(rt, clock, queue):
    await seed_user(rt, UID)
    await rt.reschedule(UID)
    assert await dues(queue)
    async with rt.uow() as uow:
        profile = await uow.profiles.get(UID)
        profile.paused = True
        await uow.commit()
    await rt.reschedule(UID)
    assert await dues(queue) == {}
    async with rt.uow() as uow:
        profile = await uow.profiles.get(UID)
        profile.paused = False
        await uow.users.set_active(UID, False, clock())
        await uow.commit()
    await rt.reschedule(UID)
    assert await dues(queue) == {}


async def test_a_due_reminder_is_sent_re_armed_for_tomorrow_and_its_nudge_queued(
    rt, clock, queue, notifier
):
    await seed_user(rt, UID, weekly_summary=False)
    due = local(DAY, 7, 30)
    clock.set(due - timedelta(seconds=1))
    await rt.reschedule(UID)
    assert await queue.run_due() == 0  # nothing due yet
    clock.set(due)
    assert await queue.run_due() == 1
    assert notifier.kinds() == ["reminder"]
    rows = await dues(queue)
    assert rows["s1"] == due + timedelta(days=1)
    assert rows["s1:nudge"] == due + timedelta(hours=2)
    assert await status(rt, "reminder", DAY, "s1") == "sent"
    # the nudge comes once, two hours later, and leaves the queue
    clock.set(due + timedelta(hours=2))
    await queue.run_due()  # the nudge, and the 08:30 check-in (no session yesterday: nothing)
    assert notifier.kinds() == ["reminder", "nudge"]
    assert "s1:nudge" not in await dues(queue)


async def test_snooze_is_a_row_of_the_queue_and_comes_once(rt, clock, queue, notifier):
    await seed_user(rt, UID, weekly_summary=False)
    due = local(DAY, 7, 30)
    clock.set(due - timedelta(seconds=1))
    await rt.reschedule(UID)
    clock.set(due)
    await queue.run_due()
    clock.advance(minutes=2)
    snooze_at = await reminders.snooze(rt, UID, DAY, "s1")
    assert (await dues(queue))["s1:snooze"] == snooze_at
    clock.set(snooze_at)
    await queue.run_due()
    clock.advance(minutes=5)
    await queue.run_due()
    assert notifier.kinds() == ["reminder", "snooze"]
    assert await status(rt, "snooze", DAY, "s1") == "sent"


async def test_catch_up_after_downtime_sends_within_grace_and_logs_missed_beyond(
    rt, clock, queue, notifier
):
    """Rows due while the bot was down are simply due: 07:30 is 3 h ago (missed), 10:00 is
    30 min ago (sent, saying it is late); a second drain changes nothing."""
    await seed_user(rt, UID, session_times=("07:30", "10:00"), weekly_summary=False)
    clock.set(local(DAY, 7, 0))
    await rt.reschedule(UID)
    clock.set(local(DAY, 10, 30))
    await queue.run_due()
    assert notifier.kinds() == ["late"]
    assert notifier.sent[0].payload.slot == "s2"
    assert await status(rt, "reminder", DAY, "s1") == "missed"
    assert await status(rt, "reminder", DAY, "s2") == "sent"
    await queue.run_due()
    assert notifier.kinds() == ["late"]
    assert (await dues(queue))["s1"] == local(DAY + timedelta(days=1), 7, 30)


async def test_after_days_down_only_the_latest_reminder_is_done_and_every_ended_day_counted(
    rt, clock, queue, notifier
):
    await seed_user(rt, UID, weekly_summary=False)
    clock.set(local(DAY, 6, 0))
    await rt.reschedule(UID)
    clock.set(local(DAY + timedelta(days=3), 7, 40))  # three days later, 10 min after 07:30
    await queue.run_due()
    assert notifier.kinds() == ["late"]  # today's 07:30 only
    async with rt.uow() as uow:
        missed_days = await uow.sent_log.count(UID, "missed")
    assert missed_days == 3  # 10, 11 and 12 June ended without a session


async def test_a_database_from_before_the_queue_is_filled_with_the_old_catch_up_rules(
    rt, clock, queue, notifier
):
    await seed_user(rt, UID, session_times=("07:30", "10:00"), weekly_summary=False)
    clock.set(local(DAY, 10, 30))
    assert await queue.backfill() == 1
    assert await queue.backfill() == 0  # everyone has rows now
    await queue.run_due()
    assert notifier.kinds() == ["late"]
    assert await status(rt, "reminder", DAY, "s1") == "missed"


@dataclass
class FlakyNotifier(RecordingNotifier):
    """Fails the next `failures` sends with `error` (a passing error unless told otherwise)."""

    failures: int = 0
    error: type[Exception] = ConnectionError
    attempts: list[datetime] = field(default_factory=list)
    clock: FakeClock | None = None

    async def send_reminder(self, message: ReminderMessage) -> None:
        if self.clock is not None:
            self.attempts.append(self.clock())
        if self.failures > 0:
            self.failures -= 1
            raise self.error("Bad Gateway")
        await super().send_reminder(message)


async def drain_for(queue: DueQueueScheduler, clock: FakeClock, seconds: int) -> None:
    """Drain once a second for `seconds` of the fake clock."""
    for _ in range(seconds):
        await queue.run_due()
        clock.advance(seconds=1)


async def test_a_passing_failure_is_retried_with_backoff_and_sent_once(rt, clock):
    notifier = FlakyNotifier(failures=3, clock=clock)
    queue = make_queue(rt, notifier)
    rt.scheduler = queue
    await seed_user(rt, UID, weekly_summary=False)
    due = local(DAY, 7, 30)
    clock.set(due - timedelta(seconds=1))
    await rt.reschedule(UID)
    clock.set(due)
    await drain_for(queue, clock, 30)
    assert notifier.kinds() == ["reminder"]
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(notifier.attempts)]
    assert gaps == [1, 2, 4]  # 1 s, then twice as long each time
    assert await status(rt, "reminder", DAY, "s1") == "sent"
    assert (await dues(queue))["s1"] == due + timedelta(days=1)


async def test_failing_past_the_grace_window_is_logged_missed_not_sent(rt, clock):
    notifier = FlakyNotifier(failures=10_000, clock=clock)
    queue = make_queue(rt, notifier)
    rt.scheduler = queue
    await seed_user(rt, UID, weekly_summary=False)
    due = local(DAY, 7, 30)
    clock.set(due - timedelta(seconds=1))
    await rt.reschedule(UID)
    clock.set(due)
    for _ in range(200):  # each drain a minute apart: the pause is capped at 60 s
        await queue.run_due()
        clock.advance(minutes=1)
        if await status(rt, "reminder", DAY, "s1") == "missed":
            break
    assert notifier.kinds() == []
    assert await status(rt, "reminder", DAY, "s1") == "missed"
    assert clock() - due > timedelta(minutes=120)
    assert (await dues(queue))["s1"] == due + timedelta(days=1)


async def test_only_telegrams_final_answers_end_a_reminder_as_failed(rt, clock):
    notifier = FlakyNotifier(failures=1, error=MessageRefused, clock=clock)
    queue = make_queue(rt, notifier)
    rt.scheduler = queue
    await seed_user(rt, UID, weekly_summary=False)
    due = local(DAY, 7, 30)
    clock.set(due - timedelta(seconds=1))
    await rt.reschedule(UID)
    clock.set(due)
    await drain_for(queue, clock, 5)
    assert await status(rt, "reminder", DAY, "s1") == "failed"
    assert notifier.attempts == [due]  # not retried
    assert "s1:nudge" not in await dues(queue)


async def test_a_blocked_user_is_marked_inactive_and_leaves_the_queue(rt, clock):
    notifier = FlakyNotifier(failures=1, error=RecipientBlocked, clock=clock)
    queue = make_queue(rt, notifier)
    rt.scheduler = queue
    await seed_user(rt, UID, weekly_summary=False)
    due = local(DAY, 7, 30)
    clock.set(due - timedelta(seconds=1))
    await rt.reschedule(UID)
    clock.set(due)
    await queue.run_due()
    assert await status(rt, "reminder", DAY, "s1") == "failed"
    assert await dues(queue) == {}
    async with rt.uow() as uow:
        assert UID not in await uow.users.active_ids()


class BrokenDatabase:
    """Stands in for the runtime's session factory: the next `failures` sessions fail on their
    first statement, the way a pool wait or a lost connection does."""

    def __init__(self, real, failures: int) -> None:
        self.real = real
        self.failures = failures

    def __call__(self):
        if self.failures <= 0:
            return self.real()
        self.failures -= 1
        raise TimeoutError("QueuePool limit of size 5 overflow 10 reached, connection timed out")


async def test_a_database_timeout_mid_fire_is_retried_not_lost(rt, clock, notifier):
    queue = make_queue(rt, notifier)
    rt.scheduler = queue
    await seed_user(rt, UID, weekly_summary=False)
    due = local(DAY, 7, 30)
    clock.set(due - timedelta(seconds=1))
    await rt.reschedule(UID)
    clock.set(due)
    # the claim works; the fire's first session does not
    real = rt.session_factory
    claimed = await queue._claim(8)
    rt.session_factory = BrokenDatabase(real, failures=1)
    try:
        await asyncio.gather(*(queue._work(row, token) for row, token in claimed))
    finally:
        rt.session_factory = real
    assert notifier.kinds() == []
    await drain_for(queue, clock, 5)
    assert notifier.kinds() == ["reminder"]
    assert await status(rt, "reminder", DAY, "s1") == "sent"


async def test_two_ticks_against_one_database_send_each_reminder_once(rt, clock, notifier):
    """Two schedulers (as two processes would) drain the same queue at the same time."""
    ids = [UID + i for i in range(40)]
    for uid in ids:
        await seed_user(rt, uid, weekly_summary=False)
    clock.set(local(DAY, 7, 0))
    first, second = make_queue(rt, notifier, workers=4), make_queue(rt, notifier, workers=4)
    rt.scheduler = first
    for uid in ids:
        await rt.reschedule(uid)
    clock.set(local(DAY, 7, 30))
    done = await asyncio.gather(first.run_due(), second.run_due())
    assert sum(done) == len(ids)
    assert sorted(s.chat_id for s in notifier.of("reminder")) == ids
