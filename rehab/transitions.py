"""State changes shared by decisions and gates: entering a stage, one rung up or down."""

from __future__ import annotations

from datetime import date, timedelta

from rehab.dosing import (
    beyer_phase,
    heavier,
    hsr_exercise_ids,
    is_load_rung,
    lighter,
    rescale_for_phase,
    stage1_ladder,
    stage2_ladder,
    stage4_total,
    start_loads,
    top_rung,
)
from rehab.enums import DecisionKind, GateTest, ProgrammeStatus
from rehab.models import Decision, LoadState, ProgrammeState
from rehab.protocol import (
    BEYER_SCHEDULE,
    LOADS,
    STAGE4_FULL_RUNG,
    STAGE4_LADDER,
    TIMINGS,
)
from rehab.reasons import (
    Dose,
    ExerciseRef,
    HeavyDose,
    HoldsDose,
    JumpsDose,
    MaintenanceDose,
    Raised,
    Reason,
    SlowRepsDose,
)


def decision(
    before: ProgrammeState,
    after: ProgrammeState,
    kind: DecisionKind,
    reason: Reason,
    gate: GateTest | None = None,
) -> Decision:
    return Decision(
        kind=kind,
        reason=reason,
        stage_from=before.stage,
        stage_to=after.stage,
        rung_from=before.rung,
        rung_to=after.rung,
        gate=gate,
    )


def finish(state: ProgrammeState, d: Decision, on: date) -> tuple[ProgrammeState, Decision]:
    state.last_decision = d
    state.last_decision_on = on
    return state, d


def mark_not_green(state: ProgrammeState, on: date) -> None:
    if state.not_green_on is None or on > state.not_green_on:
        state.not_green_on = on


def dose_changed(state: ProgrammeState, on: date) -> None:
    state.dose_changed_on = on
    state.green_streak = 0


def current_dose(state: ProgrammeState) -> Dose:
    """The current rung in short, for decision reasons (the catalogue words it)."""
    if state.status is ProgrammeStatus.MAINTENANCE:
        return MaintenanceDose()
    if state.stage == 1:
        ladder = stage1_ladder(state.irritability)
        r = ladder[min(state.rung, len(ladder) - 1)]
        return HoldsDose(sets=r.sets, hold_s=r.hold_s)
    if state.stage == 2:
        ladder2 = stage2_ladder(state.profile)
        d = ladder2[min(state.rung, len(ladder2) - 1)]
        return SlowRepsDose(
            sets=d.sets,
            reps=d.reps,
            load_kg=d.load_kg,
            tempo_s=d.tempo_s if d.tempo_s != LOADS.slow_tempo_s else None,
            pause_top_s=d.pause_top_s,
        )
    if state.stage == 3:
        phase = BEYER_SCHEDULE[min(state.rung, len(BEYER_SCHEDULE) - 1)]
        return HeavyDose(sets=phase.sets, reps=phase.reps)
    rung = STAGE4_LADDER[min(state.rung, len(STAGE4_LADDER) - 1)]
    return JumpsDose(drills=len(rung), contacts=stage4_total(state))


def _rescale_all(state: ProgrammeState, on: date, phase_index: int) -> None:
    phase = BEYER_SCHEDULE[phase_index]
    for ex_id, ls in list(state.stage3_loads.items()):
        state.stage3_loads[ex_id] = rescale_for_phase(state.profile, ex_id, ls, phase, on)


def ensure_loads(state: ProgrammeState, on: date) -> None:
    """Make sure every heavy exercise the user can do has a load (e.g. after a profile edit)."""
    if not state.stage3_loads:
        state.stage3_loads = start_loads(state, on)
        return
    fresh = None
    for ex_id in hsr_exercise_ids(state.profile, state.floor_only):
        if ex_id not in state.stage3_loads:
            fresh = fresh or start_loads(state, on)
            state.stage3_loads[ex_id] = fresh[ex_id]


