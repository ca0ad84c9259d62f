"""The rule book as data: every number the engine uses lives in this module.

A physiotherapist can read and tune the protocol here without touching the logic:

* ``THRESHOLDS`` -- the pain-monitoring model (protocol section 4);
* ``IRRITABILITY_RULES`` -- the onboarding classification (section 2);
* ``TIMINGS`` -- missed-session, flare, trend and cadence timings (sections 4-6);
* ``GATES`` -- the criteria of every stage gate (sections 3 and 7);
* ``LOADS`` -- load steps, tempos and caps (section 3);
* ``EXERCISES`` -- the exercise catalogue, each with a short how-to in our own words;
* ``STAGE1_LADDERS``, ``STAGE2_BASE_RUNGS``, ``BEYER_SCHEDULE``, ``STAGE4_LADDER`` --
  the dose ladders of each stage; ``RUN_LADDER`` -- the walk-jog block of Stage 4;
* ``REFERRAL`` -- when the bot says it is time to see a clinician (revision 2, section 5).

Revision 2 of the rule book (rate caps, gaps, gates, referral, reviews, running) added the
``TIMINGS``, ``GATES`` and ``LOADS`` fields marked "R2" below.

The models validate themselves; ``tests/unit/rehab/test_protocol_data.py`` checks the tables
against the protocol's rules (one dimension per rung, tempos of at least 3 s, and so on).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from rehab.enums import Equipment, ExerciseKind, Irritability, Knee, Presentation, Stance, Surface


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --------------------------------------------------------------------------------------------
# Pain model (section 4)
# --------------------------------------------------------------------------------------------


class Thresholds(_Frozen):
    """Pain thresholds on the 0-10 scale.

    ``amber_ceiling`` is the highest acceptable pain during a set and right after a session.
    The seeds use 4; Silbernagel's model allows 5. Raising it widens the amber band.
    """

    set_green_max: int = Field(3, ge=0, le=10)
    amber_ceiling: int = Field(4, ge=0, le=10)
    end_session_pain: int = Field(7, ge=1, le=10)
    red_sets_to_stop_exercise: int = Field(2, ge=1)
    morning_green_over_baseline: float = Field(1, ge=0)
    morning_flare_over_baseline: float = Field(2, gt=0)
    morning_flare_absolute: int = Field(5, ge=1, le=10)
    # R2: the absolute 5 only counts when the baseline is this low; at or above
    # ``morning_flare_always`` a morning is a flare whatever the baseline.
    morning_flare_absolute_max_baseline: float = Field(3, ge=0)
    morning_flare_always: int = Field(7, ge=1, le=10)
    baseline_window: int = Field(7, ge=1)
    baseline_min_scores: int = Field(3, ge=1)
    weekly_trend_rise: float = Field(1.0, gt=0)
    weekly_trend_min_scores: int = Field(3, ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        if not self.set_green_max <= self.amber_ceiling < self.end_session_pain:
            raise ValueError("need set_green_max <= amber_ceiling < end_session_pain")
        if self.morning_green_over_baseline >= self.morning_flare_over_baseline:
            raise ValueError("the morning flare margin must exceed the green margin")
        if self.baseline_min_scores > self.baseline_window:
            raise ValueError("baseline_min_scores cannot exceed baseline_window")
        return self


THRESHOLDS = Thresholds()


# --------------------------------------------------------------------------------------------
# Irritability (section 2)
# --------------------------------------------------------------------------------------------


class IrritabilityRules(_Frozen):
    """High if any ``high_*`` cut-off is reached; low only if every ``low_*`` one is met."""

    high_rest_pain: int = 4  # rest pain >= this
    high_morning_pain: int = 6  # morning pain >= this
    high_stiffness_minutes: int = 30  # stiffness > this
    high_heel_raises: int = 0  # heel raises <= this
    low_rest_pain: int = 1  # rest pain <= this
    low_morning_pain: int = 3  # morning pain <= this
    low_heel_raises: int = 10  # heel raises >= this
    stage2_top_heel_raises: int = 25  # low with this many raises may start at Stage 2's top


IRRITABILITY_RULES = IrritabilityRules()


# --------------------------------------------------------------------------------------------
# Timings (sections 4-6)
# --------------------------------------------------------------------------------------------


class Timings(_Frozen):
    gap_regress_days: int = 7  # 7-13 days since the last session: one rung lower
    gap_restart_days: int = 14  # 14+ days: re-check, restart the stage at its entry
    gap_regress_load_factor: float = 0.8  # "about -20 % load" for loaded stages
    second_flare_window_days: int = 7  # a second flare within this window: back one stage
    no_progress_days_after_flare: int = 1  # the flare day and this many days after: no rise
    trend_week_days: int = 7
    stale_dose_days: int = 10  # a dose unchanged this long while all green gets a nudge
    pending_gate_morning_days: int = 3  # wait this long for the morning after a loaded hold
    training_weekdays: tuple[int, ...] = (0, 2, 4)  # Stage 3-4 default: Mon, Wed, Fri
    maintenance_weekdays: tuple[int, ...] = (0,)  # maintenance: weekly, on Mondays
    stage4_hsr_every_days: int = 7  # Stage 4 keeps one heavy slow resistance session a week
    stage4_rung_every_days: int = 7  # contacts rise at most once a week
    clearance_after_days: int = 1  # a red flag's clearance is offered from the next day on
    # R2 rate caps (section 3)
    stage2_load_rung_min_days: int = 3  # Stage 2 load rungs at least 3 days apart ...
    stage2_load_rungs_per_week: int = 2  # ... and at most twice in any 7 days
    cap_window_days: int = 7  # "over any 7 days"
    # R2: a Beyer "week" is this many completed sessions, or 7 days with at least the minimum
    beyer_week_sessions: int = 3
    beyer_week_min_sessions: int = 2
    stage4_hsr_hold_first_days: int = 7  # Stage 4's first week keeps the last Stage 3 dose
    # R2: settled amber (section 4)
    settled_amber_sessions: int = 4
    # R2: outcome checks and reviews (sections 7 and 10)
    heel_raise_count_every_days: int = 14
    stiffness_every_days: int = 7
    review_weeks: tuple[int, ...] = (6, 12)
    # R2: return to running (Stage 4)
    run_hops_green_days: int = 14
    run_every_days: int = 7  # running replaces one hop session a week

    @model_validator(mode="after")
    def _ordered(self) -> Timings:
        if not 0 < self.gap_regress_days < self.gap_restart_days:
            raise ValueError("need 0 < gap_regress_days < gap_restart_days")
        if not 0 < self.gap_regress_load_factor < 1:
            raise ValueError("gap_regress_load_factor must be between 0 and 1")
        days = (*self.training_weekdays, *self.maintenance_weekdays)
        if any(not 0 <= d <= 6 for d in days):
            raise ValueError("weekdays are 0 (Monday) to 6 (Sunday)")
        return self


TIMINGS = Timings()


# --------------------------------------------------------------------------------------------
# Gates (sections 3 and 7)
# --------------------------------------------------------------------------------------------


class Gates(_Frozen):
    # Stage 1 -> 2
    stage1_days_at_top: int = 3
    stage1_max_pain: int = 3
    # Stage 2 -> 3
    stage2_min_days: int = 14
    stage2_no_flare_days: int = 7
    stage2_load_fraction_bw: float = 0.10
    stage2_max_pain: int = 3
    stage2_heel_raises: int = 10
    # Onboarding shortcut into Stage 3 (low irritability, 25+ raises)
    stage3_entry_heel_raises: int = 25
    # Stage 3 -> 4
    stage3_min_weeks: int = 4
    programme_min_weeks_for_stage4: int = 6
    stage3_no_flare_days: int = 7
    hold_bw_multiple: float = 1.5
    hold_seconds: int = 30
    hold_max_pain: int = 2
    endurance_reps: int = 25
    endurance_other_side_fraction: float = 0.9
    alt_stage3_min_weeks: int = 6
    hop_count: int = 10
    hop_max_pain: int = 2
    # Stage 4 -> maintenance
    graduation_green_days: int = 14
    # Shared
    retest_after_days: int = 7
    # R2: a passed test still waits for a calm next morning; the new stage starts the day after
    morning_after_days: int = 3  # no morning answer in this many days: the test is repeated
    recheck_heel_raises: dict[int, int] = Field(default_factory=lambda: {1: 0, 2: 1, 3: 10, 4: 25})


GATES = Gates()


# --------------------------------------------------------------------------------------------
# Loads and tempos (section 3)
# --------------------------------------------------------------------------------------------


class Loads(_Frozen):
    slow_tempo_s: tuple[int, int] = (3, 3)  # Stage 2-3 minimum: 3 s up, 3 s down
    capped_tempo_s: tuple[int, int] = (4, 4)  # when equipment caps the load
    capped_pause_top_s: int = 2
    stage2_load_step_kg: float = 2.5
    stage2_max_load_fraction_bw: float = 0.20  # Stage 2 loading stops here (then Stage 3)
    stage3_step_fraction: float = 0.05  # easy twice: +5 %; hard: -5 %
    stage3_easy_sessions: int = 2
    stage3_hold_start_s: int = 30
    stage3_hold_max_s: int = 45
    stage3_hold_step_s: int = 5
    stage3_hold_sets: int = 4
    stage3_hold_rest_s: int = 120
    # First Stage 3 loads of the machine exercises, as a fraction of body weight
    machine_start_fraction_bw: dict[str, float] = Field(
        default_factory=lambda: {"leg_press_calf_raise": 0.75, "seated_machine_calf_raise": 0.5}
    )
    stage4_drop_fraction: float = 0.2  # a red plyometric set: 20 % fewer contacts
    # R2 rate caps: any exercise's load (what the tendon carries) +10 % at most over 7 days,
    # one plate at a time; Stage 4 total contacts +20 % at most over 7 days.
    weekly_load_rise_max: float = 0.10
    weekly_contacts_rise_max: float = 0.20
    stage4_down_factor: float = 0.8  # a flare, red session or gap in Stage 4: 20 % fewer contacts
    # The seated single-leg raise starts from the heaviest load the user has, up to this share
    # of body weight (R2, section 3).
    seated_start_fraction_bw: float = 0.5


LOADS = Loads()


# --------------------------------------------------------------------------------------------
# The exercise catalogue
# --------------------------------------------------------------------------------------------


class Exercise(_Frozen):
    id: str
    name: str
    stages: tuple[int, ...]
    kind: ExerciseKind
    knee: Knee
    stance: Stance
    surface: Surface
    equipment: frozenset[Equipment] = frozenset()
    tempo_s: tuple[int, int] | None = None
    end_range: bool = False  # loads the ankle below neutral (heel below the step edge)
    machine: bool = False  # load is the machine's weight, not added to body weight
    seated: bool = False  # the tendon carries the added load only, not the body weight
    unsafe_for: frozenset[Presentation] = frozenset()
    how_to: str

    @model_validator(mode="after")
    def _consistent(self) -> Exercise:
        risky = self.end_range or self.kind is ExerciseKind.STRETCH
        protected = {Presentation.INSERTIONAL, Presentation.UNSURE}
        if risky and not protected <= self.unsafe_for:
            raise ValueError(f"{self.id}: end-range work must be unsafe for insertional/unsure")
        if self.surface is Surface.STEP and Equipment.STEP not in self.equipment:
            raise ValueError(f"{self.id}: step work must list the step as equipment")
        if self.tempo_s is not None and min(self.tempo_s) < LOADS.slow_tempo_s[0]:
            raise ValueError(f"{self.id}: tempo under 3 s per phase")
        lines = [line for line in self.how_to.split("\n") if line.strip()]
        if not 2 <= len(lines) <= 3:
            raise ValueError(f"{self.id}: the how-to must be 2-3 lines")
        return self


_INS = frozenset({Presentation.INSERTIONAL, Presentation.UNSURE})
_STEP = frozenset({Equipment.STEP})
_GYM = frozenset({Equipment.GYM})

EXERCISES: dict[str, Exercise] = {
    e.id: e
    for e in [
        # ---- Stage 1: isometric holds -------------------------------------------------------
        Exercise(
            id="iso_calf_hold_straight",
            name="Calf-raise hold, straight knees",
            stages=(1,),
            kind=ExerciseKind.HOLD,
            knee=Knee.STRAIGHT,
            stance=Stance.TWO_LEGS,
            surface=Surface.FLOOR,
            how_to=(
                "Stand on flat floor with a hand on a wall, knees straight.\n"
                "Lift both heels about halfway up and stay there, pushing firmly and steadily.\n"
                "No bouncing; lower slowly when the time is up."
            ),
        ),
        Exercise(
            id="iso_calf_hold_bent",
            name="Calf-raise hold, bent knees",
            stages=(1,),
            kind=ExerciseKind.HOLD,
            knee=Knee.BENT,
            stance=Stance.TWO_LEGS,
            surface=Surface.FLOOR,
            how_to=(
                "Stand on flat floor, hands on a wall, knees softly bent over your toes.\n"
                "Keep the knees bent, lift both heels halfway and hold that height steadily.\n"
                "This works the deeper calf muscle (soleus)."
            ),
        ),
        # ---- Stage 2: slow isotonic and eccentric -------------------------------------------
        Exercise(
            id="slow_calf_raise",
            name="Slow calf raise, both legs",
            stages=(2,),
            kind=ExerciseKind.REPS,
            knee=Knee.STRAIGHT,
            stance=Stance.TWO_LEGS,
            surface=Surface.FLOOR,
            tempo_s=(3, 3),
            how_to=(
                "On flat floor, rise onto the balls of both feet while counting to three.\n"
                "Lower just as slowly, counting to three, until the heels touch the floor."
            ),
        ),
        Exercise(
            id="heel_drop_straight_step",
            name="Heel drop off a step, straight knee",
            stages=(2,),
            kind=ExerciseKind.ECCENTRIC,
            knee=Knee.STRAIGHT,
            stance=Stance.SINGLE_LEG,
            surface=Surface.STEP,
            equipment=_STEP,
            tempo_s=(3, 3),
            end_range=True,
            unsafe_for=_INS,
            how_to=(
                "Stand with the balls of your feet on a step edge and rise up on both feet.\n"
                "Shift onto the sore leg; lower that heel below the step at the card's tempo.\n"
                "Use both feet to come back up."
            ),
        ),
        Exercise(
            id="heel_drop_straight_floor",
            name="Heel drop on the floor, straight knee",
            stages=(2,),
            kind=ExerciseKind.ECCENTRIC,
            knee=Knee.STRAIGHT,
            stance=Stance.SINGLE_LEG,
            surface=Surface.FLOOR,
            tempo_s=(3, 3),
            how_to=(
                "On flat floor, rise onto the balls of both feet.\n"
                "Shift onto the sore leg; lower that heel to the floor at the card's tempo.\n"
                "Stop at floor level; use both feet to rise again."
            ),
        ),
        Exercise(
            id="heel_drop_bent_step",
            name="Heel drop off a step, bent knee",
            stages=(2,),
            kind=ExerciseKind.ECCENTRIC,
            knee=Knee.BENT,
            stance=Stance.SINGLE_LEG,
            surface=Surface.STEP,
            equipment=_STEP,
            tempo_s=(3, 3),
            end_range=True,
            unsafe_for=_INS,
            how_to=(
                "As the straight-knee heel drop, but keep the knee softly bent throughout.\n"
                "Lower the heel on the sore side below the step at the card's tempo, then rise on\n"
                "both feet."
            ),
        ),
        Exercise(
            id="heel_drop_bent_floor",
            name="Heel drop on the floor, bent knee",
            stages=(2,),
            kind=ExerciseKind.ECCENTRIC,
            knee=Knee.BENT,
            stance=Stance.SINGLE_LEG,
            surface=Surface.FLOOR,
            tempo_s=(3, 3),
            how_to=(
                "On flat floor with knees softly bent, rise onto the balls of both feet.\n"
                "Lower the sore side's heel to the floor at the card's tempo, knee still bent."
            ),
        ),
        Exercise(
            id="seated_calf_raise",
            seated=True,
            name="Seated calf raise, weight on the knees",
            stages=(2,),
            kind=ExerciseKind.REPS,
            knee=Knee.BENT,
            stance=Stance.TWO_LEGS,
            surface=Surface.FLOOR,
            tempo_s=(3, 3),
            how_to=(
                "Sit with feet flat and rest the added weight (a bag or dumbbell) on your knees.\n"
                "Lift and lower the heels slowly, at the tempo on the card.\n"
                "With no weight yet, press down on your knees with your hands."
            ),
        ),
        # ---- Stage 3: heavy slow resistance ---------------------------------------------------
        Exercise(
            id="sl_calf_raise_step",
            name="Single-leg calf raise on a step, loaded",
            stages=(3, 4),
            kind=ExerciseKind.REPS,
            knee=Knee.STRAIGHT,
            stance=Stance.SINGLE_LEG,
            surface=Surface.STEP,
            equipment=_STEP,
            tempo_s=(3, 3),
            end_range=True,
            unsafe_for=_INS,
            how_to=(
                "Stand on the sore leg on a step edge, holding the weight and a rail.\n"
                "Rise, then lower below the step, at the card's tempo; keep the knee straight."
            ),
        ),
        Exercise(
            id="sl_calf_raise_floor",
            name="Single-leg calf raise on the floor, loaded",
            stages=(3, 4),
            kind=ExerciseKind.REPS,
            knee=Knee.STRAIGHT,
            stance=Stance.SINGLE_LEG,
            surface=Surface.FLOOR,
            tempo_s=(3, 3),
            how_to=(
                "Stand on the sore leg on flat floor, holding the weight and a support.\n"
                "Rise, then lower to the floor, at the card's tempo; knee straight."
            ),
        ),
        Exercise(
            id="sl_seated_calf_raise",
            seated=True,
            name="Single-leg seated calf raise, loaded",
            stages=(3, 4),
            kind=ExerciseKind.REPS,
            knee=Knee.BENT,
            stance=Stance.SINGLE_LEG,
            surface=Surface.FLOOR,
            tempo_s=(3, 3),
            how_to=(
                "Sit with the weight resting on the sore side's knee, foot flat on the floor.\n"
                "Lift and lower the heel slowly, at the tempo on the card."
            ),
        ),
        Exercise(
            id="leg_press_calf_raise",
            name="Leg-press calf raise (gym)",
            stages=(3, 4),
            kind=ExerciseKind.REPS,
            knee=Knee.STRAIGHT,
            stance=Stance.TWO_LEGS,
            surface=Surface.FLOOR,
            equipment=_GYM,
            tempo_s=(3, 3),
            machine=True,
            how_to=(
                "On the leg press, knees straight, balls of the feet on the platform's edge.\n"
                "Push the platform away with your ankles, then return, at the card's tempo;\n"
                "stop where the ankle is level if the pain is at the heel bone."
            ),
        ),
        Exercise(
            id="seated_machine_calf_raise",
            name="Seated calf-raise machine (gym)",
            stages=(3, 4),
            kind=ExerciseKind.REPS,
            knee=Knee.BENT,
            stance=Stance.TWO_LEGS,
            surface=Surface.FLOOR,
            equipment=_GYM,
            tempo_s=(3, 3),
            machine=True,
            how_to=(
                "Sit in the machine, pad on your thighs, the balls of the feet on the bar.\n"
                "Lift and lower at the card's tempo; keep the heels level with the bar if\n"
                "the pain is at the heel bone."
            ),
        ),
        Exercise(
            id="sl_loaded_hold",
            name="Single-leg loaded calf-raise hold",
            stages=(3, 4),
            kind=ExerciseKind.HOLD,
            knee=Knee.STRAIGHT,
            stance=Stance.SINGLE_LEG,
            surface=Surface.FLOOR,
            how_to=(
                "Stand on the sore leg on flat floor holding the weight, a hand on a support.\n"
                "Lift the heel halfway and hold it there firmly; rest two minutes between holds."
            ),
        ),
        # ---- Stage 4: elastic and plyometric --------------------------------------------------
        Exercise(
            id="hop_two_legs",
            name="Mini hops, both legs",
            stages=(4,),
            kind=ExerciseKind.PLYO,
            knee=Knee.STRAIGHT,
            stance=Stance.TWO_LEGS,
            surface=Surface.FLOOR,
            how_to=(
                "Small, quick, springy hops on the balls of both feet, knees nearly straight.\n"
                "Each landing is one ground contact; rest a minute between sets."
            ),
        ),
        Exercise(
            id="hop_single_leg",
            name="Mini hops, single leg",
            stages=(4,),
            kind=ExerciseKind.PLYO,
            knee=Knee.STRAIGHT,
            stance=Stance.SINGLE_LEG,
            surface=Surface.FLOOR,
            how_to=(
                "Small springy hops on the sore leg only, staying on the ball of the foot.\n"
                "Stop the set if the landing turns heavy or the pain passes 3/10."
            ),
        ),
        Exercise(
            id="skipping",
            name="Skipping",
            stages=(4,),
            kind=ExerciseKind.PLYO,
            knee=Knee.STRAIGHT,
            stance=Stance.TWO_LEGS,
            surface=Surface.FLOOR,
            how_to=(
                "Skip lightly on the spot or with a rope, landing softly on your forefoot.\n"
                "Count every landing as one contact."
            ),
        ),
        Exercise(
            id="acceleration_runs",
            name="Short acceleration runs",
            stages=(4,),
            kind=ExerciseKind.PLYO,
            knee=Knee.STRAIGHT,
            stance=Stance.TWO_LEGS,  # strides alternate the legs: no one-leg sets apart
            surface=Surface.FLOOR,
            how_to=(
                "Build from a jog to a brisk run over about 20 metres, then walk back.\n"
                "Count foot strikes as contacts; no all-out sprinting."
            ),
        ),
        Exercise(
            id="walk_jog",
            name="Walk–jog",
            stages=(4,),
            kind=ExerciseKind.RUN,
            knee=Knee.STRAIGHT,
            stance=Stance.TWO_LEGS,
            surface=Surface.FLOOR,
            how_to=(
                "On level ground, walk briskly for the walk time, then jog easily.\n"
                "Easy pace: you can talk in full sentences. Stop if the pain passes 3/10."
            ),
        ),
        Exercise(
            id="bounding",
            name="Bounding",
            stages=(4,),
            kind=ExerciseKind.PLYO,
            knee=Knee.STRAIGHT,
            stance=Stance.TWO_LEGS,  # strides alternate the legs: no one-leg sets apart
            surface=Surface.FLOOR,
            how_to=(
                "Long, springy running strides, pushing off strongly from each foot.\n"
                "Each landing is one contact; walk back between sets."
            ),
        ),
    ]
}


# --------------------------------------------------------------------------------------------
# Stage 1 ladder: isometric holds (one ladder per entry irritability)
# --------------------------------------------------------------------------------------------


class HoldRung(_Frozen):
    sets: int = Field(ge=1)
    hold_s: int = Field(ge=5)
    rest_s: int = Field(ge=0)


def _holds(*rows: tuple[int, int, int]) -> tuple[HoldRung, ...]:
    return tuple(HoldRung(sets=s, hold_s=h, rest_s=r) for s, h, r in rows)


# Entry: high 3 x 10 s, moderate 4 x 20 s, low 5 x 30 s. Hold +5 s per rung up to 45 s, then
# one more hold per rung up to 5. Rest grows with the hold (20 s for short holds, 60 s at 40+).
STAGE1_EXERCISES: tuple[str, ...] = ("iso_calf_hold_straight", "iso_calf_hold_bent")
STAGE1_LADDERS: dict[Irritability, tuple[HoldRung, ...]] = {
    #                       (sets, hold s, rest s)
    Irritability.HIGH: _holds(
        (3, 10, 20),
        (3, 15, 20),
        (3, 20, 30),
        (3, 25, 30),
        (3, 30, 45),
        (3, 35, 45),
        (3, 40, 60),
        (3, 45, 60),
        (4, 45, 60),
        (5, 45, 60),
    ),
    Irritability.MODERATE: _holds(
        (4, 20, 45),
        (4, 25, 45),
        (4, 30, 45),
        (4, 35, 60),
        (4, 40, 60),
        (4, 45, 60),
        (5, 45, 60),
    ),
    Irritability.LOW: _holds((5, 30, 60), (5, 35, 60), (5, 40, 60), (5, 45, 60)),
}


# --------------------------------------------------------------------------------------------
# Stage 2 ladder: slow isotonic and eccentric
# --------------------------------------------------------------------------------------------


class RepsRung(_Frozen):
    sets: int = Field(ge=1)
    reps: int = Field(ge=1)
    rest_s: int = Field(ge=0)
    load_kg: float = Field(0.0, ge=0)
    tempo_s: tuple[int, int] = (3, 3)
    pause_top_s: int = Field(0, ge=0)


# Bodyweight rungs; then +2.5 kg per rung up to the user's equipment (at most 20 % of body
# weight); then, once the load is capped, a slower 4 s / 4 s tempo and a 2 s pause at the top.
STAGE2_BASE_RUNGS: tuple[RepsRung, ...] = (
    RepsRung(sets=2, reps=10, rest_s=60),  # entry, moderate (and everyone coming from Stage 1)
    RepsRung(sets=3, reps=10, rest_s=60),  # entry, low irritability with 10-24 raises
    RepsRung(sets=3, reps=12, rest_s=75),
    RepsRung(sets=3, reps=15, rest_s=90),  # entry, low irritability with 25+ raises
)
STAGE2_ENTRY_RUNG: dict[str, int] = {"default": 0, "low": 1, "low_25_plus": 3}
STAGE2_MID_PORTION_EXERCISES: tuple[str, ...] = (
    "slow_calf_raise",
    "heel_drop_straight_step",
    "heel_drop_bent_step",
    "seated_calf_raise",
)
STAGE2_FLOOR_EXERCISES: tuple[str, ...] = (
    "slow_calf_raise",
    "heel_drop_straight_floor",
    "heel_drop_bent_floor",
    "seated_calf_raise",
)


# --------------------------------------------------------------------------------------------
# Stage 3: heavy slow resistance, Beyer 2015 week schedule
# --------------------------------------------------------------------------------------------


class BeyerPhase(_Frozen):
    first_week: int = Field(ge=1)
    last_week: int | None  # None: open-ended
    sets: int = Field(ge=1)
    reps: int = Field(ge=1)  # the repetition maximum (xRM) of the phase
    rest_s: int = Field(ge=0)
    percent_1rm: int = Field(gt=0, le=100)  # rough %1RM of that RM, to rescale loads


BEYER_SCHEDULE: tuple[BeyerPhase, ...] = (
    BeyerPhase(first_week=1, last_week=1, sets=3, reps=15, rest_s=120, percent_1rm=65),
    BeyerPhase(first_week=2, last_week=3, sets=3, reps=12, rest_s=120, percent_1rm=70),
    BeyerPhase(first_week=4, last_week=5, sets=4, reps=10, rest_s=150, percent_1rm=75),
    BeyerPhase(first_week=6, last_week=8, sets=4, reps=8, rest_s=180, percent_1rm=80),
    BeyerPhase(first_week=9, last_week=None, sets=4, reps=6, rest_s=180, percent_1rm=85),
)

STAGE3_HOME_EXERCISES: tuple[str, ...] = ("sl_calf_raise", "sl_seated_calf_raise", "sl_loaded_hold")
STAGE3_GYM_EXERCISES: tuple[str, ...] = (
    "leg_press_calf_raise",
    "seated_machine_calf_raise",
    "sl_calf_raise",
    "sl_loaded_hold",
)
# "sl_calf_raise" resolves to the step version for mid-portion with a step, else the floor one.


# --------------------------------------------------------------------------------------------
# Stage 4: ground contacts
# --------------------------------------------------------------------------------------------


class PlyoDose(_Frozen):
    sets: int = Field(ge=1)
    contacts_per_set: int = Field(ge=1)

    @property
    def contacts(self) -> int:
        return self.sets * self.contacts_per_set


def _plyo(**doses: tuple[int, int]) -> dict[str, PlyoDose]:
    return {k: PlyoDose(sets=v[0], contacts_per_set=v[1]) for k, v in doses.items()}


# Exercises join in this order; one rung a week at most, alternating "a new drill takes over
# some contacts" and "+10-20 % contacts on everything". Rung 9 is the full ladder.
STAGE4_ORDER: tuple[str, ...] = (
    "hop_two_legs",
    "hop_single_leg",
    "skipping",
    "acceleration_runs",
    "bounding",
)
STAGE4_LADDER: tuple[dict[str, PlyoDose], ...] = (
    # R2: total contacts rise at most 20 % a rung (one rung a week at most); a new drill takes
    # over part of the contacts of the drills before it, so the rung that adds it keeps (or
    # lowers) the session's total.
    _plyo(hop_two_legs=(3, 20)),  # 60
    _plyo(hop_two_legs=(3, 23)),  # 69
    _plyo(hop_two_legs=(3, 16), hop_single_leg=(3, 7)),  # 69: single-leg hops take over
    _plyo(hop_two_legs=(3, 18), hop_single_leg=(3, 8)),  # 78
    _plyo(hop_two_legs=(3, 20), hop_single_leg=(3, 9)),  # 87
    _plyo(hop_two_legs=(3, 13), hop_single_leg=(3, 9), skipping=(3, 7)),  # 87
    _plyo(hop_two_legs=(3, 15), hop_single_leg=(3, 10), skipping=(3, 8)),  # 99
    _plyo(
        hop_two_legs=(3, 9), hop_single_leg=(3, 10), skipping=(3, 6), acceleration_runs=(4, 6)
    ),  # 99
    _plyo(
        hop_two_legs=(3, 10), hop_single_leg=(3, 11), skipping=(3, 7), acceleration_runs=(4, 7)
    ),  # 112
    _plyo(
        hop_two_legs=(3, 6),
        hop_single_leg=(3, 11),
        skipping=(3, 6),
        acceleration_runs=(4, 7),
        bounding=(3, 4),
    ),  # 109: the full ladder
    _plyo(
        hop_two_legs=(3, 7),
        hop_single_leg=(3, 12),
        skipping=(3, 7),
        acceleration_runs=(4, 8),
        bounding=(3, 5),
    ),  # 125
)
STAGE4_FULL_RUNG = 9
STAGE4_REST_S = 60
STAGE4_WEEKLY_GROWTH = (0.10, 0.20)  # allowed contact rise per week when green


# --------------------------------------------------------------------------------------------
# Return to running (R2, part of Stage 4)
# --------------------------------------------------------------------------------------------


class RunStep(_Frozen):
    reps: int = Field(ge=1)
    walk_min: float = Field(ge=0)
    jog_min: float = Field(gt=0)
    change: str = ""  # past 30 minutes: one change at a time, pace or hills, in plain words

    @property
    def running_minutes(self) -> float:
        return self.reps * self.jog_min


def _runs(*rows: tuple[int, float, float]) -> tuple[RunStep, ...]:
    return tuple(RunStep(reps=r, walk_min=w, jog_min=j) for r, w, j in rows)


# A walk-jog block on level ground: 4 x (walk 2 min, jog 2 min) up to 30 min of continuous
# easy running, at most +20 % running minutes a step (one step a week at most); then pace or
# hills, one change at a time, the minutes unchanged.
_RUN_BUILD: tuple[RunStep, ...] = _runs(
    (4, 2, 2),  # 8 min running
    (3, 1, 3),  # 9
    (3, 1, 3.5),  # 10.5
    (3, 1, 4),  # 12
    (2, 1, 7),  # 14
    (2, 1, 8),  # 16
    (2, 1, 9.5),  # 19
    (2, 1, 11),  # 22
    (1, 0, 26),  # 26, continuous
    (1, 0, 30),  # 30, continuous
)
RUN_LADDER: tuple[RunStep, ...] = (
    *_RUN_BUILD,
    RunStep(reps=1, walk_min=0, jog_min=30, change="with 4 bursts of 30 s a little faster"),
    RunStep(reps=1, walk_min=0, jog_min=30, change="with 6 bursts of 30 s a little faster"),
    RunStep(reps=1, walk_min=0, jog_min=30, change="on a gently hilly route, easy pace"),
)
RUN_CONTINUOUS_30 = len(_RUN_BUILD) - 1  # the step of 30 minutes of continuous easy running
RUN_REST_S = 0


# --------------------------------------------------------------------------------------------
# Referral (R2, section 5): "not getting better"
# --------------------------------------------------------------------------------------------


class Referral(_Frozen):
    flares: int = 3  # this many flares ...
    flares_days: int = 14  # ... within this many days
    severe_morning: int = 7  # morning pain at or above this ...
    severe_mornings: int = 3  # ... on this many mornings ...
    severe_days: int = 7  # ... within this many days
    stuck_days: int = 21  # no step up for this long ...
    stuck_not_green_days: int = 7  # ... with amber or red answers on at least this many days
    rising_weeks: int = 3  # the weekly mean morning score rising this many weeks in a row
    rising_min_step: float = 0.5  # ... each week by at least this much


REFERRAL = Referral()
