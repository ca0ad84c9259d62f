"""Ladders, loads and the prescription of a session (protocol section 3)."""

from __future__ import annotations

import math
from datetime import date
from functools import lru_cache
from typing import Any

from rehab.enums import (
    Cadence,
    Equipment,
    ExerciseKind,
    ExerciseLeg,
    Irritability,
    Presentation,
    ProgrammeStatus,
    SessionType,
    Side,
    Stance,
    Surface,
)
from rehab.models import (
    ExercisePrescription,
    LoadMark,
    LoadState,
    Profile,
    ProgrammeState,
    SessionPlan,
)
from rehab.protocol import (
    BEYER_SCHEDULE,
    EXERCISES,
    GATES,
    LOADS,
    RUN_LADDER,
    RUN_REST_S,
    STAGE1_EXERCISES,
    STAGE1_LADDERS,
    STAGE2_BASE_RUNGS,
    STAGE2_FLOOR_EXERCISES,
    STAGE2_MID_PORTION_EXERCISES,
    STAGE3_GYM_EXERCISES,
    STAGE3_HOME_EXERCISES,
    STAGE4_LADDER,
    STAGE4_REST_S,
    TIMINGS,
    BeyerPhase,
    Exercise,
    HoldRung,
    RepsRung,
)

# ---------------------------------------------------------------------------------------------
# Equipment and rounding
# ---------------------------------------------------------------------------------------------


def floor_to(x: float, step: float) -> float:
    return round(math.floor(x / step + 1e-9) * step, 2)


def ceil_to(x: float, step: float) -> float:
    return round(math.ceil(x / step - 1e-9) * step, 2)


def load_cap(profile: Profile, exercise: Exercise) -> float | None:
    """The most added load the user can put on this exercise; ``None`` when a gym is at hand."""
    if exercise.machine or profile.gym:
        return None
    return profile.max_added_load_kg


def uses_floor(profile: Profile, floor_only: bool) -> bool:
    return floor_only or not profile.has_step


def safe_for(exercise: Exercise, presentation: Presentation) -> bool:
    return presentation not in exercise.unsafe_for


# ---------------------------------------------------------------------------------------------
# Stage 1 and 2 ladders
# ---------------------------------------------------------------------------------------------


def stage1_ladder(irritability: Irritability) -> tuple[HoldRung, ...]:
    return STAGE1_LADDERS[irritability]


def stage2_max_load(profile: Profile) -> float:
    """The heaviest Stage 2 load: the user's equipment, at most 20 % of body weight."""
    return _stage2_max_load(profile.bodyweight_kg, profile.max_added_load_kg, profile.gym)


def stage2_gate_load(profile: Profile) -> float:
    """Stage 2 -> 3 needs >= 10 % body weight added, or all the added load the user has."""
    return _stage2_gate_load(profile.bodyweight_kg, profile.max_added_load_kg, profile.gym)


def _stage2_gate_load(bodyweight_kg: float, max_added_kg: float, gym: bool) -> float:
    step = LOADS.stage2_load_step_kg
    target = ceil_to(bodyweight_kg * GATES.stage2_load_fraction_bw, step)
    if gym:
        return target
    return min(target, floor_to(max_added_kg, step))


def _stage2_max_load(bodyweight_kg: float, max_added_kg: float, gym: bool) -> float:
    step = LOADS.stage2_load_step_kg
    ceiling = floor_to(bodyweight_kg * LOADS.stage2_max_load_fraction_bw, step)
    if gym:
        return max(ceiling, _stage2_gate_load(bodyweight_kg, max_added_kg, gym))
    return min(ceiling, floor_to(max_added_kg, step))


def stage2_ladder(profile: Profile) -> list[RepsRung]:
    """Bodyweight rungs, +2.5 kg rungs up to the Stage 2 maximum, then tempo and pause."""
    return list(_stage2_ladder(profile.bodyweight_kg, profile.max_added_load_kg, profile.gym))


