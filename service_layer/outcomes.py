"""Never stuck, never silent (issue 11): the referral's "I have been seen" and the reviews at
weeks 6 and 12. The engine decides (rehab.outcomes); this stores the answers with their time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import rehab
from rehab.outcomes import (
    ReviewStanding,
    heel_raise_count_due,
    record_review,
    record_seen,
    record_stiffness,
    review_due,
    review_standing,
    running_offer_due,
    set_running,
    stiffness_due,
)
from service_layer.programme import load_state, save_state
from service_layer.runtime import Runtime
from service_layer.sessions import decision_row, local_today
from storage.models import RedFlagAnswer

SEEN_SOURCE = "referral"  # stored like a red flag's clearance: code, answer, time
RATINGS = tuple(r.value for r in rehab.ReviewRating)


@dataclass(frozen=True)
class ReviewOffer:
    week: int
    standing: ReviewStanding  # where the person stands against the start (the bot words it)


@dataclass(frozen=True)
class ReviewOutcome:
    week: int
    referral: rehab.Reason | None  # the referral's reason, when the review brings one


async def review_offer(runtime: Runtime, user_id: int) -> ReviewOffer | None:
    """The review due today (weeks 6 and 12), with where the person stands against the start."""
    async with runtime.uow() as uow:
        state = await load_state(uow, user_id)
        if state is None:
            return None
        today = await local_today(uow, user_id, runtime.now())
    week = review_due(state, today)
    if week is None:
        return None
    return ReviewOffer(week, review_standing(state, today, week))


async def answer_review(
    runtime: Runtime, user_id: int, week: int, rating: str
) -> ReviewOutcome | None:
    """Store the person's rating; None when that review is not due (a stale or forged button)."""
    if rating not in RATINGS:
        return None
    now = runtime.now()
    async with runtime.uow() as uow:
        state = await load_state(uow, user_id)
        if state is None:
            return None
        today = await local_today(uow, user_id, now)
        if review_due(state, today) != week:
            return None
        state, referral = record_review(state, week, rehab.ReviewRating(rating), today)
        await save_state(uow, user_id, state, now)
        if referral is not None:
            uow.decisions.add(decision_row(user_id, today, referral, now))
        await uow.commit()
    return ReviewOutcome(week, referral.reason if referral is not None else None)


async def mark_seen(runtime: Runtime, user_id: int) -> bool:
    """The person says a clinician has seen the tendon: progress may resume. False when no
    referral is open (a stale button)."""
    now = runtime.now()
    async with runtime.uow() as uow:
        state = await load_state(uow, user_id)
        if state is None or state.referral is None:
            return False
        code = state.referral.code
        today = await local_today(uow, user_id, now)
        await save_state(uow, user_id, record_seen(state, today), now)
        uow.red_flags.add(
            RedFlagAnswer(
                user_id=user_id,
                code=f"seen:{code}"[:32],
                answer=True,
                source=SEEN_SOURCE,
                outcome=None,
                answered_at=now,
            )
        )
        await uow.commit()
    return True


async def running_offer(runtime: Runtime, user_id: int) -> bool:
    """Ask "do you run?" (once, in Stage 4, after green hops and the hop test)?"""
    async with runtime.uow() as uow:
        state = await load_state(uow, user_id)
        if state is None:
            return False
        today = await local_today(uow, user_id, runtime.now())
    return running_offer_due(state, today)


async def answer_running(runtime: Runtime, user_id: int, runs: bool) -> bool:
    """Store the answer; False when the question no longer applies (asked once)."""
    now = runtime.now()
    async with runtime.uow() as uow:
        state = await load_state(uow, user_id)
        if state is None:
            return False
        today = await local_today(uow, user_id, now)
        if not running_offer_due(state, today):
            return False
        await save_state(uow, user_id, set_running(state, runs, today), now)
        await uow.commit()
    return True


@dataclass(frozen=True)
class CheckinExtras:
    """What the morning answer brings besides the decision (issue 11)."""

    stiffness_for: date | None  # ask the stiffness minutes of this morning (once a week)
    count_due: bool  # the two-weekly heel-raise count


async def checkin_extras(runtime: Runtime, user_id: int) -> CheckinExtras:
    async with runtime.uow() as uow:
        state = await load_state(uow, user_id)
        if state is None or state.status is rehab.ProgrammeStatus.STOPPED:
            return CheckinExtras(None, False)
        today = await local_today(uow, user_id, runtime.now())
    answered = max((m.on for m in state.mornings), default=None)
    earlier = state.model_copy(update={"mornings": [m for m in state.mornings if m.on < today]})
    ask = answered if answered == today and stiffness_due(earlier, today) else None
    gate = rehab.gate_status(state, today)
    return CheckinExtras(ask, heel_raise_count_due(state, today) and not gate.due)


async def answer_stiffness(runtime: Runtime, user_id: int, on: date, minutes: int) -> bool:
    """Store that morning's stiffness once; False when it no longer applies."""
    now = runtime.now()
    async with runtime.uow() as uow:
        state = await load_state(uow, user_id)
        if state is None:
            return False
        entry = next((m for m in state.mornings if m.on == on), None)
        if entry is None or entry.stiffness_minutes is not None:
            return False
        await save_state(uow, user_id, record_stiffness(state, on, minutes), now)
        row = await uow.checkins.on_date(user_id, on)
        if row is not None:  # with that morning's answer (the export's morning_checkins)
            row.stiffness_minutes = minutes
        await uow.commit()
    return True
