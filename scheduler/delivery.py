"""Sending one due message exactly once per sent-log slot: claim the row, send, record.

The sent-log row is claimed (`sending`) and committed BEFORE anything is sent and moved to `sent`
once Telegram accepted the message. A row found `sending` belongs to an attempt that did not get
through (a passing error, a crash): only the caller that holds the due-queue's claim on it
(`resume=True`) takes it over. Passing failures raise DeliveryFailed for the queue to retry;
Telegram's final answers (403 blocked, 400 chat not found or message refused) end it as `failed`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from scheduler.context import UserContext
from scheduler.ports import MessageRefused, RecipientBlocked
from service_layer.reminders import claim, mark_blocked
from service_layer.runtime import Runtime
from storage.models import SentStatus
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

# Recording `sent` after Telegram accepted a message is tried this often before giving up
# (a failure there could only ever lead to the message being sent again).
RECORD_TRIES = 4
RECORD_PAUSE_S = 0.25


class DeliveryFailed(Exception):
    """A passing failure (network, Telegram 5xx, a timeout): the sent-log row stays `sending` and
    the due-queue tries again later."""


class Outcome(StrEnum):
    SENT = "sent"
    SENT_LATE = "sent_late"
    DUPLICATE = "duplicate"  # claimed already (another process, a restart, a double fire)
    SUPPRESSED = "suppressed"  # a session was done or started, or the reminder was skipped
    MISSED = "missed"  # too late to send: logged as missed
    NOT_DUE = "not_due"  # nothing to do (paused, stale slot, no session yesterday, ...)
    INACTIVE = "inactive"  # not onboarded, blocked or the programme stopped
    BLOCKED = "blocked"  # Telegram said the person blocked the bot: marked inactive
    FAILED = "failed"  # sending failed for another reason (logged)
    LOGGED = "logged"  # a day end recorded a missed session


Settle = Callable[[UnitOfWork, "Outcome", "UserContext | None"], Awaitable[None]]


@dataclass
class Call:
    """One fire: the caller's settle hook, and the person's context once loaded."""

    settle: Settle | None = None
    ctx: UserContext | None = None
    settled: bool = False

    def saw(self, ctx: UserContext | None) -> UserContext | None:
        self.ctx = ctx
        return ctx

    async def settle_in(self, uow: UnitOfWork, outcome: Outcome) -> None:
        if self.settle is not None and not self.settled:
            await self.settle(uow, outcome, self.ctx)
            self.settled = True


async def record_claim(
    uow: UnitOfWork,
    user_id: int,
    record: tuple[str, date, str],
    status: str,
    due_utc: datetime,
    now: datetime,
    resume: bool,
) -> bool:
    """Claim the sent-log row with `status`; True if this call owns it now. A row there already
    is someone else's, unless it is still `sending` and the caller holds the due-queue's claim
    (`resume`): then an attempt that did not get through is taken over (sent again, or recorded
    with `status` instead)."""
    kind, local_date, slot = record
    if await claim(uow, user_id, kind, local_date, slot, status, due_utc, now):
        return True
    if not resume:
        return False
    if status == SentStatus.SENDING:
        row = await uow.sent_log.get(user_id, kind, local_date, slot)
        return row is not None and row.status == SentStatus.SENDING
    return await uow.sent_log.move_status(
        user_id, kind, local_date, slot, status, from_status=SentStatus.SENDING
    )


async def deliver(
    runtime: Runtime,
    user_id: int,
    send: Callable[[], Awaitable[None]],
    record: tuple[str, date, str],
    call: Call | None = None,
) -> Outcome:
    """Run the send coroutine factory once the row is claimed: `sent` when Telegram accepted it,
    `failed` on its final answers, DeliveryFailed (row left `sending`) on anything else."""
    try:
        await send()
    except RecipientBlocked:
        await set_status(runtime, user_id, record, SentStatus.FAILED)
        await mark_blocked(runtime, user_id)
        return Outcome.BLOCKED
    except MessageRefused:
        log.exception("Telegram refused %s for user %s", record, user_id)
        await set_status(runtime, user_id, record, SentStatus.FAILED)
        return Outcome.FAILED
    except Exception as exc:
        log.warning("could not send %s to user %s yet: %r", record, user_id, exc)
        raise DeliveryFailed(f"{record} for user {user_id}") from exc
    await set_status(runtime, user_id, record, SentStatus.SENT, call, Outcome.SENT)
    return Outcome.SENT


async def set_status(
    runtime: Runtime,
    user_id: int,
    record: tuple[str, date, str],
    status: str,
    call: Call | None = None,
    outcome: Outcome | None = None,
) -> None:
    """Record the outcome (and settle the caller's queue row in the same transaction), trying a
    few times: the message is out whatever the database says."""
    kind, local_date, slot = record
    for attempt in range(RECORD_TRIES):
        try:
            async with runtime.uow() as uow:
                await uow.sent_log.move_status(user_id, kind, local_date, slot, status)
                if call is not None and outcome is not None:
                    await call.settle_in(uow, outcome)
                await uow.commit()
            return
        except Exception:
            if attempt == RECORD_TRIES - 1:
                raise
            log.warning("could not record %s of %s for user %s yet", status, record, user_id)
            await asyncio.sleep(RECORD_PAUSE_S * (attempt + 1))