@lru_cache(maxsize=256)
def _stage2_ladder(bodyweight_kg: float, max_added_kg: float, gym: bool) -> tuple[RepsRung, ...]:
    rungs = list(STAGE2_BASE_RUNGS)
    top = rungs[-1]
    step = LOADS.stage2_load_step_kg
    n_loads = round(_stage2_max_load(bodyweight_kg, max_added_kg, gym) / step)
    for k in range(1, n_loads + 1):
        rungs.append(top.model_copy(update={"load_kg": round(k * step, 2)}))
    last = rungs[-1]
    rungs.append(last.model_copy(update={"tempo_s": LOADS.capped_tempo_s}))
    paused = last.model_copy(
        update={"tempo_s": LOADS.capped_tempo_s, "pause_top_s": LOADS.capped_pause_top_s}
    )
    rungs.append(paused)
    rungs.append(paused.model_copy(update={"sets": paused.sets + 1}))  # R2: a fourth set
    return tuple(rungs)


def is_load_rung(profile: Profile, rung: int) -> bool:
    """Does Stage 2's ``rung`` add load to the rung below it (R2: at most twice a week)?"""
    ladder = stage2_ladder(profile)
    if rung <= 0 or rung >= len(ladder):
        return False
    return ladder[rung].load_kg > ladder[rung - 1].load_kg


def stage2_gate_rung(profile: Profile) -> int:
    target = stage2_gate_load(profile)
    top_base = len(STAGE2_BASE_RUNGS) - 1
    for i, rung in enumerate(stage2_ladder(profile)):
        if i >= top_base and rung.load_kg >= target:
            return i
    return len(stage2_ladder(profile)) - 1  # pragma: no cover - the ladder reaches the target


def top_rung(state: ProgrammeState) -> int:
    """The highest rung of the current stage's ladder (Stage 3: the last Beyer phase)."""
    if state.stage == 1:
        return len(stage1_ladder(state.irritability)) - 1
    if state.stage == 2:
        return len(stage2_ladder(state.profile)) - 1
    if state.stage == 3:
        return len(BEYER_SCHEDULE) - 1
    return len(STAGE4_LADDER) - 1


# ---------------------------------------------------------------------------------------------
# Stage 3: Beyer phases and regulated loads
# ---------------------------------------------------------------------------------------------


def stage_week(state: ProgrammeState, on: date) -> int:
    """1-based week of the heavy programme's schedule. R2: a week is three completed sessions
    (or seven days with at least two), so an absence does not advance it."""
    return state.beyer_weeks_done + 1


def beyer_phase(week: int) -> tuple[int, BeyerPhase]:
    for i, phase in enumerate(BEYER_SCHEDULE):
        if phase.first_week <= week and (phase.last_week is None or week <= phase.last_week):
            return i, phase
    return len(BEYER_SCHEDULE) - 1, BEYER_SCHEDULE[-1]


def current_phase(state: ProgrammeState, on: date) -> tuple[int, BeyerPhase]:
    """The phase the heavy loads are set for: Stage 3 follows the week schedule (counted in
    sessions); Stage 4 keeps the last Stage 3 dose for its first week (R2), then uses the last
    phase, as does maintenance."""
    basis = next(
        (
            ls.reps_basis
            for ex_id, ls in state.stage3_loads.items()
            if EXERCISES[ex_id].kind is not ExerciseKind.HOLD
        ),
        None,
    )
    for i, phase in enumerate(BEYER_SCHEDULE):
        if phase.reps == basis:
            return i, phase
    if state.stage == 3 and state.status is ProgrammeStatus.ACTIVE:
        return beyer_phase(stage_week(state, on))
    return len(BEYER_SCHEDULE) - 1, BEYER_SCHEDULE[-1]


def stage4_plyo(state: ProgrammeState) -> dict[str, int]:
    """Stage 4's contacts per set, by drill: the ladder's rung scaled by the step-down factor
    (rounded down, at least one)."""
    rung = STAGE4_LADDER[min(state.rung, len(STAGE4_LADDER) - 1)]
    return {
        ex_id: max(1, math.floor(p.contacts_per_set * state.stage4_factor + 1e-9))
        for ex_id, p in rung.items()
    }


def stage4_total(state: ProgrammeState) -> int:
    rung = STAGE4_LADDER[min(state.rung, len(STAGE4_LADDER) - 1)]
    per = stage4_plyo(state)
    return sum(rung[k].sets * c for k, c in per.items())


def leg_for(state: ProgrammeState, ex: Exercise) -> ExerciseLeg | None:
    """Which leg a single-leg exercise works: the sore one, or each in turn when both are."""
    if ex.stance is not Stance.SINGLE_LEG:
        return None
    side = state.profile.side
    if side is Side.BOTH:
        return ExerciseLeg.EACH
    return ExerciseLeg.LEFT if side is Side.LEFT else ExerciseLeg.RIGHT


