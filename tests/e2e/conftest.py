"""End-to-end fixtures: the real bot, polling the Bot API stand-in over HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.app import BotRunner
from standin.fixtures import standin  # noqa: F401  (fixture)
from standin.server import FakeBotApi
from storage.migrate import upgrade_to_head
from tests.conftest import make_settings
from tests.databases import postgres_url, sqlite_url, temporary_postgres_database
from tests.fakes import FakeClock

pytestmark = pytest.mark.e2e


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def e2e_database_url(tmp_path: Path) -> str:
    url = sqlite_url(tmp_path)
    await asyncio.to_thread(upgrade_to_head, url)
    return url


@asynccontextmanager
async def running_bot(
    url: str, api: FakeBotApi, clock: FakeClock, timer_scale: float = 0.01
) -> AsyncIterator[BotRunner]:
    """The bot running in-process (same event loop) on database `url`, polling the stand-in;
    session timers run `timer_scale` times real time."""
    settings = make_settings(url, api.base_url).model_copy(update={"timer_scale": timer_scale})
    runner = BotRunner(settings, clock=clock)
    try:
        await runner.start()  # inside: a start that fails half way is stopped too
        yield runner
    finally:
        await runner.stop()


@pytest.fixture
async def bot(
    standin: FakeBotApi,  # noqa: F811
    e2e_database_url: str,
    clock: FakeClock,
) -> AsyncIterator[BotRunner]:
    """The bot running in-process (same event loop), polling the stand-in."""
    async with running_bot(e2e_database_url, standin, clock) as runner:
        yield runner


@pytest.fixture
async def pg_bot(standin: FakeBotApi, clock: FakeClock) -> AsyncIterator[BotRunner]:  # noqa: F811
    """The bot in-process, on a fresh PostgreSQL database (skipped without TEST_POSTGRES_URL)."""
    server = postgres_url()
    if server is None:
        pytest.skip("TEST_POSTGRES_URL not set")
    async with temporary_postgres_database(server) as url:
        await asyncio.to_thread(upgrade_to_head, url)
        async with running_bot(url, standin, clock) as runner:
            yield runner
