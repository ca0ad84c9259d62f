"""Stage gates (protocol sections 3 and 7): how close the user is, and the tests."""

from __future__ import annotations

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
    day_label,
)
from rehab.pain import classify_morning
from rehab.protocol import GATES, RUN_CONTINUOUS_30, STAGE4_FULL_RUNG
from rehab.transitions import (
    decision,
    enter_stage,
    finish,
    in_flare_cooldown,
    mark_not_green,
    recent_flares,
)


def _req(label: str, met: bool, detail: str) -> GateRequirement:
    return GateRequirement(label=label, met=met, detail=detail)


def _days(a: date, b: date) -> int:
    return (b - a).days


def _no_flare(state: ProgrammeState, today: date, days: int) -> GateRequirement:
    flares = recent_flares(state, today, days)
    detail = "none" if not flares else f"last one on {day_label(max(flares))}"
    return _req(f"No morning flare in the last {days} days", not flares, detail)


def _retest(state: ProgrammeState, today: date) -> GateRequirement | None:
    if state.gate_retest_after is None or today >= state.gate_retest_after:
        return None
    return _req(
        "Time since the last attempt",
        False,
        f"the test can be repeated from {day_label(state.gate_retest_after)}",
    )


def equipment_reaches_hold(state: ProgrammeState) -> bool:
    needed = state.profile.bodyweight_kg * (GATES.hold_bw_multiple - 1)
    return state.profile.gym or state.profile.max_added_load_kg >= needed


