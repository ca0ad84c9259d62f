"""The e2e harness itself: a bot that fails to start leaves nothing running for the next test."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import BotRunner
from standin.server import FakeBotApi
from tests.databases import sqlite_url
from tests.e2e.conftest import running_bot
from tests.fakes import FakeClock

pytestmark = pytest.mark.e2e


async def test_a_bot_that_fails_half_way_through_its_start_is_stopped(
    standin: FakeBotApi, tmp_path: Path
) -> None:
    started: list[BotRunner] = []
    original = BotRunner.start

    async def start_and_keep(runner: BotRunner) -> None:
        started.append(runner)
        await original(runner)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BotRunner, "start", start_and_keep)
        # No migrations: the Application and the scheduler run when the inbox finds no tables.
        with pytest.raises(Exception, match="no such table"):
            async with running_bot(sqlite_url(tmp_path), standin, FakeClock()):
                pytest.fail("the bot started on an empty database")
    (runner,) = started
    # The Application started and the scheduler was made before the inbox met the empty file.
    assert runner.scheduler is not None, "the start failed at once: nothing tested"
    assert runner.application.updater is None  # the inbox poller replaces PTB's Updater
    assert runner.poller is not None
    assert not runner.poller.running
    assert not standin.calls("getUpdates")
    assert not runner.application.running
    assert runner.scheduler is not None
    assert not runner.scheduler.aps.running
