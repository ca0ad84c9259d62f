"""Fan-out: 300 users due in the same minute, against the stand-in with its flood limit on."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

import rehab
from bot import texts
from bot.app import BotRunner
from bot.services.programme import save_state
from scheduler import planner
from scheduler.service import Outcome, fire
from standin.server import FakeBotApi
from storage.models import Profile
from tests.conftest import make_settings
from tests.fakes import FakeClock
from tests.integration.scheduler.seed import engine_profile

pytestmark = pytest.mark.e2e

USERS = 300
FIRST_ID = 100_000
DAY = date(2026, 12, 2)


@pytest.fixture
async def flood_standin() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(flood_limit=True) as api:
        yield api


@pytest.fixture
async def runner(flood_standin: FakeBotApi, e2e_database_url: str) -> AsyncIterator[BotRunner]:
    clock = FakeClock(datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    bot = BotRunner(make_settings(e2e_database_url, flood_standin.base_url), clock=clock)
    try:
        await bot.start()  # inside: a start that fails half way is stopped too
        yield bot
    finally:
        await bot.stop()


async def seed_many(bot: BotRunner, ids: list[int], zone: str) -> None:
    """Onboarded users, all with a 07:30 reminder, in one transaction."""
    runtime = bot.runtime
    now = runtime.now()
    state = rehab.start_programme(engine_profile(), date(2026, 11, 20))
    async with runtime.uow() as uow:
        for uid in ids:
            user, _ = await uow.users.upsert(
                user_id=uid, chat_id=uid, first_name="U", language="en", now=now
            )
            user.timezone = zone
            uow.profiles.add(
                Profile(
                    user_id=uid,
                    answers={},
                    session_times=["07:30", "18:00"],
                    weekly_days=[],
                    checkin_time="08:30",
                    weekly_summary=False,
                    updated_at=now,
                )
            )
            await save_state(uow, uid, state, now)
        await uow.commit()


async def test_300_users_due_in_the_same_minute_each_get_exactly_one(runner, flood_standin):
    ids = [FIRST_ID + i for i in range(USERS)]
    for uid in ids:
        flood_standin.user(uid, "U")
    await seed_many(runner, ids, "America/New_York")
    due = planner.local_instant(DAY, time(7, 30), ZoneInfo("America/New_York"))
    runner.runtime.clock.set(due + timedelta(seconds=20))
    assert runner.scheduler is not None
    notifier = runner.scheduler.notifier
    # On top of the flood limit, the first sends are refused with 429 retry_after=1 for sure.
    flood_standin.fail_next("sendMessage", "429", count=3, retry_after=1)

    outcomes = await asyncio.wait_for(
        asyncio.gather(
            *(fire(runner.runtime, notifier, uid, "reminder", "s1", due) for uid in ids)
        ),
        timeout=60,
    )
    assert set(outcomes) == {Outcome.SENT}
    for uid in ids:
        got = [m for m in flood_standin.messages(uid) if texts.REMINDER_ON_TIME in m.content]
        assert len(got) == 1, uid
    # The flood limit was hit and every 429 was retried after its retry_after: none escaped.
    sends = flood_standin.calls("sendMessage")
    assert len([r for r in sends if r.error_code is None]) == USERS
    assert flood_standin.stats.too_many_requests >= 3
    # A second round (a double start) sends nothing more.
    again = await asyncio.gather(
        *(fire(runner.runtime, notifier, uid, "reminder", "s1", due) for uid in ids)
    )
    assert set(again) == {Outcome.DUPLICATE}
