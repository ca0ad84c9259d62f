"""Reminders through the real bot and the stand-in: a queued reminder fires, the buttons work,
blocking."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import texts
from bot.app import BotRunner
from service_layer import planner
from standin.server import FakeBotApi
from tests.fakes import FakeClock
from tests.integration.scheduler.seed import add_session, seed_user, set_stage

pytestmark = pytest.mark.e2e

UID = 5151
ZONE = ZoneInfo("Europe/Berlin")
DAY = date(2026, 12, 2)  # a Wednesday
DUE = planner.local_instant(DAY, time(7, 30), ZONE)


async def onboard(bot: BotRunner, clock: FakeClock, standin: FakeBotApi) -> None:
    """An onboarded user, a day before their 07:30 reminder, with no jobs armed yet."""
    standin.user(UID, "Sam")
    clock.set(DUE - timedelta(days=1))
    await seed_user(bot.runtime, UID, session_times=("07:30", "18:00"), weekly_summary=False)


async def arm_reminder(bot: BotRunner, clock: FakeClock, standin: FakeBotApi) -> None:
    """An onboarded user whose 07:30 reminder is one second away on the bot's clock."""
    await onboard(bot, clock, standin)
    runtime = bot.runtime
    clock.set(DUE - timedelta(seconds=1))
    await runtime.reschedule(UID)
    assert set(await queued(bot)) >= {"s1", "s2"}


async def queued(bot: BotRunner) -> dict[str, datetime]:
    """The user's rows in the due-queue: job → the occurrence it is about."""
    assert bot.scheduler is not None
    return {job: row.about for job, row in (await bot.scheduler.rows_of(UID)).items()}


async def wait_until(predicate, within: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not await predicate():
        assert loop.time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.05)


async def test_reminder_fires_with_the_dose_and_three_buttons(bot, standin, clock):
    user = standin.user(UID, "Sam")
    await arm_reminder(bot, clock, standin)
    clock.set(DUE)
    reminder = await user.wait_for(contains=texts.REMINDER_ON_TIME, timeout=5)
    assert "Today:" in reminder.content
    assert "Stage 1" in reminder.content
    labels = [label for label, _ in reminder.buttons]
    assert labels == [texts.REMINDER_START, texts.REMINDER_SNOOZE, texts.REMINDER_SKIP]
    assert [data for _, data in reminder.buttons] == [
        "rem:20261202:s1:start",
        "rem:20261202:s1:snooze",
        "rem:20261202:s1:skip",
    ]

    # the row re-armed itself for tomorrow
    async def rearmed() -> bool:
        return (await queued(bot)).get("s1") == DUE + timedelta(days=1)

    await wait_until(rearmed)
    # and the nudge is queued, 2 h after the reminder
    assert bot.scheduler is not None
    nudge = (await bot.scheduler.rows_of(UID))["s1:nudge"]
    assert nudge.due_at == DUE + timedelta(hours=2)


async def test_snooze_once_then_skip(bot, standin, clock):
    user = standin.user(UID, "Sam")
    await arm_reminder(bot, clock, standin)
    clock.set(DUE)
    reminder = await user.wait_for(contains=texts.REMINDER_ON_TIME, timeout=5)

    clock.advance(minutes=1)
    await user.tap(text=texts.REMINDER_SNOOZE, message=reminder)
    await user.wait_for(contains="remind you once more in 30 minutes")
    assert "s1:snooze" in await queued(bot)

    again = await user.tap(text=texts.REMINDER_SNOOZE, message=reminder)
    assert (await user.wait_answered(again)).text == texts.REMINDER_ALREADY_SNOOZED

    await user.tap(text=texts.REMINDER_SKIP, message=reminder)
    await user.wait_for(contains=texts.REMINDER_SKIP_OK)
    async with bot.runtime.uow() as uow:
        row = await uow.sent_log.get(UID, "reminder", DAY, "s1")
    assert row is not None
    assert row.status == "skipped"


async def test_forged_reminder_button_is_refused(bot, standin, clock):
    user = standin.user(UID, "Sam")
    # No reminder armed: one due a second later could be sent before the tap is handled.
    await onboard(bot, clock, standin)
    await user.tap_data("rem:20261202:s1:skip", message_id=1)  # never sent to this user
    await user.wait_for(contains=texts.REMINDER_STALE)
    await user.tap_data("rem:notadate:s1:snooze", message_id=1)
    await user.wait_for(contains=texts.REMINDER_STALE)