def enter_stage(state: ProgrammeState, stage: int, on: date, rung: int = 0) -> None:
    """Move to ``stage`` at ``rung`` (its entry by default), restarting the stage clock.

    R2: going down a stage voids every pending test (one chosen at signup included); leaving
    Stage 3 downwards remembers the loads that flared, so a re-entry starts a plate below.
    """
    down = stage < state.stage
    if down:
        state.entry_test_pending = False
        if state.stage == 3:
            state.flared_loads = {k: v.load_kg for k, v in state.stage3_loads.items()}
    if stage == 3 and state.stage == 2:
        state.stage3_loads = start_loads(state, on)
    previous = state.stage
    state.stage = stage
    state.rung = rung
    state.stage_start = on
    state.rung_changed_on = on
    state.pending_gate = None
    state.gate_retest_after = None
    state.full_ladder_since = None
    state.single_hops_since = None
    state.stage4_factor = 1.0
    state.beyer_weeks_done = 0
    state.beyer_week_from = on
    state.beyer_week_sessions = 0
    state.amber_streak = 0
    state.load_rung_days = []
    if stage >= 3:
        ensure_loads(state, on)
    if stage == 3:
        _rescale_all(state, on, 0)
    if stage > previous:
        state.last_rise_on = on
    if stage == 4 and previous != 4:
        # R2: one new thing at a time: the hops are new, the heavy session stays as it was.
        state.last_hsr_on = state.last_session_on or on
    dose_changed(state, on)


def scale_loads(state: ProgrammeState, on: date, factor: float) -> bool:
    changed = False
    for ex_id, ls in list(state.stage3_loads.items()):
        new = lighter(state.profile, ex_id, ls, on, factor)
        if new.model_dump() != ls.model_dump():
            changed = True
        state.stage3_loads[ex_id] = new
    return changed


def uses_loads(state: ProgrammeState) -> bool:
    return state.stage == 3 or state.status is ProgrammeStatus.MAINTENANCE


def rung_down(state: ProgrammeState, on: date, load_factor: float) -> bool:
    """One rung lower (loaded stages: loads times ``load_factor``; Stage 4: every drill's
    contacts 20 % fewer). False if already lowest."""
    if uses_loads(state):
        changed = scale_loads(state, on, load_factor)
    elif state.stage == 4:
        changed = state.stage4_factor > STAGE4_MIN_FACTOR + 1e-9
        if changed:
            state.stage4_factor = max(
                STAGE4_MIN_FACTOR, round(state.stage4_factor * LOADS.stage4_down_factor, 3)
            )
            state.rung_changed_on = on
    elif state.rung > 0:
        state.rung -= 1
        state.rung_changed_on = on
        changed = True
    else:
        changed = False
    if state.stage == 4 and state.rung < STAGE4_FULL_RUNG:
        state.full_ladder_since = None
    if changed:
        dose_changed(state, on)
    return changed


STAGE4_MIN_FACTOR = 0.4


def stage2_load_rung_wait(state: ProgrammeState, on: date) -> date | None:
    """R2: when the next Stage 2 rung adds load, the first day it may come (None: today is
    fine, or it is not a load rung)."""
    if state.stage != 2 or not is_load_rung(state.profile, state.rung + 1):
        return None
    days = sorted(state.load_rung_days)
    waits: list[date] = []
    if days:
        waits.append(days[-1] + timedelta(days=TIMINGS.stage2_load_rung_min_days))
    per_week = TIMINGS.stage2_load_rungs_per_week
    if len(days) >= per_week:
        waits.append(days[-per_week] + timedelta(days=TIMINGS.cap_window_days))
    first = max(waits) if waits else None
    return first if first is not None and first > on else None


def stage4_up(state: ProgrammeState, on: date) -> bool:
    """Stage 4 one step up, within +20 % total contacts: first undo a step down, then the next
    rung of the ladder."""
    now = stage4_total(state)
    limit = now * (1 + LOADS.weekly_contacts_rise_max) + 1e-9
    if state.stage4_factor < 1:
        trial = state.model_copy()
        factor = min(1.0, round(state.stage4_factor * (1 + LOADS.weekly_contacts_rise_max), 3))
        while factor > state.stage4_factor:
            trial.stage4_factor = factor
            if stage4_total(trial) <= limit:
                state.stage4_factor = factor
                return True
            factor = round(factor - 0.01, 3)
        return False
    if state.rung >= top_rung(state):
        return False
    trial = state.model_copy(update={"rung": state.rung + 1})
    if stage4_total(trial) > limit:  # pragma: no cover - the ladder is checked by a test
        return False
    state.rung += 1
    return True


