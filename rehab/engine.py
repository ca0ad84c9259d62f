"""Assessment, answers and the next-session decision (protocol sections 2, 4, 5 and 6)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from rehab.dosing import (
    current_phase,
    gap_load,
    is_load_rung,
    one_rung_lighter,
    stage2_ladder,
    stage4_plyo,
    stage4_total,
    top_rung,
)
from rehab.enums import (
    DecisionKind,
    Effort,
    GateTest,
    Irritability,
    PainZone,
    Presentation,
    ProgrammeStatus,
    SessionType,
)
from rehab.gates import gate_status, record_gate_test, resolve_pending_gate
from rehab.models import (
    Assessment,
    Decision,
    ExercisePrescription,
    GateStatus,
    GateTestResult,
    LoadState,
    MorningEntry,
    Profile,
    ProgrammeState,
    SessionLog,
    SessionResult,
    SetAdvice,
)
from rehab.outcomes import refer, referral_trigger
from rehab.pain import classify_morning, classify_set_pain, session_zone, trend_rising
from rehab.protocol import (
    IRRITABILITY_RULES,
    LOADS,
    RUN_LADDER,
    STAGE2_BASE_RUNGS,
    STAGE2_ENTRY_RUNG,
    THRESHOLDS,
    TIMINGS,
    Thresholds,
)
from rehab.reasons import (
    Answer,
    EffortHeavier,
    EffortLighter,
    FlareBackToFirstHolds,
    FlareCooldown,
    FlareLighter,
    FlareLightest,
    FlareStageDown,
    GapLighter,
    GapRecheck,
    GateOffer,
    HeavyDose,
    LoadChange,
    LoadsHold,
    LoadStepWait,
    MissingAnswer,
    MorningAboveUsual,
    MorningFlare,
    NewWeek,
    NewWeekStarts,
    NothingToJudge,
    OneMoreSession,
    Paused,
    Reason,
    RecheckDue,
    RedSession,
    ReferralOpen,
    RunStepUp,
    SameDose,
    SetAtCeiling,
    SetAtCeilingAdvice,
    SetComfortable,
    SetDose,
    SetDropRung,
    SetEndSession,
    SetNotStarted,
    SetRedExerciseDone,
    SetStopExercise,
    SettledAmberStepUp,
    StaleDoseNudge,
    StepUp,
    Stopped,
    TopOfLadder,
    TrendHold,
)
from rehab.transitions import (
    adjust_load,
    count_beyer_week,
    current_dose,
    decision,
    dose_changed,
    enter_stage,
    finish,
    in_flare_cooldown,
    mark_not_green,
    rung_down,
    rung_up,
    stage2_load_rung_wait,
    sync_phase,
    uses_loads,
)

MAX_MORNINGS = 60
MAX_SESSIONS = 150

# ---------------------------------------------------------------------------------------------
# Assessment (sections 1-2)
# ---------------------------------------------------------------------------------------------


def classify_irritability(profile: Profile) -> Irritability:
    r = IRRITABILITY_RULES
    n = profile.single_leg_heel_raises
    if (
        profile.rest_pain >= r.high_rest_pain
        or profile.morning_pain >= r.high_morning_pain
        or profile.stiffness_minutes > r.high_stiffness_minutes
        or n <= r.high_heel_raises
    ):
        return Irritability.HIGH
    if (
        profile.rest_pain <= r.low_rest_pain
        and profile.morning_pain <= r.low_morning_pain
        and n >= r.low_heel_raises
    ):
        return Irritability.LOW
    return Irritability.MODERATE


# How the assessment names the irritability class to the user (plain words, no jargon).
ASSESSMENT_OPENERS: dict[Irritability, str] = {
    Irritability.LOW: "Your tendon seems fairly settled",
    Irritability.MODERATE: "Your tendon seems moderately irritable (it reacts to load)",
    Irritability.HIGH: "Your tendon seems very irritable at the moment",
}


def assess(profile: Profile) -> Assessment:
    """Presentation handling, irritability, starting stage and entry rung."""
    irritability = classify_irritability(profile)
    floor_only = profile.presentation is not Presentation.MID_PORTION
    if irritability is Irritability.LOW:
        stage = 2
        many = profile.single_leg_heel_raises >= IRRITABILITY_RULES.stage2_top_heel_raises
        rung = STAGE2_ENTRY_RUNG["low_25_plus" if many else "low"]
    else:
        stage, rung = 1, 0
    parts = [ASSESSMENT_OPENERS[irritability] + f", so you start in Stage {stage}"]
    parts[0] += " with gentle holds." if stage == 1 else " with slow calf raises and heel drops."
    if profile.presentation is Presentation.INSERTIONAL:
        parts.append("Because the pain is at the heel bone, all work stays on flat floor.")
    elif profile.presentation is Presentation.UNSURE:
        parts.append(
            "As the painful spot is unclear, we use the floor-only version to be safe; "
            "a physiotherapist can tell you which kind it is."
        )
    entry_test = (
        stage == 2 and rung == STAGE2_ENTRY_RUNG["low_25_plus"] and profile.stage3_entry_test
    )
    if entry_test:
        parts.append("You chose to try the Stage 3 entry test first.")
    return Assessment(
        irritability=irritability,
        floor_only=floor_only,
        stage=stage,
        rung=rung,
        suggest_assessment=profile.presentation is Presentation.UNSURE,
        summary=" ".join(parts),
        presentation=profile.presentation,
        entry_test=entry_test,
    )


def start_programme(profile: Profile, today: date) -> ProgrammeState:
    a = assess(profile)
    entry_test = (
        a.stage == 2 and a.rung == STAGE2_ENTRY_RUNG["low_25_plus"] and profile.stage3_entry_test
    )
    return ProgrammeState(
        profile=profile,
        irritability=a.irritability,
        floor_only=a.floor_only,
        stage=a.stage,
        rung=a.rung,
        programme_start=today,
        stage_start=today,
        dose_changed_on=today,
        rung_changed_on=today,
        entry_test_pending=entry_test,
    )


def restart_after_clearance(
    state: ProgrammeState, on: date, profile: Profile | None = None
) -> ProgrammeState:
    """A stopped user confirmed a clinician assessed and cleared them: start afresh, keeping
    the red-flag history."""
    fresh = start_programme(profile or state.profile, on)
    fresh.red_flag_history = list(state.red_flag_history)
    return fresh


# ---------------------------------------------------------------------------------------------
# Answers
# ---------------------------------------------------------------------------------------------


def record_morning(
    state: ProgrammeState, on: date, pain: int, stiffness_minutes: int | None = None
) -> ProgrammeState:
    """The first-steps score reported on the morning of ``on``."""
    s = state.clone()
    s.mornings = [m for m in s.mornings if m.on != on]
    zone = classify_morning(s, pain, on=on)
    s.mornings.append(
        MorningEntry(on=on, pain=pain, stiffness_minutes=stiffness_minutes, zone=zone)
    )
    s.mornings.sort(key=lambda m: m.on)
    s.mornings = s.mornings[-MAX_MORNINGS:]
    if zone is PainZone.RED:
        if on not in s.flares:
            s.flares.append(on)
            s.flares.sort()
        s.flares = s.flares[-30:]
        s.entry_test_pending = False  # R2: a test chosen at signup is void after a flare
    if zone is not PainZone.GREEN:
        mark_not_green(s, on)
        s.amber_streak = 0
    return s


def record_session(state: ProgrammeState, result: SessionResult) -> ProgrammeState:
    for p in result.set_pains:
        if not 0 <= p <= 10:
            raise ValueError(f"set pain must be 0-10, got {p}")
    s = state.clone()
    zone = session_zone(result.set_pains, result.pain_after)
    s.sessions.append(
        SessionLog(
            on=result.on,
            stage=result.stage,
            rung=s.rung,
            session_type=result.session_type,
            completed=result.completed,
            ended_early=result.ended_early,
            max_set_pain=max(result.set_pains) if result.set_pains else None,
            pain_after=result.pain_after,
            zone=zone,
        )
    )
    s.sessions = s.sessions[-MAX_SESSIONS:]
    if s.last_session_on is None or result.on > s.last_session_on:
        s.last_session_on = result.on
    green = zone is PainZone.GREEN and result.completed and not result.ended_early
    s.green_streak = s.green_streak + 1 if green else 0
    if not green:
        mark_not_green(s, result.on)
    # R2 settled amber: sets at the ceiling (never above), the session completed
    settled = (
        zone is PainZone.AMBER
        and result.completed
        and not result.ended_early
        and max(result.set_pains, default=0) <= THRESHOLDS.amber_ceiling
    )
    if settled:
        s.amber_streak += 1
    elif not green:
        s.amber_streak = 0
    if result.session_type is SessionType.RUN:
        s.last_run_on = result.on
    elif result.session_type is SessionType.HSR or s.stage == 3:
        s.last_hsr_on = result.on
    if s.stage == 3 and result.completed:
        count_beyer_week(s, result.on, session_done=True)
    for ex_id, effort in result.efforts.items():
        ls = s.stage3_loads.get(ex_id)
        if ls is None:
            continue
        streak = ls.easy_streak + 1 if effort is Effort.EASY else 0
        s.stage3_loads[ex_id] = ls.model_copy(update={"last_effort": effort, "easy_streak": streak})
    return s


def record_missed(state: ProgrammeState, on: date) -> ProgrammeState:
    """A scheduled session not started by the end of its day."""
    s = state.clone()
    if on not in s.missed:
        s.missed.append(on)
        s.missed = s.missed[-60:]
    s.green_streak = 0
    mark_not_green(s, on)
    return s


def pause(state: ProgrammeState, on: date) -> ProgrammeState:
    s = state.clone()
    s.paused = True
    s.paused_on = on
    return s


def resume(state: ProgrammeState, on: date) -> ProgrammeState:
    """End a pause. The gap rules apply at the next decision."""
    s = state.clone()
    s.paused = False
    s.paused_on = None
    return s


# ---------------------------------------------------------------------------------------------
# In-session adjustments (section 5)
# ---------------------------------------------------------------------------------------------


def adjust_after_set(
    ex: ExercisePrescription,
    set_pains: list[int],
    thresholds: Thresholds = THRESHOLDS,
    plate_kg: float = 2.5,
) -> SetAdvice:
    """What to do after the latest set of ``ex``. ``set_pains`` are this exercise's set pains so
    far, latest last; ``ex`` is the dose of the set just done."""
    if not set_pains:
        return SetAdvice(action="continue", next=ex, reason=SetNotStarted())
    last = set_pains[-1]
    ceiling = thresholds.amber_ceiling
    zone = classify_set_pain(last, thresholds)
    if last >= thresholds.end_session_pain:
        return SetAdvice(action="end_session", next=None, reason=SetEndSession(pain=last))
    reds = sum(1 for p in set_pains if classify_set_pain(p, thresholds) is PainZone.RED)
    if reds >= thresholds.red_sets_to_stop_exercise:
        reason: Reason = SetStopExercise(pain=last, ceiling=ceiling)
        return SetAdvice(action="stop_exercise", next=None, reason=reason)
    done = len(set_pains) >= ex.sets
    if zone is PainZone.RED and done:
        # Issue 11: no promise of a lighter next set when none of this exercise follows.
        reason = SetRedExerciseDone(pain=last, ceiling=ceiling)
        return SetAdvice(action="continue", next=None, reason=reason)
    if zone is PainZone.RED:
        lighter = one_rung_lighter(ex, plate_kg)
        reason = SetDropRung(pain=last, ceiling=ceiling, next=set_dose(lighter))
        return SetAdvice(action="drop_rung", next=lighter, reason=reason)
    if zone is PainZone.AMBER:
        reason = SetAtCeilingAdvice(pain=last, exercise_done=done)
    else:
        reason = SetComfortable(pain=last, exercise_done=done)
    return SetAdvice(action="continue", next=None if done else ex, reason=reason)


def set_dose(ex: ExercisePrescription) -> SetDose:
    """One set of ``ex``, for a reason."""
    return SetDose(
        exercise_id=ex.exercise_id,
        kind=ex.kind,
        hold_s=ex.hold_s,
        reps=ex.reps,
        contacts=ex.contacts,
        load_kg=ex.load_kg,
        stance=ex.stance,
        leg=ex.leg,
    )


# ---------------------------------------------------------------------------------------------
# The next-session decision (sections 4-6)
# ---------------------------------------------------------------------------------------------


def _gap_lighter(s: ProgrammeState, today: date) -> None:
    """R2 gap rule, in every stage and in maintenance: about -20 % of the load the tendon
    carries, per exercise, rounded down; with no added load left, the volume drops a rung."""
    factor = TIMINGS.gap_regress_load_factor
    if s.stage3_loads and (uses_loads(s) or s.stage == 4):
        for ex_id, ls in list(s.stage3_loads.items()):
            s.stage3_loads[ex_id] = gap_load(s.profile, ex_id, ls, today, factor)
    if uses_loads(s):
        pass
    elif s.stage == 2:
        ladder = stage2_ladder(s.profile)
        top_bodyweight = len(STAGE2_BASE_RUNGS) - 1
        loaded = ladder[min(s.rung, len(ladder) - 1)].load_kg > 0
        if loaded or s.rung > top_bodyweight:
            s.rung = top_bodyweight  # the added load goes; the volume stays
        elif s.rung > 0:
            s.rung -= 1
        s.rung_changed_on = today
    elif s.stage == 4:
        rung_down(s, today, factor)
        if s.run_since is not None and s.run_step > 0:
            s.run_step -= 1
    else:
        rung_down(s, today, factor)
    dose_changed(s, today)


def _fit_stage4_below(s: ProgrammeState, last: dict[str, int], last_total: int) -> None:
    """After a Stage 4 restart at its entry: no drill above its last count, and the total at
    most 80 % of the last one (R2)."""
    if not last:
        return
    factor = 1.0
    entry = stage4_plyo(s.model_copy(update={"stage4_factor": 1.0}))
    for ex_id, per_set in entry.items():
        if ex_id in last:
            factor = min(factor, last[ex_id] / per_set)
    full_total = stage4_total(s.model_copy(update={"stage4_factor": 1.0}))
    factor = min(factor, TIMINGS.gap_regress_load_factor * last_total / full_total)
    s.stage4_factor = max(0.05, round(factor, 3))


def _gap_rules(s: ProgrammeState, before: ProgrammeState, today: date) -> Decision | None:
    if s.status is ProgrammeStatus.STOPPED:
        return None
    last = s.last_session_on or s.programme_start
    gap = (today - last).days
    handled = s.gap_handled_for == last
    restart = s.status is ProgrammeStatus.ACTIVE and gap >= TIMINGS.gap_restart_days
    if restart and not (handled and s.gap_level >= 14):
        first = not handled
        s.gap_handled_for, s.gap_level = last, 14
        plyo_before = stage4_plyo(s) if s.stage == 4 else {}
        total_before = stage4_total(s) if s.stage == 4 else 0
        if first:
            _gap_lighter(s, today)
        if s.stage == 3:
            # The heavy programme's week stays where it was (its reps never rise after a
            # break); the loads restart 20 % lighter.
            s.pending_gate = None
            s.gate_retest_after = None
        else:
            enter_stage(s, s.stage, today)
        if s.stage == 4:
            _fit_stage4_below(s, plyo_before, total_before)
        s.needs_recheck = True
        mark_not_green(s, today)
        reason: Reason = GapRecheck(days=gap, stage=s.stage)
        return decision(before, s, DecisionKind.REASSESS, reason, GateTest.RECHECK)
    if gap >= TIMINGS.gap_regress_days and not handled:
        s.gap_handled_for, s.gap_level = last, 7
        _gap_lighter(s, today)
        mark_not_green(s, today)
        reason = GapLighter(days=gap, dose=current_dose(s))
        return decision(before, s, DecisionKind.DELOAD, reason)
    return None


def _trend(s: ProgrammeState, today: date) -> None:
    week = (today - s.programme_start).days // TIMINGS.trend_week_days
    if week < 2 or s.trend_checked_week >= week:
        return
    s.trend_checked_week = week
    ended = s.programme_start + timedelta(days=TIMINGS.trend_week_days * (week - 1))
    rising, _, _ = trend_rising(s.mornings, ended)
    if rising:
        until = ended + timedelta(days=2 * TIMINGS.trend_week_days - 1)
        s.trend_hold_until = until
        mark_not_green(s, until)


def _missing_answers(s: ProgrammeState, pending: list[SessionLog]) -> list[MissingAnswer]:
    """The answers the last sessions still lack: a session's pain answers first, then the
    morning answers after a session, each kind oldest first."""
    issues: set[tuple[int, date]] = set()
    answered = {m.on for m in s.mornings}
    for log in pending:
        if log.zone is None:
            issues.add((0, log.on))
        elif log.on + timedelta(days=1) not in answered:
            issues.add((1, log.on))
    kinds: dict[int, Literal["session_pain", "morning_after"]] = {
        0: "session_pain",
        1: "morning_after",
    }
    return [MissingAnswer(what=kinds[k], session_on=on) for k, on in sorted(issues)]


@dataclass
class _Day:
    """One day's decision being made: the state before, the state being changed, and what
    the rules found on the way."""

    before: ProgrammeState
    s: ProgrammeState
    today: date
    pending: list[SessionLog] = field(default_factory=list)  # sessions not judged yet
    fresh_mornings: list[MorningEntry] = field(default_factory=list)  # mornings not judged yet
    phase_changed: bool = False  # a new week of the heavy schedule started today
    gate: GateStatus | None = None

    def decide(self, kind: DecisionKind, reason: Reason, gate: GateTest | None = None) -> _Outcome:
        return finish(self.s, decision(self.before, self.s, kind, reason, gate), self.today)

    def finish(self, d: Decision, s: ProgrammeState | None = None) -> _Outcome:
        return finish(self.s if s is None else s, d, self.today)


_Outcome = tuple[ProgrammeState, Decision]
_Rule = Callable[[_Day], _Outcome | None]


def _stopped(day: _Day) -> _Outcome | None:
    """A red flag stopped the programme: nothing changes until a clinician clears the person."""
    s = day.s
    if s.status is not ProgrammeStatus.STOPPED:
        return None
    return day.decide(DecisionKind.STOP, Stopped(flag=s.stop.code if s.stop else None))


def _paused(day: _Day) -> _Outcome | None:
    return day.decide(DecisionKind.HOLD, Paused()) if day.s.paused else None


def _take_in_new_answers(day: _Day) -> _Outcome | None:
    """Never decides: the sessions before today and the mornings up to today are judged now."""
    s, today = day.s, day.today
    day.pending = [x for x in s.sessions if not x.evaluated and x.on < today]
    day.fresh_mornings = [m for m in s.mornings if not m.evaluated and m.on <= today]
    s.sessions = [
        x.model_copy(update={"evaluated": True}) if not x.evaluated and x.on < today else x
        for x in s.sessions
    ]
    s.mornings = [
        m.model_copy(update={"evaluated": True}) if not m.evaluated and m.on <= today else m
        for m in s.mornings
    ]
    return None


def _back_from_a_break(day: _Day) -> _Outcome | None:
    """7+ days away: every exercise lighter; 14+ days: a re-check, then the stage's entry."""
    gap = _gap_rules(day.s, day.before, day.today)
    return day.finish(gap) if gap is not None else None