async def test_blocked_user_stops_being_scheduled_and_start_brings_them_back(bot, standin, clock):
    user = standin.user(UID, "Sam")
    await arm_reminder(bot, clock, standin)
    standin.block_user(UID)
    clock.set(DUE)

    async def inactive() -> bool:
        async with bot.runtime.uow() as uow:
            return UID not in await uow.users.active_ids()

    await wait_until(inactive)
    await wait_until(lambda: _no_jobs(bot))
    assert user.messages == []

    standin.unblock_user(UID)
    await user.send("/start")
    await user.wait_for(timeout=5)  # /start answers (greeting or status)
    assert not await inactive()
    assert {"s1", "s2"} <= set(await queued(bot))


async def _no_jobs(bot: BotRunner) -> bool:
    return await queued(bot) == {}


async def test_start_opens_the_guided_session(bot, standin, clock):
    user = standin.user(UID, "Sam")
    await arm_reminder(bot, clock, standin)
    clock.set(DUE)
    reminder = await user.wait_for(contains=texts.REMINDER_ON_TIME, timeout=5)
    await user.tap(text=texts.REMINDER_START, message=reminder)
    await user.wait_for(timeout=5)
    await user.wait_idle()
    assert texts.REMINDER_STALE not in [m.content for m in user.messages]
    async with bot.runtime.uow() as uow:
        opened = await uow.sessions.open_for(UID)
    assert opened is not None
    assert opened.local_date == DAY


async def test_morning_checkin_after_a_session_day_with_the_pain_buttons(bot, standin, clock):
    user = standin.user(UID, "Sam")
    await arm_reminder(bot, clock, standin)
    await add_session(bot.runtime, UID, DAY, slot="1")
    checkin_due = planner.local_instant(DAY + timedelta(days=1), time(8, 30), ZONE)
    clock.set(checkin_due - timedelta(seconds=1))
    await bot.runtime.reschedule(UID)
    clock.set(checkin_due)
    question = await user.wait_for(contains="first steps", timeout=5)
    assert [label for label, _ in question.buttons] == [str(v) for v in range(11)]
    assert question.buttons[3][1] == "mc:20261203:3"
    await user.tap(text="3", message=question)
    await user.wait_for(timeout=5)  # the check-in feature answers with its decision


async def test_stage3_without_days_asks_for_them_and_the_schedule_follows(bot, standin, clock):
    """Entering Stage 3 changes the rhythm: the user is told, asked for days with a button, and
    the days they choose reach the schedule at once."""
    user = standin.user(UID, "Sam")
    clock.set(DUE - timedelta(days=1))
    await seed_user(bot.runtime, UID, stage=2, weekly_days=(), weekly_summary=False)
    await bot.runtime.reschedule(UID)  # the first plan is recorded silently
    await set_stage(bot.runtime, UID, 3)
    await bot.runtime.reschedule(UID)

    notice = await user.wait_for(contains="three times a week")
    assert "Until you choose, I'll use Mon, Wed and Fri" in notice.content
    assert [label for label, _ in notice.buttons] == [texts.DAYS_CHOOSE]
    await user.tap(text=texts.DAYS_CHOOSE, message=notice)
    await user.wait_for(contains="Which days suit you")
    await user.tap(text="Tue · Thu · Sat")
    await user.wait_for(contains="At what time on those days")
    await user.send("06:45")
    await user.wait_for(contains="Saved")

    async with bot.runtime.uow() as uow:
        profile = await uow.profiles.get(UID)
    assert profile is not None
    assert (profile.weekly_days, profile.weekly_time) == ([1, 3, 5], "06:45")
    rows = await queued(bot)
    due = rows["w"].astimezone(ZONE)
    assert (due.weekday(), due.time()) == (3, time(6, 45))  # Thu 3 Dec, the next chosen day
    assert "s1" not in rows

    # A forged variant of the button is refused like any stale one.
    await user.tap_data("home:nope", notice.message_id)
    await user.wait_for(contains="That button has expired")
