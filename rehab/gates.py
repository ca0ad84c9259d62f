"""Stage gates (protocol sections 3 and 7): how close the user is, and the tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from rehab.dosing import stage1_ladder, stage2_gate_load, stage2_gate_rung, stage2_ladder
from rehab.enums import DecisionKind, GateTest, PainZone, ProgrammeStatus, Side
from rehab.models import (
    Decision,
    GateRecord,
    GateRequirement,
    GateStatus,
    GateTestResult,
    HeelRaiseCount,
    PendingGate,
    ProgrammeState,
)
from rehab.pain import classify_morning
from rehab.protocol import GATES, RUN_CONTINUOUS_30, STAGE4_FULL_RUNG
from rehab.reasons import (
    CalmMorningAfterTest,
    CalmMorningsAfter,
    CalmMorningStageUp,
    CheckpointPassed,
    ChosenAtOnboarding,
    DaysAtTop,
    DaysInStage,
    EasyRunning30,
    EnduranceHopsPassed,
    EnduranceShort,
    FullJumpLadder,
    Graduated,
    HeelRaisesFailed,
    HeelRaisesPassed,
    HoldNotDone,
    HoldOutOfReach,
    HoldsReviewPassed,
    HopsLowForTwoWeeks,
    HopTestFailed,
    HopTestPassed,
    LoadedHeelDrops,
    LowPainDaysOnFullLadder,
    NoFlareFor,
    NoFlareYesterdayOrToday,
    NoMorningAfterTest,
    NoTestActive,
    PainAtThatDose,
    PainOverLimit,
    Reason,
    RecheckAfterBreak,
    RecheckFailed,
    RecheckPassed,
    RetestFrom,
    Stage4TestFailed,
    TestNeedsAnswers,
    TestNotDue,
    TestShortfall,
    TopHolds,
    WeeksInProgramme,
    WeeksInStage,
)
from rehab.transitions import (
    decision,
    enter_stage,
    finish,
    in_flare_cooldown,
    mark_not_green,
    recent_flares,
)


def _days(a: date, b: date) -> int:
    return (b - a).days


def _no_flare(state: ProgrammeState, today: date, days: int) -> GateRequirement:
    flares = recent_flares(state, today, days)
    return NoFlareFor(met=not flares, days=days, last_flare=max(flares) if flares else None)


def _retest(state: ProgrammeState, today: date) -> GateRequirement | None:
    if state.gate_retest_after is None or today >= state.gate_retest_after:
        return None
    return RetestFrom(met=False, on=state.gate_retest_after)


def equipment_reaches_hold(state: ProgrammeState) -> bool:
    needed = state.profile.bodyweight_kg * (GATES.hold_bw_multiple - 1)
    return state.profile.gym or state.profile.max_added_load_kg >= needed


def _stage1(state: ProgrammeState, today: date) -> list[GateRequirement]:
    ladder = stage1_ladder(state.irritability)
    top = len(ladder) - 1
    t = ladder[top]
    reqs: list[GateRequirement] = [
        TopHolds(
            met=state.rung >= top, sets=t.sets, hold_s=t.hold_s, step=state.rung + 1, steps=top + 1
        )
    ]
    n = GATES.stage1_days_at_top
    good_days = 0
    calm_mornings = 0
    for k in range(1, n + 1):
        day = today - timedelta(days=k)
        logs = [
            s
            for s in state.sessions
            if s.on == day and s.stage == 1 and s.rung >= top and s.completed
        ]
        if logs and all(
            s.max_set_pain is not None and s.max_set_pain <= GATES.stage1_max_pain for s in logs
        ):
            good_days += 1
        morning = next((m for m in state.mornings if m.on == day + timedelta(days=1)), None)
        if morning is not None and morning.zone is not PainZone.RED:
            calm_mornings += 1
    max_pain = GATES.stage1_max_pain
    reqs.append(DaysAtTop(met=good_days == n, days=n, max_pain=max_pain, good_days=good_days))
    reqs.append(CalmMorningsAfter(met=calm_mornings == n, days=n, calm=calm_mornings))
    return reqs


def _stage2(state: ProgrammeState, today: date) -> list[GateRequirement]:
    profile = state.profile
    days_in = _days(state.stage_start, today)
    gate_rung = stage2_gate_rung(profile)
    target = stage2_gate_load(profile)
    ladder = stage2_ladder(profile)
    now = ladder[min(state.rung, len(ladder) - 1)]
    at_gate = [s for s in state.sessions if s.stage == 2 and s.rung >= gate_rung and s.completed]
    last_ok = bool(at_gate) and (
        at_gate[-1].max_set_pain is not None and at_gate[-1].max_set_pain <= GATES.stage2_max_pain
    )
    min_days = GATES.stage2_min_days
    return [
        DaysInStage(met=days_in >= min_days, stage=2, min_days=min_days, days=days_in),
        LoadedHeelDrops(
            met=state.rung >= gate_rung,
            target_kg=target,
            sets=now.sets,
            reps=now.reps,
            load_kg=now.load_kg,
        ),
        PainAtThatDose(met=last_ok, max_pain=GATES.stage2_max_pain),
        _no_flare(state, today, GATES.stage2_no_flare_days),
    ]


def _stage3(
    state: ProgrammeState, today: date
) -> tuple[GateTest, list[GateRequirement], HoldOutOfReach | None]:
    days_in = _days(state.stage_start, today)
    days_total = _days(state.programme_start, today)
    if equipment_reaches_hold(state):
        in_stage, in_programme = GATES.stage3_min_weeks, GATES.programme_min_weeks_for_stage4
        reqs: list[GateRequirement] = [
            WeeksInStage(
                met=days_in >= 7 * in_stage, stage=3, min_weeks=in_stage, weeks=days_in // 7
            ),
            WeeksInProgramme(
                met=days_total >= 7 * in_programme, min_weeks=in_programme, weeks=days_total // 7
            ),
            _no_flare(state, today, GATES.stage3_no_flare_days),
        ]
        return GateTest.LOADED_HOLD, reqs, None
    need = state.profile.bodyweight_kg * (GATES.hold_bw_multiple - 1)
    note = HoldOutOfReach(need_kg=need, have_kg=state.profile.max_added_load_kg)
    alt = GATES.alt_stage3_min_weeks
    reqs = [
        WeeksInStage(met=days_in >= 7 * alt, stage=3, min_weeks=alt, weeks=days_in // 7),
        _no_flare(state, today, GATES.stage3_no_flare_days),
    ]
    return GateTest.ENDURANCE_HOPS, reqs, note


def _stage4(state: ProgrammeState, today: date) -> list[GateRequirement]:
    since = state.full_ladder_since
    green_days = 0
    if since is not None:
        start = since
        if state.not_green_on is not None and state.not_green_on >= since:
            start = state.not_green_on + timedelta(days=1)
        green_days = max(0, _days(start, today))
    full, days = STAGE4_FULL_RUNG, GATES.graduation_green_days
    reqs: list[GateRequirement] = [
        FullJumpLadder(met=state.rung >= full, step=min(state.rung, full) + 1, steps=full + 1),
        LowPainDaysOnFullLadder(met=green_days >= days, days=days, so_far=green_days),
    ]
    if state.runs and state.run_since is not None:  # R2: and the running block, if chosen
        top = RUN_CONTINUOUS_30
        reqs.append(
            EasyRunning30(
                met=state.run_step >= top, step=min(state.run_step, top) + 1, steps=top + 1
            )
        )
    return reqs


def gate_status(state: ProgrammeState, today: date) -> GateStatus:
    """Which gate test (if any) is due, and how close the user is to each requirement."""
    if state.status is not ProgrammeStatus.ACTIVE:
        return GateStatus(due=False, test=None, requirements=[])
    if state.needs_recheck:
        return GateStatus(
            due=True,
            test=GateTest.RECHECK,
            requirements=[RecheckAfterBreak(met=False)],
        )
    if state.pending_gate is not None:
        return GateStatus(
            due=False,
            test=state.pending_gate.test,
            requirements=[CalmMorningAfterTest(met=False)],
        )
    note: HoldOutOfReach | None = None
    if state.entry_test_pending:
        test = GateTest.STAGE3_ENTRY
        reqs: list[GateRequirement] = [
            ChosenAtOnboarding(met=True),
            NoFlareYesterdayOrToday(met=not in_flare_cooldown(state, today)),
        ]
    elif state.stage == 1:
        test, reqs = GateTest.HOLDS_REVIEW, _stage1(state, today)
    elif state.stage == 2:
        test, reqs = GateTest.HEEL_RAISE, _stage2(state, today)
    elif state.stage == 3:
        test, reqs, note = _stage3(state, today)
    elif _hop_test_due(state, today):
        test = GateTest.HOP_TEST
        reqs = [HopsLowForTwoWeeks(met=True)]
    else:
        test, reqs = GateTest.GRADUATION, _stage4(state, today)
    retest = _retest(state, today)
    if retest is not None:
        reqs.append(retest)
    return GateStatus(
        due=all(r.met for r in reqs), test=test, requirements=reqs, hold_out_of_reach=note
    )


def _hop_test_due(state: ProgrammeState, today: date) -> bool:
    """R2: before the running block, 10 single-leg hops (unless the gate's hops passed)."""
    from rehab.outcomes import hops_green_for_running  # local: outcomes imports this module's

    return (
        state.runs is not False
        and state.hop_test_on is None
        and state.referral is None
        and hops_green_for_running(state, today)
    )


def leg_counts(state: ProgrammeState, result: GateTestResult) -> tuple[int, int | None]:
    """The heel-raise count the norm is checked on, and the other side's count if usable.

    R2: with both tendons sore each leg is tested and must reach the norm on its own, so the
    count is the weaker leg's and "90 % of the other side" does not apply.
    """
    if state.profile.side is Side.BOTH:
        legs = [n for n in (result.left_reps, result.right_reps) if n is not None]
        if legs:
            return min(legs), None
        return result.heel_raise_reps or 0, None
    return result.heel_raise_reps or 0, result.other_side_reps


def _endurance_ok(state: ProgrammeState, result: GateTestResult) -> bool:
    reps, other = leg_counts(state, result)
    if reps >= GATES.endurance_reps:
        return True
    return other is not None and other > 0 and reps >= GATES.endurance_other_side_fraction * other


def _log_count(state: ProgrammeState, result: GateTestResult, on: date) -> None:
    if result.heel_raise_reps is None and result.left_reps is None and result.right_reps is None:
        return
    reps, _ = leg_counts(state, result)
    state.heel_raise_log = [c for c in state.heel_raise_log if c.on != on]
    state.heel_raise_log.append(
        HeelRaiseCount(on=on, reps=reps, left=result.left_reps, right=result.right_reps)
    )
    state.heel_raise_log = sorted(state.heel_raise_log, key=lambda c: c.on)[-30:]


def _record(state: ProgrammeState, test: GateTest, on: date, passed: bool, detail: str) -> None:
    state.gate_results.append(
        GateRecord(on=on, test=test, stage=state.stage, passed=passed, detail=detail)
    )
    if not passed:
        state.gate_retest_after = on + timedelta(days=GATES.retest_after_days)
        mark_not_green(state, on)


_MORNING_WORDS = {
    PainZone.GREEN: "a calm morning",
    PainZone.AMBER: "morning pain a little up",
    PainZone.RED: "a morning flare",
}


def _missing(result: GateTestResult, *fields: str) -> list[str]:
    """The answers (field names) a test result lacks."""
    return [f for f in fields if getattr(result, f) is None]


def _short_of_endurance(state: ProgrammeState, reps: int) -> EnduranceShort:
    return EnduranceShort(
        reps=reps,
        need=GATES.endurance_reps,
        both_sides=state.profile.side is Side.BOTH,
        other_side_fraction=GATES.endurance_other_side_fraction,
    )


@dataclass
class _Taken:
    """A gate test being recorded: the state before, the state being changed, the result."""

    before: ProgrammeState
    s: ProgrammeState
    result: GateTestResult
    on: date
    status: GateStatus

    @property
    def test(self) -> GateTest | None:
        return self.status.test

    def decide(self, kind: DecisionKind, reason: Reason) -> tuple[ProgrammeState, Decision]:
        return finish(self.s, decision(self.before, self.s, kind, reason, self.test), self.on)

    def hold(self, reason: Reason) -> tuple[ProgrammeState, Decision]:
        return self.decide(DecisionKind.HOLD, reason)

    def needs(self, *fields: str) -> tuple[ProgrammeState, Decision] | None:
        """Hold when the result lacks any of ``fields``."""
        missing = _missing(self.result, *fields)
        if not missing or self.test is None:
            return None
        return self.hold(TestNeedsAnswers(test=self.test, missing=missing))

    def record(self, passed: bool, detail: str) -> None:
        assert self.test is not None
        _record(self.s, self.test, self.on, passed, detail)


_Outcome = tuple[ProgrammeState, Decision]


def _no_test_active(t: _Taken) -> _Outcome | None:
    return t.hold(NoTestActive()) if t.test is None else None


def _test_not_due(t: _Taken) -> _Outcome | None:
    if t.status.due:
        return None
    return t.hold(TestNotDue(unmet=[r for r in t.status.requirements if not r.met]))


def _hop_test(t: _Taken) -> _Outcome | None:
    """R2: 10 single-leg hops before the running block."""
    if (missing := t.needs("hop_pain")) is not None:
        return missing
    hop = t.result.hop_pain or 0
    ok = hop <= GATES.hop_max_pain
    t.record(ok, f"{GATES.hop_count} hops at {hop}/10")
    if ok:
        t.s.hop_test_on = t.on
        return t.hold(HopTestPassed(hops=GATES.hop_count, pain=hop))
    return t.hold(
        HopTestFailed(pain=hop, limit=GATES.hop_max_pain, retest_days=GATES.retest_after_days)
    )


def _recheck(t: _Taken) -> _Outcome | None:
    """After 14+ days away: enough heel raises and no flare restart the stage, else one lower."""
    if (missing := t.needs("heel_raise_reps")) is not None:
        return missing
    s, on = t.s, t.on
    reps = t.result.heel_raise_reps or 0
    need = GATES.recheck_heel_raises.get(s.stage, 0)
    morning_zone = (
        classify_morning(s, t.result.morning_pain, on=on)
        if t.result.morning_pain is not None
        else next((m.zone for m in s.mornings if m.on == on), PainZone.GREEN)
    )
    flare = morning_zone is PainZone.RED
    ok = reps >= need and not flare
    t.record(ok, f"{reps} heel raises (need {need}), {_MORNING_WORDS[morning_zone]}")
    s.needs_recheck = False
    s.gate_retest_after = None
    if ok:
        return t.hold(RecheckPassed(reps=reps, stage=s.stage))
    if s.stage == 1:
        return t.hold(RecheckFailed(reps=reps, need=need, flare=flare, stage=1, stage_down=False))
    enter_stage(s, s.stage - 1, on)
    reason = RecheckFailed(reps=reps, need=need, flare=flare, stage=s.stage, stage_down=True)
    return t.decide(DecisionKind.STAGE_DOWN, reason)


def _holds_review(t: _Taken) -> _Outcome | None:
    """Stage 1 -> 2, read from the logs: nothing to perform."""
    t.record(True, "top holds pain-free enough on 3 days, calm mornings")
    enter_stage(t.s, 2, t.on)
    return t.decide(DecisionKind.STAGE_UP, HoldsReviewPassed())


def _graduation(t: _Taken) -> _Outcome | None:
    """Stage 4 -> maintenance, read from the logs."""
    t.record(True, "full Stage 4 ladder green for 2 weeks")
    t.s.status = ProgrammeStatus.MAINTENANCE
    t.s.last_hsr_on = t.s.last_session_on
    t.s.dose_changed_on = t.on
    return t.decide(DecisionKind.STAGE_UP, Graduated())


def _heel_raises_against(t: _Taken, need: int, retest_days: int) -> _Outcome | None:
    """Enough heel raises wait for a calm morning (the gate passes then); too few are recorded
    as not passed, with the retest `retest_days` away."""
    if (missing := t.needs("heel_raise_reps")) is not None:
        return missing
    assert t.test is not None
    reps = t.result.heel_raise_reps or 0
    if reps >= need:
        t.s.pending_gate = PendingGate(test=t.test, on=t.on)
        return t.hold(HeelRaisesPassed(test=t.test, reps=reps))
    t.record(False, f"{reps} heel raises")
    return t.hold(HeelRaisesFailed(test=t.test, reps=reps, need=need, retest_days=retest_days))


def _stage3_entry(t: _Taken) -> _Outcome | None:
    """The onboarding shortcut: enough heel raises wait for a calm morning, else Stage 2."""
    if not _missing(t.result, "heel_raise_reps"):
        t.s.entry_test_pending = False
        t.s.gate_retest_after = None
    return _heel_raises_against(t, GATES.stage3_entry_heel_raises, retest_days=0)


def _heel_raise(t: _Taken) -> _Outcome | None:
    """Stage 2 -> 3: enough heel raises wait for a calm morning, else a retest in 7 days."""
    return _heel_raises_against(t, GATES.stage2_heel_raises, GATES.retest_after_days)


def _loaded_hold(t: _Taken) -> _Outcome | None:
    """Stage 3 -> 4 checkpoint: the 30 s hold at 1.5 x body weight and the heel-raise count."""
    assert t.test is not None
    retest = GATES.retest_after_days
    if t.result.loaded_hold_done is False:
        t.record(False, f"could not hold {GATES.hold_seconds} s")
        return t.hold(HoldNotDone(seconds=GATES.hold_seconds, retest_days=retest))
    if (missing := t.needs("heel_raise_reps", "loaded_hold_pain")) is not None:
        return missing
    reps, _ = leg_counts(t.s, t.result)
    pain = t.result.loaded_hold_pain or 0
    detail = f"hold pain {pain}/10, {reps} heel raises"
    shortfall: TestShortfall | None = None
    if pain > GATES.hold_max_pain:
        shortfall = PainOverLimit(what="hold", pain=pain, limit=GATES.hold_max_pain)
    elif not _endurance_ok(t.s, t.result):
        shortfall = _short_of_endurance(t.s, reps)
    if shortfall is not None:
        t.record(False, detail)
        return t.hold(Stage4TestFailed(test=t.test, shortfall=shortfall, retest_days=retest))
    t.s.pending_gate = PendingGate(test=t.test, on=t.on)
    return t.hold(CheckpointPassed(hold_pain=pain, reps=reps))


def _endurance_hops(t: _Taken) -> _Outcome | None:
    """Stage 3 -> 4 without the weight for the hold: heel-raise count and 10 hops."""
    assert t.test is not None
    if (missing := t.needs("heel_raise_reps", "hop_pain")) is not None:
        return missing
    reps, _ = leg_counts(t.s, t.result)
    hop = t.result.hop_pain or 0
    shortfall: TestShortfall | None = None
    if hop > GATES.hop_max_pain:
        shortfall = PainOverLimit(what="hops", pain=hop, limit=GATES.hop_max_pain)
    elif not _endurance_ok(t.s, t.result):
        shortfall = _short_of_endurance(t.s, reps)
    if shortfall is not None:
        t.record(False, f"{reps} heel raises, {GATES.hop_count} hops at {hop}/10")
        reason = Stage4TestFailed(
            test=t.test, shortfall=shortfall, retest_days=GATES.retest_after_days
        )
        return t.hold(reason)
    t.s.pending_gate = PendingGate(test=t.test, on=t.on)
    t.s.hop_test_on = t.on
    return t.hold(EnduranceHopsPassed(reps=reps, hops=GATES.hop_count, pain=hop))


# Each test's own rule; the first two rules of ``record_gate_test`` run before any of them.
_TEST_RULES: dict[GateTest, Callable[[_Taken], _Outcome | None]] = {
    GateTest.HOP_TEST: _hop_test,
    GateTest.RECHECK: _recheck,
    GateTest.HOLDS_REVIEW: _holds_review,
    GateTest.GRADUATION: _graduation,
    GateTest.STAGE3_ENTRY: _stage3_entry,
    GateTest.HEEL_RAISE: _heel_raise,
    GateTest.LOADED_HOLD: _loaded_hold,
    GateTest.ENDURANCE_HOPS: _endurance_hops,
}


def _the_test_itself(t: _Taken) -> _Outcome | None:
    assert t.test is not None
    return _TEST_RULES[t.test](t)


# Rules, first match wins: no test when the programme is not active; a test not due yet is
# not taken; otherwise the due test's own rule decides.
_RULES: tuple[Callable[[_Taken], _Outcome | None], ...] = (
    _no_test_active,
    _test_not_due,
    _the_test_itself,
)


def record_gate_test(
    state: ProgrammeState, result: GateTestResult, on: date
) -> tuple[ProgrammeState, Decision]:
    """Apply a gate test's result. Advance only when it passes (rule 5)."""
    s = state.clone()
    status = gate_status(s, on)
    if status.due and s.profile.side is Side.BOTH and result.left_reps is not None:
        weaker = min(n for n in (result.left_reps, result.right_reps) if n is not None)
        result = result.model_copy(update={"heel_raise_reps": weaker})
    if status.due:
        _log_count(s, result, on)
    taken = _Taken(before=state, s=s, result=result, on=on, status=status)
    for rule in _RULES:
        outcome = rule(taken)
        if outcome is not None:
            return outcome
    raise AssertionError("the last rule always decides")  # pragma: no cover


_NEXT_STAGE: dict[GateTest, int] = {
    GateTest.HEEL_RAISE: 3,
    GateTest.STAGE3_ENTRY: 3,
    GateTest.LOADED_HOLD: 4,
    GateTest.ENDURANCE_HOPS: 4,
}


def resolve_pending_gate(
    state: ProgrammeState, before: ProgrammeState, today: date
) -> Decision | None:
    """R2: every passed test waits for the next morning; a calm one starts the new stage that
    day (never the day of the test). Mutates ``state``."""
    pending = state.pending_gate
    if pending is None or today <= pending.on:
        return None
    morning = next((m for m in state.mornings if m.on == pending.on + timedelta(days=1)), None)
    if morning is None:
        if (today - pending.on).days >= GATES.morning_after_days:
            state.pending_gate = None
            return decision(before, state, DecisionKind.HOLD, NoMorningAfterTest(), pending.test)
        return None
    state.pending_gate = None
    if morning.zone is PainZone.RED:
        _record(state, pending.test, today, False, f"morning flare ({morning.pain}/10)")
        return None  # the flare rule decides today
    if any(x.on >= pending.on and x.zone is PainZone.RED for x in state.sessions):
        _record(state, pending.test, today, False, "a session above the pain limit")
        return None  # the red-session rule decides today
    _record(state, pending.test, today, True, f"calm morning ({morning.pain}/10)")
    stage = _NEXT_STAGE[pending.test]
    enter_stage(state, stage, today)
    reason = CalmMorningStageUp(pain=morning.pain, stage=stage)
    return decision(before, state, DecisionKind.STAGE_UP, reason, pending.test)