def _weekly_trend(day: _Day) -> _Outcome | None:
    """Never decides: mornings a point worse on average than the week before hold the dose
    for a while (see ``_rising_trend_hold``)."""
    _trend(day.s, day.today)
    return None


def _passed_test_waits_for_a_calm_morning(day: _Day) -> _Outcome | None:
    gate_decision = resolve_pending_gate(day.s, day.before, day.today)
    return day.finish(gate_decision) if gate_decision is not None else None


def _not_getting_better(day: _Day) -> _Outcome | None:
    """R2: not getting better -> see a clinician (the lightest dose, no progress until seen)."""
    trigger = referral_trigger(day.s, day.today)
    if trigger is None:
        return None
    _reset_efforts(day.s)
    s2, d = refer(day.s, trigger[0], trigger[1], day.today)
    d = d.model_copy(update={"stage_from": day.before.stage, "rung_from": day.before.rung})
    return day.finish(d, s2)


def _flare_or_red_session(day: _Day) -> _Outcome | None:
    """Rule 2: a morning flare or a red session: one step lighter; a second flare within 7 days
    goes back one stage (from Stage 1: to its first holds)."""
    s, today = day.s, day.today
    flares = [m for m in day.fresh_mornings if m.zone is PainZone.RED]
    reds = [x for x in day.pending if x.zone is PainZone.RED]
    if not flares and not reds:
        return None
    _reset_efforts(s)
    s.amber_streak = 0
    if s.run_since is not None and s.run_step > 0:
        s.run_step -= 1  # a red run or a flare: one step back in the walk-jog block
    answer: Answer = (
        MorningFlare(pain=flares[-1].pain)
        if flares
        else RedSession(ceiling=THRESHOLDS.amber_ceiling)
    )
    window = TIMINGS.second_flare_window_days
    second = any(0 < (m.on - f).days <= window for m in flares for f in s.flares if f < m.on)
    if second and s.status is ProgrammeStatus.ACTIVE and s.stage > 1:
        enter_stage(s, s.stage - 1, today)
        reason: Reason = FlareStageDown(window_days=window, answer=answer, stage=s.stage)
        return day.decide(DecisionKind.STAGE_DOWN, reason)
    if second and s.status is ProgrammeStatus.ACTIVE:
        changed = s.rung > 0
        enter_stage(s, 1, today)
        if changed:
            reason = FlareBackToFirstHolds(window_days=window, answer=answer)
            return day.decide(DecisionKind.REGRESS, reason)
    elif rung_down(s, today, 1 - LOADS.stage3_step_fraction):
        return day.decide(DecisionKind.REGRESS, FlareLighter(answer=answer, dose=current_dose(s)))
    return day.decide(DecisionKind.HOLD, FlareLightest(answer=answer, dose=current_dose(s)))


