"""The rule book's revision 2 in the chat (issue 11), end to end through the Bot API stand-in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

import rehab
from bot import texts
from bot.app import BotRunner
from bot.callbacks import pack
from bot.keyboards import pain_keyboard
from bot.services.programme import load_state
from tests.e2e.test_session import UID, local_today, seed_user
from tests.fakes import FakeClock
from tests.standin.driver import UserDriver
from tests.standin.server import FakeBotApi

pytestmark = pytest.mark.e2e


def strong_profile(**over: object) -> rehab.Profile:
    """Low irritability with 25+ raises: Stage 2's top, or the Stage 3 test chosen at signup."""
    data: dict[str, object] = {
        "presentation": "mid-portion",
        "side": "right",
        "bodyweight_kg": 75,
        "max_added_load_kg": 20,
        "rest_pain": 0,
        "morning_pain": 1,
        "stiffness_minutes": 5,
        "single_leg_heel_raises": 30,
        "stage3_entry_test": True,
    }
    data.update(over)
    return rehab.Profile.model_validate(data)


async def morning(bot: BotRunner, user: UserDriver, day: date, pain: int) -> str:
    """The scheduler's morning question for ``day``, answered with ``pain``; the reply."""
    await bot.application.bot.send_message(
        UID,
        texts.CHECKIN_QUESTION,
        reply_markup=pain_keyboard(lambda v: pack("mc", day.strftime("%Y%m%d"), v)),
    )
    question = await user.wait_for(contains="first steps")
    await user.tap(text=str(pain), message=question)
    told = await user.wait_for(contains=f"Morning pain {pain}/10 noted")
    return told.content


async def test_a_signup_test_is_void_after_two_flares_and_a_step_back_to_stage1(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    """The issue's scenario: "Test for Stage 3" chosen at signup, two flares, back to Stage 1;
    two days later the old test must not be offered (it was, and led straight to Stage 3)."""
    await seed_user(bot.runtime, profile=strong_profile())
    user = standin.user(UID)
    async with bot.runtime.uow() as uow:
        state = await load_state(uow, UID)
    assert state is not None
    assert state.entry_test_pending  # the signup choice
    assert rehab.gate_status(state, local_today(clock())).test is rehab.GateTest.STAGE3_ENTRY

    clock.advance(days=1)
    first = await morning(bot, user, local_today(clock()), 6)
    assert "6/10, a flare" in first
    clock.advance(days=2)
    second = await morning(bot, user, local_today(clock()), 6)
    assert "second flare within 7 days" in second
    assert "Stage 1" in second

    clock.advance(days=2)
    await user.send("/test")
    reply = await user.wait_for(contains="No test is due")
    assert reply.content == texts.TEST_NOT_DUE
    async with bot.runtime.uow() as uow:
        state = await load_state(uow, UID)
        tests = list(await uow.gate_tests.all_for(UID))
    assert state is not None
    assert state.stage == 1
    assert not state.entry_test_pending
    assert tests == []


async def test_a_walk_jog_session_is_timed_walk_by_jog(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    """The running block in chat: 4 × (walk 2 min, jog 2 min), the bot says when to jog and
    when to walk again, then asks the pain once; no reps-left question after a run."""
    clock.set(datetime(2026, 12, 2, 8, 0, tzinfo=UTC))  # a Wednesday: a training day
    today = local_today(clock())
    state = await seed_user(
        bot.runtime,
        profile=strong_profile(stage3_entry_test=False),
        started=today - timedelta(weeks=12),
        update={
            "stage": 4,
            "rung": 4,
            "stage_start": today - timedelta(weeks=4),
            "last_hsr_on": today - timedelta(days=2),
            "last_session_on": today - timedelta(days=2),
            "runs": True,
            "run_since": today - timedelta(days=1),
            "hop_test_on": today - timedelta(days=1),
        },
    )
    plan = rehab.prescribe(state, today)
    assert plan.session_type is rehab.SessionType.RUN
    (run,) = plan.exercises
    user = standin.user(UID)
    await user.send("/today")
    shown = await user.wait_for(contains="Stage 4")
    assert "4 × (walk 2 min, jog 2 min)" in shown.content
    await user.tap(text=texts.SESSION_START_BUTTON)
    card = await user.wait_for(contains="Walk–jog")
    assert "level ground" in card.content
    await user.tap(text=texts.SESSION_GO)
    cue = await user.wait_for(contains="Walk 2 min, then")
    assert "4 times" in cue.content
    for round_ in range(1, 5):
        if round_ > 1:
            await user.wait_for(contains=f"Walk now: 2 min (round {round_} of 4)")
        await user.wait_for(contains=f"Jog now: 2 min (round {round_} of 4)")
    question = await user.wait_for(contains="Pain during that set?")
    assert "Time's up" in question.content
    await user.tap(text="1")
    after = await user.wait_for(contains="Pain right now?")
    assert texts.SESSION_EFFORT_QUESTION not in after.content
    await user.tap(text="1")
    summary = await user.wait_for(contains="Session done")
    assert run.name in summary.content
    async with bot.runtime.uow() as uow:
        stored = await load_state(uow, UID)
    assert stored is not None
    assert stored.last_run_on == today
    assert stored.sessions[-1].session_type is rehab.SessionType.RUN
