"""BotProcess, with a tiny stand-in bot script (the real bot is tested in tests/e2e)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from standin.process import REPO_ROOT, BotProcess, stop_processes
from standin.server import FakeBotApi

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


SLEEPER = "import time; time.sleep(120)"  # never polls


async def test_a_bot_that_never_polls_is_killed_when_start_gives_up(
    standin: FakeBotApi, tmp_path: Path
) -> None:
    process = BotProcess(
        standin, "sqlite://", command=[sys.executable, "-c", SLEEPER], log_dir=tmp_path
    )
    with pytest.raises(TimeoutError, match="did not poll"):
        await process.start(timeout=0.5)
    assert await process.wait() == -signal.SIGKILL


async def test_processes_left_running_are_stopped_with_the_stand_in(
    standin: FakeBotApi, tmp_path: Path
) -> None:
    """What the `standin` fixture does when a test ends half way, its bot still running."""
    left = BotProcess(
        standin, "sqlite:///x.db", command=[sys.executable, "-c", POLLER], log_dir=tmp_path
    )
    await left.start(timeout=20)
    done = BotProcess(standin, "sqlite://", command=[sys.executable, "-c", "pass"])
    await done.start(wait_ready=False)
    assert await done.wait() == 0
    assert await stop_processes(standin) == [left]
    assert not left.running
    assert left.returncode == -signal.SIGTERM
    assert await stop_processes(standin) == []


ORPHAN = """
import asyncio, os, sys
from standin.process import BotProcess

class Api:
    token, base_url, requests = "t", "http://127.0.0.1:9/bot", []

async def main():
    bot = BotProcess(Api(), "sqlite://", command=[sys.executable, "-c", sys.argv[1]])
    await bot.start(wait_ready=False)
    print(bot.process.pid, flush=True)
    os._exit(0)  # the test run dies without any clean-up

asyncio.run(main())
"""


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie is dead too


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
async def test_a_bot_process_dies_with_the_test_run(tmp_path: Path) -> None:
    parent = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        ORPHAN,
        SLEEPER,
        stdout=asyncio.subprocess.PIPE,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    out, _ = await asyncio.wait_for(parent.communicate(), 30)
    pid = int(out)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while _alive(pid):
        assert loop.time() < deadline, f"bot process {pid} outlived the test run"
        await asyncio.sleep(0.05)
