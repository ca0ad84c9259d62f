"""Telegram's send limits: about 30 messages/s overall and 1 message/s per chat."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class FloodLimiter:
    """Per chat, a token bucket (`burst` tokens, refilled at `per_chat_rate`/s);
    overall, at most `global_rate` sends in any one-second window."""

    per_chat_rate: float = 1.0
    burst: int = 3
    global_rate: int = 30
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[int, tuple[float, float]] = field(default_factory=dict)
    _recent: deque[float] = field(default_factory=deque)

    def acquire(self, chat_id: int) -> int | None:
        """Take one send; None if allowed, else the retry_after (whole seconds, >= 1)."""
        now = self.clock()
        while self._recent and now - self._recent[0] >= 1.0:
            self._recent.popleft()
        tokens, last = self._buckets.get(chat_id, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.per_chat_rate)
        if tokens < 1.0:
            self._buckets[chat_id] = (tokens, now)
            return max(1, math.ceil((1.0 - tokens) / self.per_chat_rate))
        if len(self._recent) >= self.global_rate:
            return max(1, math.ceil(1.0 - (now - self._recent[0])))
        self._buckets[chat_id] = (tokens - 1.0, now)
        self._recent.append(now)
        return None