def _referral_open(day: _Day) -> _Outcome | None:
    """Advised to see a clinician and not seen yet: the light dose stays."""
    return day.decide(DecisionKind.REFER, ReferralOpen()) if day.s.referral is not None else None


def _amber_or_missing_answer(day: _Day) -> _Outcome | None:
    """Rule 3: an amber morning or session, or a missing answer: the same dose (but four
    settled amber sessions allow a small step up in volume)."""
    s, today = day.s, day.today
    ambers = [m for m in day.fresh_mornings if m.zone is PainZone.AMBER]
    amber_sessions = [x for x in day.pending if x.zone is PainZone.AMBER]
    missing = _missing_answers(s, day.pending)
    settled = _settled_amber(s, today, ambers, missing)
    if settled is not None:
        return day.finish(settled)
    if not ambers and not amber_sessions and not missing:
        return None
    answer: Answer
    if ambers:
        answer = MorningAboveUsual(pain=ambers[-1].pain)
    elif amber_sessions:
        answer = SetAtCeiling(ceiling=THRESHOLDS.amber_ceiling)
    else:
        answer = missing[0]
        mark_not_green(s, today)
    _reset_efforts(s)
    return day.decide(DecisionKind.HOLD, SameDose(answer=answer))


def _rising_trend_hold(day: _Day) -> _Outcome | None:
    until = day.s.trend_hold_until
    if until is None or day.today > until:
        return None
    return day.decide(DecisionKind.HOLD, TrendHold(until=until))


