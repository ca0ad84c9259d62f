"""The fire path on a fake clock: cadence, snooze, skip, nudge, suppression, DST (catch-up after
downtime and retries are the queue's: test_queue.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduler import follow_ups, service
from scheduler.context import load_context
from scheduler.delivery import Outcome
from scheduler.ports import Variant
from scheduler.service import fire
from service_layer import planner, reminders
from service_layer.planner import Kind
from service_layer.programme import load_state
from service_layer.records import WeeklySummary
from service_layer.reminders import TapResult
from service_layer.runtime import Runtime
from service_layer.users import register
from tests.fakes import FakeClock
from tests.integration.scheduler.conftest import RecordingNotifier
from tests.integration.scheduler.seed import add_session, seed_user, set_stage

pytestmark = pytest.mark.integration

UID = 4242
BERLIN = ZoneInfo("Europe/Berlin")


def local(day: date, hh: int, mm: int, zone: ZoneInfo = BERLIN) -> datetime:
    return planner.local_instant(day, time(hh, mm), zone)


@dataclass(frozen=True)
class Event:
    kind: str
    slot: str
    local_date: date
    outcome: Outcome
    due_utc: datetime


async def run_between(
    rt: Runtime,
    notifier: RecordingNotifier,
    clock: FakeClock,
    user_id: int,
    start: datetime,
    end: datetime,
) -> list[Event]:
    """Play the scheduler: fire every slot occurrence in (start, end] in order, clock in step."""
    async with rt.uow() as uow:
        ctx = await load_context(uow, user_id)
    assert ctx is not None
    events = sorted(
        (d.due_utc, slot.kind.value, slot.name, d.local_date)
        for slot in ctx.plan.slots
        for d in planner.dues_between(ctx.plan, slot, start, end)
    )
    out = []
    for due_utc, kind, slot_name, local_date in events:
        clock.set(due_utc)
        outcome = await fire(rt, notifier, user_id, kind, slot_name, due_utc)
        out.append(Event(kind, slot_name, local_date, outcome, due_utc))
    clock.set(end)
    return out


def reminders_sent(events: list[Event]) -> list[tuple[str, date]]:
    return [
        (e.slot, e.local_date)
        for e in events
        if e.kind == Kind.REMINDER and e.outcome is Outcome.SENT
    ]


async def sent_status(rt: Runtime, kind: str, local_date: date, slot: str) -> str | None:
    async with rt.uow() as uow:
        row = await uow.sent_log.get(UID, kind, local_date, slot)
    return None if row is None else row.status


async def test_twice_daily_two_reminders_a_day_and_one_checkin_after_a_session_day(
    rt, notifier, clock
):
    await seed_user(rt, UID, session_times=("07:30", "18:00"), checkin_time="08:30")
    day = date(2026, 6, 10)  # a Wednesday
    clock.set(local(day, 0, 0))
    await add_session(rt, UID, day, slot="s1")
    await add_session(rt, UID, day, slot="s2")
    events = await run_between(
        rt, notifier, clock, UID, local(day, 0, 0), local(day, 23, 59) + timedelta(hours=10)
    )
    # Both of today's sessions were done, so both reminders are suppressed ...
    assert [
        (e.slot, e.outcome) for e in events if e.kind == Kind.REMINDER and e.local_date == day
    ] == [
        ("s1", Outcome.SUPPRESSED),
        ("s2", Outcome.SUPPRESSED),
    ]
    # ... and tomorrow brings exactly one check-in (two sessions, one question) and the 07:30 one.
    assert notifier.kinds() == ["reminder", "checkin"]
    assert notifier.of("checkin")[0].payload == day + timedelta(days=1)
    assert reminders_sent(events) == [("s1", day + timedelta(days=1))]
    reminder = notifier.of("reminder")[0].payload
    assert reminder.local_date == day + timedelta(days=1)
    assert reminder.session is not None
    assert reminder.session.exercises


async def test_twice_daily_over_two_days(rt, notifier, clock):
    await seed_user(rt, UID, session_times=("07:30", "18:00"))
    start = local(date(2026, 6, 10), 0, 0)
    events = await run_between(rt, notifier, clock, UID, start, start + timedelta(days=2))
    assert reminders_sent(events) == [
        ("s1", date(2026, 6, 10)),
        ("s2", date(2026, 6, 10)),
        ("s1", date(2026, 6, 11)),
        ("s2", date(2026, 6, 11)),
    ]
    # each at its local wall time
    times = [m.payload.local_date for m in notifier.of("reminder")]
    assert times == [date(2026, 6, 10)] * 2 + [date(2026, 6, 11)] * 2
    # no session on the 10th: the day end logged it missed and the engine knows
    assert [(e.kind, e.local_date, e.outcome) for e in events if e.kind == "dayend"] == [
        ("dayend", date(2026, 6, 10), Outcome.LOGGED),
        ("dayend", date(2026, 6, 11), Outcome.LOGGED),
    ]
    async with rt.uow() as uow:
        state = await load_state(uow, UID)
    assert state is not None
    assert date(2026, 6, 10) in state.missed
    # no check-in on the 11th: nothing was done on the 10th
    assert notifier.of("checkin") == []


async def test_firing_twice_sends_once(rt, notifier, clock):
    await seed_user(rt, UID)
    due = local(date(2026, 6, 10), 7, 30)
    clock.set(due)
    assert await fire(rt, notifier, UID, "reminder", "s1", due) is Outcome.SENT
    assert await fire(rt, notifier, UID, "reminder", "s1", due) is Outcome.DUPLICATE
    assert len(notifier.of("reminder")) == 1


async def test_three_times_a_week_on_default_days(rt, notifier, clock):
    await seed_user(rt, UID, stage=3, weekly_days=(), weekly_time="17:00")
    monday = date(2026, 6, 8)
    start = local(monday, 0, 0)
    events = await run_between(rt, notifier, clock, UID, start, start + timedelta(days=7))
    sent = reminders_sent(events)
    assert [d.weekday() for _, d in sent] == [0, 2, 4]  # Mon, Wed, Fri by default
    assert {s for s, _ in sent} == {"w"}
    for message in notifier.of("reminder"):
        assert message.payload.stage == 3


async def test_three_times_a_week_on_chosen_days(rt, notifier, clock):
    await seed_user(rt, UID, stage=3, weekly_days=(1, 3, 6), weekly_time="06:15")
    start = local(date(2026, 6, 8), 0, 0)
    events = await run_between(rt, notifier, clock, UID, start, start + timedelta(days=14))
    assert [d.weekday() for _, d in reminders_sent(events)] == [1, 3, 6, 1, 3, 6]


async def test_stage_change_switches_cadence_and_tells_the_user(rt, notifier, clock):
    await seed_user(rt, UID, stage=2, weekly_days=())
    clock.set(local(date(2026, 6, 8), 0, 0))
    assert await follow_ups.cadence_notice(rt, notifier, UID) is False  # first plan: silent
    day1 = await run_between(rt, notifier, clock, UID, clock(), clock() + timedelta(days=1))
    assert len(reminders_sent(day1)) == 2

    await set_stage(rt, UID, 3)
    assert await follow_ups.cadence_notice(rt, notifier, UID) is True
    (notice,) = notifier.of("notice")
    assert notice.payload.cadence == "three_weekly"
    assert notice.payload.changed
    assert notice.payload.days_defaulted
    assert notice.payload.weekly_days == (0, 2, 4)
    assert await follow_ups.cadence_notice(rt, notifier, UID) is False  # told once

    week = await run_between(rt, notifier, clock, UID, clock(), clock() + timedelta(days=7))
    assert [d.weekday() for _, d in reminders_sent(week)] == [2, 4, 0]
    # a stale twice-daily job firing after the change sends nothing
    stale = local(date(2026, 6, 16), 7, 30)
    clock.set(stale)
    assert await fire(rt, notifier, UID, "reminder", "s1", stale) is Outcome.NOT_DUE


async def test_snooze_re_reminds_once(rt, notifier, clock):
    await seed_user(rt, UID)
    day = date(2026, 6, 10)
    due = local(day, 7, 30)
    clock.set(due)
    assert await fire(rt, notifier, UID, "reminder", "s1", due) is Outcome.SENT
    clock.advance(minutes=2)
    snooze_at = await reminders.snooze(rt, UID, day, "s1")
    assert snooze_at == clock() + timedelta(minutes=30)
    assert await reminders.snooze(rt, UID, day, "s1") is None  # only once
    (follow_up,) = [
        f for f in await follow_ups.pending_follow_ups(rt, UID) if f.kind is Kind.SNOOZE
    ]
    assert follow_up.run_at == snooze_at
    clock.set(snooze_at)
    assert await fire(rt, notifier, UID, "snooze", "s1", due) is Outcome.SENT
    assert await fire(rt, notifier, UID, "snooze", "s1", due) is Outcome.DUPLICATE
    assert [s.kind for s in notifier.sent] == ["reminder", "snooze"]
    assert notifier.sent[1].payload.variant is Variant.SNOOZE


async def test_snooze_then_session_started_suppresses_the_re_reminder(rt, notifier, clock):
    await seed_user(rt, UID)
    day = date(2026, 6, 10)
    due = local(day, 7, 30)
    clock.set(due)
    await fire(rt, notifier, UID, "reminder", "s1", due)
    await reminders.snooze(rt, UID, day, "s1")
    await add_session(rt, UID, day, status="in_progress")
    clock.advance(minutes=30)
    assert await fire(rt, notifier, UID, "snooze", "s1", due) is Outcome.SUPPRESSED
    assert notifier.kinds() == ["reminder"]


async def test_skip_is_logged_and_suppresses_the_nudge(rt, notifier, clock):
    await seed_user(rt, UID)
    day = date(2026, 6, 10)
    due = local(day, 7, 30)
    clock.set(due)
    await fire(rt, notifier, UID, "reminder", "s1", due)
    assert await reminders.skip(rt, UID, day, "s1") is TapResult.OK
    assert await reminders.skip(rt, UID, day, "s1") is TapResult.ALREADY
    assert await sent_status(rt, "reminder", day, "s1") == "skipped"
    clock.advance(hours=2)
    assert await fire(rt, notifier, UID, "nudge", "s1", due) is Outcome.NOT_DUE
    assert notifier.kinds() == ["reminder"]
    # a skip for a reminder that was never sent is stale
    assert await reminders.skip(rt, UID, day, "s2") is TapResult.STALE


async def test_one_nudge_two_hours_after_a_reminder_and_no_more(rt, notifier, clock):
    await seed_user(rt, UID)
    day = date(2026, 6, 10)
    due = local(day, 7, 30)
    clock.set(due)
    await fire(rt, notifier, UID, "reminder", "s1", due)
    (nudge,) = [f for f in await follow_ups.pending_follow_ups(rt, UID) if f.kind is Kind.NUDGE]
    assert nudge.run_at == due + timedelta(hours=2)
    clock.set(nudge.run_at)
    assert await fire(rt, notifier, UID, "nudge", "s1", due) is Outcome.SENT
    assert await fire(rt, notifier, UID, "nudge", "s1", due) is Outcome.DUPLICATE
    assert notifier.kinds() == ["reminder", "nudge"]
    assert [f for f in await follow_ups.pending_follow_ups(rt, UID) if f.kind is Kind.NUDGE] == []


async def test_no_nudge_when_a_session_was_started(rt, notifier, clock):
    await seed_user(rt, UID)
    day = date(2026, 6, 10)
    due = local(day, 7, 30)
    clock.set(due)
    await fire(rt, notifier, UID, "reminder", "s1", due)
    clock.advance(minutes=40)
    await add_session(rt, UID, day, slot="s1", status="in_progress")
    clock.set(due + timedelta(hours=2))
    assert await fire(rt, notifier, UID, "nudge", "s1", due) is Outcome.SUPPRESSED
    assert notifier.kinds() == ["reminder"]


async def test_session_done_today_suppresses_the_reminder(rt, notifier, clock):
    await seed_user(rt, UID)
    day = date(2026, 6, 10)
    await add_session(rt, UID, day, slot="s1", status="done")
    due = local(day, 7, 30)
    clock.set(due)
    assert await fire(rt, notifier, UID, "reminder", "s1", due) is Outcome.SUPPRESSED
    # the evening reminder still comes: one session is not two
    evening = local(day, 18, 0)
    clock.set(evening)
    assert await fire(rt, notifier, UID, "reminder", "s2", evening) is Outcome.SENT
    assert notifier.kinds() == ["reminder"]


async def test_a_session_stopped_for_pain_ends_the_day_no_evening_reminder(rt, notifier, clock):
    """Pain >= 7 ends the session with "stop for today and rest": the evening reminder and its
    nudge stay silent (protocol section 5)."""
    await seed_user(rt, UID)
    day = date(2026, 6, 10)
    due = local(day, 7, 30)
    clock.set(due)
    assert await fire(rt, notifier, UID, "reminder", "s1", due) is Outcome.SENT
    await add_session(rt, UID, day, slot="1", status="ended_early")
    evening = local(day, 18, 0)
    clock.set(evening)
    assert await fire(rt, notifier, UID, "reminder", "s2", evening) is Outcome.SUPPRESSED
    clock.set(due + timedelta(hours=2))
    assert await fire(rt, notifier, UID, "nudge", "s1", due) is Outcome.SUPPRESSED
    assert notifier.kinds() == ["reminder"]


async def test_paused_user_gets_nothing(rt, notifier, clock):
    await seed_user(rt, UID, paused=True)
    start = local(date(2026, 6, 10), 0, 0)
    events = await run_between(rt, notifier, clock, UID, start, start + timedelta(days=2))
    assert events == []  # paused indefinitely: no occurrences at all
    due = local(date(2026, 6, 10), 7, 30)
    clock.set(due)
    assert await fire(rt, notifier, UID, "reminder", "s1", due) is Outcome.NOT_DUE
    assert notifier.sent == []


async def test_blocked_user_is_marked_inactive_and_start_brings_them_back(rt, notifier, clock):
    await seed_user(rt, UID)
    notifier.blocked.add(UID)
    due = local(date(2026, 6, 10), 7, 30)
    clock.set(due)
    assert await fire(rt, notifier, UID, "reminder", "s1", due) is Outcome.BLOCKED
    async with rt.uow() as uow:
        assert UID not in await uow.users.active_ids()
    evening = local(date(2026, 6, 10), 18, 0)
    clock.set(evening)
    assert await fire(rt, notifier, UID, "reminder", "s2", evening) is Outcome.INACTIVE
    notifier.blocked.clear()
    await register(rt, user_id=UID, chat_id=UID, first_name="Alex", language="en")
    nxt = local(date(2026, 6, 11), 7, 30)
    clock.set(nxt)
    assert await fire(rt, notifier, UID, "reminder", "s1", nxt) is Outcome.SENT


DST_NIGHTS = [
    # zone, a date with a change, the wall time that is skipped or repeated, forward?
    ("Europe/Berlin", date(2026, 3, 29), time(2, 30), True),
    ("Europe/Berlin", date(2026, 10, 25), time(2, 30), False),
    ("America/New_York", date(2026, 3, 8), time(2, 30), True),
    ("America/New_York", date(2026, 11, 1), time(1, 30), False),
    ("Australia/Sydney", date(2026, 10, 4), time(2, 30), True),
    ("Australia/Sydney", date(2026, 4, 5), time(2, 30), False),
]


@pytest.mark.parametrize(("zone", "change", "at", "forward"), DST_NIGHTS)
async def test_dst_night_each_reminder_exactly_once(rt, notifier, clock, zone, change, at, forward):
    tz = ZoneInfo(zone)
    await seed_user(rt, UID, zone=zone, session_times=(at.strftime("%H:%M"), "07:30"))
    start = planner.local_instant(change - timedelta(days=1), time(0, 0), tz)
    events = await run_between(rt, notifier, clock, UID, start, start + timedelta(days=3))
    sent = reminders_sent(events)
    days = [change - timedelta(days=1), change, change + timedelta(days=1)]
    assert sent == [(slot, d) for d in days for slot in ("s1", "s2")]
    walls = [
        (e.local_date, e.slot, e.due_utc.astimezone(tz).time())
        for e in events
        if e.kind == Kind.REMINDER and e.outcome is Outcome.SENT
    ]
    assert [(m.payload.local_date, m.payload.slot) for m in notifier.of("reminder")] == [
        (d, s) for d, s, _ in walls
    ]
    for local_date, slot, wall in walls:
        if slot == "s2":
            assert wall == time(7, 30)  # 07:30 stays 07:30 across the change
        elif local_date == change and forward:
            shifted = (datetime.combine(change, at) + timedelta(hours=1)).time()
            assert wall == shifted  # inside the skipped hour: once, shifted
        else:
            assert wall == at


async def test_weekly_summary_on_sunday_evening_once(rt, notifier, clock):
    await seed_user(rt, UID)
    sunday = date(2026, 6, 14)
    due = local(sunday, 19, 0)
    clock.set(due)
    assert await fire(rt, notifier, UID, "summary", "sum", due) is Outcome.SENT
    assert await fire(rt, notifier, UID, "summary", "sum", due) is Outcome.DUPLICATE
    (summary,) = notifier.of("summary")
    assert isinstance(summary.payload, WeeklySummary)
    assert summary.payload.onboarded


async def test_checkin_is_not_sent_twice_nor_after_an_answer(rt, notifier, clock):
    await seed_user(rt, UID, checkin_time="08:30")
    day = date(2026, 6, 10)
    await add_session(rt, UID, day - timedelta(days=1), slot="1")
    due = local(day, 8, 30)
    clock.set(due)
    assert await fire(rt, notifier, UID, "checkin", "mc", due) is Outcome.SENT
    assert await fire(rt, notifier, UID, "checkin", "mc", due) is Outcome.DUPLICATE
    assert [s.payload for s in notifier.of("checkin")] == [day]


async def test_yesterdays_reminder_can_no_longer_be_snoozed_or_skipped(rt, notifier, clock):
    await seed_user(rt, UID)
    day = date(2026, 6, 10)
    due = local(day, 7, 30)
    clock.set(due)
    await fire(rt, notifier, UID, "reminder", "s1", due)
    assert await reminders.reminder_is_for(rt, UID, day, "s1") is True
    assert await reminders.reminder_is_for(rt, UID, day, "s2") is False  # never sent
    clock.set(local(day + timedelta(days=1), 0, 5))
    assert await reminders.reminder_is_for(rt, UID, day, "s1") is False


async def test_the_day_of_onboarding_is_not_missed_when_its_reminders_came_before(rt, clock):
    day = date(2026, 6, 10)
    await seed_user(rt, UID, started_at=local(day, 19, 0))  # after 07:30 and 18:00
    clock.set(local(day, 23, 59))
    assert await service.fire(rt, RecordingNotifier(), UID, "dayend", "eod", clock()) is (
        Outcome.NOT_DUE
    )
    nxt = local(day + timedelta(days=1), 23, 59)
    clock.set(nxt)
    assert await service.fire(rt, RecordingNotifier(), UID, "dayend", "eod", nxt) is Outcome.LOGGED


async def test_checkin_follows_an_unscheduled_session_day_too(rt, notifier, clock):
    await seed_user(rt, UID, stage=3, weekly_days=(0, 2, 4), checkin_time="08:00")
    tuesday = date(2026, 6, 9)  # not a training day
    await add_session(rt, UID, tuesday, slot="1")
    start = local(tuesday, 0, 0)
    await run_between(rt, notifier, clock, UID, start, start + timedelta(days=3))
    assert [s.payload for s in notifier.of("checkin")] == [tuesday + timedelta(days=1)]
