"""kill -9 in the middle of a session, the bot a real process: after a restart the next tap
continues at the same set and nothing confirmed is lost."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import texts
from service_layer.runtime import Runtime
from standin.process import BotProcess
from standin.server import FakeBotApi
from storage.migrate import upgrade_to_head
from tests.conftest import make_settings
from tests.databases import sqlite_url
from tests.e2e.test_session import UID, seed_user, set_logs

pytestmark = pytest.mark.e2e


@pytest.fixture
async def runtime(tmp_path: Path) -> AsyncIterator[Runtime]:
    url = sqlite_url(tmp_path)
    await asyncio.to_thread(upgrade_to_head, url)
    rt = Runtime.create(make_settings(url))  # the real clock, like the bot process
    yield rt
    await rt.close()


async def test_kill_9_mid_session_then_the_next_tap_continues(
    standin: FakeBotApi, runtime: Runtime, tmp_path: Path
) -> None:
    await seed_user(runtime)
    user = standin.user(UID)
    env = {"TIMER_SCALE": "0.01"}
    process = BotProcess(standin, runtime.settings.database_url, env, log_dir=tmp_path)
    await process.start()
    try:
        await user.send("/today")
        await user.wait_for(contains="Stage 1", timeout=15)
        await user.tap(text=texts.SESSION_START_BUTTON)
        await user.wait_for(contains="Set 1 of")
        await user.tap(text=texts.SESSION_GO)
        await user.wait_for(contains="Time's up")
        await user.tap(text="3")
        await user.wait_for(contains="3/10")
        await user.tap(text=texts.SESSION_SKIP_REST)
        await user.wait_for(contains="Set 2 of")
        await user.tap(text=texts.SESSION_GO)
        question = await user.wait_for(contains="Time's up")
        await user.wait_idle()

        process.kill9()
        assert await process.wait() < 0
        assert await set_logs(runtime) == [(0, 1, 3)]

        await process.start()
        await user.tap(text="5", message=question)
        reply = await user.wait_for(contains="5/10", timeout=15)
        assert "Rest" in reply.content
        assert await set_logs(runtime) == [(0, 1, 3), (0, 2, 5)]
        await user.tap(text=texts.SESSION_SKIP_REST)
        await user.wait_for(contains="Set 3 of")
    finally:
        await process.stop()
    assert "Traceback" not in process.stderr, process.stderr


async def test_kill_9_during_a_hold_then_done_asks_the_pain_of_that_set(
    standin: FakeBotApi, runtime: Runtime, tmp_path: Path
) -> None:
    await seed_user(runtime)
    user = standin.user(UID)
    # Real-length timers: the 20 s hold is still running when the process dies.
    process = BotProcess(
        standin, runtime.settings.database_url, {"TIMER_SCALE": "1"}, log_dir=tmp_path
    )
    await process.start()
    try:
        await user.send("/today")
        await user.wait_for(contains="Stage 1", timeout=15)
        await user.tap(text=texts.SESSION_START_BUTTON)
        await user.wait_for(contains="Set 1 of")
        await user.tap(text=texts.SESSION_GO)
        cue = await user.wait_for(contains="Hold for")
        await user.wait_idle()

        process.kill9()
        await process.wait()
        await process.start()
        await user.tap(text=texts.SESSION_DONE, message=cue)
        question = await user.wait_for(contains="Pain during that set?", timeout=15)
        await user.tap(text="1", message=question)
        reply = await user.wait_for(contains="1/10")
        assert "Rest" in reply.content
        assert await set_logs(runtime) == [(0, 1, 1)]
    finally:
        await process.stop()
