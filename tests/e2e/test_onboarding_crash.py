"""kill -9 in the middle of onboarding, the bot a real process: after a restart the next tap
continues at the same step, with the earlier answers kept."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot import texts
from service_layer import onboarding as ob
from standin.process import BotProcess
from standin.server import FakeBotApi
from storage.db import make_engine, make_session_factory
from storage.migrate import upgrade_to_head
from storage.uow import UnitOfWork
from tests.databases import sqlite_url
from tests.e2e.test_onboarding import send_and_wait, tap_and_wait

pytestmark = pytest.mark.e2e


async def _flow(url: str, user_id: int) -> tuple[str, dict[str, object]]:
    engine = make_engine(url)
    try:
        async with UnitOfWork(make_session_factory(engine)) as uow:
            row = await uow.flows.get(user_id)
            assert row is not None
            return row.step, dict(row.data["a"])
    finally:
        await engine.dispose()


async def test_kill_9_mid_onboarding_then_the_next_tap_continues(
    standin: FakeBotApi, tmp_path: Path
) -> None:
    url = sqlite_url(tmp_path)
    await asyncio.to_thread(upgrade_to_head, url)
    process = BotProcess(standin, url, log_dir=tmp_path)
    await process.start()
    eve = standin.user(4301, first_name="Eve")
    try:
        await eve.send("/start")
        await eve.wait_for(contains="can't diagnose", timeout=15)
        await tap_and_wait(eve, texts.OB_BEGIN, "safety check")
        await tap_and_wait(eve, texts.OB_FLAGS_NONE, "Which Achilles")
        await tap_and_wait(eve, "Right", "Where exactly")
        await tap_and_wait(eve, "Mid-portion", "at rest")
        question = await send_and_wait(eve, "2", "first steps")
        await eve.wait_idle()

        process.kill9()
        assert await process.wait() < 0
        assert await _flow(url, 4301) == (
            ob.MORNING_PAIN,
            {"side": "right", "site": "mid-portion", "rest_pain": 2},
        )

        await process.start()
        await eve.tap(text="4", message=question)
        await eve.wait_for(contains="stiff", timeout=15)
        step, answers = await _flow(url, 4301)
        assert step == ob.STIFFNESS
        assert answers == {
            "side": "right",
            "site": "mid-portion",
            "rest_pain": 2,
            "morning_pain": 4,
        }
    finally:
        await process.stop()
    assert "Traceback" not in process.stderr, process.stderr
