"""The same guided session and red-flag stop on PostgreSQL (runs when TEST_POSTGRES_URL is set)."""

from __future__ import annotations

import pytest

from bot.app import BotRunner
from standin.server import FakeBotApi
from tests.databases import postgres_url
from tests.e2e import test_checkin, test_safety, test_session
from tests.fakes import FakeClock

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(postgres_url() is None, reason="TEST_POSTGRES_URL not set"),
]


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
