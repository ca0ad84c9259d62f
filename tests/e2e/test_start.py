"""The /start round trip over real HTTP, against the Bot API stand-in."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from bot import texts
from bot.app import BotRunner
from standin.process import BotProcess
from standin.server import FakeBotApi
from storage.db import make_engine, make_session_factory
from storage.uow import UnitOfWork

pytestmark = pytest.mark.e2e


async def test_start_greets_and_stores_user(standin: FakeBotApi, bot: BotRunner) -> None:
    alex = standin.user(1001, first_name="Alex <Admin>")
    await alex.send("/start")
    reply = await alex.wait_for(contains="Achilles Coach")
    # The user's name is HTML-escaped, and the stand-in accepted the HTML.
    assert "Alex <Admin>" in reply.content
    async with bot.runtime.uow() as uow:
        user = await uow.users.get(1001)
    assert user is not None
    assert (user.chat_id, user.first_name, user.active) == (1001, "Alex <Admin>", True)


async def test_command_menu_is_set_at_startup(standin: FakeBotApi, bot: BotRunner) -> None:
    names = [name for name, _ in standin.commands]
    assert names == [name for name, _ in texts.commands()]


async def test_help_and_unknown_input_always_answer(standin: FakeBotApi, bot: BotRunner) -> None:
    sam = standin.user(1002, first_name="Sam")
    await sam.send("/help")
    assert "/today" in (await sam.wait_for(contains="What I can do")).content
    await sam.send("/frobnicate")
    assert "/help" in (await sam.wait_for()).content


STICKER = {
    "sticker": {
        "file_id": "s1",
        "file_unique_id": "u1",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "type": "regular",
    }
}


async def test_stray_messages_point_a_newcomer_to_start_and_keep_a_flow_going(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    """Text or a sticker before /start points to /start (not to /today, which can't help yet);
    a sticker in the middle of setup gets one short line, the step's buttons staying live."""
    max_ = standin.user(1004, first_name="Max")
    await max_.send("hello")
    assert (await max_.wait_for()).content == texts.NOT_ONBOARDED
    standin.push_user_message(1004, STICKER)
    assert (await max_.wait_for()).content == texts.NOT_ONBOARDED

    await max_.send("/start")
    welcome = await max_.wait_for(contains="can't diagnose")
    standin.push_user_message(1004, STICKER)
    hint = await max_.wait_for(contains=texts.OB_USE_BUTTONS)
    assert hint.content == texts.OB_USE_BUTTONS
    assert standin.message(1004, welcome.message_id).buttons == welcome.buttons


async def _installed_command() -> list[str]:
    exe = Path(sys.executable).parent / "achilles-coach"
    assert exe.exists(), "the achilles-coach console script is not installed"
    return [str(exe), "run"]


async def test_console_script_answers_start(standin: FakeBotApi, tmp_path: Path) -> None:
    """`achilles-coach run` as a real process: migrates, polls the stand-in, answers /start."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'proc.db'}"
    # At DEBUG, PTB logs the request URL, which holds the token: the log must still not show it.
    process = BotProcess(
        standin, url, {"LOG_LEVEL": "DEBUG"}, command=await _installed_command(), log_dir=tmp_path
    )
    await process.start()
    try:
        kim = standin.user(1003, first_name="Kim")
        await kim.send("/start")
        assert "Kim" in (await kim.wait_for(contains="Achilles Coach", timeout=20)).content
    finally:
        await process.stop()
    assert process.returncode == 0, process.stderr
    assert standin.token not in process.stderr + process.stdout
    assert "bot<redacted>" in process.stderr
    engine = make_engine(url)
    try:
        async with UnitOfWork(make_session_factory(engine)) as uow:
            assert await uow.users.get(1003) is not None
    finally:
        await engine.dispose()
    await asyncio.sleep(0)
