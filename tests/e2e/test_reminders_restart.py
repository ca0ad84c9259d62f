"""Restarts with the bot as a real process (its clock is the real one): catch-up after downtime
sends a reminder within the grace window once, logs an older one as missed, and restarts or a
double start never send twice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot import texts
from service_layer.runtime import Runtime
from standin.process import BotProcess
from standin.server import FakeBotApi
from storage.migrate import upgrade_to_head
from tests.conftest import make_settings
from tests.databases import sqlite_url
from tests.integration.scheduler.seed import seed_user

pytestmark = pytest.mark.e2e

UID = 6161
ZONE = "Asia/Kolkata"  # UTC+05:30: the half-hour offset makes any zone slip visible
REMINDER_HEADS = (texts.REMINDER_ON_TIME, texts.REMINDER_LATE)
SECOND_TOKEN = "7000000003:second-stand-in-for-the-other-process-xyz"


@pytest.fixture
async def db_url(tmp_path: Path) -> str:
    url = sqlite_url(tmp_path)
    await asyncio.to_thread(upgrade_to_head, url)
    return url


@pytest.fixture
async def seeded_runtime(db_url: str) -> AsyncIterator[Runtime]:
    runtime = Runtime.create(make_settings(db_url))  # the real clock, like the bot process
    yield runtime
    await runtime.close()


def hhmm_ago(minutes: float) -> str:
    """The local wall time (zone ZONE) `minutes` ago, as HH:MM."""
    return (
        (datetime.now(UTC) - timedelta(minutes=minutes))
        .astimezone(ZoneInfo(ZONE))
        .strftime("%H:%M")
    )


async def seed(runtime: Runtime, minutes_ago: float) -> None:
    """A user whose first daily slot was `minutes_ago`; the other slots far from now."""
    now = runtime.now()
    await seed_user(
        runtime,
        UID,
        zone=ZONE,
        session_times=(hhmm_ago(minutes_ago), hhmm_ago(-6 * 60)),
        checkin_time=hhmm_ago(-8 * 60),
        weekly_summary=False,
        started_at=now - timedelta(days=1),
    )


def reminders(api: FakeBotApi) -> list[str]:
    return [m.content for m in api.messages(UID) if m.content.startswith(REMINDER_HEADS)]


async def rebuilt(process: BotProcess, count: int = 1, within: float = 20.0) -> None:
    """Wait until the process logged that its scheduler was rebuilt `count` times."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while process.stderr.count("scheduler rebuilt") < count:
        assert process.running, process.stderr
        assert loop.time() < deadline, process.stderr
        await asyncio.sleep(0.1)


async def reminder_status(runtime: Runtime) -> list[str]:
    async with runtime.uow() as uow:
        rows = await uow.sent_log.since(UID, datetime.now(UTC).date() - timedelta(days=2))
    return [r.status for r in rows if r.kind == "reminder" and r.slot == "s1"]


async def test_started_30_minutes_after_a_reminder_sends_it_once(standin, db_url, seeded_runtime):
    standin.user(UID, "Ravi")
    await seed(seeded_runtime, 30)
    async with BotProcess(standin, db_url) as process:
        await rebuilt(process)
        await standin.user(UID).wait_for(contains=texts.REMINDER_LATE, timeout=10)
        await standin.wait_idle()
    assert len(reminders(standin)) == 1
    assert await reminder_status(seeded_runtime) == ["sent"]


async def test_started_3_hours_after_a_reminder_logs_it_missed(standin, db_url, seeded_runtime):
    standin.user(UID, "Ravi")
    await seed(seeded_runtime, 180)
    async with BotProcess(standin, db_url) as process:
        await rebuilt(process)
        await standin.wait_idle()
    assert reminders(standin) == []
    assert await reminder_status(seeded_runtime) == ["missed"]


async def test_restarted_twice_within_a_minute_sends_exactly_once(standin, db_url, seeded_runtime):
    standin.user(UID, "Ravi")
    await seed(seeded_runtime, 1)
    process = BotProcess(standin, db_url)
    await process.start()
    await rebuilt(process)
    await standin.user(UID).wait_for(lambda m: m.content.startswith(REMINDER_HEADS), timeout=10)
    # Killed once the send is recorded: a kill in the instant between Telegram's answer and
    # that record is the at-least-once window (tests/e2e/test_reminders_crash.py), not this.
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while await reminder_status(seeded_runtime) != ["sent"]:
        assert loop.time() < deadline, await reminder_status(seeded_runtime)
        await asyncio.sleep(0.05)
    process.kill9()
    await process.wait()
    for expected in (2, 3):
        await process.start()
        await rebuilt(process, count=expected)
        process.kill9()
        await process.wait()
    await standin.wait_idle()
    assert len(reminders(standin)) == 1
    assert await reminder_status(seeded_runtime) == ["sent"]


async def test_two_processes_started_together_send_once(standin, db_url, seeded_runtime, tmp_path):
    # Telegram allows one poller per token (a second one makes the bot exit): the second process
    # polls its own stand-in; both work the one database's queue.
    standin.user(UID, "Ravi")
    await seed(seeded_runtime, 5)
    async with FakeBotApi(SECOND_TOKEN) as other:
        other.user(UID, "Ravi")
        first = BotProcess(standin, db_url, log_dir=tmp_path / "one")
        second = BotProcess(other, db_url, log_dir=tmp_path / "two")
        (tmp_path / "one").mkdir()
        (tmp_path / "two").mkdir()
        try:
            await asyncio.gather(first.start(wait_ready=False), second.start(wait_ready=False))
            await asyncio.gather(rebuilt(first), rebuilt(second))
            await asyncio.gather(standin.wait_idle(), other.wait_idle())
        finally:
            await asyncio.gather(first.stop(), second.stop())
        assert len(reminders(standin)) + len(reminders(other)) == 1
    assert await reminder_status(seeded_runtime) == ["sent"]
