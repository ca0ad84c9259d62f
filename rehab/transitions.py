"""State changes shared by decisions and gates: entering a stage, one rung up or down."""

from __future__ import annotations

from datetime import date, timedelta

from rehab.dosing import (
    beyer_phase,
    heavier,
    hsr_exercise_ids,
    lighter,
    rescale_for_phase,
    stage1_ladder,
    stage2_ladder,
    start_loads,
    top_rung,
)
from rehab.enums import DecisionKind, GateTest, ProgrammeStatus
from rehab.models import Decision, LoadState, ProgrammeState
from rehab.protocol import (
    BEYER_SCHEDULE,
    EXERCISES,
    LOADS,
    STAGE4_FULL_RUNG,
    STAGE4_LADDER,
    TIMINGS,
)


def decision(
    before: ProgrammeState,
    after: ProgrammeState,
    kind: DecisionKind,
    reason: str,
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


def describe_dose(state: ProgrammeState) -> str:
    """A short description of the current rung, for decision reasons."""
    if state.status is ProgrammeStatus.MAINTENANCE:
        return "weekly heavy calf work"
    if state.stage == 1:
        ladder = stage1_ladder(state.irritability)
        r = ladder[min(state.rung, len(ladder) - 1)]
        return f"{r.sets} holds of {r.hold_s} s"
    if state.stage == 2:
        ladder2 = stage2_ladder(state.profile)
        d = ladder2[min(state.rung, len(ladder2) - 1)]
        text = f"{d.sets} x {d.reps}"
        if d.load_kg:
            text += f" with {d.load_kg:g} kg"
        if d.tempo_s != LOADS.slow_tempo_s:
            text += f" at {d.tempo_s[0]} s up / {d.tempo_s[1]} s down"
        if d.pause_top_s:
            text += f" with a {d.pause_top_s} s pause at the top"
        return text
    if state.stage == 3:
        phase = BEYER_SCHEDULE[min(state.rung, len(BEYER_SCHEDULE) - 1)]
        return f"{phase.sets} x {phase.reps} heavy slow reps"
    rung = STAGE4_LADDER[min(state.rung, len(STAGE4_LADDER) - 1)]
    total = sum(p.contacts for p in rung.values())
    return f"{len(rung)} jumping drills, {total} ground contacts"


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
    """Move to ``stage`` at ``rung`` (its entry by default), restarting the stage clock."""
    if stage == 3 and state.stage == 2:
        state.stage3_loads = start_loads(state, on)
    state.stage = stage
    state.rung = rung
    state.stage_start = on
    state.rung_changed_on = on
    state.pending_gate = None
    state.gate_retest_after = None
    state.full_ladder_since = None
    if stage >= 3:
        ensure_loads(state, on)
    if stage == 3:
        _rescale_all(state, on, 0)
    if stage == 4:
        state.last_hsr_on = state.last_session_on or on
        _rescale_all(state, on, len(BEYER_SCHEDULE) - 1)
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
    """One rung lower (loaded stages: loads times ``load_factor``). False if already lowest."""
    if uses_loads(state):
        changed = scale_loads(state, on, load_factor)
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


def rung_up(state: ProgrammeState, on: date, only_older_than: int | None = None) -> list[str]:
    """One rung higher. Returns what changed (names), empty when nothing could rise."""
    changed: list[str] = []
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
                changed.append(EXERCISES[ex_id].name)
    elif state.rung < top_rung(state):
        state.rung += 1
        state.rung_changed_on = on
        changed.append(describe_dose(state))
        if state.stage == 4 and state.rung >= STAGE4_FULL_RUNG and state.full_ladder_since is None:
            state.full_ladder_since = on
    if changed:
        dose_changed(state, on)
    return changed


def adjust_load(state: ProgrammeState, ex_id: str, new: LoadState, on: date) -> None:
    state.stage3_loads[ex_id] = new
    dose_changed(state, on)


def sync_phase(state: ProgrammeState, on: date, allow_rise: bool) -> bool:
    """Stage 3: follow the Beyer week schedule. Loads are rescaled for the new repetition
    maximum unless a rise is not allowed today (after a flare). Returns True on a change."""
    changed = False
    if state.stage == 3 and state.status is ProgrammeStatus.ACTIVE:
        idx, _ = beyer_phase(max(0, (on - state.stage_start).days) // 7 + 1)
        if idx != state.rung:
            state.rung = idx
            changed = True
    elif state.stage in (1, 2, 4) and state.status is ProgrammeStatus.ACTIVE:
        return False
    target = state.rung if state.stage == 3 else len(BEYER_SCHEDULE) - 1
    if state.stage >= 3 or state.status is ProgrammeStatus.MAINTENANCE:
        phase = BEYER_SCHEDULE[min(target, len(BEYER_SCHEDULE) - 1)]
        if allow_rise and any(ls.reps_basis != phase.reps for ls in state.stage3_loads.values()):
            _rescale_all(state, on, min(target, len(BEYER_SCHEDULE) - 1))
            changed = True
    if changed:
        dose_changed(state, on)
    return changed


def recent_flares(state: ProgrammeState, on: date, days: int) -> list[date]:
    """Flares in the ``days`` days up to and including ``on``."""
    return [f for f in state.flares if on - timedelta(days=days) < f <= on]


def in_flare_cooldown(state: ProgrammeState, on: date) -> bool:
    return bool(recent_flares(state, on, TIMINGS.no_progress_days_after_flare + 1))
