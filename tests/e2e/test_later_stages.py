"""Stages 2-4, maintenance and the gate tests as a user meets them on the phone.

Users are seeded straight into a stage (the engine's own tests cover how they get there); what
is checked here is what the bot says and offers.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

import rehab
from bot import texts
from bot.app import BotRunner
from tests.e2e.test_session import UID, local_today, seed_user
from tests.fakes import FakeClock
from tests.standin.server import FakeBotApi

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
    assert "Rest day today. Next session: Mon" in today.content
    assert today.buttons == []


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
