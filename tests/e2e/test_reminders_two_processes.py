"""Two bot processes ticking against the same PostgreSQL queue, 2,000 people due: each reminder
goes out exactly once, and both processes did part of the work.

Telegram lets one process poll a token at a time (a second getUpdates gets 409 Conflict, and the
bot exits on it), so the second process polls a second stand-in with its own token and sends
through it: the queue in the database is all they share, which is what is under test here."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot import texts
from service_layer.runtime import Runtime
from standin.process import BotProcess
from standin.server import FakeBotApi
from storage.migrate import upgrade_to_head
from storage.models import SentLog
from tests.conftest import make_settings
from tests.databases import postgres_url, temporary_postgres_database
from tests.integration.scheduler.crowd import seed_crowd

pytestmark = pytest.mark.e2e

PEOPLE = 2_000
FIRST_ID = 300_000
# Each process keeps to half the stand-in's limit, so neither can do it all alone in time.
STANDIN_RATE = 200
PROCESS_ENV = {"TELEGRAM_FLOOD_RATE": "100"}


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    server = postgres_url()
    if server is None:
        pytest.skip("TEST_POSTGRES_URL not set")
    async with temporary_postgres_database(server) as url:
        await asyncio.to_thread(upgrade_to_head, url)
        yield url


SECOND_TOKEN = "7000000002:second-stand-in-for-the-other-process-xyz"


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(flood_limit=True, flood_rate=STANDIN_RATE) as standin:
        yield standin


@pytest.fixture
async def api_b() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(SECOND_TOKEN, flood_limit=True, flood_rate=STANDIN_RATE) as standin:
        yield standin


async def test_two_processes_on_one_postgres_queue_send_each_reminder_once(
    api: FakeBotApi, api_b: FakeBotApi, pg_url: str, tmp_path: Path
) -> None:
    ids = [FIRST_ID + i for i in range(PEOPLE)]
    for uid in ids:
        api.user(uid, "U")
        api_b.user(uid, "U")
    runtime = Runtime.create(make_settings(pg_url))
    now = datetime.now(UTC)
    hhmm = (now - timedelta(seconds=60)).strftime("%H:%M")  # due within the last two minutes
    evening = (now + timedelta(hours=6)).strftime("%H:%M")
    try:
        await seed_crowd(
            runtime,
            ids,
            zone="UTC",
            after=now - timedelta(minutes=3),
            session_times=(hhmm, evening),
        )
        processes = [
            BotProcess(standin, pg_url, PROCESS_ENV, log_dir=tmp_path / name)
            for standin, name in ((api, "a"), (api_b, "b"))
        ]
        for process in processes:
            process.log_dir.mkdir()
        await asyncio.gather(*(p.start() for p in processes))

        def delivered() -> Counter[int]:
            return Counter(
                uid
                for uid in ids
                for standin in (api, api_b)
                for m in standin.messages(uid)
                if m.content.startswith((texts.REMINDER_ON_TIME, texts.REMINDER_LATE))
            )

        async def recorded_sent() -> int:
            async with runtime.uow() as uow:
                stmt = select(func.count()).select_from(SentLog).where(SentLog.status == "sent")
                return int(await uow.session.scalar(stmt) or 0)

        loop = asyncio.get_running_loop()
        deadline = loop.time() + 180
        while len(delivered()) < PEOPLE or await recorded_sent() < PEOPLE:
            assert loop.time() < deadline, (len(delivered()), await recorded_sent())
            await asyncio.sleep(0.5)
        await asyncio.gather(*(s.wait_idle(quiet=1.0, timeout=30) for s in (api, api_b)))
        await asyncio.gather(*(p.stop() for p in processes))
        async with runtime.uow() as uow:
            rows = await uow.session.execute(
                select(SentLog.status, func.count())
                .where(SentLog.kind == "reminder")
                .group_by(SentLog.status)
            )
            statuses = dict(rows.all())
    finally:
        await runtime.close()
    got = delivered()
    assert set(got) == set(ids)
    assert set(got.values()) == {1}
    assert statuses == {"sent": PEOPLE}
    worked = [p.stderr.count("fired reminder") for p in processes]
    assert sum(worked) == PEOPLE
    assert min(worked) > 0, worked  # both ticked, neither did a row the other did
