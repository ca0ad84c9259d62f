"""The same guided session and red-flag stop on PostgreSQL (runs when TEST_POSTGRES_URL is set)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.app import BotRunner
from storage.migrate import upgrade_to_head
from tests.conftest import make_settings
from tests.databases import postgres_url, temporary_postgres_database
from tests.e2e import test_checkin, test_safety, test_session
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


async def test_full_session_on_postgres(
    standin: FakeBotApi, pg_bot: BotRunner, clock: FakeClock
) -> None:
    await test_session.test_full_stage1_session_set_by_set(standin, pg_bot, clock)


async def test_double_tap_on_postgres(standin: FakeBotApi, pg_bot: BotRunner) -> None:
    await test_session.test_a_double_tap_logs_once(standin, pg_bot)


async def test_red_flag_stop_on_postgres(standin: FakeBotApi, pg_bot: BotRunner) -> None:
    await test_safety.test_snap_mid_session_confirmed_stops_the_programme(standin, pg_bot)


async def test_checkin_once_on_postgres(
    standin: FakeBotApi, pg_bot: BotRunner, clock: FakeClock
) -> None:
    await test_checkin.test_the_answer_is_stored_once_and_the_decision_told(standin, pg_bot, clock)
