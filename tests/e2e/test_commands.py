"""The everyday commands end to end: for someone who has not onboarded, mid-onboarding (/cancel
then /start), and for an onboarded user (/start status, start over, /pause, /resume, /settings)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

import rehab
from bot import texts
from bot.app import BotRunner
from service_layer import onboarding as ob
from service_layer.programme import load_state, save_state
from standin.server import FakeBotApi
from tests.e2e.test_onboarding import answer_rest, answer_until_weight, send_and_wait, tap_and_wait
from tests.fakes import FakeClock

pytestmark = pytest.mark.e2e


async def test_commands_answer_sensibly_before_onboarding(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    nia = standin.user(4201, first_name="Nia")
    for command in ("/pause", "/resume", "/settings"):
        reply = await send_and_wait(nia, command, "/start")
        assert reply.content == texts.NOT_ONBOARDED
    about = await send_and_wait(nia, "/about", "not a doctor")
    for source in ("Silbernagel", "Alfredson", "Beyer", "Jonsson"):
        assert source in about.content
    await send_and_wait(nia, "/cancel", "Nothing to cancel")
    await send_and_wait(nia, "/help", "What I can do")
    await send_and_wait(nia, "/start", "can't diagnose")
    async with bot.runtime.uow() as uow:
        assert await uow.profiles.get(4201) is None
        assert await uow.programmes.get(4201) is None


async def test_cancel_leaves_onboarding_and_start_resumes_it(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    ola = standin.user(4202, first_name="Ola")
    await answer_until_weight(ola)
    await send_and_wait(ola, "/cancel", "Setup paused")
    # The flow no longer listens: a number is not taken as the weight.
    assert (await send_and_wait(ola, "72", "/start")).content == texts.OB_PARKED
    # Its old buttons point back to /start instead of acting.
    await ola.tap(text=texts.OB_BACK)
    await ola.wait_for(contains="/start to carry on")
    async with bot.runtime.uow() as uow:
        flow = await uow.flows.get(4202)
    assert flow is not None
    assert ob.WEIGHT not in flow.data["a"]

    await send_and_wait(ola, "/start", "carry on where you left off")
    await ola.wait_for(contains="What do you weigh")
    await send_and_wait(ola, "72", "stair")
    async with bot.runtime.uow() as uow:
        flow = await uow.flows.get(4202)
    assert flow is not None
    assert flow.data["a"]["rest_pain"] == 3  # the earlier answers were kept
    assert flow.data["a"][ob.WEIGHT] == 72.0


async def test_onboarded_user_status_pause_resume_settings_start_over(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    uma = standin.user(4203, first_name="Uma")
    await answer_until_weight(uma)
    await answer_rest(uma)
    await tap_and_wait(uma, texts.OB_WAIT, "remind you")
    runtime = bot.runtime

    status = await send_and_wait(uma, "/start", "welcome back")
    assert "Stage 1" in status.content
    assert "today at 19:30" in status.content

    # /pause for a week: stored, and the status says so.
    await send_and_wait(uma, "/pause", "how long")
    done = await tap_and_wait(uma, "1 week", "paused until")
    assert "Tue 08 Dec" in done.content
    async with runtime.uow() as uow:
        profile = await uow.profiles.get(4203)
        state = await load_state(uow, 4203)
    assert profile is not None
    assert state is not None
    assert (profile.paused, profile.paused_until) == (True, date(2026, 12, 8))
    assert state.paused
    await send_and_wait(uma, "/pause", "already paused")
    await send_and_wait(uma, "/resume", "reminders are on again")
    async with runtime.uow() as uow:
        profile = await uow.profiles.get(4203)
    assert profile is not None
    assert (profile.paused, profile.paused_until) == (False, None)
    await send_and_wait(uma, "/resume", "aren't paused")

    # /settings: body weight typed, zone typed, weekly summary off; each stored at once.
    menu = await send_and_wait(uma, "/settings", "Your settings")
    assert "72.6 kg" in menu.content
    assert "Europe/Berlin" in menu.content
    await tap_and_wait(uma, "Body weight", "What do you weigh")
    await send_and_wait(uma, "300", "between 30 and 250")
    saved = await send_and_wait(uma, "80", "Saved")
    assert saved.content == texts.SETTINGS_SAVED_DOSE  # a weight moves doses, not reminders
    await send_and_wait(uma, "/settings", "80 kg")
    await tap_and_wait(uma, "Time zone", "Which time zone")
    confirm = await send_and_wait(uma, "New York", "where you are")
    assert "03:00" in confirm.content  # 08:00 UTC
    saved = await tap_and_wait(uma, "Yes, that's right", "Saved")
    assert saved.content.startswith(texts.SETTINGS_SAVED)
    # Every time is shown back as it now stands, in the new zone.
    assert "Sessions: 07:00 and 19:30" in saved.content
    assert "Morning question: 06:30" in saved.content
    assert "All in your time zone, America/New_York." in saved.content
    await send_and_wait(uma, "/settings", "America/New_York")
    await uma.tap(text=texts.SETTINGS_SUMMARY_ON)
    edited = await uma.wait_for(lambda m: m.edited)  # the menu itself shows the new setting
    assert "Weekly summary: off" in edited.content
    assert texts.SETTINGS_SUMMARY_OFF in [label for label, _ in edited.buttons]
    await uma.wait_for(contains="now off")
    await tap_and_wait(uma, texts.SETTINGS_CLOSE, texts.SETTINGS_CLOSED)  # Done still works
    await send_and_wait(uma, "/settings", "Your settings")
    await tap_and_wait(uma, "Session times", "first session")
    # Not before the 06:30 check-in: the reason, and times that work.
    await tap_and_wait(uma, "06:30", "after 06:30")
    await tap_and_wait(uma, "07:00", "second session")
    await tap_and_wait(uma, texts.OB_TIME2_ONCE, "Saved")
    async with runtime.uow() as uow:
        user = await uow.users.get(4203)
        profile = await uow.profiles.get(4203)
        state = await load_state(uow, 4203)
    assert user is not None
    assert profile is not None
    assert state is not None
    assert user.timezone == "America/New_York"
    assert state.profile.bodyweight_kg == 80.0
    assert state.profile.once_daily
    assert rehab.cadence(state) is rehab.Cadence.ONCE_DAILY
    assert profile.session_times == ["07:00"]
    assert profile.weekly_summary is False

    # Start over asks first; "no" keeps the programme, "yes" runs the questions again.
    await send_and_wait(uma, "/start", "welcome back")
    await tap_and_wait(uma, texts.STATUS_START_OVER, "Start over?")
    await tap_and_wait(uma, texts.START_OVER_NO, "nothing changed")
    await send_and_wait(uma, "/start", "welcome back")
    await tap_and_wait(uma, texts.STATUS_START_OVER, "Start over?")
    await tap_and_wait(uma, texts.START_OVER_YES, "can't diagnose")
    async with runtime.uow() as uow:
        assert await uow.programmes.get(4203) is not None  # kept until the new setup is done


async def test_stopped_user_restarts_only_after_confirming_clearance(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    ivy = standin.user(4204, first_name="Ivy")
    await answer_until_weight(ivy)
    await answer_rest(ivy)
    await tap_and_wait(ivy, texts.OB_WAIT, "remind you")
    runtime = bot.runtime
    async with runtime.uow() as uow:  # a red flag confirmed later stopped the programme
        state = await load_state(uow, 4204)
        assert state is not None
        flagged_on = runtime.now().astimezone(ZoneInfo("Europe/Berlin")).date()
        stopped, _ = rehab.stop_programme(state, "rupture", flagged_on)
        await save_state(uow, 4204, stopped, runtime.now())
        await uow.commit()

    # Issue 11: not in the same sitting as the flag; from the next day, naming the flag
    same_day = await send_and_wait(ivy, "/start", "programme is stopped")
    assert same_day.buttons == []
    assert "From tomorrow" in same_day.content
    clock.advance(days=1)
    status = await send_and_wait(ivy, "/start", "programme is stopped")
    assert "because of a possible tendon tear" in status.content
    assert [label for label, _ in status.buttons] == [texts.OB_FLAGGED_CLEARED]
    await tap_and_wait(ivy, texts.OB_FLAGGED_CLEARED, "examined you")
    await tap_and_wait(ivy, texts.START_OVER_NO, "nothing changed")
    async with runtime.uow() as uow:
        state = await load_state(uow, 4204)
    assert state is not None
    assert state.status is rehab.ProgrammeStatus.STOPPED

    await send_and_wait(ivy, "/start", "programme is stopped")
    await tap_and_wait(ivy, texts.OB_FLAGGED_CLEARED, "examined you")
    await tap_and_wait(ivy, texts.OB_CLEARED_YES, "starts again")
    async with runtime.uow() as uow:
        state = await load_state(uow, 4204)
        codes = [a.code for a in await uow.red_flags.all_for(4204)]
    assert state is not None
    assert state.status is rehab.ProgrammeStatus.ACTIVE
    assert [r.code for r in state.red_flag_history] == ["rupture"]
    assert codes[-1] == "rupture"  # the clearance names the flag it clears


async def session_jobs(bot: BotRunner, user_id: int) -> dict[str, datetime]:
    """The user's session reminders in the due-queue: slot → due instant."""
    assert bot.scheduler is not None
    rows = await bot.scheduler.rows_of(user_id)
    return {row.slot: row.about for row in rows.values() if row.kind == "reminder"}


