"""Onboarding, the red-flag stop and the everyday commands on PostgreSQL (runs when
TEST_POSTGRES_URL is set): the flow's JSON, the profile and the programme round-trip there too."""

from __future__ import annotations

import pytest

from bot.app import BotRunner
from standin.server import FakeBotApi
from tests.databases import postgres_url
from tests.e2e import test_commands, test_onboarding
from tests.fakes import FakeClock

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(postgres_url() is None, reason="TEST_POSTGRES_URL not set"),
]


async def test_onboarding_on_postgres(
    standin: FakeBotApi, pg_bot: BotRunner, clock: FakeClock
) -> None:
    await test_onboarding.test_new_user_completes_onboarding_by_buttons_and_typing(
        standin, pg_bot, clock
    )


async def test_red_flag_at_onboarding_on_postgres(
    standin: FakeBotApi, pg_bot: BotRunner, clock: FakeClock
) -> None:
    await test_onboarding.test_red_flag_stops_onboarding_with_advice_and_no_programme(
        standin, pg_bot, clock
    )


async def test_commands_on_postgres(
    standin: FakeBotApi, pg_bot: BotRunner, clock: FakeClock
) -> None:
    await test_commands.test_onboarded_user_status_pause_resume_settings_start_over(
        standin, pg_bot, clock
    )
