"""Never stuck, never silent (R2, protocol sections 5, 7 and 10): the referral triggers, the
6- and 12-week reviews, the two-weekly heel-raise count, the weekly stiffness question and the
return-to-running offer.

Every function is pure: "today" is a parameter, and the state is returned changed, never
mutated in place.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median

from rehab.dosing import lighter, stage4_plyo, stage4_total
from rehab.enums import DecisionKind, PainZone, ProgrammeStatus, ReviewRating
from rehab.models import (
    Decision,
    HeelRaiseCount,
    ProgrammeState,
    ReferralRecord,
    ReviewRecord,
)
from rehab.pain import weekly_means
from rehab.protocol import REFERRAL, TIMINGS
from rehab.reasons import (
    HeelRaisesCounted,
    ManyFlares,
    Refer,
    ReferralWhy,
    ReviewNotImproved,
    ReviewRatedPoorly,
    RisingMornings,
    SevereMornings,
    Stuck,
)
from rehab.transitions import decision, dose_changed, enter_stage, finish

# The referral codes, in the order of protocol section 5 (R2).
REFER_FLARES = "flares"
REFER_SEVERE_MORNINGS = "severe_mornings"
REFER_STUCK = "stuck"
REFER_RISING = "rising_mornings"
REFER_REVIEW = "review"


def _since(state: ProgrammeState) -> date | None:
    """Answers before the last referral's "I have been seen" do not count again."""
    last = state.referral_history[-1] if state.referral_history else None
    if state.referral is not None:
        return state.referral.on
    if last is not None and last.seen_on is not None:
        return last.seen_on
    return None


def referral_trigger(state: ProgrammeState, today: date) -> tuple[str, ReferralWhy] | None:
    """The first referral trigger that applies today, as (code, why)."""
    if state.status is ProgrammeStatus.STOPPED or state.referral is not None:
        return None
    since = _since(state)

    def counts(d: date) -> bool:
        return since is None or d > since

    r = REFERRAL
    severe = [
        m
        for m in state.mornings
        if counts(m.on) and 0 <= (today - m.on).days < r.severe_days and m.pain >= r.severe_morning
    ]
    if len(severe) >= r.severe_mornings:
        return REFER_SEVERE_MORNINGS, SevereMornings(pain=r.severe_morning, mornings=len(severe))
    flares = [f for f in state.flares if counts(f) and (today - f).days < r.flares_days]
    if len(flares) >= r.flares:
        return REFER_FLARES, ManyFlares(flares=len(flares), days=r.flares_days)
    start = max(d for d in (state.last_rise_on, state.stage_start, since) if d is not None)
    if (today - start).days >= r.stuck_days:
        window = {today - timedelta(days=k) for k in range(r.stuck_days)}
        rough = {m.on for m in state.mornings if m.on in window and m.zone is not PainZone.GREEN}
        rough |= {
            x.on
            for x in state.sessions
            if x.on in window and x.zone in (PainZone.AMBER, PainZone.RED)
        }
        if len(rough) >= r.stuck_not_green_days:
            return REFER_STUCK, Stuck(days=r.stuck_days)
    if _rising_weeks(state, today, since):
        return REFER_RISING, RisingMornings(weeks=r.rising_weeks)
    return None


def _rising_weeks(state: ProgrammeState, today: date, since: date | None) -> bool:
    week = TIMINGS.trend_week_days
    n = REFERRAL.rising_weeks
    ends = [today - timedelta(days=week * k) for k in range(n + 1)]
    means: list[float] = []
    for end in reversed(ends):
        start = end - timedelta(days=week)
        if since is not None and start <= since:
            return False
        this, _ = weekly_means(state.mornings, start)
        if this is None:
            return False
        means.append(this)
    return all(b >= a + REFERRAL.rising_min_step for a, b in itertools.pairwise(means))


def lightest(state: ProgrammeState, today: date) -> None:
    """Keep the lightest dose of the stage (mutates ``state``; never heavier than now)."""
    if state.status is ProgrammeStatus.MAINTENANCE or state.stage == 3:
        for ex_id, ls in list(state.stage3_loads.items()):
            state.stage3_loads[ex_id] = lighter(state.profile, ex_id, ls, today, 0.8)
        dose_changed(state, today)
        return
    if state.stage == 4:
        per = stage4_plyo(state)
        total = stage4_total(state)
        state.rung = 0
        state.stage4_factor = 1.0
        entry = stage4_plyo(state)
        factor = min([1.0, *(per[k] / v for k, v in entry.items() if k in per)])
        factor = min(factor, total / max(1, stage4_total(state)))
        state.stage4_factor = max(0.05, round(factor, 3))
        state.run_step = 0
        state.rung_changed_on = today
        dose_changed(state, today)
        return
    enter_stage(state, state.stage, today)


