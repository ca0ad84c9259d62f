"""The demo's clock bar on the real reminder queue: moving the bot's clock forward makes the
reminders, nudges, check-ins, day ends and summaries that fall due on the way fire (the queue's
own drain works them), each at its own time in its person's own zone, and the clock never goes
back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from demo.clock import ClockBar, DemoClock
from scheduler.ports import ReminderMessage
from scheduler.queue import DueQueueScheduler
from service_layer.planner import local_instant
from service_layer.records import WeeklySummary
from service_layer.runtime import Runtime
from tests.conftest import make_settings
from tests.integration.scheduler.conftest import RecordingNotifier
from tests.integration.scheduler.seed import seed_user

pytestmark = pytest.mark.integration

BERLIN, TOKYO = 1, 2
START = datetime(2026, 6, 10, 4, 0, tzinfo=UTC)  # a Wednesday: 06:00 in Berlin, 13:00 in Tokyo


@dataclass
class Timed:
    kind: str
    chat_id: int
    at: datetime


class TimedNotifier(RecordingNotifier):
    """Records what was sent and when, on the bot's clock."""

    def __init__(self, runtime_now: DemoClock) -> None:
        super().__init__()
        self.now = runtime_now
        self.log: list[Timed] = []

    async def send_reminder(self, message: ReminderMessage) -> None:
        await super().send_reminder(message)
        self.log.append(Timed(message.variant.value, message.chat_id, self.now()))

    async def send_checkin(self, chat_id: int, local_date: date) -> None:
        await super().send_checkin(chat_id, local_date)
        self.log.append(Timed("checkin", chat_id, self.now()))

    async def send_summary(self, chat_id: int, summary: WeeklySummary) -> None:
        await super().send_summary(chat_id, summary)
        self.log.append(Timed("summary", chat_id, self.now()))

    def at(self, kind: str, chat_id: int) -> list[datetime]:
        return [t.at for t in self.log if t.kind == kind and t.chat_id == chat_id]


@dataclass
class Setup:
    clock: DemoClock
    runtime: Runtime
    scheduler: DueQueueScheduler
    notifier: TimedNotifier
    bar: ClockBar


@pytest.fixture
async def demo(sqlite_migrated_url: str) -> AsyncIterator[Setup]:
    clock = DemoClock(START)
    runtime = Runtime.create(make_settings(sqlite_migrated_url), clock)
    notifier = TimedNotifier(clock)
    scheduler = DueQueueScheduler(runtime, notifier)  # its tick runs too, on the wall clock
    runtime.scheduler = scheduler
    scheduler.start()

    async def settle() -> None:
        return None  # the notifier records synchronously: nothing is left in flight

    await seed_user(runtime, BERLIN, zone="Europe/Berlin", session_times=("07:30", "18:00"))
    await seed_user(runtime, TOKYO, zone="Asia/Tokyo", session_times=("07:30", "18:00"))
    for user_id in (BERLIN, TOKYO):
        await runtime.reschedule(user_id)
    try:
        yield Setup(clock, runtime, scheduler, notifier, ClockBar(clock, lambda: scheduler, settle))
    finally:
        await scheduler.stop()
        await runtime.close()


def local(day: date, hhmm: str, zone: str) -> datetime:
    return local_instant(day, time.fromisoformat(hhmm), ZoneInfo(zone))


async def test_next_due_is_the_earliest_row_of_the_queue(demo: Setup) -> None:
    assert await demo.scheduler.next_due() == local(date(2026, 6, 10), "07:30", "Europe/Berlin")
    await demo.scheduler.unschedule_user(BERLIN)
    assert await demo.scheduler.next_due() == local(date(2026, 6, 10), "18:00", "Asia/Tokyo")
    await demo.scheduler.unschedule_user(TOKYO)
    assert await demo.scheduler.next_due() is None


async def test_a_day_forward_fires_every_reminder_at_its_time_in_each_persons_zone(
    demo: Setup,
) -> None:
    target = START + timedelta(days=1)
    steps = await demo.bar.advance_to(target)

    assert demo.clock() >= target
    assert demo.clock() - target < timedelta(seconds=30)  # the demo's time also passes as usual
    wed, thu = date(2026, 6, 10), date(2026, 6, 11)
    # Berlin: 07:30 and 18:00 on Wednesday; Tokyo's Wednesday 18:00 and Thursday 07:30 (its
    # Wednesday 07:30 was before the start).
    berlin = demo.notifier.at("reminder", BERLIN)
    tokyo = demo.notifier.at("reminder", TOKYO)
    assert [_minute(t) for t in berlin] == [
        local(wed, "07:30", "Europe/Berlin"),
        local(wed, "18:00", "Europe/Berlin"),
    ]
    assert [_minute(t) for t in tokyo] == [
        local(wed, "18:00", "Asia/Tokyo"),
        local(thu, "07:30", "Asia/Tokyo"),
    ]
    # Nothing fired early or out of order.
    times = [t.at for t in demo.notifier.log]
    assert times == sorted(times)
    assert steps >= 4
    # Nudges follow reminders nobody answered, two hours later on the same clock.
    assert [_minute(t) for t in demo.notifier.at("nudge", BERLIN)][:1] == [
        local(wed, "09:30", "Europe/Berlin")
    ]
    # Every row moved on to its next occurrence: nothing is left due behind the clock.
    nxt = await demo.scheduler.next_due()
    assert nxt is not None
    assert nxt > demo.clock()


async def test_a_week_forward_ends_the_days_and_sends_sundays_summary(demo: Setup) -> None:
    await demo.bar.advance_to(START + timedelta(weeks=1))

    sunday = date(2026, 6, 14)
    assert [_minute(t) for t in demo.notifier.at("summary", BERLIN)] == [
        local(sunday, "19:00", "Europe/Berlin")
    ]
    assert [_minute(t) for t in demo.notifier.at("summary", TOKYO)] == [
        local(sunday, "19:00", "Asia/Tokyo")
    ]
    # Seven days of two reminders each for Berlin (Wednesday to Tuesday), none skipped.
    assert len(demo.notifier.at("reminder", BERLIN)) == 14
    # Each scheduled day without a session ended as missed, Wednesday's included.
    async with demo.runtime.uow() as uow:
        missed = await uow.sent_log.since(BERLIN, date(2026, 6, 10), kind="missed")
    assert [r.local_date for r in missed] == [
        date(2026, 6, 10) + timedelta(days=d) for d in range(7)
    ]
    times = [t.at for t in demo.notifier.log]
    assert times == sorted(times)


async def test_until_stops_right_after_the_step_that_sends_something(demo: Setup) -> None:
    before = len(demo.notifier.log)
    await demo.bar.advance_to(
        START + timedelta(days=8), until=lambda: len(demo.notifier.log) > before
    )
    first = demo.notifier.log[before]
    assert (first.kind, first.chat_id) == ("reminder", BERLIN)
    assert _minute(demo.clock()) == local(date(2026, 6, 10), "07:30", "Europe/Berlin")


async def test_the_demo_clock_moves_forward_only() -> None:
    clock = DemoClock(START)
    clock.jump(timedelta(hours=1))
    assert clock() - START >= timedelta(hours=1)
    with pytest.raises(ValueError, match="never goes back"):
        clock.jump(timedelta(seconds=-1))
    with pytest.raises(ValueError, match="tz-aware"):
        DemoClock(datetime(2026, 6, 10, 4, 0))


def _minute(instant: datetime) -> datetime:
    return instant.replace(second=0, microsecond=0)
