"""Stages 2-4, maintenance and the gate tests as a user meets them on the phone.

Users are seeded straight into a stage (the engine's own tests cover how they get there); what
is checked here is what the bot says and offers.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

import rehab
from bot.app import BotRunner
from tests.e2e.test_session import UID, seed_user
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