def _flare_cooldown(day: _Day) -> _Outcome | None:
    if not in_flare_cooldown(day.s, day.today):
        return None
    return day.decide(DecisionKind.HOLD, FlareCooldown())


def _recheck_first(day: _Day) -> _Outcome | None:
    if not day.s.needs_recheck:
        return None
    return day.decide(DecisionKind.REASSESS, RecheckDue(), GateTest.RECHECK)


def _follow_the_heavy_schedule(day: _Day) -> _Outcome | None:
    """Never decides: Stage 3's week schedule moves on (never to a heavier dose right after a
    red session or a flare, R2 rule 2); the new-week rules below announce it."""
    last_log = max(day.s.sessions, key=lambda x: x.on, default=None)
    calm = last_log is None or last_log.zone is not PainZone.RED
    day.phase_changed = sync_phase(day.s, day.today, allow_rise=calm)
    return None


def _due_gate(day: _Day) -> _Outcome | None:
    """Rule 5: a due gate test is offered (the ones read from the logs are taken at once)."""
    s, today = day.s, day.today
    status = day.gate = gate_status(s, today)
    if not status.due or status.test is None:
        return None
    if status.test in (GateTest.HOLDS_REVIEW, GateTest.GRADUATION):
        s2, d = record_gate_test(s, GateTestResult(), today)
        d = d.model_copy(update={"stage_from": day.before.stage, "rung_from": day.before.rung})
        return day.finish(d, s2)
    reason = GateOffer(test=status.test, hold_out_of_reach=status.hold_out_of_reach)
    return day.decide(DecisionKind.GATE_TEST, reason, status.test)