def resolve(exercise_id: str, profile: Profile, floor_only: bool) -> str:
    if exercise_id == "sl_calf_raise":
        return "sl_calf_raise_floor" if uses_floor(profile, floor_only) else "sl_calf_raise_step"
    return exercise_id


def hsr_exercise_ids(profile: Profile, floor_only: bool) -> list[str]:
    ids = STAGE3_GYM_EXERCISES if profile.gym else STAGE3_HOME_EXERCISES
    return [resolve(i, profile, floor_only) for i in ids]


def start_loads(state: ProgrammeState, on: date) -> dict[str, LoadState]:
    """First Stage 3 loads: the Stage 2 load for free weights; machines by body weight."""
    profile = state.profile
    plate = profile.smallest_plate_kg
    ladder = stage2_ladder(profile)
    stage2_load = ladder[min(state.rung, len(ladder) - 1)].load_kg if state.stage == 2 else 0.0
    basis = BEYER_SCHEDULE[0].reps
    loads: dict[str, LoadState] = {}
    for ex_id in hsr_exercise_ids(profile, state.floor_only):
        ex = EXERCISES[ex_id]
        if ex.machine:
            start = floor_to(profile.bodyweight_kg * LOADS.machine_start_fraction_bw[ex_id], plate)
        elif ex.seated:
            # R2: the soleus tolerates far more than the Stage 2 load
            start = floor_to(profile.bodyweight_kg * LOADS.seated_start_fraction_bw, plate)
        else:
            start = floor_to(stage2_load, plate)
        cap = load_cap(profile, ex)
        if cap is not None:
            start = min(start, floor_to(cap, plate))
        if ex_id in state.flared_loads:  # R2: re-entry one plate below the load that flared
            start = min(start, max(0.0, floor_to(state.flared_loads[ex_id] - plate, plate)))
        hold = LOADS.stage3_hold_start_s if ex.kind is ExerciseKind.HOLD else None
        loads[ex_id] = LoadState(
            load_kg=start,
            reps_basis=basis,
            hold_s=hold,
            changed_on=on,
            recent=[LoadMark(on=on, load_kg=start)],
        )
    return loads


def bodyweight_borne(exercise: Exercise) -> bool:
    """Standing free-weight work: the tendon carries the body weight plus the added load."""
    return not (exercise.machine or exercise.seated)


def carried(profile: Profile, ex_id: str, load_kg: float) -> float:
    """The load the tendon carries in ``ex_id`` (R2, sections 3 and 6)."""
    extra = profile.bodyweight_kg if bodyweight_borne(EXERCISES[ex_id]) else 0.0
    return extra + load_kg


def set_load(ls: LoadState, load_kg: float, on: date, **update: Any) -> LoadState:
    """``ls`` at ``load_kg`` from ``on``, remembering the loads of the last days (for the cap)."""
    window = TIMINGS.cap_window_days
    old = [m for m in ls.recent if (on - m.on).days > window]
    keep = [m for m in ls.recent if (on - m.on).days <= window and m.on != on]
    if old:  # the load in force when the window opened
        keep.insert(0, old[-1])
    keep.append(LoadMark(on=on, load_kg=load_kg))
    return ls.model_copy(update={"load_kg": load_kg, "changed_on": on, "recent": keep, **update})


def window_floor(ls: LoadState, on: date) -> float:
    """The lowest load ``ls`` had at any time in the 7 days up to ``on``."""
    start = on.toordinal() - TIMINGS.cap_window_days
    before = [m for m in ls.recent if m.on.toordinal() <= start]
    inside = [m.load_kg for m in ls.recent if m.on.toordinal() > start]
    lows = [*inside, ls.load_kg]
    if before:
        lows.append(before[-1].load_kg)
    elif ls.recent:
        lows.append(ls.recent[0].load_kg)
    return min(lows)


def capped_load(profile: Profile, ex_id: str, ls: LoadState, wanted: float, on: date) -> float:
    """R2: ``wanted`` limited to one plate above the current load and to +10 % of the carried
    load over any 7 days, rounded down to the plate; never below the current load."""
    if wanted <= ls.load_kg:
        return wanted
    plate = profile.smallest_plate_kg
    base = carried(profile, ex_id, window_floor(ls, on))
    limit = base * (1 + LOADS.weekly_load_rise_max) - carried(profile, ex_id, 0.0)
    new = floor_to(min(wanted, ls.load_kg + plate, limit + 1e-9), plate)
    return max(ls.load_kg, new)


