"""Assessment, answers and the next-session decision (protocol sections 2, 4, 5 and 6)."""

from __future__ import annotations

from datetime import date, timedelta

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
    GateTestResult,
    LoadState,
    MorningEntry,
    Profile,
    ProgrammeState,
    SessionLog,
    SessionResult,
    SetAdvice,
    day_label,
)
from rehab.outcomes import refer, referral_trigger
from rehab.pain import classify_morning, classify_set_pain, session_zone, trend_rising
from rehab.protocol import (
    EXERCISES,
    IRRITABILITY_RULES,
    LOADS,
    RUN_LADDER,
    STAGE2_BASE_RUNGS,
    STAGE2_ENTRY_RUNG,
    THRESHOLDS,
    TIMINGS,
    Exercise,
    RunStep,
    Thresholds,
)
from rehab.transitions import (
    adjust_load,
    count_beyer_week,
    decision,
    describe_dose,
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
    if stage == 2 and rung == STAGE2_ENTRY_RUNG["low_25_plus"] and profile.stage3_entry_test:
        parts.append("You chose to try the Stage 3 entry test first.")
    return Assessment(
        irritability=irritability,
        floor_only=floor_only,
        stage=stage,
        rung=rung,
        suggest_assessment=profile.presentation is Presentation.UNSURE,
        summary=" ".join(parts),
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
        return SetAdvice(action="continue", next=ex, reason="No set done yet.")
    last = set_pains[-1]
    zone = classify_set_pain(last, thresholds)
    if last >= thresholds.end_session_pain:
        return SetAdvice(
            action="end_session",
            next=None,
            reason=(
                f"You rated that set {last}/10, which is too high to carry on. Stop for today and "
                "rest; if the pain has not settled in a day or two, contact a clinician."
            ),
        )
    reds = sum(1 for p in set_pains if classify_set_pain(p, thresholds) is PainZone.RED)
    if reds >= thresholds.red_sets_to_stop_exercise:
        return SetAdvice(
            action="stop_exercise",
            next=None,
            reason=(
                f"A second set went above {thresholds.amber_ceiling}/10 ({last}/10), so we stop "
                "this exercise for today and move on."
            ),
        )
    done = len(set_pains) >= ex.sets
    if zone is PainZone.RED and done:
        # Issue 11: no promise of a lighter next set when none of this exercise follows.
        return SetAdvice(
            action="continue",
            next=None,
            reason=(
                f"That last set hurt {last}/10, above our ceiling of {thresholds.amber_ceiling}, "
                "and this exercise is done for today. Because a set went above "
                f"{thresholds.amber_ceiling}/10, your next session will be a step lighter."
            ),
        )
    if zone is PainZone.RED:
        lighter = one_rung_lighter(ex, plate_kg)
        return SetAdvice(
            action="drop_rung",
            next=lighter,
            reason=(
                f"That set hurt {last}/10, above our ceiling of {thresholds.amber_ceiling}, so "
                f"the next set is one step lighter ({_dose_text(lighter)})."
            ),
        )
    if zone is PainZone.AMBER:
        reason = (
            f"{last}/10 is right at our ceiling: fine, but do not push past it."
            if not done
            else f"Exercise done; the last set was {last}/10, right at our ceiling."
        )
    else:
        reason = f"{last}/10 is comfortable." + (" Exercise done." if done else "")
    return SetAdvice(action="continue", next=None if done else ex, reason=reason)


def _dose_text(ex: ExercisePrescription) -> str:
    parts: list[str] = []
    if ex.hold_s is not None:
        parts.append(f"{ex.hold_s} s hold")
    if ex.reps is not None:
        parts.append(f"{ex.reps} reps")
    if ex.contacts is not None:
        parts.append(f"{ex.contacts} contacts")
    if ex.load_kg:
        parts.append(f"{ex.load_kg:g} kg")
    parts.append(ex.stance.value.replace("-", " "))
    return ", ".join(parts)


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
        return decision(
            before,
            s,
            DecisionKind.REASSESS,
            f"It has been {gap} days since your last session, so we re-check your morning pain "
            f"and do a heel-raise test, then restart Stage {s.stage} at its entry dose, with "
            "every exercise lighter than before the break.",
            GateTest.RECHECK,
        )
    if gap >= TIMINGS.gap_regress_days and not handled:
        s.gap_handled_for, s.gap_level = last, 7
        _gap_lighter(s, today)
        mark_not_green(s, today)
        return decision(
            before,
            s,
            DecisionKind.DELOAD,
            f"It has been {gap} days since your last session, so every exercise restarts about "
            f"a fifth lighter ({describe_dose(s)}) and builds back up.",
        )
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


def _missing_answers(s: ProgrammeState, pending: list[SessionLog]) -> list[str]:
    issues: list[str] = []
    answered = {m.on for m in s.mornings}
    for log in pending:
        if log.zone is None:
            issues.append(f"the pain answers of your session on {day_label(log.on)}")
        elif log.on + timedelta(days=1) not in answered:
            issues.append(f"your morning answer after the session on {day_label(log.on)}")
    return sorted(set(issues))


def decide_next(state: ProgrammeState, today: date) -> tuple[ProgrammeState, Decision]:
    """Decide the dose for ``today``'s session(s), after the morning check-in.

    Rules, first match wins: red flag (stopped) -> gap rules -> flare / red session (one rung
    down; a second flare within 7 days: one stage down) -> amber or missing answer (same dose)
    -> weekly trend / flare cool-down holds -> due gate -> two green sessions (one rung up,
    once a day) -> a long green plateau gets a nudge -> same dose.
    """
    before = state
    s = state.clone()

    def done(
        kind: DecisionKind, reason: str, gate: GateTest | None = None
    ) -> tuple[ProgrammeState, Decision]:
        return finish(s, decision(before, s, kind, reason, gate), today)

    if s.status is ProgrammeStatus.STOPPED:
        code = s.stop.code if s.stop else "a red flag"
        return done(
            DecisionKind.STOP,
            f"The programme is stopped because of {code}. Please follow the advice you were "
            "given; it can restart once a clinician has cleared you.",
        )
    if s.paused:
        return done(DecisionKind.HOLD, "The programme is paused; nothing changes until you resume.")

    pending = [x for x in s.sessions if not x.evaluated and x.on < today]
    fresh_mornings = [m for m in s.mornings if not m.evaluated and m.on <= today]
    s.sessions = [
        x.model_copy(update={"evaluated": True}) if not x.evaluated and x.on < today else x
        for x in s.sessions
    ]
    s.mornings = [
        m.model_copy(update={"evaluated": True}) if not m.evaluated and m.on <= today else m
        for m in s.mornings
    ]

    gap = _gap_rules(s, before, today)
    if gap is not None:
        return finish(s, gap, today)

    _trend(s, today)
    cooldown = in_flare_cooldown(s, today)
    gate_decision = resolve_pending_gate(s, before, today)
    if gate_decision is not None:
        return finish(s, gate_decision, today)

    # R2: not getting better -> see a clinician (the lightest dose, no progress until seen).
    trigger = referral_trigger(s, today)
    if trigger is not None:
        _reset_efforts(s)
        s2, d = refer(s, trigger[0], trigger[1], today)
        d = d.model_copy(update={"stage_from": before.stage, "rung_from": before.rung})
        return finish(s2, d, today)

    # Rule 2: a morning flare or a red session.
    flares = [m for m in fresh_mornings if m.zone is PainZone.RED]
    reds = [x for x in pending if x.zone is PainZone.RED]
    if flares or reds:
        _reset_efforts(s)
        s.amber_streak = 0
        if s.run_since is not None and s.run_step > 0:
            s.run_step -= 1  # a red run or a flare: one step back in the walk-jog block
        if flares:
            answer = f"your morning pain was {flares[-1].pain}/10, a flare"
        else:
            answer = f"a session hurt more than {THRESHOLDS.amber_ceiling}/10"
        window = TIMINGS.second_flare_window_days
        second = any(0 < (m.on - f).days <= window for m in flares for f in s.flares if f < m.on)
        if second and s.status is ProgrammeStatus.ACTIVE and s.stage > 1:
            enter_stage(s, s.stage - 1, today)
            return done(
                DecisionKind.STAGE_DOWN,
                f"This is the second flare within {window} days ({answer}), so you go back to "
                f"the start of Stage {s.stage} to let the tendon settle.",
            )
        if second and s.status is ProgrammeStatus.ACTIVE:
            changed = s.rung > 0
            enter_stage(s, 1, today)
            if changed:
                return done(
                    DecisionKind.REGRESS,
                    f"This is the second flare within {window} days ({answer}), so you go back "
                    "to the first holds of Stage 1.",
                )
        elif rung_down(s, today, 1 - LOADS.stage3_step_fraction):
            return done(
                DecisionKind.REGRESS,
                f"Because {answer}, the next sessions are one step lighter ({describe_dose(s)}).",
            )
        return done(
            DecisionKind.HOLD,
            f"Because {answer}, you stay at the lightest dose ({describe_dose(s)}) until it "
            "settles.",
        )

    if s.referral is not None:
        return done(
            DecisionKind.REFER,
            "Please have a physiotherapist or doctor look at your tendon (/export makes a report "
            "for them). You stay at this light dose until you tell me you have been seen; then "
            "we build up again.",
        )

    # Rule 3: amber, or a missing answer.
    ambers = [m for m in fresh_mornings if m.zone is PainZone.AMBER]
    amber_sessions = [x for x in pending if x.zone is PainZone.AMBER]
    missing = _missing_answers(s, pending)
    settled = _settled_amber(s, today, ambers, missing)
    if settled is not None:
        return finish(s, settled, today)
    if ambers or amber_sessions or missing:
        if ambers:
            answer = f"your morning pain ({ambers[-1].pain}/10) was a little above your usual"
        elif amber_sessions:
            answer = f"a set reached {THRESHOLDS.amber_ceiling}/10, right at our ceiling"
        else:
            answer = f"we are missing {missing[0]}"
            mark_not_green(s, today)
        _reset_efforts(s)
        return done(DecisionKind.HOLD, f"Same dose as last time, because {answer}.")

    if s.trend_hold_until is not None and today <= s.trend_hold_until:
        return done(
            DecisionKind.HOLD,
            "Your mornings were on average a point or more worse last week than the week "
            f"before, so we hold everything steady until {day_label(s.trend_hold_until)}.",
        )
    if cooldown:
        return done(
            DecisionKind.HOLD,
            "You had a morning flare very recently, so the dose stays as it is for now.",
        )
    if s.needs_recheck:
        return done(
            DecisionKind.REASSESS,
            "Before building up again we need the re-check: morning pain and a heel-raise test.",
            GateTest.RECHECK,
        )

    # Never a heavier dose right after a red session or a flare (R2, rule 2).
    last_log = max(s.sessions, key=lambda x: x.on, default=None)
    calm = last_log is None or last_log.zone is not PainZone.RED
    phase_changed = sync_phase(s, today, allow_rise=calm)

    # Rule 5: a due gate.
    status = gate_status(s, today)
    if status.due and status.test is not None:
        if status.test in (GateTest.HOLDS_REVIEW, GateTest.GRADUATION):
            s2, d = record_gate_test(s, GateTestResult(), today)
            d = d.model_copy(update={"stage_from": before.stage, "rung_from": before.rung})
            return finish(s2, d, today)
        return done(DecisionKind.GATE_TEST, _gate_offer(status.test, status.note), status.test)

    # Rule 4: progress.
    run = _run_progress(s, pending, today)
    if run is not None:
        return done(DecisionKind.PROGRESS, run)
    if uses_loads(s) or s.stage == 4:
        new_week = f"{_new_week(s)}. " if phase_changed else ""
        changes = _effort_changes(s, today, prefix=new_week)
        if changes is not None:
            return changes
    if not uses_loads(s) and s.green_streak >= 2 and s.rung_changed_on != today:
        weekly_ok = s.stage != 4 or (
            s.rung_changed_on is None
            or (today - s.rung_changed_on).days >= TIMINGS.stage4_rung_every_days
        )
        wait = stage2_load_rung_wait(s, today)
        if weekly_ok and wait is None and rung_up(s, today):
            return done(
                DecisionKind.PROGRESS,
                f"Your last two sessions were complete with pain at "
                f"{THRESHOLDS.set_green_max}/10 or less, so you step up to {describe_dose(s)}.",
            )
        if wait is not None:
            return done(
                DecisionKind.HOLD,
                "Your sessions went well. The next step adds weight, and weight goes up at most "
                f"twice a week, a few days apart, so it comes on {day_label(wait)}.",
            )

    # Section 10: a dose must not sit unchanged while everything is green.
    quiet_since = max(d for d in (s.dose_changed_on, s.not_green_on) if d is not None)
    if (today - quiet_since).days >= TIMINGS.stale_dose_days and s.rung_changed_on != today:
        weekly_ok = s.stage != 4 or (
            s.rung_changed_on is None
            or (today - s.rung_changed_on).days >= TIMINGS.stage4_rung_every_days
        )
        if weekly_ok:
            nudged = rung_up(s, today, only_older_than=TIMINGS.stale_dose_days)
            if nudged:
                return done(
                    DecisionKind.PROGRESS,
                    f"Pain has stayed low for {TIMINGS.stale_dose_days} days at the same dose, "
                    f"so we add a little: {', '.join(nudged)}. A tendon needs a rising load to "
                    "keep getting stronger.",
                )

    if phase_changed:
        moved = [
            _load_change(EXERCISES[k], before.stage3_loads[k], v)
            for k, v in s.stage3_loads.items()
            if k in before.stage3_loads and v.load_kg != before.stage3_loads[k].load_kg
        ]
        tail = f"; new loads: {'; '.join(moved)}." if moved else ", at the same loads."
        return done(DecisionKind.PROGRESS, f"{_new_week(s)}{tail}")
    if not pending:
        return done(DecisionKind.HOLD, "No new session to judge since last time: same dose.")
    if uses_loads(s) or s.stage == 4:
        return done(
            DecisionKind.HOLD,
            "Your last session stayed in the low-pain zone and the effort felt right, so the dose "
            "stays; it rises when a lift feels easy twice running or after a steady stretch.",
        )
    if s.stage in (1, 2) and s.rung >= top_rung(s):
        unmet = [r for r in status.requirements if not r.met]
        detail = f" Still to come: {unmet[0].label.lower()} ({unmet[0].detail})." if unmet else ""
        return done(DecisionKind.HOLD, f"You are at the top of this stage's ladder.{detail}")
    return done(
        DecisionKind.HOLD,
        f"Your last session went well; one more complete session at this dose with pain at "
        f"{THRESHOLDS.set_green_max}/10 or less and you step up.",
    )


def _settled_amber(
    s: ProgrammeState, today: date, ambers: list[MorningEntry], missing: list[str]
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
    return decision(
        before,
        s,
        DecisionKind.PROGRESS,
        f"Your last {TIMINGS.settled_amber_sessions} sessions reached "
        f"{THRESHOLDS.amber_ceiling}/10 but never more, and each next morning was calm: pain "
        f"that settles by the morning is fine, so you step up a little to {describe_dose(s)}.",
    )


def _run_progress(s: ProgrammeState, pending: list[SessionLog], today: date) -> str | None:
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
    old = RUN_LADDER[s.run_step]
    s.run_step += 1
    new = RUN_LADDER[s.run_step]
    dose_changed(s, today)
    s.last_rise_on = today
    return (
        f"Your walk–jog went well and the next morning was calm, so the next one has more "
        f"jogging: {run_text(new)} (was {run_text(old)})."
    )


def run_text(step: RunStep) -> str:
    if step.change:
        return f"{step.jog_min:g} min of running {step.change}"
    if step.walk_min == 0:
        return f"{step.jog_min:g} min of easy running"
    return f"{step.reps} × (walk {step.walk_min:g} min, jog {step.jog_min:g} min)"


def _reset_efforts(s: ProgrammeState) -> None:
    s.stage3_loads = {
        k: v.model_copy(update={"easy_streak": 0, "last_effort": None})
        for k, v in s.stage3_loads.items()
    }


def _new_week(s: ProgrammeState) -> str:
    """How a reason starts on the day a new week of the Beyer schedule begins (no full stop)."""
    if s.stage == 3 and s.status is ProgrammeStatus.ACTIVE:
        return f"A new week of the heavy programme: {describe_dose(s)}"
    phase = current_phase(s, s.stage_start)[1]
    return f"Your weekly heavy session moves on to {phase.sets} x {phase.reps} heavy slow reps"


def _effort_changes(
    s: ProgrammeState, today: date, prefix: str = ""
) -> tuple[ProgrammeState, Decision] | None:
    """Stage 3 load regulation: easy twice running -> +5 %; hard -> -5 %. `prefix` opens the
    reason (a new week of the schedule starting the same day)."""
    before = s.clone()
    from rehab.dosing import heavier, lighter  # local: avoids a wide import list above

    ups: list[str] = []
    downs: list[str] = []
    # R2: one new thing at a time: Stage 4's first week keeps the last Stage 3 loads
    first_week_of_4 = (
        s.stage == 4
        and s.status is ProgrammeStatus.ACTIVE
        and (today - s.stage_start).days < TIMINGS.stage4_hsr_hold_first_days
    )
    for ex_id, ls in list(s.stage3_loads.items()):
        name = EXERCISES[ex_id].name
        if ls.last_effort is Effort.HARD:
            lower = lighter(s.profile, ex_id, ls, today, 1 - LOADS.stage3_step_fraction)
            adjust_load(s, ex_id, lower, today)
            downs.append(_load_change(name, ls, lower))
        elif ls.easy_streak >= LOADS.stage3_easy_sessions and not first_week_of_4:
            new = heavier(s.profile, ex_id, ls, today)
            if new is not None:
                adjust_load(s, ex_id, new, today)
                ups.append(_load_change(name, ls, new))
            else:
                s.stage3_loads[ex_id] = ls.model_copy(update={"easy_streak": 0})
        current = s.stage3_loads[ex_id]
        s.stage3_loads[ex_id] = current.model_copy(update={"last_effort": None})
    if not ups and not downs:
        return None
    if downs:
        reason = (
            f"{prefix}You said the last set failed or your form broke, so that exercise gets "
            f"lighter: {'; '.join(downs)}."
        )
        if ups:
            reason += f" These felt easy twice running and step up: {'; '.join(ups)}."
        return finish(s, decision(before, s, DecisionKind.REGRESS, reason), today)
    reason = f"{prefix}These felt easy two sessions running, so they step up: {'; '.join(ups)}."
    return finish(s, decision(before, s, DecisionKind.PROGRESS, reason), today)


def _load_change(name: str | Exercise, old: LoadState, new: LoadState) -> str:
    """One exercise's change in a sentence: `Seated calf raise 12.5 → 15 kg`."""
    if not isinstance(name, str):
        name = name.name
    if new.load_kg != old.load_kg:
        return f"{name} {old.load_kg:g} → {new.load_kg:g} kg"
    if new.hold_s != old.hold_s and new.hold_s is not None and old.hold_s is not None:
        return f"{name} held {old.hold_s} → {new.hold_s} s"
    if new.tempo_level != old.tempo_level:
        up, down = LOADS.capped_tempo_s if new.tempo_level >= 1 else LOADS.slow_tempo_s
        pause = ""
        if new.tempo_level >= 2:
            pause = f", with a {LOADS.capped_pause_top_s} s pause at the top"
        return f"{name} at {up} s up and {down} s down{pause}"
    return name


def _gate_offer(test: GateTest, note: str) -> str:
    texts = {
        GateTest.HEEL_RAISE: (
            "You have done the work for Stage 3. Time for the test: as many slow single-leg heel "
            "raises as you can on the sore side, stopping at fatigue or pain above 3/10."
        ),
        GateTest.STAGE3_ENTRY: (
            "You chose the Stage 3 entry test: as many slow single-leg heel raises as you can, "
            "stopping at fatigue or pain above 3/10."
        ),
        GateTest.LOADED_HOLD: (
            "You are ready for the Stage 4 checkpoint: a single-leg heel-raise count, then a "
            "30 s single-leg heel-raise hold at one and a half times your body weight."
        ),
        GateTest.ENDURANCE_HOPS: (
            "You are ready for the Stage 4 test: a single-leg heel-raise count, then 10 "
            "single-leg hops, rating the pain."
        ),
    }
    text = texts.get(test, "A test is due.")
    return f"{text} {note}".strip()


def ladder_length(state: ProgrammeState) -> int:
    """Number of rungs in the current stage's ladder (for progress bars)."""
    if state.stage == 2:
        return len(stage2_ladder(state.profile))
    return top_rung(state) + 1