def _walk_jog_goes_well(day: _Day) -> _Outcome | None:
    """Rule 4, running block: a green run and a calm next morning -> more jogging."""
    run = _run_progress(day.s, day.pending, day.today)
    return day.decide(DecisionKind.PROGRESS, run) if run is not None else None


def _effort_regulates_loads(day: _Day) -> _Outcome | None:
    """Rule 4, heavy loads: a failed last set -> lighter; easy twice running -> heavier."""
    s = day.s
    if not (uses_loads(s) or s.stage == 4):
        return None
    new_week = _new_week(s) if day.phase_changed else None
    return _effort_changes(s, day.today, new_week=new_week)


def _two_green_sessions(day: _Day) -> _Outcome | None:
    """Rule 4, ladders: two complete low-pain sessions -> one rung up (weight steps at most
    twice a week, a few days apart)."""
    s, today = day.s, day.today
    if uses_loads(s) or s.green_streak < 2 or s.rung_changed_on == today:
        return None
    wait = stage2_load_rung_wait(s, today)
    if _weekly_step_ok(s, today) and wait is None and rung_up(s, today):
        reason = StepUp(pain_max=THRESHOLDS.set_green_max, dose=current_dose(s))
        return day.decide(DecisionKind.PROGRESS, reason)
    if wait is not None:
        return day.decide(DecisionKind.HOLD, LoadStepWait(on=wait))
    return None