def plate_fits_a_week(profile: Profile, ex_id: str, load_kg: float) -> bool:
    """Can one plate ever be added within the 10 % weekly cap at this load?"""
    plate = profile.smallest_plate_kg
    c = carried(profile, ex_id, load_kg)
    return c * (1 + LOADS.weekly_load_rise_max) + 1e-9 >= c + plate


def heavier(profile: Profile, ex_id: str, ls: LoadState, on: date) -> LoadState | None:
    """One load step up (one plate, within the 10 % weekly cap); when the equipment or the cap
    leaves no plate to add, a longer hold, a slower tempo, a pause, then a fourth set.
    ``None`` when nothing can be added now."""
    ex = EXERCISES[ex_id]
    plate = profile.smallest_plate_kg
    cap = load_cap(profile, ex)
    new = ceil_to(ls.load_kg + plate, plate)
    if ls.sets_off > 0:  # after a break: the set comes back before any load
        update = {"sets_off": ls.sets_off - 1, "changed_on": on, "easy_streak": 0}
        return ls.model_copy(update=update)
    if (cap is None or new <= cap + 1e-9) and plate_fits_a_week(profile, ex_id, ls.load_kg):
        got = capped_load(profile, ex_id, ls, new, on)
        if got <= ls.load_kg:
            return None  # the week's rise is used up: wait
        return set_load(ls, got, on, easy_streak=0)
    if ex.kind is ExerciseKind.HOLD:
        if ls.hold_s is not None and ls.hold_s < LOADS.stage3_hold_max_s:
            hold = min(LOADS.stage3_hold_max_s, ls.hold_s + LOADS.stage3_hold_step_s)
            return ls.model_copy(update={"hold_s": hold, "changed_on": on, "easy_streak": 0})
        return None
    if ls.tempo_level < 3:
        return ls.model_copy(
            update={"tempo_level": ls.tempo_level + 1, "changed_on": on, "easy_streak": 0}
        )
    return None


def lighter(profile: Profile, ex_id: str, ls: LoadState, on: date, factor: float) -> LoadState:
    """Lower the load to ``factor`` of itself (at least one plate less), or undo tempo/hold
    progressions when there is no load to take off."""
    plate = profile.smallest_plate_kg
    if ls.load_kg > 0:
        new = floor_to(min(ls.load_kg * factor, ls.load_kg - plate), plate)
        return set_load(ls, max(0.0, new), on, easy_streak=0)
    if ls.tempo_level > 0:
        return ls.model_copy(
            update={"tempo_level": ls.tempo_level - 1, "changed_on": on, "easy_streak": 0}
        )
    if ls.hold_s is not None and ls.hold_s > LOADS.stage3_hold_start_s:
        hold = ls.hold_s - LOADS.stage3_hold_step_s
        return ls.model_copy(update={"hold_s": hold, "changed_on": on, "easy_streak": 0})
    return ls.model_copy(update={"easy_streak": 0})


def rescale_for_phase(
    profile: Profile, ex_id: str, ls: LoadState, phase: BeyerPhase, on: date
) -> LoadState:
    """A new Beyer phase has fewer reps, so the same effort needs more load (by %1RM)."""
    if ls.reps_basis == phase.reps or EXERCISES[ex_id].kind is ExerciseKind.HOLD:
        return ls.model_copy(update={"reps_basis": phase.reps})
    old = next((p.percent_1rm for p in BEYER_SCHEDULE if p.reps == ls.reps_basis), None)
    if old is None:
        return ls.model_copy(update={"reps_basis": phase.reps})
    plate = profile.smallest_plate_kg
    new = floor_to(ls.load_kg * phase.percent_1rm / old, plate)
    cap = load_cap(profile, EXERCISES[ex_id])
    if cap is not None:
        new = min(new, max(ls.load_kg, floor_to(cap, plate)))
    new = capped_load(profile, ex_id, ls, new, on)  # R2: +10 % a week, one plate at a time
    return set_load(ls, new, on, reps_basis=phase.reps)


