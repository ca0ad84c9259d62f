"""`achilles-coach demo` in its own process, as `make demo` runs it, for the demo's tests."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Self

URL_LINE = re.compile(r"open (http://127\.0\.0\.1:\d+/) in your browser")
START_TIMEOUT_S = 60.0
REPO_ROOT = Path(__file__).resolve().parents[1]


class DemoProcess:
    """`python -m bot demo --port 0` in `workdir`, with no token anywhere in its environment."""

    def __init__(
        self,
        workdir: Path,
        *,
        timer_scale: float = 0.02,
        start: str | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.workdir = workdir
        self.command = [sys.executable, "-m", "bot", "demo", "--port", "0"]
        self.command += ["--timer-scale", str(timer_scale)]
        if start is not None:
            self.command += ["--start", start]
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
        path = os.pathsep.join(filter(None, [str(REPO_ROOT), self.env.get("PYTHONPATH")]))
        self.env |= {"PYTHONUNBUFFERED": "1", "PYTHONPATH": path} | (extra_env or {})
        self.stderr_path = workdir / "demo.stderr.log"
        self.process: subprocess.Popen[str] | None = None
        self.url = ""

    def __enter__(self) -> Self:
        with self.stderr_path.open("w") as err:
            self.process = subprocess.Popen(
                self.command,
                cwd=self.workdir,
                env=self.env,
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
            )
        assert self.process.stdout is not None
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line and self.process.poll() is not None:
                break
            found = URL_LINE.search(line)
            if found:
                self.url = found.group(1)
                return self
        self.__exit__(None, None, None)
        raise RuntimeError(f"the demo did not start; stderr:\n{self.stderr}")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        if self.process.stdout is not None:
            self.process.stdout.close()

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace") if self.stderr_path.exists() else ""