def _stale_dose_nudge(day: _Day) -> _Outcome | None:
    """Section 10: a dose must not sit unchanged while everything is green."""
    s, today = day.s, day.today
    quiet_since = max(d for d in (s.dose_changed_on, s.not_green_on) if d is not None)
    days = TIMINGS.stale_dose_days
    if (today - quiet_since).days < days or s.rung_changed_on == today:
        return None
    if not _weekly_step_ok(s, today):
        return None
    nudged = rung_up(s, today, only_older_than=days)
    if not nudged:
        return None
    return day.decide(DecisionKind.PROGRESS, StaleDoseNudge(days=days, raised=nudged))


def _new_heavy_week(day: _Day) -> _Outcome | None:
    if not day.phase_changed:
        return None
    s, before = day.s, day.before
    moved = [
        load_change(k, before.stage3_loads[k], v)
        for k, v in s.stage3_loads.items()
        if k in before.stage3_loads and v.load_kg != before.stage3_loads[k].load_kg
    ]
    return day.decide(DecisionKind.PROGRESS, NewWeekStarts(new_week=_new_week(s), loads=moved))


def _nothing_to_judge(day: _Day) -> _Outcome | None:
    return None if day.pending else day.decide(DecisionKind.HOLD, NothingToJudge())


def _loads_hold(day: _Day) -> _Outcome | None:
    """Heavy loads rise with effort or after a steady stretch, not after one good session."""
    if not (uses_loads(day.s) or day.s.stage == 4):
        return None
    return day.decide(DecisionKind.HOLD, LoadsHold())


