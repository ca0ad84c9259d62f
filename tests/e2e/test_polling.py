"""Polling that cannot go on ends the process; only the update types the bot handles are
asked for; an update nobody can read is logged once and skipped."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path

import pytest

from bot import texts
from bot.app import BotRunner
from bot.polling import ALLOWED_UPDATES
from standin.process import BotProcess
from standin.server import FakeBotApi

pytestmark = pytest.mark.e2e


async def test_a_rejected_token_ends_the_process_with_a_clear_line(
    standin: FakeBotApi, e2e_database_url: str, tmp_path: Path
) -> None:
    standin.fail_next("getUpdates", "401")  # the token was revoked while the bot ran
    process = BotProcess(standin, e2e_database_url, log_dir=tmp_path)
    began = time.monotonic()
    await process.start()  # returns once it has asked for updates
    code = await process.wait(timeout=30)
    assert time.monotonic() - began < 30
    assert code > 0, f"exit status {code}; stderr:\n{process.stderr}"
    assert "Telegram rejected the bot token" in process.stderr
    assert "stopped listening to Telegram" in process.stderr
    assert standin.token not in process.stderr + process.stdout


async def test_only_the_update_types_the_bot_handles_are_asked_for(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    user = standin.user(4401, first_name="Kim")
    standin.push_raw_update({"edited_message": {"message_id": 1, "text": "never asked for"}})
    await user.send("/help")
    await user.wait_for(contains="What I can do")
    for request in standin.calls("getUpdates"):
        assert json.loads(request.params["allowed_updates"]) == ALLOWED_UPDATES
    assert set(ALLOWED_UPDATES) == {"message", "callback_query", "channel_post"}
    assert not [u for u in standin.pending_updates if "edited_message" in u]


async def test_an_update_that_cannot_be_read_is_logged_once_and_skipped(
    standin: FakeBotApi, bot: BotRunner, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    user = standin.user(4402, first_name="Lee")
    bad = standin.push_raw_update({"message": {"message_id": 1, "chat": "not a chat"}})
    await user.send("/help")
    await user.wait_for(contains="What I can do")
    await asyncio.sleep(0.5)  # a bot stuck on the batch would ask for it again and again
    unreadable = [r for r in caplog.records if "could not be read" in r.getMessage()]
    assert len(unreadable) == 1
    assert f"update {bad}" in unreadable[0].getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(standin.calls("getUpdates")) < 10
    assert standin.pending_updates == []
    async with bot.runtime.uow() as uow:
        assert await uow.inbox.unfinished() == []
    assert texts.UNKNOWN_COMMAND not in [m.content for m in user.messages]
