"""Running the bot as a subprocess (`python -m bot run`) against the stand-in.

A bot process never outlives its test: `start()` kills it if it does not come up, the `standin`
fixture stops every process still running against it when the test ends (passed or failed, see
`stop_processes`), and on Linux the kernel kills it if the test run itself dies (SIGKILL on the
death of its parent, so a killed or crashed pytest leaves no bot polling behind).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    from standin.server import FakeBotApi

REPO_ROOT = Path(__file__).resolve().parents[1]
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>

# Every BotProcess started and not yet seen to end.
_started: set[BotProcess] = set()


def _die_with_parent() -> Callable[[], None] | None:
    """A preexec_fn that asks Linux to SIGKILL the child when its parent dies (None elsewhere).
    libc is loaded here, before the fork; the child only makes the one system call."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    parent = os.getpid()

    def preexec() -> None:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before the request took effect
            os._exit(1)

    return preexec


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
            "HTTP_PORT": "0",
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
        wait_ready, return once it has called getUpdates (or setWebhook), else raise with its
        stderr."""
        if self.running:
            raise RuntimeError("the bot process is already running")
        since = len(self.api.requests)
        with self.stdout_path.open("ab") as out, self.stderr_path.open("ab") as err:
            self.process = await asyncio.create_subprocess_exec(
                *self.command,
                stdout=out,
                stderr=err,
                env=self.env,
                cwd=self.log_dir,
                preexec_fn=_die_with_parent(),
            )
        _started.add(self)
        if wait_ready:
            try:
                await self._wait_polling(since, timeout)
            except BaseException:
                self.kill9()  # not ready (or the test gave up): it must not poll on
                raise

    async def _wait_polling(self, since: int, timeout: float) -> None:  # noqa: ASYNC109
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        # Listening: polling (getUpdates) or, in webhook mode, the webhook set (setWebhook).
        listening = {"getupdates", "setwebhook"}
        while not any(r.method.lower() in listening for r in self.api.requests[since:]):
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
        code = await asyncio.wait_for(self.process.wait(), timeout)
        _started.discard(self)
        return code

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


async def stop_processes(api: FakeBotApi) -> list[BotProcess]:
    """Stop (SIGTERM, then SIGKILL) every BotProcess started against `api` that has not been
    waited for; the ones that were still running. The `standin` fixture calls this when a test
    ends, so a test that fails half way leaves no bot process behind."""
    left = [p for p in _started if p.api is api]
    running = [p for p in left if p.running]
    for process in left:
        with contextlib.suppress(TimeoutError):
            await process.stop()
        process.kill9()
        _started.discard(process)
    return running


def _read(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""
