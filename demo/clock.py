"""The demo's clock and its bar: "+1 hour", "next morning", "next reminder", "+1 week".

The bot runs on `DemoClock` (its `runtime.now()`): the real time plus an offset that only ever
grows, so the demo's time passes as usual and jumps forward when asked, never back.

A jump does not poke the scheduler's jobs one by one: `ClockBar` asks the scheduler when it next
has something to do (`next_due()`), moves the clock to that instant, tells the scheduler the clock
jumped (`clock_jumped(delta)`, which wakes it), waits until what fired has been sent, and repeats
until the target. So a week's reminders, nudges, check-ins, day ends and summaries all happen, in
order, each at its own time, exactly as they would if the week really passed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_SUBMITTED

from bot.runtime import Clock, system_clock

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
    """What the clock bar needs from the bot's scheduler (scheduler.aps.ApsReminderScheduler)."""

    def next_due(self) -> datetime | None: ...

    def clock_jumped(self, delta: timedelta) -> None: ...


class ClockBar:
    """Moves a DemoClock forward, stopping wherever the scheduler has something due."""

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
            steps = 0
            while steps < MAX_STEPS:
                scheduler = self._scheduler()
                due = scheduler.next_due() if scheduler is not None else None
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
        delta = max(instant - self.clock(), timedelta(0))
        self.clock.jump(delta)
        scheduler = self._scheduler()
        if scheduler is not None:
            scheduler.clock_jumped(delta)
        await self._settle()


class JobTracker:
    """Counts the APScheduler jobs that were started and have not finished yet (listening to the
    scheduler's events), so a jump can wait for what it set off."""

    def __init__(self, aps: Any) -> None:
        self.running = 0
        aps.add_listener(self._on_event, EVENT_JOB_SUBMITTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)

    def _on_event(self, event: Any) -> None:
        if event.code == EVENT_JOB_SUBMITTED:
            self.running += 1
        else:
            self.running = max(0, self.running - 1)

    async def finished(self, timeout: float) -> None:  # noqa: ASYNC109
        """Return once no started job is still running; TimeoutError after `timeout` s."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        await asyncio.sleep(0.02)  # a wakeup runs the due jobs on a later loop iteration
        while self.running:
            if loop.time() >= deadline:
                raise TimeoutError(f"{self.running} scheduler jobs still running")
            await asyncio.sleep(0.02)