def gap_load(profile: Profile, ex_id: str, ls: LoadState, on: date, factor: float) -> LoadState:
    """R2 gap rule: the carried load times ``factor`` (about -20 %), rounded down to the plate;
    when that leaves no added load, a set fewer as well (the volume drops one rung)."""
    plate = profile.smallest_plate_kg
    body = carried(profile, ex_id, 0.0)
    target = carried(profile, ex_id, ls.load_kg) * factor - body
    new = max(0.0, floor_to(min(target, ls.load_kg - plate), plate))
    out = set_load(ls, new, on, easy_streak=0)
    if target <= 0 or ls.load_kg <= 0:
        out = out.model_copy(update={"sets_off": min(2, ls.sets_off + 1)})
    return out


# ---------------------------------------------------------------------------------------------
# Cadence
# ---------------------------------------------------------------------------------------------


def cadence(state: ProgrammeState) -> Cadence:
    """Stage 1-2: twice daily (or once, by choice); Stage 3-4: three times a week;
    maintenance: weekly."""
    if state.status is ProgrammeStatus.MAINTENANCE:
        return Cadence.WEEKLY
    if state.stage <= 2:
        return Cadence.ONCE_DAILY if state.profile.once_daily else Cadence.TWICE_DAILY
    return Cadence.THREE_WEEKLY


def sessions_on(state: ProgrammeState, on: date) -> int:
    """How many sessions the default schedule puts on ``on`` (0 on rest days)."""
    if state.status is ProgrammeStatus.STOPPED or state.paused:
        return 0
    c = cadence(state)
    if c is Cadence.TWICE_DAILY:
        return 2
    if c is Cadence.ONCE_DAILY:
        return 1
    days = TIMINGS.maintenance_weekdays if c is Cadence.WEEKLY else TIMINGS.training_weekdays
    return 1 if on.weekday() in days else 0


# ---------------------------------------------------------------------------------------------
# Prescription
# ---------------------------------------------------------------------------------------------


def _base(ex: Exercise, rung: int, sets: int, rest_s: int, **dose: Any) -> ExercisePrescription:
    return ExercisePrescription(
        exercise_id=ex.id,
        name=ex.name,
        how_to=ex.how_to,
        kind=ex.kind,
        knee=ex.knee,
        stance=ex.stance,
        surface=ex.surface,
        sets=sets,
        rest_s=rest_s,
        rung=rung,
        **dose,
    )


def _allowed(ex: Exercise, state: ProgrammeState) -> bool:
    profile = state.profile
    if not safe_for(ex, profile.presentation):
        return False
    if state.floor_only and (ex.end_range or ex.kind is ExerciseKind.STRETCH):
        return False
    if Equipment.STEP in ex.equipment and not profile.has_step:
        return False
    return not (Equipment.GYM in ex.equipment and not profile.gym)


def session_type(state: ProgrammeState, on: date) -> SessionType:
    if state.status is ProgrammeStatus.MAINTENANCE:
        return SessionType.HSR
    if state.stage == 4:
        last = state.last_hsr_on or state.stage_start
        if (on - last).days >= TIMINGS.stage4_hsr_every_days:
            return SessionType.HSR
        if state.run_since is not None and state.runs:
            last_run = state.last_run_on
            if last_run is None or (on - last_run).days >= TIMINGS.run_every_days:
                return SessionType.RUN
    return SessionType.STAGE


def _hsr(state: ProgrammeState, on: date) -> list[ExercisePrescription]:
    idx, phase = current_phase(state, on)
    loads = state.stage3_loads or start_loads(state, on)
    out: list[ExercisePrescription] = []
    for ex_id in hsr_exercise_ids(state.profile, state.floor_only):
        ex = EXERCISES[ex_id]
        ls = loads.get(ex_id) or start_loads(state, on)[ex_id]
        if ex.kind is ExerciseKind.HOLD:
            p = _base(
                ex,
                idx,
                max(1, LOADS.stage3_hold_sets - ls.sets_off),
                LOADS.stage3_hold_rest_s,
                hold_s=ls.hold_s or LOADS.stage3_hold_start_s,
                load_kg=ls.load_kg,
            )
        else:
            extra = 1 if ls.tempo_level >= 3 else 0  # R2 extension: a fourth set
            p = _base(
                ex,
                idx,
                max(1, phase.sets + extra - ls.sets_off),
                phase.rest_s,
                reps=phase.reps,
                tempo_s=LOADS.slow_tempo_s if ls.tempo_level == 0 else LOADS.capped_tempo_s,
                pause_top_s=LOADS.capped_pause_top_s if ls.tempo_level >= 2 else 0,
                load_kg=ls.load_kg,
            )
        out.append(p)
    return out


