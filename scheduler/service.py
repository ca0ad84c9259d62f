"""The fire path: what happens when a reminder, nudge, check-in or summary is due.

`fire(runtime, notifier, user_id, kind, slot, due_utc)` is a plain async function. It reloads
everything from the database (queue rows carry ids only), decides, claims the sent-log row as
`sending` and commits BEFORE anything is sent, then records `sent` once Telegram accepted it. A
row found `sending` belongs to an attempt that did not get through (a passing error, a crash):
only the caller that holds the due-queue's claim on it (`resume=True`) takes it over and sends
again; anyone else sees a duplicate. Passing failures (network, 5xx, the database) raise
DeliveryFailed or the database's own error, for the queue to retry; Telegram's final answers
(403 blocked, 400 chat not found or message refused) end it as `failed`. The clock is
`runtime.now()`, so tests drive it with a fake clock.

For a snooze or a nudge, `due_utc` is the due instant of the reminder they follow: its local
date is the day they are about.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

import rehab
from scheduler.context import (
    UserContext,
    answered_since,
    load_context,
    prescription,
    sessions_cover,
)
from scheduler.delivery import (
    Call,
    DeliveryFailed,
    Outcome,
    Settle,
    deliver,
    record_claim,
)
from scheduler.ports import (
    Notifier,
    ReminderMessage,
    Variant,
)
from service_layer import metrics, planner
from service_layer.planner import Kind
from service_layer.programme import save_state
from service_layer.records import build_weekly_summary
from service_layer.reminders import claim
from service_layer.runtime import Runtime
from storage.models import SentStatus
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

# Days the catch-up after downtime looks back for scheduled days that ended without a session.
DAY_END_LOOKBACK_DAYS = 7
# A reminder sent this much after its time says it is late (the bot was down).
LATE_AFTER = timedelta(minutes=5)


async def fire(
    runtime: Runtime,
    notifier: Notifier,
    user_id: int,
    kind: str,
    slot: str,
    due_utc: datetime,
    *,
    resume: bool = False,
    settle: Settle | None = None,
) -> Outcome:
    """Send what is due for `user_id` (never twice to a caller without the queue's claim, see
    the module docstring). `settle(uow, outcome, context)` runs inside the transaction that
    records a sent message (in one of its own for any other outcome): the queue advances its row
    there. Its outcome and how late it ran are counted in the metrics (service_layer/metrics.py)."""
    now = runtime.now()
    runtime.extras["last_tick"] = now.isoformat()
    metrics.SCHEDULER_LAG.set(max((now - due_utc).total_seconds(), 0.0))
    kind = Kind(kind)
    call = Call(settle)
    if kind is Kind.REMINDER:
        outcome = await _fire_reminder(runtime, notifier, user_id, slot, due_utc, resume, call)
    elif kind is Kind.SNOOZE:
        outcome = await _fire_snooze(runtime, notifier, user_id, slot, due_utc, resume, call)
    elif kind is Kind.NUDGE:
        outcome = await _fire_nudge(runtime, notifier, user_id, slot, due_utc, resume, call)
    elif kind is Kind.CHECKIN:
        outcome = await _fire_checkin(runtime, notifier, user_id, slot, due_utc, resume, call)
    elif kind is Kind.SUMMARY:
        outcome = await _fire_summary(runtime, notifier, user_id, slot, due_utc, resume, call)
    elif kind is Kind.DAY_END:
        outcome = await _fire_day_end(runtime, user_id, due_utc, call)
    else:
        raise ValueError(f"nothing fires for kind {kind!r}")
    if settle is not None and not call.settled:
        async with runtime.uow() as uow:
            await call.settle_in(uow, outcome)
            await uow.commit()
    metrics.count_reminder(outcome.value)
    return outcome


async def _fire_reminder(
    runtime: Runtime,
    notifier: Notifier,
    user_id: int,
    slot: str,
    due_utc: datetime,
    resume: bool,
    call: Call,
) -> Outcome:
    now = runtime.now()
    grace = timedelta(minutes=runtime.settings.reminder_grace_minutes)
    async with runtime.uow() as uow:
        ctx = call.saw(await load_context(uow, user_id))
        if ctx is None or not ctx.active or not ctx.programme_active:
            return Outcome.INACTIVE
        local_date = planner.local_date_of(due_utc, ctx.plan.zone)
        slot_def = ctx.plan.slot(slot)
        if (
            slot_def is None
            or slot_def.kind is not Kind.REMINDER
            or planner.is_paused(ctx.plan, local_date)
            or local_date.weekday() not in slot_def.weekdays
        ):
            return Outcome.NOT_DUE
        record = (Kind.REMINDER.value, local_date, slot)
        sessions = list(await uow.sessions.on_date(user_id, local_date))
        if sessions_cover(slot, sessions):
            claimed = await record_claim(
                uow, user_id, record, SentStatus.SUPPRESSED, due_utc, now, resume
            )
            await uow.commit()
            return Outcome.SUPPRESSED if claimed else Outcome.DUPLICATE
        if now - due_utc > grace:
            claimed = await record_claim(
                uow, user_id, record, SentStatus.MISSED, due_utc, now, resume
            )
            await uow.commit()
            return Outcome.MISSED if claimed else Outcome.DUPLICATE
        if not await record_claim(uow, user_id, record, SentStatus.SENDING, due_utc, now, resume):
            return Outcome.DUPLICATE
        await uow.commit()
    late = now - due_utc > LATE_AFTER
    message = ReminderMessage(
        user_id=user_id,
        chat_id=ctx.chat_id,
        local_date=local_date,
        slot=slot,
        variant=Variant.LATE if late else Variant.REMINDER,
        stage=ctx.stage,
        session=prescription(ctx.state, local_date),
    )
    outcome = await deliver(
        runtime,
        user_id,
        lambda: notifier.send_reminder(message),
        (Kind.REMINDER, local_date, slot),
        call,
    )
    if outcome is Outcome.SENT and late:
        return Outcome.SENT_LATE
    return outcome


async def _follow_up_context(
    uow: UnitOfWork, user_id: int, slot: str, due_utc: datetime, call: Call
) -> tuple[UserContext, date] | None:
    ctx = call.saw(await load_context(uow, user_id))
    if ctx is None or not ctx.active or not ctx.programme_active:
        return None
    local_date = planner.local_date_of(due_utc, ctx.plan.zone)
    if planner.is_paused(ctx.plan, local_date):
        return None
    return ctx, local_date


async def _fire_snooze(
    runtime: Runtime,
    notifier: Notifier,
    user_id: int,
    slot: str,
    due_utc: datetime,
    resume: bool,
    call: Call,
) -> Outcome:
    """The one re-reminder after Snooze: its row was stored 'pending' when the button was tapped."""
    async with runtime.uow() as uow:
        found = await _follow_up_context(uow, user_id, slot, due_utc, call)
        if found is None:
            return Outcome.INACTIVE
        ctx, local_date = found
        sessions = list(await uow.sessions.on_date(user_id, local_date))
        reminder = await uow.sent_log.get(user_id, Kind.REMINDER, local_date, slot)
        covered = (
            sessions_cover(slot, sessions)
            or answered_since(reminder, sessions)
            or (reminder is not None and reminder.status == SentStatus.SKIPPED)
        )
        to_status = SentStatus.SUPPRESSED if covered else SentStatus.SENDING
        moved = await uow.sent_log.move_status(
            user_id, Kind.SNOOZE, local_date, slot, to_status, from_status=SentStatus.PENDING
        )
        if not moved and resume:  # an earlier attempt that did not get through
            moved = await record_claim(
                uow, user_id, (Kind.SNOOZE, local_date, slot), to_status, due_utc, due_utc, True
            )
        await uow.commit()
        if not moved:
            return Outcome.DUPLICATE
        if covered:
            return Outcome.SUPPRESSED
    message = ReminderMessage(
        user_id=user_id,
        chat_id=ctx.chat_id,
        local_date=local_date,
        slot=slot,
        variant=Variant.SNOOZE,
        stage=ctx.stage,
        session=prescription(ctx.state, local_date),
    )
    return await deliver(
        runtime,
        user_id,
        lambda: notifier.send_reminder(message),
        (Kind.SNOOZE, local_date, slot),
        call,
    )


async def _fire_nudge(
    runtime: Runtime,
    notifier: Notifier,
    user_id: int,
    slot: str,
    due_utc: datetime,
    resume: bool,
    call: Call,
) -> Outcome:
    """One gentle nudge when nothing was logged after a reminder; never a second one."""
    now = runtime.now()
    async with runtime.uow() as uow:
        found = await _follow_up_context(uow, user_id, slot, due_utc, call)
        if found is None:
            return Outcome.INACTIVE
        ctx, local_date = found
        reminder = await uow.sent_log.get(user_id, Kind.REMINDER, local_date, slot)
        if reminder is None or reminder.status != SentStatus.SENT:
            return Outcome.NOT_DUE  # never reminded, skipped, suppressed or missed
        record = (Kind.NUDGE.value, local_date, slot)
        sessions = list(await uow.sessions.on_date(user_id, local_date))
        if sessions_cover(slot, sessions) or answered_since(reminder, sessions):
            claimed = await record_claim(
                uow, user_id, record, SentStatus.SUPPRESSED, due_utc, now, resume
            )
            await uow.commit()
            return Outcome.SUPPRESSED if claimed else Outcome.DUPLICATE
        if not await record_claim(uow, user_id, record, SentStatus.SENDING, due_utc, now, resume):
            return Outcome.DUPLICATE
        await uow.commit()
    message = ReminderMessage(
        user_id=user_id,
        chat_id=ctx.chat_id,
        local_date=local_date,
        slot=slot,
        variant=Variant.NUDGE,
        stage=ctx.stage,
    )
    return await deliver(
        runtime,
        user_id,
        lambda: notifier.send_reminder(message),
        (Kind.NUDGE, local_date, slot),
        call,
    )


async def _fire_checkin(
    runtime: Runtime,
    notifier: Notifier,
    user_id: int,
    slot: str,
    due_utc: datetime,
    resume: bool,
    call: Call,
) -> Outcome:
    """The morning after a session day: one question, however many sessions there were."""
    now = runtime.now()
    grace = timedelta(minutes=runtime.settings.reminder_grace_minutes)
    async with runtime.uow() as uow:
        ctx = call.saw(await load_context(uow, user_id))
        if ctx is None or not ctx.active or not ctx.programme_active:
            return Outcome.INACTIVE
        local_date = planner.local_date_of(due_utc, ctx.plan.zone)
        if planner.is_paused(ctx.plan, local_date):
            return Outcome.NOT_DUE
        yesterday = await uow.sessions.on_date(user_id, local_date - timedelta(days=1))
        if not yesterday or await uow.checkins.on_date(user_id, local_date) is not None:
            return Outcome.NOT_DUE
        status = SentStatus.MISSED if now - due_utc > grace else SentStatus.SENDING
        record = (Kind.CHECKIN.value, local_date, slot)
        if not await record_claim(uow, user_id, record, status, due_utc, now, resume):
            return Outcome.DUPLICATE
        await uow.commit()
    if status == SentStatus.MISSED:
        return Outcome.MISSED
    return await deliver(
        runtime,
        user_id,
        lambda: notifier.send_checkin(ctx.chat_id, local_date),
        (Kind.CHECKIN, local_date, slot),
        call,
    )


async def _fire_summary(
    runtime: Runtime,
    notifier: Notifier,
    user_id: int,
    slot: str,
    due_utc: datetime,
    resume: bool,
    call: Call,
) -> Outcome:
    """Sunday evening: the week's summary with the chart, once; too late is logged missed."""
    now = runtime.now()
    grace = timedelta(minutes=runtime.settings.reminder_grace_minutes)
    async with runtime.uow() as uow:
        ctx = call.saw(await load_context(uow, user_id))
        if ctx is None or not ctx.active or ctx.plan.slot(slot) is None:
            return Outcome.INACTIVE
        local_date = planner.local_date_of(due_utc, ctx.plan.zone)
        if planner.is_paused(ctx.plan, local_date):
            return Outcome.NOT_DUE
        status = SentStatus.MISSED if now - due_utc > grace else SentStatus.SENDING
        record = (Kind.SUMMARY.value, local_date, slot)
        if not await record_claim(uow, user_id, record, status, due_utc, now, resume):
            return Outcome.DUPLICATE
        await uow.commit()
    if status == SentStatus.MISSED:
        return Outcome.MISSED
    try:
        summary = await build_weekly_summary(runtime, user_id, now)
    except Exception as exc:
        log.exception("could not build the weekly summary of user %s yet", user_id)
        raise DeliveryFailed(f"summary for user {user_id}") from exc
    return await deliver(
        runtime,
        user_id,
        lambda: notifier.send_summary(ctx.chat_id, summary),
        (Kind.SUMMARY, local_date, slot),
        call,
    )