def rung_up(state: ProgrammeState, on: date, only_older_than: int | None = None) -> list[Raised]:
    """One rung higher. Returns what changed (the new dose, or the exercises whose load rose),
    empty when nothing could rise."""
    changed: list[Raised] = []
    if state.stage == 2 and stage2_load_rung_wait(state, on) is not None:
        return changed
    if state.stage == 4 and not uses_loads(state):
        if stage4_up(state, on):
            state.rung_changed_on = on
            changed.append(current_dose(state))
            if state.rung >= STAGE4_FULL_RUNG and state.full_ladder_since is None:
                state.full_ladder_since = on
            if "hop_single_leg" in STAGE4_LADDER[state.rung] and state.single_hops_since is None:
                state.single_hops_since = on
            dose_changed(state, on)
            state.last_rise_on = on
        return changed
    if uses_loads(state):
        for ex_id, ls in list(state.stage3_loads.items()):
            if (
                only_older_than is not None
                and ls.changed_on is not None
                and (on - ls.changed_on).days < only_older_than
            ):
                continue
            new = heavier(state.profile, ex_id, ls, on)
            if new is not None:
                state.stage3_loads[ex_id] = new
                changed.append(ExerciseRef(exercise_id=ex_id))
    elif state.rung < top_rung(state):
        if state.stage == 2 and is_load_rung(state.profile, state.rung + 1):
            state.load_rung_days = [*state.load_rung_days[-3:], on]
        state.rung += 1
        state.rung_changed_on = on
        changed.append(current_dose(state))
    if changed:
        dose_changed(state, on)
        state.last_rise_on = on
    return changed


def adjust_load(state: ProgrammeState, ex_id: str, new: LoadState, on: date) -> None:
    if new.load_kg > state.stage3_loads[ex_id].load_kg:
        state.last_rise_on = on
    state.stage3_loads[ex_id] = new
    dose_changed(state, on)


def count_beyer_week(state: ProgrammeState, on: date, session_done: bool) -> None:
    """R2: a week of the heavy schedule is three completed sessions, or seven days with at
    least two; an absence does not advance it."""
    if state.stage != 3 or state.status is not ProgrammeStatus.ACTIVE:
        return
    start = state.beyer_week_from or state.stage_start
    if session_done:
        state.beyer_week_sessions += 1
    full = state.beyer_week_sessions >= TIMINGS.beyer_week_sessions
    long = (on - start).days >= TIMINGS.trend_week_days and (
        state.beyer_week_sessions >= TIMINGS.beyer_week_min_sessions
    )
    if full or long:
        state.beyer_weeks_done += 1
        state.beyer_week_sessions = 0
        state.beyer_week_from = on + timedelta(days=1) if full else on


def sync_phase(state: ProgrammeState, on: date, allow_rise: bool) -> bool:
    """Stage 3: follow the Beyer week schedule. Loads are rescaled for the new repetition
    maximum unless a rise is not allowed today (after a flare). Returns True on a change."""
    changed = False
    if state.stage == 3 and state.status is ProgrammeStatus.ACTIVE:
        count_beyer_week(state, on, session_done=False)
        idx, _ = beyer_phase(state.beyer_weeks_done + 1)
        if idx != state.rung:
            state.rung = idx
            changed = True
    elif state.stage in (1, 2) and state.status is ProgrammeStatus.ACTIVE:
        return False
    elif (
        state.stage == 4
        and state.status is ProgrammeStatus.ACTIVE
        and (on - state.stage_start).days < TIMINGS.stage4_hsr_hold_first_days
    ):
        return False  # R2: the first week of Stage 4 keeps the last Stage 3 dose
    target = state.rung if state.stage == 3 else len(BEYER_SCHEDULE) - 1
    if state.stage >= 3 or state.status is ProgrammeStatus.MAINTENANCE:
        phase = BEYER_SCHEDULE[min(target, len(BEYER_SCHEDULE) - 1)]
        if allow_rise and any(ls.reps_basis != phase.reps for ls in state.stage3_loads.values()):
            _rescale_all(state, on, min(target, len(BEYER_SCHEDULE) - 1))
            changed = True
    if changed:
        dose_changed(state, on)
        if allow_rise:
            state.last_rise_on = on
    return changed


def recent_flares(state: ProgrammeState, on: date, days: int) -> list[date]:
    """Flares in the ``days`` days up to and including ``on``."""
    return [f for f in state.flares if on - timedelta(days=days) < f <= on]


def in_flare_cooldown(state: ProgrammeState, on: date) -> bool:
    return bool(recent_flares(state, on, TIMINGS.no_progress_days_after_flare + 1))