def _stage1(state: ProgrammeState, today: date) -> list[GateRequirement]:
    ladder = stage1_ladder(state.irritability)
    top = len(ladder) - 1
    t = ladder[top]
    reqs = [
        _req(
            f"Reach {t.sets} holds of {t.hold_s} s",
            state.rung >= top,
            f"step {state.rung + 1} of {top + 1}",
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
    reqs.append(
        _req(
            f"{n} days in a row at the top with pain {GATES.stage1_max_pain}/10 or less",
            good_days == n,
            f"{good_days} of {n} days",
        )
    )
    reqs.append(
        _req(
            "No morning flare after those days",
            calm_mornings == n,
            f"{calm_mornings} of {n} calm mornings answered",
        )
    )
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
    return [
        _req(
            f"At least {GATES.stage2_min_days} days in Stage 2",
            days_in >= GATES.stage2_min_days,
            f"{days_in} days so far",
        ),
        _req(
            f"3 x 15 single-leg heel drops with {target:g} kg added",
            state.rung >= gate_rung,
            f"now {now.sets} x {now.reps} with {now.load_kg:g} kg",
        ),
        _req(
            f"Pain {GATES.stage2_max_pain}/10 or less at that dose",
            last_ok,
            "done" if last_ok else "not yet done at that dose",
        ),
        _no_flare(state, today, GATES.stage2_no_flare_days),
    ]


def _stage3(state: ProgrammeState, today: date) -> tuple[GateTest, list[GateRequirement], str]:
    days_in = _days(state.stage_start, today)
    days_total = _days(state.programme_start, today)
    if equipment_reaches_hold(state):
        reqs = [
            _req(
                f"At least {GATES.stage3_min_weeks} weeks in Stage 3",
                days_in >= 7 * GATES.stage3_min_weeks,
                f"{days_in // 7} weeks so far",
            ),
            _req(
                f"At least {GATES.programme_min_weeks_for_stage4} weeks in the programme",
                days_total >= 7 * GATES.programme_min_weeks_for_stage4,
                f"{days_total // 7} weeks so far",
            ),
            _no_flare(state, today, GATES.stage3_no_flare_days),
        ]
        return GateTest.LOADED_HOLD, reqs, ""
    need = state.profile.bodyweight_kg * (GATES.hold_bw_multiple - 1)
    note = (
        f"The checkpoint hold needs about {need:.0f} kg added and you have "
        f"{state.profile.max_added_load_kg:g} kg; a gym's leg press or Smith machine can reach "
        "it. Until then we use the endurance and hop test instead, after 6 weeks in Stage 3."
    )
    reqs = [
        _req(
            f"At least {GATES.alt_stage3_min_weeks} weeks in Stage 3",
            days_in >= 7 * GATES.alt_stage3_min_weeks,
            f"{days_in // 7} weeks so far",
        ),
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
    reqs = [
        _req(
            "Reach the full jumping ladder",
            state.rung >= STAGE4_FULL_RUNG,
            f"step {min(state.rung, STAGE4_FULL_RUNG) + 1} of {STAGE4_FULL_RUNG + 1}",
        ),
        _req(
            f"{GATES.graduation_green_days} low-pain days on the full ladder",
            green_days >= GATES.graduation_green_days,
            f"{green_days} days so far",
        ),
    ]
    if state.runs and state.run_since is not None:  # R2: and the running block, if chosen
        top = RUN_CONTINUOUS_30
        reqs.append(
            _req(
                "Reach 30 minutes of easy running",
                state.run_step >= top,
                f"step {min(state.run_step, top) + 1} of {top + 1} of the walk–jog",
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
            requirements=[_req("Re-check after a long break", False, "morning pain + heel raises")],
        )
    if state.pending_gate is not None:
        return GateStatus(
            due=False,
            test=state.pending_gate.test,
            requirements=[
                _req("Calm morning after the test", False, "waiting for tomorrow's answer")
            ],
        )
    note = ""
    if state.entry_test_pending:
        test = GateTest.STAGE3_ENTRY
        reqs = [
            _req("Chosen at onboarding", True, "Stage 3 entry test"),
            _req("No flare yesterday or today", not in_flare_cooldown(state, today), ""),
        ]
    elif state.stage == 1:
        test, reqs = GateTest.HOLDS_REVIEW, _stage1(state, today)
    elif state.stage == 2:
        test, reqs = GateTest.HEEL_RAISE, _stage2(state, today)
    elif state.stage == 3:
        test, reqs, note = _stage3(state, today)
    elif _hop_test_due(state, today):
        test = GateTest.HOP_TEST
        reqs = [_req("Hops low in pain for 2 weeks", True, "ready for the hop test")]
    else:
        test, reqs = GateTest.GRADUATION, _stage4(state, today)
    retest = _retest(state, today)
    if retest is not None:
        reqs.append(retest)
    return GateStatus(due=all(r.met for r in reqs), test=test, requirements=reqs, note=note)


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


_ANSWER_NAMES = {
    "heel_raise_reps": "the heel-raise count",
    "loaded_hold_pain": "the pain during the hold",
    "hop_pain": "the pain during the hops",
}
_MORNING_WORDS = {
    PainZone.GREEN: "a calm morning",
    PainZone.AMBER: "morning pain a little up",
    PainZone.RED: "a morning flare",
}


def _missing(result: GateTestResult, *fields: str) -> list[str]:
    """The answers a test result lacks, in words."""
    return [_ANSWER_NAMES.get(f, f) for f in fields if getattr(result, f) is None]


def _short_of_endurance(state: ProgrammeState, reps: int) -> str:
    if state.profile.side is Side.BOTH:
        return f"Your weaker leg did {reps} heel raises; each leg needs {GATES.endurance_reps}"
    return (
        f"You did {reps} heel raises; the test needs {GATES.endurance_reps} "
        f"(or {GATES.endurance_other_side_fraction:.0%} of your other side)"
    )


def record_gate_test(
    state: ProgrammeState, result: GateTestResult, on: date
) -> tuple[ProgrammeState, Decision]:
    """Apply a gate test's result. Advance only when it passes (rule 5)."""
    before = state
    s = state.clone()
    status = gate_status(s, on)
    test = status.test

    def hold(reason: str) -> tuple[ProgrammeState, Decision]:
        return finish(s, decision(before, s, DecisionKind.HOLD, reason, test), on)

    if test is None:
        return hold("No test is due: the programme is not active.")
    if not status.due:
        unmet = "; ".join(f"{r.label} ({r.detail})" for r in status.requirements if not r.met)
        return hold(f"This test is not due yet: {unmet}.")
    if s.profile.side is Side.BOTH and result.left_reps is not None:
        weaker = min(n for n in (result.left_reps, result.right_reps) if n is not None)
        result = result.model_copy(update={"heel_raise_reps": weaker})
    _log_count(s, result, on)

    if test is GateTest.HOP_TEST:
        if _missing(result, "hop_pain"):
            return hold("The hop test needs the pain during the hops.")
        hop = result.hop_pain or 0
        ok = hop <= GATES.hop_max_pain
        _record(s, test, on, ok, f"{GATES.hop_count} hops at {hop}/10")
        if ok:
            s.hop_test_on = on
            return hold(
                f"{GATES.hop_count} hops at {hop}/10: your tendon is ready for some running, "
                "if you run or want to."
            )
        return hold(
            f"The hops hurt {hop}/10; the limit is {GATES.hop_max_pain}. The hop sessions go "
            f"on, and the test comes again in {GATES.retest_after_days} days."
        )

    if test is GateTest.RECHECK:
        missing = _missing(result, "heel_raise_reps")
        if missing:
            return hold("The re-check needs the heel-raise count.")
        reps = result.heel_raise_reps or 0
        need = GATES.recheck_heel_raises.get(s.stage, 0)
        morning_zone = (
            classify_morning(s, result.morning_pain, on=on)
            if result.morning_pain is not None
            else next((m.zone for m in s.mornings if m.on == on), PainZone.GREEN)
        )
        ok = reps >= need and morning_zone is not PainZone.RED
        detail = f"{reps} heel raises (need {need}), {_MORNING_WORDS[morning_zone]}"
        short = [f"{reps} heel raises where {need} are needed"] if reps < need else []
        if morning_zone is PainZone.RED:
            short.append("a morning flare")
        why = " and ".join(short)
        _record(s, test, on, ok, detail)
        s.needs_recheck = False
        s.gate_retest_after = None
        if ok:
            reason = (
                f"Re-check passed ({reps} heel raises, calm morning), so you restart "
                f"Stage {s.stage} at its entry dose."
            )
            return finish(s, decision(before, s, DecisionKind.HOLD, reason, test), on)
        if s.stage == 1:
            reason = f"The re-check was not passed ({why}), so you restart Stage 1 at its start."
            return finish(s, decision(before, s, DecisionKind.HOLD, reason, test), on)
        enter_stage(s, s.stage - 1, on)
        reason = (
            f"The re-check was not passed ({why}), so you restart one stage lower, at the "
            f"entry of Stage {s.stage}."
        )
        return finish(s, decision(before, s, DecisionKind.STAGE_DOWN, reason, test), on)

    if test is GateTest.HOLDS_REVIEW:
        _record(s, test, on, True, "top holds pain-free enough on 3 days, calm mornings")
        enter_stage(s, 2, on)
        reason = (
            "Three days of full holds with low pain and calm mornings: you move to Stage 2, "
            "slow calf raises and heel drops, starting gently."
        )
        return finish(s, decision(before, s, DecisionKind.STAGE_UP, reason, test), on)

    if test is GateTest.GRADUATION:
        _record(s, test, on, True, "full Stage 4 ladder green for 2 weeks")
        s.status = ProgrammeStatus.MAINTENANCE
        s.last_hsr_on = s.last_session_on
        reason = (
            "Two weeks on the full jumping ladder with pain in check: you graduate to maintenance, "
            "one heavy calf session a week. Keep it up for a strong tendon."
        )
        s.dose_changed_on = on
        return finish(s, decision(before, s, DecisionKind.STAGE_UP, reason, test), on)

    if test is GateTest.STAGE3_ENTRY:
        if _missing(result, "heel_raise_reps"):
            return hold("The Stage 3 entry test needs the heel-raise count.")
        reps = result.heel_raise_reps or 0
        ok = reps >= GATES.stage3_entry_heel_raises
        s.entry_test_pending = False
        s.gate_retest_after = None
        if ok:
            s.pending_gate = PendingGate(test=test, on=on)
            reason = (
                f"You did {reps} single-leg heel raises. If tomorrow morning is calm, you start "
                "heavy slow resistance (Stage 3) the day after this test."
            )
            return finish(s, decision(before, s, DecisionKind.HOLD, reason, test), on)
        _record(s, test, on, ok, f"{reps} heel raises")
        reason = (
            f"You did {reps} single-leg heel raises (Stage 3 needs "
            f"{GATES.stage3_entry_heel_raises}), so you stay in Stage 2 for now."
        )
        return finish(s, decision(before, s, DecisionKind.HOLD, reason, test), on)

    if test is GateTest.HEEL_RAISE:
        if _missing(result, "heel_raise_reps"):
            return hold("The Stage 3 test needs the heel-raise count.")
        reps = result.heel_raise_reps or 0
        ok = reps >= GATES.stage2_heel_raises
        if ok:
            s.pending_gate = PendingGate(test=test, on=on)
            reason = (
                f"You did {reps} single-leg heel raises with pain under control. If tomorrow "
                "morning is calm, you move to Stage 3 (heavy slow resistance three times a "
                "week) the day after this test."
            )
            return finish(s, decision(before, s, DecisionKind.HOLD, reason, test), on)
        _record(s, test, on, ok, f"{reps} heel raises")
        reason = (
            f"You did {reps} single-leg heel raises; Stage 3 needs {GATES.stage2_heel_raises}. "
            f"Keep going with Stage 2 and try again in {GATES.retest_after_days} days."
        )
        return hold(reason)

    endurance = _endurance_ok(s, result)
    reps, _ = leg_counts(s, result)
    if test is GateTest.LOADED_HOLD:
        if result.loaded_hold_done is False:
            _record(s, test, on, False, f"could not hold {GATES.hold_seconds} s")
            return hold(
                f"You couldn't hold the {GATES.hold_seconds} s yet, which is common: the heavy "
                f"work of Stage 3 builds exactly that strength. Try the checkpoint again in "
                f"{GATES.retest_after_days} days."
            )
        missing = _missing(result, "heel_raise_reps", "loaded_hold_pain")
        if missing:
            return hold(f"The Stage 4 checkpoint needs: {', '.join(missing)}.")
        pain = result.loaded_hold_pain or 0
        ok = endurance and pain <= GATES.hold_max_pain
        detail = f"hold pain {pain}/10, {reps} heel raises"
        if not ok:
            _record(s, test, on, False, detail)
            why = (
                f"The hold hurt {pain}/10; the limit is {GATES.hold_max_pain}"
                if pain > GATES.hold_max_pain
                else _short_of_endurance(s, reps)
            )
            return hold(
                f"{why}. Stage 3 continues; the checkpoint can be repeated in "
                f"{GATES.retest_after_days} days."
            )
        s.pending_gate = PendingGate(test=test, on=on)
        reason = (
            f"Checkpoint passed today ({detail}). If tomorrow morning is calm you move to Stage 4."
        )
        return finish(s, decision(before, s, DecisionKind.HOLD, reason, test), on)

    # GateTest.ENDURANCE_HOPS
    missing = _missing(result, "heel_raise_reps", "hop_pain")
    if missing:
        return hold(f"The Stage 4 test needs: {', '.join(missing)}.")
    hop = result.hop_pain or 0
    ok = endurance and hop <= GATES.hop_max_pain
    detail = f"{reps} heel raises, {GATES.hop_count} hops at {hop}/10"
    if not ok:
        _record(s, test, on, ok, detail)
        why = (
            f"The hops hurt {hop}/10; the limit is {GATES.hop_max_pain}"
            if hop > GATES.hop_max_pain
            else _short_of_endurance(s, reps)
        )
        return hold(f"{why}. Stage 3 continues; try again in {GATES.retest_after_days} days.")
    s.pending_gate = PendingGate(test=test, on=on)
    s.hop_test_on = on
    reason = (
        f"{reps} heel raises and {GATES.hop_count} hops at {hop}/10 today. If tomorrow morning "
        "is calm, you move to Stage 4 (hops and springy work) the day after this test."
    )
    return finish(s, decision(before, s, DecisionKind.HOLD, reason, test), on)


_NEXT_STAGE: dict[GateTest, int] = {
    GateTest.HEEL_RAISE: 3,
    GateTest.STAGE3_ENTRY: 3,
    GateTest.LOADED_HOLD: 4,
    GateTest.ENDURANCE_HOPS: 4,
}
_STAGE_WORDS = {
    3: "Stage 3: heavy slow resistance three times a week",
    4: "Stage 4: hops and springy work, plus one heavy session a week",
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
            return decision(
                before,
                state,
                DecisionKind.HOLD,
                "We never got the morning answer after the test, so it has to be repeated "
                "before the next stage.",
                pending.test,
            )
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
    return decision(
        before,
        state,
        DecisionKind.STAGE_UP,
        f"Your morning after the test was calm ({morning.pain}/10), so you move to "
        f"{_STAGE_WORDS[stage]}.",
        pending.test,
    )
