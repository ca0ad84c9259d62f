"""The HTTP listener beside the bot: /healthz, /readyz (the database going away and coming back
without a restart) and /metrics (a reminder sent, a 403 from Telegram)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from sqlalchemy.engine import make_url

from bot import texts
from bot.app import BotRunner
from standin.server import FakeBotApi
from storage.migrate import head_revision, upgrade_to_head
from tests.databases import postgres_url, temporary_postgres_database
from tests.e2e import test_reminders_buttons as reminders
from tests.e2e.conftest import free_port, running_bot
from tests.e2e.test_webhook import metric
from tests.fakes import FakeClock

pytestmark = pytest.mark.e2e

SENT = 'achilles_reminders_total{outcome="sent"}'
FAILED = 'achilles_reminders_total{outcome="failed"}'
API_403 = 'achilles_bot_api_errors_total{code="403"}'


async def get(bot: BotRunner, path: str) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{bot.http.port}{path}") as response,
    ):
        body = await response.json() if path != "/metrics" else await response.text()
        return response.status, body


async def test_healthz_and_readyz_on_a_healthy_bot(bot: BotRunner) -> None:
    assert await get(bot, "/healthz") == (200, {"status": "alive"})
    status, body = await get(bot, "/readyz")
    assert status == 200
    assert body["ready"] is True
    assert body["database"] == "ok"
    assert body["migrations"] == "at head"
    assert body["scheduler"]["running"] is True


async def test_metrics_count_a_reminder_sent(bot: BotRunner, standin: FakeBotApi, clock) -> None:
    user = standin.user(reminders.UID, "Sam")
    _, before = await get(bot, "/metrics")
    await reminders.arm_reminder(bot, clock, standin)
    clock.set(reminders.DUE)
    await user.wait_for(contains=texts.REMINDER_ON_TIME, timeout=5)
    await standin.wait_idle()

    _, after = await get(bot, "/metrics")
    assert metric(after, SENT) == metric(before, SENT) + 1
    assert metric(after, "achilles_active_users") == 1
    assert "achilles_scheduler_lag_seconds" in after


async def test_metrics_count_a_403_from_telegram(
    bot: BotRunner, standin: FakeBotApi, clock
) -> None:
    _, before = await get(bot, "/metrics")
    await reminders.arm_reminder(bot, clock, standin)
    standin.block_user(reminders.UID)
    clock.set(reminders.DUE)

    async def counted() -> bool:
        _, text = await get(bot, "/metrics")
        return metric(text, FAILED) > metric(before, FAILED)

    await reminders.wait_until(counted)
    _, after = await get(bot, "/metrics")
    assert metric(after, FAILED) == metric(before, FAILED) + 1
    assert metric(after, API_403) == metric(before, API_403) + 1
    assert metric(after, SENT) == metric(before, SENT)


async def test_metrics_count_updates_by_kind_and_their_handling_time(
    bot: BotRunner, standin: FakeBotApi
) -> None:
    _, before = await get(bot, "/metrics")
    user = standin.user(7001, "Kim")
    await user.send("/start")
    await user.wait_for(contains="can't diagnose")
    await standin.wait_idle()
    _, after = await get(bot, "/metrics")
    sample = 'achilles_updates_handled_total{kind="message"}'
    assert metric(after, sample) == metric(before, sample) + 1
    count = "achilles_handler_seconds_count"
    assert metric(after, count) == metric(before, count) + 1


# ---- the database going away and coming back ---------------------------------------------------


class TcpProxy:
    """Forwards 127.0.0.1:port to a server; `stop()` refuses and cuts every connection (the
    database is "down"), `start()` on the same port brings it back."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        if self._server is not None:
            return
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._writers):
            writer.close()
        await self._server.wait_closed()
        self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self._writers |= {writer, up_writer}
        await asyncio.gather(
            self._pipe(reader, up_writer), self._pipe(up_reader, writer), return_exceptions=True
        )

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        finally:
            self._writers.discard(writer)
            with contextlib.suppress(Exception):
                writer.close()


@pytest.fixture
async def proxied_pg(
    clock: FakeClock, standin: FakeBotApi
) -> AsyncIterator[tuple[BotRunner, TcpProxy]]:
    server = postgres_url()
    if server is None:
        pytest.skip("TEST_POSTGRES_URL not set")
    async with temporary_postgres_database(server) as url:
        await asyncio.to_thread(upgrade_to_head, url)
        parsed = make_url(url)
        proxy = TcpProxy((parsed.host or "127.0.0.1", parsed.port or 5432))
        await proxy.start()
        through = parsed.set(host="127.0.0.1", port=proxy.port)
        try:
            async with running_bot(
                through.render_as_string(hide_password=False), standin, clock
            ) as runner:
                yield runner, proxy
                await proxy.start()  # (again, if a test left it down) so the bot closes cleanly
        finally:
            with contextlib.suppress(Exception):
                await proxy.stop()


async def test_readyz_follows_the_database_down_and_back_without_a_restart(
    proxied_pg: tuple[BotRunner, TcpProxy],
) -> None:
    bot, proxy = proxied_pg
    assert (await get(bot, "/readyz"))[0] == 200

    await proxy.stop()
    status, body = await get(bot, "/readyz")
    assert status == 503
    assert body["ready"] is False
    assert body["database"].startswith("unreachable")
    assert (await get(bot, "/healthz"))[0] == 200  # alive all the same: no restart wanted

    await proxy.start()

    async def ready() -> bool:
        return (await get(bot, "/readyz"))[0] == 200

    await reminders.wait_until(ready, within=10)
    status, body = await get(bot, "/readyz")
    assert body == body | {"ready": True, "database": "ok", "migrations": "at head"}
    assert head_revision() is not None
