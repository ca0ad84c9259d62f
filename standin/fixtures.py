"""Pytest fixtures: `from standin.fixtures import standin` in a conftest (or list this
module in `pytest_plugins`)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from standin.process import stop_processes
from standin.server import FakeBotApi


@pytest_asyncio.fixture
async def standin() -> AsyncIterator[FakeBotApi]:
    """A running FakeBotApi on a random port of 127.0.0.1, stopped after the test, and with it
    every bot process the test started against it (also when the test failed)."""
    async with FakeBotApi() as api:
        try:
            yield api
        finally:
            await stop_processes(api)