def _top_of_ladder(day: _Day) -> _Outcome | None:
    s = day.s
    if s.stage not in (1, 2) or s.rung < top_rung(s):
        return None
    unmet = [r for r in day.gate.requirements if not r.met] if day.gate is not None else []
    return day.decide(DecisionKind.HOLD, TopOfLadder(still_to_come=unmet[0] if unmet else None))


def _one_more_session(day: _Day) -> _Outcome | None:
    reason = OneMoreSession(pain_max=THRESHOLDS.set_green_max)
    return day.decide(DecisionKind.HOLD, reason)


# Rules, first match wins (the ones that never decide prepare what the later ones read).
_RULES: tuple[_Rule, ...] = (
    _stopped,
    _paused,
    _take_in_new_answers,
    _back_from_a_break,
    _weekly_trend,
    _passed_test_waits_for_a_calm_morning,
    _not_getting_better,
    _flare_or_red_session,
    _referral_open,
    _amber_or_missing_answer,
    _rising_trend_hold,
    _flare_cooldown,
    _recheck_first,
    _follow_the_heavy_schedule,
    _due_gate,
    _walk_jog_goes_well,
    _effort_regulates_loads,
    _two_green_sessions,
    _stale_dose_nudge,
    _new_heavy_week,
    _nothing_to_judge,
    _loads_hold,
    _top_of_ladder,
    _one_more_session,
)


def decide_next(state: ProgrammeState, today: date) -> tuple[ProgrammeState, Decision]:
    """Decide the dose for ``today``'s session(s), after the morning check-in.

    Rules, first match wins (``_RULES``): red flag (stopped) -> gap rules -> a passed test's
    calm morning -> referral -> flare / red session (one rung down; a second flare within 7
    days: one stage down) -> amber or missing answer (same dose) -> weekly trend / flare
    cool-down holds -> due gate -> effort and two green sessions (one rung up, once a day) ->
    a long green plateau gets a nudge -> same dose.
    """
    day = _Day(before=state, s=state.clone(), today=today)
    for rule in _RULES:
        outcome = rule(day)
        if outcome is not None:
            return outcome
    raise AssertionError("the last rule always decides")  # pragma: no cover


def _weekly_step_ok(s: ProgrammeState, today: date) -> bool:
    """Stage 4 steps up at most once a week; other stages have no such wait."""
    return s.stage != 4 or (
        s.rung_changed_on is None
        or (today - s.rung_changed_on).days >= TIMINGS.stage4_rung_every_days
    )


def _settled_amber(
    s: ProgrammeState, today: date, ambers: list[MorningEntry], missing: list[MissingAnswer]
) -> Decision | None:
    """R2 settled amber: four complete sessions running at this dose with sets at 4 (never
    above) and calm mornings count as green for one step up in volume (never in load)."""
    if ambers or missing or s.amber_streak < TIMINGS.settled_amber_sessions:
        return None
    if s.rung_changed_on == today or uses_loads(s):
        return None
    if s.stage == 2 and is_load_rung(s.profile, s.rung + 1):
        return None
    before = s.clone()
    recent = s.rung_changed_on is not None and (
        (today - s.rung_changed_on).days < TIMINGS.stage4_rung_every_days
    )
    if s.stage == 4 and recent:
        return None
    if not rung_up(s, today):
        return None
    s.amber_streak = 0
    reason = SettledAmberStepUp(
        sessions=TIMINGS.settled_amber_sessions,
        ceiling=THRESHOLDS.amber_ceiling,
        dose=current_dose(s),
    )
    return decision(before, s, DecisionKind.PROGRESS, reason)