async def test_settings_pause_and_resume_reach_the_schedule_at_once(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    rio = standin.user(4205, first_name="Rio")
    await answer_until_weight(rio)
    await answer_rest(rio)
    berlin = ZoneInfo("Europe/Berlin")
    assert await session_jobs(bot, 4205) == {
        "s1": datetime(2026, 12, 2, 7, 0, tzinfo=berlin),
        "s2": datetime(2026, 12, 1, 19, 30, tzinfo=berlin),
    }

    # Back from a settings question returns to the menu; then new times, once a day.
    await send_and_wait(rio, "/settings", "Your settings")
    await tap_and_wait(rio, "Session times", "first session")
    await tap_and_wait(rio, texts.OB_BACK, "Your settings")
    await tap_and_wait(rio, "Session times", "first session")
    # A time said another way is shown back, in the user's zone, before it is kept.
    await send_and_wait(rio, "6:15 pm", "Did you mean 18:15 (Berlin time)?")
    await tap_and_wait(rio, "Yes, 18:15 (Berlin time)", "second session")
    await tap_and_wait(rio, texts.OB_TIME2_ONCE, "Saved")
    assert await session_jobs(bot, 4205) == {"s1": datetime(2026, 12, 1, 18, 15, tzinfo=berlin)}

    # Days for the three-weekly stages: typed, back-to-back days refused with a hint.
    await send_and_wait(rio, "/settings", "Your settings")
    await tap_and_wait(rio, "Days", "three times a week")
    await send_and_wait(rio, "mon tue wed", "rest day between")
    await send_and_wait(rio, "tue thu sat", "what time on those days")
    await send_and_wait(rio, "07:00", "Saved")
    async with bot.runtime.uow() as uow:
        profile = await uow.profiles.get(4205)
    assert profile is not None
    assert (profile.weekly_days, profile.weekly_time) == ([1, 3, 5], "07:00")

    # Paused until /resume: no reminders at all; /resume brings them back.
    await send_and_wait(rio, "/pause", "how long")
    await tap_and_wait(rio, "Until I /resume", "Send /resume")
    assert await session_jobs(bot, 4205) == {}
    await send_and_wait(rio, "/resume", "a week or more")
    assert await session_jobs(bot, 4205) == {"s1": datetime(2026, 12, 1, 18, 15, tzinfo=berlin)}

    # Moving to Tokyo moves the reminder with it: 18:15 there is 09:15 UTC today.
    await send_and_wait(rio, "/settings", "Your settings")
    await tap_and_wait(rio, "Time zone", "Which time zone")
    await tap_and_wait(rio, "Tokyo", "where you are")
    await tap_and_wait(rio, "Yes, that's right", "Saved")
    tokyo = ZoneInfo("Asia/Tokyo")
    assert await session_jobs(bot, 4205) == {"s1": datetime(2026, 12, 1, 18, 15, tzinfo=tokyo)}