async def _fire_day_end(runtime: Runtime, user_id: int, due_utc: datetime, call: Call) -> Outcome:
    """A scheduled day ended without a session: log it missed, once, for the engine."""
    now = runtime.now()
    async with runtime.uow() as uow:
        ctx = call.saw(await load_context(uow, user_id))
        if ctx is None or not ctx.programme_active:
            return Outcome.INACTIVE
        local_date = planner.local_date_of(due_utc, ctx.plan.zone)
        if planner.is_paused(ctx.plan, local_date) or local_date.weekday() not in (
            ctx.plan.session_days
        ):
            return Outcome.NOT_DUE
        # Only a day with a reminder due after the programme started can be missed.
        reminder_dues = [
            planner.local_instant(local_date, slot.at, ctx.plan.zone)
            for slot in ctx.plan.session_slots
            if local_date.weekday() in slot.weekdays
        ]
        if ctx.started_at is not None and all(d < ctx.started_at for d in reminder_dues):
            return Outcome.NOT_DUE
        if await uow.sessions.on_date(user_id, local_date):
            return Outcome.NOT_DUE
        if not await claim(
            uow, user_id, Kind.MISSED, local_date, "day", SentStatus.MISSED, due_utc, now
        ):
            return Outcome.DUPLICATE
        if ctx.state is not None:
            await save_state(uow, user_id, rehab.record_missed(ctx.state, local_date), now)
        await call.settle_in(uow, Outcome.LOGGED)
        await uow.commit()
    return Outcome.LOGGED
