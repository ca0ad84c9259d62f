"""The answer to the morning check-in: stored once, then the engine decides the next dose."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import rehab
from service_layer.planner import SLOT_CHECKIN, Kind
from service_layer.programme import load_state, save_state
from service_layer.runtime import Runtime
from service_layer.sessions import decision_row, local_today
from storage.models import MorningCheckin, SentStatus

# An answer to a question older than this many days is refused (the engine has moved on).
MAX_AGE_DAYS = 2
# The ledger states of a morning question that went out (a failed send may have arrived).
ASKED = (SentStatus.SENT, SentStatus.FAILED)


class CheckinKind(StrEnum):
    NOT_ONBOARDED = "not_onboarded"
    ALREADY = "already"
    TOO_OLD = "too_old"
    NOT_ASKED = "not_asked"
    DECIDED = "decided"


@dataclass(frozen=True)
class CheckinOutcome:
    kind: CheckinKind
    pain: int | None = None
    reason: rehab.Reason | None = None  # the decision's reason (the catalogue words it)
    decision_kind: str | None = None
    stage_changed: bool = False
    # The reminders depend on the cadence, the programme's status and a pause: any changed?
    schedule_changed: bool = False


def _schedule_key(state: rehab.ProgrammeState) -> tuple[object, ...]:
    return (rehab.cadence(state), str(state.status), state.paused)


async def answer(runtime: Runtime, user_id: int, on: date, pain: int) -> CheckinOutcome:
    """Store the morning pain for `on` once; run record_morning + decide_next; store the
    decision. The caller reschedules when the stage changed."""
    now = runtime.now()
    async with runtime.uow() as uow:
        state = await load_state(uow, user_id)
        if state is None:
            return CheckinOutcome(CheckinKind.NOT_ONBOARDED)
        existing = await uow.checkins.on_date(user_id, on)
        if existing is not None:
            return CheckinOutcome(CheckinKind.ALREADY, existing.pain)
        today = await local_today(uow, user_id, now)
        if (today - on).days > MAX_AGE_DAYS or on > today:
            return CheckinOutcome(CheckinKind.TOO_OLD)
        # Only a morning that was asked about can be answered (not one made up in a button).
        asked = await uow.sent_log.get(user_id, Kind.CHECKIN, on, SLOT_CHECKIN)
        if asked is None or asked.status not in ASKED:
            return CheckinOutcome(CheckinKind.NOT_ASKED)
        row = MorningCheckin(user_id=user_id, local_date=on, pain=pain, answered_at=now)
        if not await uow.checkins.add_once(row):
            again = await uow.checkins.on_date(user_id, on)
            return CheckinOutcome(CheckinKind.ALREADY, again.pain if again else pain)
        schedule_before = _schedule_key(state)
        state = rehab.record_morning(state, on, pain)
        stage_before = state.stage
        state, decision = rehab.decide_next(state, today)
        await save_state(uow, user_id, state, now)
        uow.decisions.add(decision_row(user_id, today, decision, now))
        await uow.commit()
        return CheckinOutcome(
            CheckinKind.DECIDED,
            pain,
            decision.reason,
            str(decision.kind),
            stage_changed=state.stage != stage_before,
            schedule_changed=_schedule_key(state) != schedule_before,
        )


async def awaiting_answer(runtime: Runtime, user_id: int) -> date | None:
    """The local date of today's morning question if it was sent and is not answered yet
    (so a typed `3` or `3/10` can answer it); None otherwise."""
    async with runtime.uow() as uow:
        sent = await uow.sent_log.latest(user_id, Kind.CHECKIN)
        # `sending`: Telegram may have it out already while the bot records it
        if sent is None or sent.status not in (SentStatus.SENT, SentStatus.SENDING):
            return None
        if sent.local_date != await local_today(uow, user_id, runtime.now()):
            return None
        if await uow.checkins.on_date(user_id, sent.local_date) is not None:
            return None
        return sent.local_date
