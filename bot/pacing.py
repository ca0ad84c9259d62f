"""Keeping to Telegram's flood limit: sends paced evenly, a 429 obeyed.

PTB's AIORateLimiter is a leaky bucket: after any pause it lets a burst of 30 through at once,
and a burst on top of the steady flow breaks Telegram's "30 messages in any second", which
answers 429 and stops every send for a second or more. `FloodPacer` hands out one slot every
1/rate s instead, never a burst; a send that failed before reaching Telegram (a 5xx, a network
error) gives its slot to the next one, so failures do not slow the others down; a 429 pauses
every send for its retry_after and retries the call (`max_retries` times).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]


class FloodPacer(BaseRateLimiter[int]):
    """Paces every request addressed to a chat to `rate` per second overall."""

    def __init__(self, rate: float, max_retries: int = 5) -> None:
        self.interval = 1.0 / rate
        self.max_retries = max_retries
        self._next = 0.0  # event-loop time of the next free slot
        self._paused_until = 0.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def _slot(self) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        start = max(now, self._next, self._paused_until)
        self._next = start + self.interval
        if start > now:
            await asyncio.sleep(start - now)
        # a 429 that came while this one waited pauses it too
        wait = self._paused_until - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)

    def _give_back(self) -> None:
        now = asyncio.get_running_loop().time()
        self._next = max(now, self._next - self.interval)

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
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt == retries:
                    raise
                pause = exc.retry_after
                seconds = pause if isinstance(pause, int | float) else pause.total_seconds()
                loop = asyncio.get_running_loop()
                self._paused_until = max(self._paused_until, loop.time() + seconds + 0.1)
                log.info("flood limit hit (%s): every send waits %.1f s", endpoint, seconds)
            except NetworkError:
                # NetworkError covers 5xx and transport errors (TimedOut is one): not sent.
                self._give_back()
                raise
        raise AssertionError("unreachable")  # pragma: no cover