def prescribe(state: ProgrammeState, on: date) -> SessionPlan:
    """The session for ``state`` on ``on``. Empty once the programme is stopped."""
    if state.status is ProgrammeStatus.STOPPED:
        return SessionPlan(stage=state.stage, exercises=[], note="The programme is stopped.")
    kind = session_type(state, on)
    exercises: list[ExercisePrescription]
    if kind is SessionType.HSR:
        exercises = _hsr(state, on)
    elif state.stage == 1:
        ladder = stage1_ladder(state.irritability)
        hold = ladder[min(state.rung, len(ladder) - 1)]
        exercises = []
        for ex_id in STAGE1_EXERCISES:
            exercises.append(
                _base(EXERCISES[ex_id], state.rung, hold.sets, hold.rest_s, hold_s=hold.hold_s)
            )
    elif state.stage == 2:
        ladder2 = stage2_ladder(state.profile)
        dose = ladder2[min(state.rung, len(ladder2) - 1)]
        ids = (
            STAGE2_FLOOR_EXERCISES
            if uses_floor(state.profile, state.floor_only)
            else STAGE2_MID_PORTION_EXERCISES
        )
        exercises = []
        for ex_id in ids:
            ex = EXERCISES[ex_id]
            cap = load_cap(state.profile, ex)
            exercises.append(
                _base(
                    ex,
                    state.rung,
                    dose.sets,
                    dose.rest_s,
                    reps=dose.reps,
                    tempo_s=dose.tempo_s,
                    pause_top_s=dose.pause_top_s,
                    load_kg=dose.load_kg if cap is None else min(dose.load_kg, cap),
                )
            )
    elif state.stage == 3:
        exercises = _hsr(state, on)
    elif kind is SessionType.RUN:
        step = RUN_LADDER[min(state.run_step, len(RUN_LADDER) - 1)]
        run = _base(
            EXERCISES["walk_jog"],
            state.run_step,
            1,
            RUN_REST_S,
            reps=step.reps,
            walk_min=step.walk_min,
            jog_min=step.jog_min,
        )
        if step.change:  # pace or hills, one change at a time
            run = run.model_copy(update={"how_to": f"{run.how_to}\nToday: run {step.change}."})
        exercises = [run]
    else:
        rung = STAGE4_LADDER[min(state.rung, len(STAGE4_LADDER) - 1)]
        per_set = stage4_plyo(state)
        exercises = []
        for ex_id, plyo in rung.items():
            exercises.append(
                _base(
                    EXERCISES[ex_id],
                    state.rung,
                    plyo.sets,
                    STAGE4_REST_S,
                    contacts=per_set[ex_id],
                )
            )
    exercises = [p for p in exercises if _allowed(EXERCISES[p.exercise_id], state)]
    exercises = [
        p.model_copy(update={"leg": leg_for(state, EXERCISES[p.exercise_id])}) for p in exercises
    ]
    return SessionPlan(stage=state.stage, exercises=exercises, session_type=kind)


def one_rung_lighter(ex: ExercisePrescription, plate: float = 2.5) -> ExercisePrescription:
    """The in-session drop after a red set: less load, else two legs instead of one, else a
    shorter hold, fewer reps or fewer contacts."""
    if ex.load_kg > 0:
        return ex.model_copy(update={"load_kg": max(0.0, floor_to(ex.load_kg - plate, plate))})
    if ex.stance is Stance.SINGLE_LEG and ex.kind is not ExerciseKind.PLYO:
        return ex.model_copy(update={"stance": Stance.TWO_LEGS})
    if ex.hold_s is not None and ex.hold_s > 5:
        return ex.model_copy(update={"hold_s": max(5, ex.hold_s - 5)})
    if ex.reps is not None and ex.reps > 1:
        return ex.model_copy(update={"reps": max(1, ex.reps - 2)})
    if ex.contacts is not None and ex.contacts > 1:
        fewer = math.floor(ex.contacts * (1 - LOADS.stage4_drop_fraction))
        return ex.model_copy(update={"contacts": max(1, fewer)})
    return ex


def on_surface(plan: SessionPlan, surface: Surface) -> bool:
    return any(p.surface is surface for p in plan.exercises)
