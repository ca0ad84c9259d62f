"""kill -9 with a reminder in flight, the bot a real process: nothing is lost.

The guarantee (docs/scheduling.md): a reminder is claimed in the sent-log as `sending` before it
goes out and recorded `sent` once Telegram accepted it. Whatever kills the bot in between, the
queue row comes back when its claim's lease ends and the reminder is sent then; it is never
recorded `sent` without having gone out. Only a message Telegram accepted in the instant before
the kill, too late to be recorded, is sent a second time (at least once, never lost).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from service_layer.runtime import Runtime
from standin.process import BotProcess
from standin.server import FakeBotApi
from storage.migrate import upgrade_to_head
from tests.conftest import make_settings
from tests.databases import sqlite_url
from tests.e2e.test_reminders_restart import UID, reminder_status, reminders, seed

pytestmark = pytest.mark.e2e

# Short claims, so a killed process's reminder comes back within the test.
ENV = {"REMINDER_LEASE_SECONDS": "3"}


@pytest.fixture
async def db_url(tmp_path: Path) -> str:
    url = sqlite_url(tmp_path)
    await asyncio.to_thread(upgrade_to_head, url)
    return url


@pytest.fixture
async def seeded(db_url: str) -> AsyncIterator[Runtime]:
    """A person whose reminder fell due a minute ago."""
    runtime = Runtime.create(make_settings(db_url))
    await seed(runtime, 1)
    yield runtime
    await runtime.close()


async def until(check: Callable[[], Awaitable[bool]], within: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not await check():
        assert loop.time() < deadline, "not reached in time"
        await asyncio.sleep(0.1)


async def test_killed_while_the_send_is_in_flight_the_reminder_comes_after_the_restart(
    standin: FakeBotApi, db_url: str, seeded: Runtime
) -> None:
    standin.user(UID, "Ravi")
    hold = standin.hold_next("sendMessage", UID)
    process = BotProcess(standin, db_url, ENV)
    await process.start()
    await asyncio.wait_for(hold.reached.wait(), 20)
    assert await reminder_status(seeded) == ["sending"]
    process.kill9()
    await process.wait()
    hold.release()  # the dead process's request never reached Telegram: nothing delivered
    assert reminders(standin) == []

    await process.start()
    await until(lambda: _count_is(standin, 1))
    await until(lambda: _status_is(seeded, "sent"))
    await standin.wait_idle()
    await process.stop()
    assert len(reminders(standin)) == 1
    assert await reminder_status(seeded) == ["sent"]


async def test_killed_while_retrying_a_5xx_the_reminder_comes_after_the_restart(
    standin: FakeBotApi, db_url: str, seeded: Runtime
) -> None:
    standin.user(UID, "Ravi")
    standin.fail_next("sendMessage", "502", count=2, chat_id=UID)
    process = BotProcess(standin, db_url, ENV)
    await process.start()

    async def failed_twice() -> bool:
        return [r.error_code for r in standin.calls("sendMessage")] == [502, 502]

    await until(failed_twice)
    process.kill9()
    await process.wait()
    assert reminders(standin) == []
    assert await reminder_status(seeded) == ["sending"]  # not failed, not sent

    await process.start()
    await until(lambda: _count_is(standin, 1))
    await until(lambda: _status_is(seeded, "sent"))
    await standin.wait_idle()
    await process.stop()
    assert len(reminders(standin)) == 1


async def test_killed_after_telegram_accepted_but_before_recording_it_comes_again_not_lost(
    standin: FakeBotApi, db_url: str, seeded: Runtime
) -> None:
    """The one window of the at-least-once guarantee: sent twice rather than lost."""
    standin.user(UID, "Ravi")
    hold = standin.hold_next("sendMessage", UID)
    process = BotProcess(standin, db_url, ENV)
    await process.start()
    await asyncio.wait_for(hold.reached.wait(), 20)
    process.kill9()
    await process.wait()
    hold.release(deliver=True)  # Telegram took it; the bot died before hearing so
    await until(lambda: _count_is(standin, 1))
    assert await reminder_status(seeded) == ["sending"]

    await process.start()
    await until(lambda: _count_is(standin, 2))
    await until(lambda: _status_is(seeded, "sent"))
    await standin.wait_idle()
    await process.stop()
    assert len(reminders(standin)) == 2


async def _status_is(runtime: Runtime, status: str) -> bool:
    return await reminder_status(runtime) == [status]


async def _count_is(api: FakeBotApi, count: int) -> bool:
    return len(reminders(api)) == count
