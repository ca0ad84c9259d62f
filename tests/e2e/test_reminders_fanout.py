"""Fan-out from the due-queue: 1,000 people due in the same minute, through the stand-in with its
flood limit on and a tenth of the sends failing with a 5xx: every one gets exactly one reminder.

The stand-in's overall limit (and the bot's pace) is raised to 150 messages/s here so the test
stays short; it is about correctness. `make bench` runs the same at Telegram's 30/s."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot import texts
from bot.app import BotRunner
from service_layer import planner
from service_layer.runtime import Clock
from standin.server import FakeBotApi
from storage.migrate import upgrade_to_head
from storage.models import SentLog
from tests.conftest import make_settings
from tests.databases import postgres_url, temporary_postgres_database
from tests.integration.scheduler.crowd import seed_crowd

pytestmark = pytest.mark.e2e

PEOPLE = 1_000
FIRST_ID = 100_000
RATE = 150
ZONE = "America/New_York"
DAY = date(2026, 12, 2)
DUE = planner.local_instant(DAY, time(7, 30), ZoneInfo(ZONE))


@pytest.fixture(params=["sqlite", "postgresql"])
async def database(request: pytest.FixtureRequest, e2e_database_url: str) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield e2e_database_url
        return
    server = postgres_url()
    if server is None:
        pytest.skip("TEST_POSTGRES_URL not set")
    async with temporary_postgres_database(server) as url:
        await asyncio.to_thread(upgrade_to_head, url)
        yield url


@pytest.fixture
async def flood_standin() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(flood_limit=True, flood_rate=RATE) as api:
        yield api


def shifted_clock(at: datetime) -> Clock:
    """A clock running at real speed from `at` (retries wait real seconds)."""
    offset = at - datetime.now(UTC)
    return lambda: datetime.now(UTC) + offset


async def sent_statuses(bot: BotRunner) -> Counter[str]:
    async with bot.runtime.uow() as uow:
        rows = await uow.session.execute(
            select(SentLog.status, func.count())
            .where(SentLog.kind == "reminder")
            .group_by(SentLog.status)
        )
        return Counter({status: count for status, count in rows.all()})


async def test_1000_people_due_in_the_same_minute_each_get_exactly_one(
    flood_standin: FakeBotApi, database: str
) -> None:
    api = flood_standin
    ids = [FIRST_ID + i for i in range(PEOPLE)]
    for uid in ids:
        api.user(uid, "U")
    settings = make_settings(database, api.base_url).model_copy(
        update={"telegram_flood_rate": RATE}
    )
    bot = BotRunner(settings, clock=shifted_clock(DUE - timedelta(seconds=30)))
    await seed_crowd(bot.runtime, ids, zone=ZONE, after=DUE - timedelta(minutes=1))
    # A tenth of the sends fail with a 5xx, and the first three are refused with 429 for sure.
    api.fail_randomly("sendMessage", 0.10, "502", seed=12)
    api.fail_next("sendMessage", "429", count=3, retry_after=1)
    try:
        await bot.start()

        def delivered() -> Counter[int]:
            return Counter(
                uid
                for uid in ids
                for m in api.messages(uid)
                if m.content.startswith(texts.REMINDER_ON_TIME)
            )

        loop = asyncio.get_running_loop()
        deadline = loop.time() + 120
        while len(delivered()) < PEOPLE or (await sent_statuses(bot))["sent"] < PEOPLE:
            assert loop.time() < deadline, (len(delivered()), await sent_statuses(bot))
            await asyncio.sleep(0.5)
        await api.wait_idle(quiet=1.0, timeout=30)
        statuses = await sent_statuses(bot)
    finally:
        await bot.stop()
    got = delivered()
    assert set(got) == set(ids)  # nobody lost
    assert set(got.values()) == {1}  # nobody twice
    assert statuses == Counter({"sent": PEOPLE})  # none failed, none missed
    assert api.stats.errors[502] >= PEOPLE // 20  # the failures really happened
    assert api.stats.too_many_requests >= 3
