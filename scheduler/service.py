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

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

import rehab
from bot import metrics
from bot.runtime import Runtime
from bot.services.programme import save_state
from bot.services.records import build_weekly_summary
from rehab import ProgrammeState
from scheduler import planner
from scheduler.planner import Kind, UserPlan
from scheduler.ports import (
    CadenceNotice,
    MessageRefused,
    Notifier,
    RecipientBlocked,
    ReminderMessage,
    Variant,
)
from storage.models import Profile, SentLog, TrainingSession
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

# Days the catch-up after downtime looks back for scheduled days that ended without a session.
DAY_END_LOOKBACK_DAYS = 7
NOTICE_DAYS_SLOT = "days"
# A reminder sent this much after its time says it is late (the bot was down).
LATE_AFTER = timedelta(minutes=5)
# Recording `sent` after Telegram accepted a message is tried this often before giving up
# (a failure there could only ever lead to the message being sent again).
RECORD_TRIES = 4
RECORD_PAUSE_S = 0.25


Settle = Callable[[UnitOfWork, "Outcome", "UserContext | None"], Awaitable[None]]


@dataclass
class _Call:
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


class SentStatus(StrEnum):
    SENT = "sent"
    MISSED = "missed"
    SKIPPED = "skipped"
    SUPPRESSED = "suppressed"
    PENDING = "pending"
    SENDING = "sending"  # claimed, not yet accepted by Telegram
    FAILED = "failed"
    INITIAL = "initial"


@dataclass(frozen=True)
class UserContext:
    """A detached snapshot of what the scheduler needs about one person."""

    user_id: int
    chat_id: int
    active: bool
    programme_active: bool
    started_at: datetime | None
    stage: int | None
    plan: UserPlan
    weekly_days_chosen: bool
    profile: Profile
    state: Any = None  # the engine's ProgrammeState, parsed once


async def load_context(uow: UnitOfWork, user_id: int) -> UserContext | None:
    """The person's plan, or None when they have no profile or programme yet."""
    found = await uow.people.get(user_id)
    if found is None:
        return None
    user, profile, row = found
    state = ProgrammeState.model_validate(row.state)
    plan = planner.build_plan(
        zone=user.timezone,
        cadence=planner.to_cadence(rehab.cadence(state)),
        session_times=list(profile.session_times or []),
        weekly_days=list(profile.weekly_days or []),
        weekly_time=profile.weekly_time,
        checkin_time=profile.checkin_time,
        weekly_summary=bool(profile.weekly_summary),
        paused=bool(profile.paused) or bool(getattr(state, "paused", False)),
        paused_until=profile.paused_until,
    )
    status = str(getattr(state, "status", row.status))
    return UserContext(
        user_id=user_id,
        chat_id=user.chat_id,
        active=bool(user.active),
        programme_active=status != "stopped" and row.status != "stopped",
        started_at=row.started_at,
        stage=_stage_of(state),
        plan=plan,
        weekly_days_chosen=bool(profile.weekly_days),
        profile=profile,
        state=state,
    )


def _stage_of(state: Any) -> int | None:
    stage = getattr(state, "stage", None)
    try:
        return int(stage) if stage is not None else None
    except (TypeError, ValueError):
        return None


def _sessions_cover(slot: str, sessions: list[TrainingSession]) -> bool:
    """A session done, started or stopped for pain today makes this reminder unnecessary.

    A session's own `slot` is its ordinal in the day ("1", "2"), whichever reminder (or none)
    led to it; the rule itself is planner.reminder_covered.
    """
    return planner.reminder_covered(slot, [s.status for s in sessions])


def _answered_since(reminder: SentLog | None, sessions: list[TrainingSession]) -> bool:
    """A session begun at or after the reminder's due instant answered it (whichever ordinal the
    day gave that session): its nudge or snooze would call a session "still waiting" that the
    person has just had, while /start already names the next one."""
    if reminder is None:
        return False
    return any(s.started_at >= reminder.due_at for s in sessions)


