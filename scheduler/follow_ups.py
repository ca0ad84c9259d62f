"""Catch-up after downtime (follow-ups still to come) and the notices of a changed cadence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import rehab
from scheduler.context import load_context
from scheduler.delivery import DeliveryFailed, Outcome, deliver, set_status
from scheduler.ports import CadenceNotice, Notifier
from service_layer import planner
from service_layer.planner import Kind
from service_layer.reminders import claim
from service_layer.runtime import Runtime
from storage.models import SentStatus

NOTICE_DAYS_SLOT = "days"


@dataclass(frozen=True)
class FollowUp:
    """A follow-up to queue for someone whose rows predate the queue: a pending snooze or a
    nudge still to come."""

    kind: Kind
    slot: str
    reminder_due: datetime
    run_at: datetime


async def pending_follow_ups(runtime: Runtime, user_id: int) -> list[FollowUp]:
    """Snoozes not yet sent and nudges not yet decided, from the sent-log (last two days)."""
    now = runtime.now()
    nudge_after = timedelta(minutes=runtime.settings.nudge_after_minutes)
    async with runtime.uow() as uow:
        ctx = await load_context(uow, user_id)
        if ctx is None:
            return []
        today = planner.local_date_of(now, ctx.plan.zone)
        rows = list(await uow.sent_log.since(user_id, today - timedelta(days=1)))
    by_key = {(r.kind, r.local_date, r.slot): r for r in rows}
    grace = timedelta(minutes=runtime.settings.reminder_grace_minutes)
    out: list[FollowUp] = []
    for row in rows:
        if row.kind == Kind.SNOOZE and row.status == SentStatus.PENDING:
            reminder = by_key.get((Kind.REMINDER, row.local_date, row.slot))
            reminder_due = reminder.due_at if reminder else row.due_at
            out.append(FollowUp(Kind.SNOOZE, row.slot, reminder_due, row.due_at))
        if (
            row.kind == Kind.REMINDER
            and row.status == SentStatus.SENT
            and (Kind.NUDGE, row.local_date, row.slot) not in by_key
        ):
            out.append(FollowUp(Kind.NUDGE, row.slot, row.due_at, row.created_at + nudge_after))
    # A follow-up long overdue (the bot was down) is dropped: it would be about another moment.
    return [f for f in out if now - f.run_at <= grace]


async def cadence_notice(runtime: Runtime, notifier: Notifier, user_id: int) -> bool:
    """Tell the person when their stage changed the cadence, and (once) when their training
    days were defaulted to Mon/Wed/Fri. The first plan is recorded silently. True if told."""
    now = runtime.now()
    async with runtime.uow() as uow:
        ctx = await load_context(uow, user_id)
        if ctx is None or not ctx.active:
            return False
        today = planner.local_date_of(now, ctx.plan.zone)
        cadence = ctx.plan.cadence
        told = [
            r
            for r in await uow.sent_log.since(user_id, date.min, Kind.NOTICE)
            if r.slot != NOTICE_DAYS_SLOT
        ]
        last_cadence = told[-1].slot if told else None
        changed = planner.cadence_changed_notice_needed(last_cadence, cadence)
        weekly = cadence in (rehab.Cadence.THREE_WEEKLY, rehab.Cadence.WEEKLY)
        tell_days = weekly and not ctx.weekly_days_chosen
        if tell_days:
            tell_days = await uow.sent_log.latest(user_id, Kind.NOTICE, NOTICE_DAYS_SLOT) is None
        if last_cadence != cadence.value:
            status = SentStatus.SENT if changed else SentStatus.INITIAL
            if not await claim(uow, user_id, Kind.NOTICE, today, cadence.value, status, now, now):
                # the same cadence was recorded earlier today: refresh its order
                await uow.sent_log.move_status(user_id, Kind.NOTICE, today, cadence.value, status)
                changed = False
        if tell_days and not await claim(
            uow, user_id, Kind.NOTICE, today, NOTICE_DAYS_SLOT, SentStatus.SENT, now, now
        ):
            tell_days = False
        await uow.commit()
    if not changed and not tell_days:
        return False
    session_slots = ctx.plan.session_slots
    notice = CadenceNotice(
        chat_id=ctx.chat_id,
        cadence=cadence.value,
        weekly_days=tuple(sorted(session_slots[0].weekdays)) if weekly else (),
        weekly_time=session_slots[0].at.strftime("%H:%M"),
        session_times=tuple(s.at.strftime("%H:%M") for s in session_slots),
        changed=changed,
        days_defaulted=tell_days or (weekly and not ctx.weekly_days_chosen),
    )
    record = (Kind.NOTICE.value, today, cadence.value)
    try:
        outcome = await deliver(
            runtime, user_id, lambda: notifier.send_cadence_notice(notice), record
        )
    except DeliveryFailed:  # a notice is told once, when the change happens; not retried
        await set_status(runtime, user_id, record, SentStatus.FAILED)
        return False
    return outcome is Outcome.SENT