def _run_progress(s: ProgrammeState, pending: list[SessionLog], today: date) -> RunStepUp | None:
    """The walk-jog block: a green run and a calm next morning -> more jogging next time."""
    if s.run_since is None or not s.runs:
        return None
    answered = {m.on: m.zone for m in s.mornings}
    runs = [
        x
        for x in pending
        if x.session_type is SessionType.RUN and x.zone is PainZone.GREEN and x.completed
    ]
    if not runs or answered.get(runs[-1].on + timedelta(days=1)) is not PainZone.GREEN:
        return None
    if s.run_step >= len(RUN_LADDER) - 1:
        return None
    old = s.run_step
    s.run_step += 1
    dose_changed(s, today)
    s.last_rise_on = today
    return RunStepUp(step_from=old, step_to=s.run_step)


def _reset_efforts(s: ProgrammeState) -> None:
    s.stage3_loads = {
        k: v.model_copy(update={"easy_streak": 0, "last_effort": None})
        for k, v in s.stage3_loads.items()
    }


def _new_week(s: ProgrammeState) -> NewWeek:
    """The week of the Beyer schedule that begins today: Stage 3's, or the weekly heavy
    session's."""
    if s.stage == 3 and s.status is ProgrammeStatus.ACTIVE:
        dose = current_dose(s)
        assert isinstance(dose, HeavyDose)
        return NewWeek(stage3=True, sets=dose.sets, reps=dose.reps)
    phase = current_phase(s, s.stage_start)[1]
    return NewWeek(stage3=False, sets=phase.sets, reps=phase.reps)


def _effort_changes(
    s: ProgrammeState, today: date, new_week: NewWeek | None = None
) -> tuple[ProgrammeState, Decision] | None:
    """Stage 3 load regulation: easy twice running -> +5 %; hard -> -5 %. ``new_week``: a new
    week of the schedule starting the same day (the reason says so first)."""
    before = s.clone()
    from rehab.dosing import heavier, lighter  # local: avoids a wide import list above

    ups: list[LoadChange] = []
    downs: list[LoadChange] = []
    # R2: one new thing at a time: Stage 4's first week keeps the last Stage 3 loads
    first_week_of_4 = (
        s.stage == 4
        and s.status is ProgrammeStatus.ACTIVE
        and (today - s.stage_start).days < TIMINGS.stage4_hsr_hold_first_days
    )
    for ex_id, ls in list(s.stage3_loads.items()):
        if ls.last_effort is Effort.HARD:
            lower = lighter(s.profile, ex_id, ls, today, 1 - LOADS.stage3_step_fraction)
            adjust_load(s, ex_id, lower, today)
            downs.append(load_change(ex_id, ls, lower))
        elif ls.easy_streak >= LOADS.stage3_easy_sessions and not first_week_of_4:
            new = heavier(s.profile, ex_id, ls, today)
            if new is not None:
                adjust_load(s, ex_id, new, today)
                ups.append(load_change(ex_id, ls, new))
            else:
                s.stage3_loads[ex_id] = ls.model_copy(update={"easy_streak": 0})
        current = s.stage3_loads[ex_id]
        s.stage3_loads[ex_id] = current.model_copy(update={"last_effort": None})
    if not ups and not downs:
        return None
    if downs:
        reason: Reason = EffortLighter(new_week=new_week, lighter=downs, heavier=ups)
        return finish(s, decision(before, s, DecisionKind.REGRESS, reason), today)
    reason = EffortHeavier(new_week=new_week, heavier=ups)
    return finish(s, decision(before, s, DecisionKind.PROGRESS, reason), today)


def load_change(ex_id: str, old: LoadState, new: LoadState) -> LoadChange:
    """One heavy exercise's change: its load, hold and tempo before and after."""
    return LoadChange(
        exercise_id=ex_id,
        old_kg=old.load_kg,
        new_kg=new.load_kg,
        old_hold_s=old.hold_s,
        new_hold_s=new.hold_s,
        old_tempo_level=old.tempo_level,
        new_tempo_level=new.tempo_level,
    )


def ladder_length(state: ProgrammeState) -> int:
    """Number of rungs in the current stage's ladder (for progress bars)."""
    if state.stage == 2:
        return len(stage2_ladder(state.profile))
    return top_rung(state) + 1
