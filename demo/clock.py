"""The demo's clock and its bar: "+1 hour", "next morning", "next reminder", "+1 week".

The bot runs on `DemoClock` (its `runtime.now()`): the real time plus an offset that only ever
grows, so the demo's time passes as usual and jumps forward when asked, never back.

A jump does not skip what falls due on the way: `ClockBar` asks the reminder queue for its
earliest due instant (`next_due()`, one query on `due_queue`), moves the clock there, has the
queue work everything due by then (`run_due()`, the tick's own drain), waits until the bot has
gone quiet, and repeats until the target. So a week's reminders, nudges, check-ins, day ends and
summaries all happen, in order, each at its own time, and every row moves on to its next
occurrence exactly as it would if the week really passed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Protocol

from service_layer.runtime import Clock, system_clock

# A jump that would take more steps than this stops there (it never loops forever).
MAX_STEPS = 2000


class DemoClock:
    """The wall clock plus an offset that only grows: tz-aware UTC, like `system_clock`."""

    def __init__(self, start: datetime | None = None, wall: Clock = system_clock) -> None:
        if start is not None and start.tzinfo is None:
            raise ValueError("the demo clock needs a tz-aware start")
        self._wall = wall
        self._offset = timedelta(0) if start is None else start - wall()

    def __call__(self) -> datetime:
        return self._wall() + self._offset

    def jump(self, delta: timedelta) -> None:
        """Move forward by `delta` (never back)."""
        if delta < timedelta(0):
            raise ValueError("the demo clock never goes back")
        self._offset += delta


class JumpAware(Protocol):
    """What the clock bar needs from the bot's scheduler (scheduler.queue.DueQueueScheduler)."""

    async def next_due(self) -> datetime | None: ...

    async def run_due(self) -> int: ...


class ClockBar:
    """Moves a DemoClock forward, stopping wherever the reminder queue has something due."""

    def __init__(
        self,
        clock: DemoClock,
        scheduler: Callable[[], JumpAware | None],
        settle: Callable[[], Awaitable[None]],
    ) -> None:
        self.clock = clock
        self._scheduler = scheduler
        self._settle = settle
        self._lock = asyncio.Lock()

    async def advance_to(self, target: datetime, until: Callable[[], bool] | None = None) -> int:
        """Move the clock to `target`, stepping through every due instant on the way. With
        `until`, stop right after the step that makes it true, and if none does, at the last due
        instant before `target` (not at `target`). Returns the number of steps."""
        async with self._lock:
            scheduler = self._scheduler()
            if scheduler is not None:
                # Whatever is due already, and any drain of the queue's own tick in flight (its
                # rows are claimed until their lease ends), is done before the first step.
                await scheduler.run_due()
            steps = 0
            while steps < MAX_STEPS:
                scheduler = self._scheduler()
                due = await scheduler.next_due() if scheduler is not None else None
                if due is None or due > target:
                    break
                await self._jump_to(due)
                steps += 1
                if until is not None and until():
                    return steps
            if until is None and target > self.clock():
                await self._jump_to(target)
            return steps

    async def _jump_to(self, instant: datetime) -> None:
        """Move to `instant` (or stay, if it has passed), work what is due by then and wait for
        the bot to go quiet."""
        self.clock.jump(max(instant - self.clock(), timedelta(0)))
        scheduler = self._scheduler()
        if scheduler is not None:
            await scheduler.run_due()
        await self._settle()
