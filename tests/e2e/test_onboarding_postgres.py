"""Onboarding, the red-flag stop and the everyday commands on PostgreSQL (runs when
TEST_POSTGRES_URL is set): the flow's JSON, the profile and the programme round-trip there too."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.app import BotRunner
from storage.migrate import upgrade_to_head
from tests.conftest import make_settings
from tests.databases import postgres_url, temporary_postgres_database
from tests.e2e import test_commands, test_onboarding
from tests.fakes import FakeClock
from tests.standin.server import FakeBotApi

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(postgres_url() is None, reason="TEST_POSTGRES_URL not set"),
]


@pytest.fixture
async def pg_bot(standin: FakeBotApi, clock: FakeClock) -> AsyncIterator[BotRunner]:
    """The bot in-process, on a fresh PostgreSQL database."""
    server = postgres_url()
    assert server is not None
    async with temporary_postgres_database(server) as url:
        await asyncio.to_thread(upgrade_to_head, url)
        settings = make_settings(url, standin.base_url).model_copy(update={"timer_scale": 0.01})
        runner = BotRunner(settings, clock=clock)
        await runner.start()
        try:
            yield runner
        finally:
            await runner.stop()


async def test_onboarding_on_postgres(
    standin: FakeBotApi, pg_bot: BotRunner, clock: FakeClock
) -> None:
    await test_onboarding.test_new_user_completes_onboarding_by_buttons_and_typing(
        standin, pg_bot, clock
    )


async def test_red_flag_at_onboarding_on_postgres(standin: FakeBotApi, pg_bot: BotRunner) -> None:
    await test_onboarding.test_red_flag_stops_onboarding_with_advice_and_no_programme(
        standin, pg_bot
    )


async def test_commands_on_postgres(
    standin: FakeBotApi, pg_bot: BotRunner, clock: FakeClock
) -> None:
    await test_commands.test_onboarded_user_status_pause_resume_settings_start_over(
        standin, pg_bot, clock
    )
