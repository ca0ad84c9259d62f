"""Stages 2-4, maintenance and the gate tests as a user meets them on the phone.

Users are seeded straight into a stage (the engine's own tests cover how they get there); what
is checked here is what the bot says and offers.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

import rehab
from bot import texts
from bot.app import BotRunner
from service_layer.programme import save_state
from service_layer.runtime import Runtime
from standin.server import FakeBotApi
from tests.e2e.test_session import UID, ask_checkin, local_today, moderate_profile, seed_user
from tests.fakes import FakeClock
from tests.unit.rehab.helpers import green_day

pytestmark = pytest.mark.e2e

UTC = ZoneInfo("UTC")


async def test_maintenance_plans_one_session_a_week_like_its_reminders(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    """Training days Mon, Wed, Fri: maintenance reminds on Monday only, so /plan shows one
    session, and Wednesday is a rest day in /today."""
    clock.set(datetime(2026, 12, 2, 8, 0, tzinfo=UTC))  # a Wednesday
    await seed_user(
        bot.runtime,
        started=date(2026, 9, 1),
        update={"stage": 4, "rung": 0, "status": rehab.ProgrammeStatus.MAINTENANCE},
    )
    user = standin.user(UID)
    await user.send("/plan")
    plan = await user.wait_for(contains="This week")
    assert plan.content.count(": 1 session") == 1
    assert "Mon 30: 1 session" in plan.content
    assert "Fri 04: rest" in plan.content
    await user.send("/today")
    today = await user.wait_for(contains="Today")
    assert "Rest day today. Next session: Mon 7 Dec at 18:00." in today.content
    assert today.buttons == []


async def test_maintenance_is_called_maintenance_not_stage_4_hops(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    await seed_user(
        bot.runtime,
        started=date(2026, 9, 1),
        update={"stage": 4, "rung": 8, "status": rehab.ProgrammeStatus.MAINTENANCE},
    )
    user = standin.user(UID)
    await user.send("/stage")
    stage = await user.wait_for(contains="Maintenance")
    assert stage.content.startswith(f"Maintenance\n{texts.STAGE_MAINTENANCE}")
    assert texts.STAGE_NAMES[4] not in stage.content
    assert texts.STAGE_PURPOSES[4] not in stage.content
    await user.send("/plan")
    assert (await user.wait_for(contains="This week")).content.startswith("This week · Maintenance")
    await user.send("/today")
    assert (await user.wait_for(contains="Today")).content.startswith("Today · Maintenance")


async def test_stage4_hops_go_on_without_the_reps_left_question(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    """Easy / right / hard steers heavy loads; after a set of hops it would mean nothing."""
    clock.set(datetime(2026, 12, 2, 8, 0, tzinfo=UTC))  # a Wednesday: a training day
    state = await seed_user(bot.runtime, update={"stage": 4, "rung": 2})
    plan = rehab.prescribe(state, local_today(clock()))
    first, second = plan.exercises[:2]
    assert first.kind == rehab.ExerciseKind.PLYO
    user = standin.user(UID)
    await user.send("/today")
    await user.wait_for(contains="Stage 4")
    await user.tap(text=texts.SESSION_START_BUTTON)
    await user.wait_for(contains="Set 1 of")
    for set_no in range(1, first.sets + 1):
        await user.tap(text=texts.SESSION_GO)
        cue = await user.wait_for(contains=f"{first.contacts} contacts")
        await user.tap(text=texts.SESSION_DONE, message=cue)
        await user.wait_for(contains="Pain during that set?")
        await user.tap(text="1")
        reply = await user.wait_for(contains="1/10")
        if set_no < first.sets:
            await user.tap(text=texts.SESSION_SKIP_REST)
            await user.wait_for(contains=f"Set {set_no + 1} of")
    assert texts.SESSION_EFFORT_QUESTION not in reply.content
    assert f"{second.name}" in reply.content
    assert "Set 1 of" in reply.content


async def seed_state(runtime: Runtime, state: rehab.ProgrammeState) -> None:
    """A user onboarded with `state`'s profile, whose programme is `state`."""
    await seed_user(runtime, profile=state.profile, started=state.programme_start)
    async with runtime.uow() as uow:
        await save_state(uow, UID, state, runtime.now())
        await uow.commit()


def due_for_stage3(today: date) -> rehab.ProgrammeState:
    """Green Stage 2 days (low irritability, 15 raises) until the Stage 3 test is due today."""
    profile = moderate_profile().model_copy(
        update={"rest_pain": 1, "morning_pain": 2, "single_leg_heel_raises": 15}
    )
    start = today - timedelta(days=60)
    state = rehab.start_programme(profile, start)
    day = start
    while not rehab.gate_status(state, day).due:
        state = green_day(state, day)
        day += timedelta(days=1)
    # The same history, shifted so that the test falls due today.
    shift = today - day
    state = rehab.start_programme(profile, start + shift)
    day = start + shift
    while day < today:
        state = green_day(state, day)
        day += timedelta(days=1)
    assert state.stage == 2
    assert rehab.gate_status(state, today).due
    return state


async def test_a_due_test_announced_at_check_in_says_how_to_take_it(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    today = local_today(clock())
    await seed_state(bot.runtime, due_for_stage3(today))
    user = standin.user(UID)
    await ask_checkin(bot, today.strftime("%Y%m%d"))
    question = await user.wait_for(contains="first steps")
    await user.tap(text="2", message=question)
    decided = await user.wait_for(contains="Morning pain 2/10 noted")
    assert "Time for the test" in decided.content
    assert texts.TEST_HOW in decided.content
    await user.send("/today")
    assert texts.STAGE_GATE_DUE in (await user.wait_for(contains="Stage 2")).content


async def test_a_long_break_tells_how_to_do_the_recheck(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    today = local_today(clock())
    await seed_user(
        bot.runtime,
        started=today - timedelta(days=40),
        update={"last_session_on": today - timedelta(days=21)},
    )
    user = standin.user(UID)
    await user.send("/today")
    shown = await user.wait_for(contains="Stage 1")
    assert texts.STAGE_RECHECK_DUE in shown.content
    await user.tap(text=texts.SESSION_START_BUTTON)
    intro = await user.wait_for(contains="Set 1 of")
    assert "21 days since your last session" in intro.content
    assert texts.TEST_HOW in intro.content
    await user.send("/stage")
    stage = await user.wait_for(contains="Stage 1")
    assert texts.STAGE_RECHECK_DUE in stage.content
    assert texts.STAGE_GATE_DUE not in stage.content


async def test_the_recheck_asks_about_this_morning_without_saying_good_morning(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 12, 1, 17, 0, tzinfo=UTC))  # 18:00 in Berlin
    await seed_user(bot.runtime, update={"needs_recheck": True})
    user = standin.user(UID)
    await user.send("/test")
    question = await user.wait_for(contains="first steps")
    assert question.content == texts.TEST_MORNING_PAIN
    assert "Good morning" not in question.content
    assert [label for label, _ in question.buttons] == [str(v) for v in range(11)]