async def _claim(
    uow: UnitOfWork,
    user_id: int,
    kind: str,
    local_date: date,
    slot: str,
    status: str,
    due_utc: datetime,
    now: datetime,
) -> bool:
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


async def _record(
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
    if await _claim(uow, user_id, kind, local_date, slot, status, due_utc, now):
        return True
    if not resume:
        return False
    if status == SentStatus.SENDING:
        row = await uow.sent_log.get(user_id, kind, local_date, slot)
        return row is not None and row.status == SentStatus.SENDING
    return await uow.sent_log.move_status(
        user_id, kind, local_date, slot, status, from_status=SentStatus.SENDING
    )


async def mark_blocked(runtime: Runtime, user_id: int) -> None:
    """Telegram said 403: the person blocked the bot. Stop scheduling them until /start."""
    async with runtime.uow() as uow:
        await uow.users.set_active(user_id, False, runtime.now())
        await uow.commit()
    log.info("user %s blocked the bot: marked inactive, jobs removed", user_id)
    await runtime.scheduler.unschedule_user(user_id)


async def _deliver(
    runtime: Runtime,
    user_id: int,
    send: Any,
    record: tuple[str, date, str],
    call: _Call | None = None,
) -> Outcome:
    """Run the send coroutine factory once the row is claimed: `sent` when Telegram accepted it,
    `failed` on its final answers, DeliveryFailed (row left `sending`) on anything else."""
    try:
        await send()
    except RecipientBlocked:
        await _set_status(runtime, user_id, record, SentStatus.FAILED)
        await mark_blocked(runtime, user_id)
        return Outcome.BLOCKED
    except MessageRefused:
        log.exception("Telegram refused %s for user %s", record, user_id)
        await _set_status(runtime, user_id, record, SentStatus.FAILED)
        return Outcome.FAILED
    except Exception as exc:
        log.warning("could not send %s to user %s yet: %r", record, user_id, exc)
        raise DeliveryFailed(f"{record} for user {user_id}") from exc
    await _set_status(runtime, user_id, record, SentStatus.SENT, call, Outcome.SENT)
    return Outcome.SENT


async def _set_status(
    runtime: Runtime,
    user_id: int,
    record: tuple[str, date, str],
    status: str,
    call: _Call | None = None,
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
    there. Its outcome and how late it ran are counted in the metrics (bot/metrics.py)."""
    now = runtime.now()
    runtime.extras["last_tick"] = now.isoformat()
    metrics.SCHEDULER_LAG.set(max((now - due_utc).total_seconds(), 0.0))
    kind = Kind(kind)
    call = _Call(settle)
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


def _prescription(state: Any, on: date) -> Any:
    try:
        return rehab.prescribe(state, on)
    except Exception:
        log.exception("could not prescribe a session for %s", on)
        return None


async def _fire_reminder(
    runtime: Runtime,
    notifier: Notifier,
    user_id: int,
    slot: str,
    due_utc: datetime,
    resume: bool,
    call: _Call,
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
        if _sessions_cover(slot, sessions):
            claimed = await _record(
                uow, user_id, record, SentStatus.SUPPRESSED, due_utc, now, resume
            )
            await uow.commit()
            return Outcome.SUPPRESSED if claimed else Outcome.DUPLICATE
        if now - due_utc > grace:
            claimed = await _record(uow, user_id, record, SentStatus.MISSED, due_utc, now, resume)
            await uow.commit()
            return Outcome.MISSED if claimed else Outcome.DUPLICATE
        if not await _record(uow, user_id, record, SentStatus.SENDING, due_utc, now, resume):
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
        session=_prescription(ctx.state, local_date),
    )
    outcome = await _deliver(
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
    uow: UnitOfWork, user_id: int, slot: str, due_utc: datetime, call: _Call
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
    call: _Call,
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
            _sessions_cover(slot, sessions)
            or _answered_since(reminder, sessions)
            or (reminder is not None and reminder.status == SentStatus.SKIPPED)
        )
        to_status = SentStatus.SUPPRESSED if covered else SentStatus.SENDING
        moved = await uow.sent_log.move_status(
            user_id, Kind.SNOOZE, local_date, slot, to_status, from_status=SentStatus.PENDING
        )
        if not moved and resume:  # an earlier attempt that did not get through
            moved = await _record(
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
        session=_prescription(ctx.state, local_date),
    )
    return await _deliver(
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
    call: _Call,
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
        if _sessions_cover(slot, sessions) or _answered_since(reminder, sessions):
            claimed = await _record(
                uow, user_id, record, SentStatus.SUPPRESSED, due_utc, now, resume
            )
            await uow.commit()
            return Outcome.SUPPRESSED if claimed else Outcome.DUPLICATE
        if not await _record(uow, user_id, record, SentStatus.SENDING, due_utc, now, resume):
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
    return await _deliver(
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
    call: _Call,
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
        if not await _record(uow, user_id, record, status, due_utc, now, resume):
            return Outcome.DUPLICATE
        await uow.commit()
    if status == SentStatus.MISSED:
        return Outcome.MISSED
    return await _deliver(
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
    call: _Call,
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
        if not await _record(uow, user_id, record, status, due_utc, now, resume):
            return Outcome.DUPLICATE
        await uow.commit()
    if status == SentStatus.MISSED:
        return Outcome.MISSED
    try:
        summary = await build_weekly_summary(runtime, user_id, now)
    except Exception as exc:
        log.exception("could not build the weekly summary of user %s yet", user_id)
        raise DeliveryFailed(f"summary for user {user_id}") from exc
    return await _deliver(
        runtime,
        user_id,
        lambda: notifier.send_summary(ctx.chat_id, summary.text, summary.chart_png),
        (Kind.SUMMARY, local_date, slot),
        call,
    )


async def _fire_day_end(runtime: Runtime, user_id: int, due_utc: datetime, call: _Call) -> Outcome:
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
        if not await _claim(
            uow, user_id, Kind.MISSED, local_date, "day", SentStatus.MISSED, due_utc, now
        ):
            return Outcome.DUPLICATE
        if ctx.state is not None:
            await save_state(uow, user_id, rehab.record_missed(ctx.state, local_date), now)
        await call.settle_in(uow, Outcome.LOGGED)
        await uow.commit()
    return Outcome.LOGGED


# -- reminder buttons ----------------------------------------------------------------------------


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
        if not await _claim(
            uow, user_id, Kind.SNOOZE, local_date, slot, SentStatus.PENDING, due, now
        ):
            return None
        reminder = await uow.sent_log.get(user_id, Kind.REMINDER, local_date, slot)
        about = reminder.due_at if reminder is not None else due
        job = follow_up_job(slot, Kind.SNOOZE)
        await uow.queue.put(user_id, job, Kind.SNOOZE, slot, about, due)
        await uow.commit()
    return due


def follow_up_job(slot: str, kind: Kind) -> str:
    """The queue's job name of a one-off follow-up: `s1:snooze`, `s1:nudge`."""
    return f"{slot}:{kind.value}"


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
        if not await _claim(
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


# -- follow-ups and notices -----------------------------------------------------------------------


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
        weekly = cadence in (planner.Cadence.THREE_WEEKLY, planner.Cadence.WEEKLY)
        tell_days = weekly and not ctx.weekly_days_chosen
        if tell_days:
            tell_days = await uow.sent_log.latest(user_id, Kind.NOTICE, NOTICE_DAYS_SLOT) is None
        if last_cadence != cadence.value:
            status = SentStatus.SENT if changed else SentStatus.INITIAL
            if not await _claim(uow, user_id, Kind.NOTICE, today, cadence.value, status, now, now):
                # the same cadence was recorded earlier today: refresh its order
                await uow.sent_log.move_status(user_id, Kind.NOTICE, today, cadence.value, status)
                changed = False
        if tell_days and not await _claim(
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
        outcome = await _deliver(
            runtime, user_id, lambda: notifier.send_cadence_notice(notice), record
        )
    except DeliveryFailed:  # a notice is told once, when the change happens; not retried
        await _set_status(runtime, user_id, record, SentStatus.FAILED)
        return False
    return outcome is Outcome.SENT
