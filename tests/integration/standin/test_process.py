"""BotProcess, with a tiny stand-in bot script (the real bot is tested in tests/e2e)."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import pytest

from tests.standin.process import BotProcess
from tests.standin.server import FakeBotApi

pytestmark = pytest.mark.integration

POLLER = """
import os, urllib.request
url = os.environ["TELEGRAM_API_BASE_URL"] + os.environ["TELEGRAM_BOT_TOKEN"] + "/getUpdates"
print("polling", os.environ["DATABASE_URL"], os.environ["LOG_LEVEL"], flush=True)
while True:
    urllib.request.urlopen(url + "?timeout=1", timeout=5).read()
"""


async def test_start_kill9_restart_and_stop(standin: FakeBotApi, tmp_path: Path) -> None:
    process = BotProcess(
        standin, "sqlite:///x.db", command=[sys.executable, "-c", POLLER], log_dir=tmp_path
    )
    await process.start(timeout=20)
    assert process.running
    process.kill9()
    assert await process.wait() == -signal.SIGKILL
    await process.start(timeout=20)  # waits for a getUpdates from the new process
    assert await process.stop() == -signal.SIGTERM
    assert process.stdout.count("polling sqlite:///x.db INFO") == 2


async def test_a_bot_that_dies_reports_its_stderr(standin: FakeBotApi, tmp_path: Path) -> None:
    crash = "import sys; sys.exit('no token, see @BotFather')"
    process = BotProcess(standin, "sqlite://", command=[sys.executable, "-c", crash])
    with pytest.raises(RuntimeError, match="@BotFather"):
        await process.start(timeout=20)
    assert process.returncode == 1


async def test_the_default_command_is_python_m_bot_run(standin: FakeBotApi) -> None:
    process = BotProcess(standin, "sqlite://", extra_env={"LOG_LEVEL": "DEBUG"})
    assert process.command == [sys.executable, "-m", "bot", "run"]
    assert process.env["TELEGRAM_API_BASE_URL"] == standin.base_url
    assert process.env["TELEGRAM_BOT_TOKEN"] == standin.token
    assert process.env["LOG_LEVEL"] == "DEBUG"