def refer(
    state: ProgrammeState, code: str, why: ReferralWhy, today: date
) -> tuple[ProgrammeState, Decision]:
    """Advise seeing a clinician, keep the lightest dose, stop progressing until seen."""
    before = state
    s = state.clone()
    s.referral = ReferralRecord(code=code, on=today)
    s.referral_history = [*s.referral_history, s.referral][-10:]
    lightest(s, today)
    return finish(s, decision(before, s, DecisionKind.REFER, Refer(why=why)), today)


def record_seen(state: ProgrammeState, on: date) -> ProgrammeState:
    """The user says a clinician has seen them: progress may resume (stored with its date)."""
    s = state.clone()
    if s.referral is None:
        return s
    seen = s.referral.model_copy(update={"seen_on": on})
    s.referral = None
    s.referral_history = [*s.referral_history[:-1], seen]
    s.last_rise_on = on  # the "stuck" clock restarts
    return s


# ---------------------------------------------------------------------------------------------
# Outcome checks: heel-raise count every 2 weeks, stiffness once a week
# ---------------------------------------------------------------------------------------------


def heel_raise_count_due(state: ProgrammeState, today: date) -> bool:
    """R2: from Stage 2 on, the heel-raise count is taken every 2 weeks."""
    if state.status is ProgrammeStatus.STOPPED or state.stage < 2 or state.paused:
        return False
    last = max((c.on for c in state.heel_raise_log), default=None)
    ref = last if last is not None else state.programme_start
    return (today - ref).days >= TIMINGS.heel_raise_count_every_days


def record_heel_raises(
    state: ProgrammeState, on: date, reps: int, left: int | None = None, right: int | None = None
) -> ProgrammeState:
    s = state.clone()
    s.heel_raise_log = [c for c in s.heel_raise_log if c.on != on]
    s.heel_raise_log.append(HeelRaiseCount(on=on, reps=reps, left=left, right=right))
    s.heel_raise_log = sorted(s.heel_raise_log, key=lambda c: c.on)[-30:]
    return s


def record_stiffness(state: ProgrammeState, on: date, minutes: int) -> ProgrammeState:
    """Morning stiffness minutes, stored with that morning's answer (asked once a week)."""
    if not 0 <= minutes <= 24 * 60:
        raise ValueError(f"stiffness must be 0-1440 minutes, got {minutes}")
    s = state.clone()
    s.mornings = [
        m.model_copy(update={"stiffness_minutes": minutes}) if m.on == on else m for m in s.mornings
    ]
    return s


def count_compared(state: ProgrammeState, reps: int, today: date) -> HeelRaisesCounted:
    """The two-weekly heel-raise count against the start and the last count."""
    before = [c for c in state.heel_raise_log if c.on < today]
    return HeelRaisesCounted(
        reps=reps,
        last=before[-1].reps if before else None,
        start=state.profile.single_leg_heel_raises,
    )


def stiffness_due(state: ProgrammeState, today: date) -> bool:
    """R2: stiffness minutes are asked at the check-in once a week."""
    last = max((m.on for m in state.mornings if m.stiffness_minutes is not None), default=None)
    return last is None or (today - last).days >= TIMINGS.stiffness_every_days


# ---------------------------------------------------------------------------------------------
# Reviews at weeks 6 and 12
# ---------------------------------------------------------------------------------------------


def review_due(state: ProgrammeState, today: date) -> int | None:
    """The review week due today (6 or 12), if any."""
    if state.status is ProgrammeStatus.STOPPED:
        return None
    done = {r.week for r in state.reviews}
    weeks = (today - state.programme_start).days // 7
    due = [w for w in TIMINGS.review_weeks if w <= weeks and w not in done]
    return due[-1] if due else None


def _morning_now(state: ProgrammeState, today: date) -> float | None:
    recent = [m.pain for m in state.mornings if 0 <= (today - m.on).days < 7]
    return float(median(recent)) if recent else None


def _stiffness_now(state: ProgrammeState, today: date) -> int | None:
    recent = [m for m in state.mornings if m.stiffness_minutes is not None and m.on <= today]
    return recent[-1].stiffness_minutes if recent else None


def _raises_now(state: ProgrammeState) -> int | None:
    return state.heel_raise_log[-1].reps if state.heel_raise_log else None


def planned_sessions(state: ProgrammeState, today: date) -> int:
    """Sessions the default schedule planned since the start (for "done of planned")."""
    from rehab.dosing import sessions_on  # local: the schedule of the current stage

    days = (today - state.programme_start).days
    return sum(sessions_on(state, state.programme_start + timedelta(days=k)) for k in range(days))


