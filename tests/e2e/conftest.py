"""End-to-end fixtures: the real bot, polling the Bot API stand-in over HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.app import BotRunner
from service_layer.config import Settings
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


WEBHOOK_SECRET = "e2e-webhook-secret_0123456789"


def free_port() -> int:
    """A TCP port free on 127.0.0.1 just now (for a webhook URL that must name its port)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def webhook_settings(port: int | None = None) -> dict[str, object]:
    """Settings overrides for webhook mode on 127.0.0.1:`port` (a free one if None)."""
    port = port or free_port()
    return {
        "webhook_url": f"http://127.0.0.1:{port}/telegram/webhook",
        "webhook_secret": WEBHOOK_SECRET,
        "http_port": port,
    }


@asynccontextmanager
async def running_bot(
    url: str,
    api: FakeBotApi,
    clock: FakeClock,
    timer_scale: float = 0.01,
    **overrides: object,
) -> AsyncIterator[BotRunner]:
    """The bot running in-process (same event loop) on database `url`, polling the stand-in
    (or in webhook mode with `**webhook_settings()`); session timers run `timer_scale` times
    real time."""
    values = make_settings(url, api.base_url).model_dump() | {"timer_scale": timer_scale}
    settings = Settings.model_validate(values | overrides)
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


@pytest.fixture
async def webhook_bot(
    standin: FakeBotApi,  # noqa: F811
    e2e_database_url: str,
    clock: FakeClock,
) -> AsyncIterator[BotRunner]:
    """The bot in-process in webhook mode: the stand-in POSTs updates to it with the secret."""
    overrides = webhook_settings()
    async with running_bot(e2e_database_url, standin, clock, 0.01, **overrides) as runner:
        yield runner
