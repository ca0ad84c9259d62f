"""Keeping to Telegram's flood limit: sends paced evenly, a 429 obeyed.

PTB's AIORateLimiter is a leaky bucket: after any pause it lets a burst of 30 through at once,
and a burst on top of the steady flow breaks Telegram's "30 messages in any second", which
answers 429 and stops every send for a second or more. `FloodPacer` hands out one slot every
1/rate s instead, never a burst, and keeps its own count of Telegram's window: a send starts only
while fewer than 30 sends are in flight or were answered within the last second (a send reaches
Telegram before its answer comes back, so the 31st can never land within a second of the 1st,
however late an event loop ran a request). A send that failed before reaching Telegram (a 5xx,
a network error) gives its slot back; a 429 pauses every send for its retry_after and retries
the call (`max_retries` times).
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]
# Telegram's own limit: this many messages in any one second, all chats together.
TELEGRAM_PER_SECOND = 30
# Kept over the second between the 1st send's answer and the 31st send's start.
WINDOW_MARGIN_S = 0.01


class FloodPacer(BaseRateLimiter[int]):
    """Paces every request addressed to a chat to `rate` per second overall."""

    def __init__(self, rate: float, max_retries: int = 5, per_second: int | None = None) -> None:
        self.interval = 1.0 / rate
        self.max_retries = max_retries
        # Telegram's 30, or what a stand-in told to allow more (tests) allows.
        self.per_second = per_second or max(TELEGRAM_PER_SECOND, math.ceil(rate))
        self._next = 0.0  # event-loop time of the next free slot
        self._paused_until = 0.0
        self._answered: deque[float] = deque()  # when recent sends were accepted
        self._in_flight = 0
        self._changed = asyncio.Event()

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def _slot(self) -> None:
        """Wait for this send's turn (then it counts as in flight)."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        start = max(now, self._next, self._paused_until)
        self._next = start + self.interval
        if start > now:
            await asyncio.sleep(start - now)
        while True:
            now = loop.time()
            answered = self._answered
            while answered and now - answered[0] > 1.0 + WINDOW_MARGIN_S:
                answered.popleft()
            wait = self._paused_until - now  # a 429 that came meanwhile pauses this one too
            if len(answered) + self._in_flight >= self.per_second:
                if answered:
                    wait = max(wait, answered[0] + 1.0 + WINDOW_MARGIN_S - now)
                else:  # all in flight: the next answer frees a place
                    self._changed.clear()
                    await self._changed.wait()
                    continue
            if wait <= 0:
                self._in_flight += 1
                return
            await asyncio.sleep(wait)

    def _done(self, accepted: bool) -> None:
        self._in_flight -= 1
        loop = asyncio.get_running_loop()
        if accepted:
            self._answered.append(loop.time())
        else:  # it never reached Telegram: its slot goes to the next send
            self._next = max(loop.time(), self._next - self.interval)
        self._changed.set()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSONResult:
        if data.get("chat_id") is None:  # getUpdates, answerCallbackQuery, ...: not limited
            return await callback(*args, **kwargs)
        retries = rate_limit_args or self.max_retries
        for attempt in range(retries + 1):
            await self._slot()
            try:
                result = await callback(*args, **kwargs)
            except RetryAfter as exc:
                self._done(accepted=False)
                if attempt == retries:
                    raise
                pause = exc.retry_after
                seconds = pause if isinstance(pause, int | float) else pause.total_seconds()
                loop = asyncio.get_running_loop()
                self._paused_until = max(self._paused_until, loop.time() + seconds + 0.1)
                log.info("flood limit hit (%s): every send waits %.1f s", endpoint, seconds)
                continue
            except NetworkError:
                # NetworkError covers 5xx and transport errors (TimedOut is one): not sent.
                self._done(accepted=False)
                raise
            except BaseException:
                self._done(accepted=True)  # Telegram answered (403 ...) or we were cancelled
                raise
            self._done(accepted=True)
            return result
        raise AssertionError("unreachable")  # pragma: no cover