@dataclass(frozen=True)
class ReviewStanding:
    """Where the person stands at a review against where they started (None: no answer yet).
    The bot words it (bot/texts.py `review_summary`); `review_summary` here is the simulator's."""

    week: int
    morning_then: int
    morning_now: float | None
    stiffness_then: int
    stiffness_now: int | None
    raises_then: int
    raises_now: int | None
    stage: int
    maintenance: bool
    done: int
    planned: int


def review_standing(state: ProgrammeState, today: date, week: int) -> ReviewStanding:
    p = state.profile
    done = sum(1 for x in state.sessions if x.completed)
    return ReviewStanding(
        week=week,
        morning_then=p.morning_pain,
        morning_now=_morning_now(state, today),
        stiffness_then=p.stiffness_minutes,
        stiffness_now=_stiffness_now(state, today),
        raises_then=p.single_leg_heel_raises,
        raises_now=_raises_now(state),
        stage=state.stage,
        maintenance=state.status is ProgrammeStatus.MAINTENANCE,
        done=done,
        planned=max(done, planned_sessions(state, today)),
    )


def review_summary(state: ProgrammeState, today: date, week: int) -> str:
    """Where the person stands against where they started, in plain English."""
    r = review_standing(state, today, week)
    now, stiff, raises = r.morning_now, r.stiffness_now, r.raises_now
    lines = [f"Week {week} review: where you stand against where you started."]
    lines.append(
        f"Morning pain: {r.morning_then}/10 then, "
        + (f"{now:g}/10 now." if now is not None else "no answers this week.")
    )
    lines.append(
        f"Morning stiffness: {r.stiffness_then} min then, "
        + (f"{stiff} min now." if stiff is not None else "not asked yet.")
    )
    lines.append(
        f"Single-leg heel raises: {r.raises_then} then, "
        + (f"{raises} now." if raises is not None else "not counted yet.")
    )
    stage = "maintenance" if r.maintenance else f"Stage {r.stage}"
    lines.append(f"Now in {stage}; {r.done} of {r.planned} planned sessions done.")
    return "\n".join(lines)


def record_review(
    state: ProgrammeState, week: int, rating: ReviewRating | None, today: date
) -> tuple[ProgrammeState, Decision | None]:
    """Store the review. No improvement (morning pain no better and heel raises no higher), or
    "same"/"worse" at week 12, brings the referral advice."""
    s = state.clone()
    p = s.profile
    now = _morning_now(s, today)
    raises = _raises_now(s)
    better_mornings = now is not None and now < p.morning_pain
    more_raises = raises is not None and raises > p.single_leg_heel_raises
    improved = better_mornings or more_raises
    s.reviews = [
        *s.reviews,
        ReviewRecord(
            week=week,
            on=today,
            rating=rating,
            morning_start=float(p.morning_pain),
            morning_now=now,
            heel_raises_start=p.single_leg_heel_raises,
            heel_raises_now=raises,
            improved=improved,
        ),
    ]
    last_week = week == max(TIMINGS.review_weeks)
    poor_rating = rating in (ReviewRating.SAME, ReviewRating.WORSE)
    if s.referral is None and (not improved or (last_week and poor_rating)):
        why: ReferralWhy = (
            ReviewNotImproved(week=week)
            if not improved
            else ReviewRatedPoorly(week=week, rating=rating)
        )
        return refer(s, REFER_REVIEW, why, today)
    return s, None


# ---------------------------------------------------------------------------------------------
# Return to running (Stage 4)
# ---------------------------------------------------------------------------------------------


def hops_green_for_running(state: ProgrammeState, today: date) -> bool:
    """Two-leg and single-leg hops green for 2 weeks (R2)."""
    if state.stage != 4 or state.status is not ProgrammeStatus.ACTIVE:
        return False
    since = state.single_hops_since
    if since is None:
        return False
    start = since
    if state.not_green_on is not None and state.not_green_on >= since:
        start = state.not_green_on + timedelta(days=1)
    return (today - start).days >= TIMINGS.run_hops_green_days


def running_offer_due(state: ProgrammeState, today: date) -> bool:
    """Ask once, "do you run?", when the hops have been green 2 weeks and the hop test passed."""
    return (
        state.runs is None
        and state.hop_test_on is not None
        and state.referral is None
        and hops_green_for_running(state, today)
    )


def set_running(state: ProgrammeState, runs: bool, on: date) -> ProgrammeState:
    """The answer to "do you run?": the walk-jog block starts, or is skipped for good."""
    s = state.clone()
    s.runs = runs
    if runs:
        s.run_since = on
        s.run_step = 0
    return s
