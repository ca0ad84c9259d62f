"""The reminder buttons' use cases (snooze, skip, "is this reminder still today's?") and the
sent-log claim that makes every reminder slot happen once; the scheduler (scheduler/) sends the
reminders and their follow-ups."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from enum import StrEnum

from service_layer import planner
from service_layer.planner import Kind
from service_layer.runtime import Runtime
from storage.models import SentLog, SentStatus
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


async def claim(
    uow: UnitOfWork,
    user_id: int,
    kind: str,
    local_date: date,
    slot: str,
    status: str,
    due_utc: datetime,
    now: datetime,
) -> bool:
    """Write the sent-log row of one reminder slot; False if it was there already."""
    row = SentLog(
        user_id=user_id,
        kind=kind,
        local_date=local_date,
        slot=slot,
        status=status,
        due_at=due_utc,
        created_at=now,
    )
    return await uow.sent_log.claim(row)


async def mark_blocked(runtime: Runtime, user_id: int) -> None:
    """Telegram said 403: the person blocked the bot. Stop scheduling them until /start."""
    async with runtime.uow() as uow:
        await uow.users.set_active(user_id, False, runtime.now())
        await uow.commit()
    log.info("user %s blocked the bot: marked inactive, jobs removed", user_id)
    await runtime.scheduler.unschedule_user(user_id)


class TapResult(StrEnum):
    OK = "ok"
    ALREADY = "already"  # done before (double tap, or snoozed once already)
    STALE = "stale"  # about another day, or the reminder is not this user's


async def snooze(runtime: Runtime, user_id: int, local_date: date, slot: str) -> datetime | None:
    """Store the snooze (re-reminds once) and queue it; returns when it is due, None if it was
    snoozed already."""
    now = runtime.now()
    due = now + timedelta(minutes=runtime.settings.snooze_minutes)
    async with runtime.uow() as uow:
        if not await claim(
            uow, user_id, Kind.SNOOZE, local_date, slot, SentStatus.PENDING, due, now
        ):
            return None
        reminder = await uow.sent_log.get(user_id, Kind.REMINDER, local_date, slot)
        about = reminder.due_at if reminder is not None else due
        job = follow_up_job(slot, Kind.SNOOZE)
        await uow.queue.put(user_id, job, Kind.SNOOZE, slot, about, due)
        await uow.commit()
    return due


# The kinds of one-off follow-ups of a reminder; every other queue row is a slot of the plan.
FOLLOW_UP_KINDS = frozenset({Kind.SNOOZE, Kind.NUDGE})


def follow_up_job(slot: str, kind: Kind) -> str:
    """The queue's job name of a one-off follow-up: `s1:snooze`, `s1:nudge`."""
    if kind not in FOLLOW_UP_KINDS:
        raise ValueError(f"{kind} is not a follow-up")
    return f"{slot}:{kind.value}"


def is_follow_up(kind: str) -> bool:
    """True for a queue row of a one-off follow-up (by its kind, never by its name's shape)."""
    return kind in FOLLOW_UP_KINDS


async def skip(runtime: Runtime, user_id: int, local_date: date, slot: str) -> TapResult:
    """Skip today's session: logged, and the nudge and any snooze are suppressed."""
    now = runtime.now()
    async with runtime.uow() as uow:
        reminder = await uow.sent_log.get(user_id, Kind.REMINDER, local_date, slot)
        if reminder is None:
            return TapResult.STALE
        if reminder.status == SentStatus.SKIPPED:
            return TapResult.ALREADY
        await uow.sent_log.move_status(user_id, Kind.REMINDER, local_date, slot, SentStatus.SKIPPED)
        if not await claim(
            uow, user_id, Kind.NUDGE, local_date, slot, SentStatus.SUPPRESSED, now, now
        ):
            await uow.sent_log.move_status(
                user_id, Kind.NUDGE, local_date, slot, SentStatus.SUPPRESSED, SentStatus.PENDING
            )
        await uow.sent_log.move_status(
            user_id, Kind.SNOOZE, local_date, slot, SentStatus.SUPPRESSED, SentStatus.PENDING
        )
        await uow.commit()
    return TapResult.OK


async def reminder_is_for(runtime: Runtime, user_id: int, local_date: date, slot: str) -> bool:
    """True if a reminder for this day and slot was sent to this user, and it is still that
    day where they live (yesterday's reminder cannot be snoozed or skipped any more)."""
    async with runtime.uow() as uow:
        row = await uow.sent_log.get(user_id, Kind.REMINDER, local_date, slot)
        user = await uow.users.get(user_id)
    if row is None or user is None:
        return False
    return planner.local_date_of(runtime.now(), planner.zone_of(user.timezone)) == local_date
