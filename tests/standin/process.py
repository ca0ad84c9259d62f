"""Running the bot as a subprocess (`python -m bot run`) against the stand-in."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import tempfile
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    from tests.standin.server import FakeBotApi

REPO_ROOT = Path(__file__).resolve().parents[2]


class BotProcess:
    """The bot in its own process, its output captured to files in `log_dir`.

    The stand-in keeps running in the test's event loop; `start()` returns once the bot polls.
    """

    def __init__(
        self,
        api: FakeBotApi,
        database_url: str,
        extra_env: dict[str, str] | None = None,
        *,
        command: list[str] | None = None,
        log_dir: Path | None = None,
    ) -> None:
        self.api = api
        self.database_url = database_url
        self.extra_env = dict(extra_env or {})
        self.command = command or [sys.executable, "-m", "bot", "run"]
        self.log_dir = log_dir or Path(tempfile.mkdtemp(prefix="bot-process-"))
        self.stdout_path = self.log_dir / "stdout.log"
        self.stderr_path = self.log_dir / "stderr.log"
        self.process: asyncio.subprocess.Process | None = None

    @property
    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        no_proxy = ",".join(filter(None, ["127.0.0.1,localhost", env.get("NO_PROXY")]))
        env |= {
            "TELEGRAM_BOT_TOKEN": self.api.token,
            "TELEGRAM_API_BASE_URL": self.api.base_url,
            "DATABASE_URL": self.database_url,
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")])),
            "NO_PROXY": no_proxy,
            "no_proxy": no_proxy,
        }
        return env | self.extra_env

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None

    @property
    def returncode(self) -> int | None:
        return None if self.process is None else self.process.returncode

    async def start(self, wait_ready: bool = True, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        """Launch the bot (in `log_dir`, so no stray .env or ./data is picked up); with
        wait_ready, return once it has called getUpdates, else raise with its stderr."""
        if self.running:
            raise RuntimeError("the bot process is already running")
        since = len(self.api.requests)
        with self.stdout_path.open("ab") as out, self.stderr_path.open("ab") as err:
            self.process = await asyncio.create_subprocess_exec(
                *self.command, stdout=out, stderr=err, env=self.env, cwd=self.log_dir
            )
        if wait_ready:
            await self._wait_polling(since, timeout)

    async def _wait_polling(self, since: int, timeout: float) -> None:  # noqa: ASYNC109
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not any(r.method.lower() == "getupdates" for r in self.api.requests[since:]):
            if not self.running:
                raise RuntimeError(
                    f"the bot exited ({self.returncode}) before polling; stderr:\n{self.stderr}"
                )
            if loop.time() >= deadline:
                raise TimeoutError(
                    f"the bot did not poll within {timeout}s; stderr:\n{self.stderr}"
                )
            await asyncio.sleep(0.05)

    def kill9(self) -> None:
        """SIGKILL: no shutdown at all, as in a crash or an OOM kill."""
        if self.running:
            assert self.process is not None
            self.process.kill()

    async def wait(self, timeout: float = 10.0) -> int:  # noqa: ASYNC109
        """Wait for the process to end; its exit code (negative: killed by that signal)."""
        if self.process is None:
            raise RuntimeError("the bot process was never started")
        return await asyncio.wait_for(self.process.wait(), timeout)

    async def stop(self, timeout: float = 10.0) -> int | None:  # noqa: ASYNC109
        """SIGTERM and wait (SIGKILL after `timeout`); the exit code."""
        if self.process is None:
            return None
        if self.running:
            self.process.send_signal(signal.SIGTERM)
            try:
                return await self.wait(timeout)
            except TimeoutError:
                self.process.kill()
        return await self.wait(timeout)

    @property
    def stdout(self) -> str:
        return _read(self.stdout_path)

    @property
    def stderr(self) -> str:
        return _read(self.stderr_path)

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()


def _read(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""
