"""Fixtures for testing the stand-in itself with python-telegram-bot's own Bot."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from standin.fixtures import standin  # noqa: F401  (fixture)
from standin.server import FakeBotApi


@pytest.fixture
async def bot(standin: FakeBotApi) -> AsyncIterator[Bot]:  # noqa: F811
    """A PTB Bot talking to the stand-in over HTTP."""
    async with Bot(
        standin.token, base_url=standin.base_url, base_file_url=standin.file_base_url
    ) as ptb_bot:
        yield ptb_bot
